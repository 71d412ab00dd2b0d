#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "core/pattern_set.h"
#include "core/policy.h"

namespace veil::testing {

// Builds a policy from (id, pattern) pairs with the default mask action, for tests.
inline std::shared_ptr<const core::Policy> makePolicy(
    const std::vector<std::pair<std::string, std::string>>& rules_by_id,
    const std::string& mask_template = "[REDACTED:{rule}]") {
  std::vector<core::Rule> rules;
  for (const auto& [id, pattern] : rules_by_id) {
    core::Rule rule;
    rule.id = id;
    rule.category = "secret";
    rule.pattern = pattern;
    rules.push_back(rule);
  }
  core::CompileError error;
  bool from_cache = false;
  auto patterns = core::PatternSet::build(rules, {}, &error, &from_cache);
  if (!patterns) throw std::runtime_error("test policy does not compile: " + error.message);
  std::vector<core::Action> actions(rules.size());
  for (auto& action : actions) action.mask_template = mask_template;
  return std::make_shared<const core::Policy>(std::move(patterns), std::move(actions));
}

// The rules issue #3 asks for, written inline so core tests do not depend on pack files.
inline std::vector<std::pair<std::string, std::string>> foundationRules() {
  return {
      {"github-token", R"(\bgh[pousr]_[A-Za-z0-9]{36}\b)"},
      {"aws-access-key-id", R"(\b(?:AKIA|ASIA)[A-Z0-9]{16}\b)"},
      {"slack-token", R"(\bxox[baprs]-[A-Za-z0-9-]{10,72}\b)"},
      {"jwt", R"(\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,})"},
      {"password-assignment", R"((?i)\bpassword\s*[=:]\s*(?P<secret>[^\s,;&"']{4,}))"},
  };
}

}  // namespace veil::testing
