#include "app/rule_test.h"

#include <algorithm>

#include "core/pattern_set.h"

namespace veil::app {
namespace {

bool ruleFinds(const core::Policy& policy, core::ScanContext& ctx, uint32_t rule,
               const std::string& text, std::vector<core::Finding>& findings) {
  findings.clear();
  // Unmerged findings: a neighbouring rule's overlapping finding must not hide this one's.
  policy.patterns().findAll(ctx, text, findings);
  return std::any_of(findings.begin(), findings.end(),
                     [&](const core::Finding& f) { return f.rule == rule; });
}

}  // namespace

std::vector<ExampleFailure> checkRuleExamples(const core::Policy& policy,
                                              const std::vector<std::string>& packs) {
  std::vector<ExampleFailure> failures;
  core::ScanContext ctx(policy.patterns());
  std::vector<core::Finding> findings;
  const auto& rules = policy.rules();
  for (uint32_t i = 0; i < rules.size(); ++i) {
    const core::Rule& rule = rules[i];
    if (!packs.empty() && std::find(packs.begin(), packs.end(), rule.pack) == packs.end()) continue;
    if (rule.match_examples.empty())
      failures.push_back({rule.id, rule.origin, "", "has no examples.match"});
    if (rule.no_match_examples.empty())
      failures.push_back({rule.id, rule.origin, "", "has no examples.no_match"});
    for (const auto& example : rule.match_examples) {
      if (!ruleFinds(policy, ctx, i, example, findings))
        failures.push_back({rule.id, rule.origin, example, "match example is not found"});
    }
    for (const auto& example : rule.no_match_examples) {
      if (ruleFinds(policy, ctx, i, example, findings))
        failures.push_back({rule.id, rule.origin, example, "no_match example is found"});
    }
  }
  return failures;
}

}  // namespace veil::app
