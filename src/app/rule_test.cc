#include "app/rule_test.h"

#include <algorithm>

#include "core/pattern_set.h"
#include "formats/record_redactor.h"

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

// `text` as the value of a JSON string field.
std::string asJsonRecord(const std::string& text) {
  std::string json = "{\"message\":\"";
  for (char c : text) {
    if (c == '"' || c == '\\') json.push_back('\\');
    if (static_cast<unsigned char>(c) < 0x20) {
      static constexpr char kHex[] = "0123456789abcdef";
      json += "\\u00";
      json.push_back(kHex[(c >> 4) & 0xf]);
      json.push_back(kHex[c & 0xf]);
      continue;
    }
    json.push_back(c);
  }
  return json + "\"}";
}

}  // namespace

std::vector<ExampleFailure> checkRuleExamples(const core::Policy& policy,
                                              const std::vector<std::string>& packs) {
  std::vector<ExampleFailure> failures;
  core::ScanContext ctx(policy.patterns());
  formats::RecordRedactor records(policy);
  formats::Workspace workspace(policy);
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
      if (!ruleFinds(policy, ctx, i, example, findings)) {
        failures.push_back({rule.id, rule.origin, example, "match example is not found"});
        continue;
      }
      // The same text inside a JSON string must come out changed, and still as JSON.
      const std::string json = asJsonRecord(example);
      std::string out;
      if (records.redact(workspace, json, out) == 0 || out == json)
        failures.push_back({rule.id, rule.origin, example, "match example is not redacted inside a JSON string"});
      else if (workspace.json_fallbacks != 0)
        failures.push_back({rule.id, rule.origin, example, "JSON record with this example did not parse"});
    }
    for (const auto& example : rule.no_match_examples) {
      if (ruleFinds(policy, ctx, i, example, findings))
        failures.push_back({rule.id, rule.origin, example, "no_match example is found"});
    }
  }
  if (const core::FieldNames* fields = policy.fields()) {
    const uint32_t first = static_cast<uint32_t>(rules.size());
    for (uint32_t i = 0; i < fields->rules().size(); ++i) {
      const core::FieldRule& rule = fields->rules()[i];
      if (!packs.empty() && std::find(packs.begin(), packs.end(), rule.pack) == packs.end()) continue;
      if (rule.match_examples.empty())
        failures.push_back({rule.id, rule.origin, "", "has no examples.match"});
      if (rule.no_match_examples.empty())
        failures.push_back({rule.id, rule.origin, "", "has no examples.no_match"});
      for (const auto& name : rule.match_examples) {
        if (policy.sensitiveField(name) != first + i)
          failures.push_back({rule.id, rule.origin, name, "match example is not this rule's field"});
      }
      for (const auto& name : rule.no_match_examples) {
        if (const auto other = policy.sensitiveField(name))
          failures.push_back({rule.id, rule.origin, name,
                              "no_match example is sensitive (rule '" + policy.ruleId(*other) + "')"});
      }
    }
  }
  return failures;
}

}  // namespace veil::app
