// PCRE2's JIT finds spans for speed and RE2 says what a span is (core/span_regex.h): for every
// bundled rule, the two must agree on the rule's examples and on values built from them.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "app/pack_loader.h"
#include "app/policy_builder.h"
#include "core/span_regex.h"

namespace veil::app {
namespace {

std::string spans(const core::SpanRegex& regex, std::string_view value, core::SpanScratch& scratch) {
  std::vector<core::SpanMatch> found;
  if (!regex.findAll(scratch, 0, value, found)) return "refused";
  std::string out;
  for (const auto& m : found) {
    out += std::to_string(m.begin) + "-" + std::to_string(m.end) + ":" + std::to_string(m.secret_begin) +
           "-" + std::to_string(m.secret_end) + " ";
  }
  return out;
}

// The examples, each with its neighbours around it, cut short, and with the bytes where the
// two dialects could part (VT, CR, a final newline, Latin-1) put in.
std::vector<std::string> valuesFor(const core::Rule& rule) {
  std::vector<std::string> examples = rule.match_examples;
  examples.insert(examples.end(), rule.no_match_examples.begin(), rule.no_match_examples.end());
  std::vector<std::string> values;
  for (size_t i = 0; i < examples.size(); ++i) {
    const std::string& example = examples[i];
    values.push_back(example);
    values.push_back(example + " " + examples[(i + 1) % examples.size()]);
    values.push_back(example.substr(0, example.size() / 2));
    values.push_back(example.substr(example.size() / 3));
    values.push_back(example + "\n");
    std::string spaced = example;
    for (size_t k = 0; k < spaced.size(); ++k) {
      if (spaced[k] == ' ' && k % 3 == 0) spaced[k] = '\x0b';
      if (spaced[k] == '=' && k % 2 == 0) spaced.insert(k + 1, "\r\t");
    }
    values.push_back(spaced);
    values.push_back("\xe9t\xe9 " + example + " \xc9T\xc9");
  }
  return values;
}

TEST(SpanEngineEquivalenceTest, JitAndRe2FindTheSameSpansForEveryBundledRule) {
  const auto packs = loadBundledPacks(std::filesystem::path(VEIL_SOURCE_DIR) / "patterns");
  core::SpanScratch scratch;
  size_t rules = 0, jitted = 0, values = 0;
  for (const auto& pack : packs) {
    for (const auto& rule : pack.rules) {
      std::string error;
      auto jit = core::SpanRegex::compile(rule.pattern, /*check_now=*/true, &error);
      auto linear = core::SpanRegex::compile(rule.pattern, /*check_now=*/true, &error, /*linear_only=*/true);
      ASSERT_TRUE(jit && linear) << rule.id << ": " << error;
      ++rules;
      jitted += jit->jitted();
      for (const std::string& value : valuesFor(rule)) {
        ++values;
        EXPECT_EQ(spans(*jit, value, scratch), spans(*linear, value, scratch)) << rule.id << " on: " << value;
      }
    }
  }
  EXPECT_EQ(scratch.fallbacks(), 0u);
  EXPECT_GT(values, 5000u);
  if (jitted == 0) GTEST_SKIP() << "no JIT on this host (no executable memory): RE2 ran both sides";
  // Every bundled rule is written in the syntax both engines read alike.
  EXPECT_EQ(jitted, rules);
}

}  // namespace
}  // namespace veil::app
