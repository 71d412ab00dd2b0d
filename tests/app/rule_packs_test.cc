// Every bundled rule pack keeps its promises: each rule has examples of both kinds, finds its
// match examples and leaves its look-alikes alone.
#include <gtest/gtest.h>

#include "app/policy_builder.h"
#include "app/rule_test.h"

namespace veil::app {
namespace {

TEST(RulePacksTest, EveryBundledRuleFindsItsExamplesAndSparesItsLookAlikes) {
  PolicyOptions options;
  options.packs = {"all"};
  options.use_cache = false;
  options.patterns_dir = std::filesystem::path(VEIL_SOURCE_DIR) / "patterns";
  const LoadedPolicy loaded = buildPolicy(options);
  ASSERT_FALSE(loaded.policy->rules().empty());
  for (const auto& failure : checkRuleExamples(*loaded.policy)) {
    ADD_FAILURE() << failure.origin << ": rule '" << failure.rule << "' " << failure.problem
                  << (failure.example.empty() ? "" : ": ") << failure.example;
  }
}

}  // namespace
}  // namespace veil::app
