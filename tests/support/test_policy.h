#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "core/field_names.h"
#include "core/pattern_set.h"
#include "core/policy.h"

namespace veil::testing {

// Field-name rules for tests: (id, suffix names).
using FieldRuleSpec = std::pair<std::string, std::vector<std::string>>;

// Builds a policy from (id, pattern) pairs and optional suffix field rules with the default
// mask action, for tests.
inline std::shared_ptr<const core::Policy> makePolicy(
    const std::vector<std::pair<std::string, std::string>>& rules_by_id,
    const std::string& mask_template = "[REDACTED:{rule}]",
    const std::vector<FieldRuleSpec>& field_specs = {},
    const std::vector<std::string>& exceptions = {}) {
  std::vector<core::Rule> rules;
  for (const auto& [id, pattern] : rules_by_id) {
    core::Rule rule;
    rule.id = id;
    rule.category = "secret";
    rule.pattern = pattern;
    rules.push_back(rule);
  }
  std::shared_ptr<const core::FieldNames> fields;
  std::vector<std::string> literals;
  std::vector<core::Action> field_actions;
  if (!field_specs.empty()) {
    std::vector<core::FieldRule> field_rules;
    for (const auto& [id, names] : field_specs) {
      core::FieldRule rule;
      rule.id = id;
      rule.category = "credential";
      rule.names = names;
      // As in patterns/keys.yaml: a connection string counts only when it holds a credential.
      if (id == "connection-string-field") rule.validator = core::parseValidator("holds-credential", nullptr);
      field_rules.push_back(rule);
    }
    std::string message;
    fields = core::FieldNames::build(field_rules, exceptions, &message);
    if (!fields) throw std::runtime_error("test field rules do not compile: " + message);
    literals = fields->literals();
    field_actions.resize(field_rules.size());
    for (auto& action : field_actions) action.mask_template = mask_template;
  }
  core::CompileError error;
  bool from_cache = false;
  auto patterns = core::PatternSet::build(rules, {}, &error, &from_cache, literals);
  if (!patterns) throw std::runtime_error("test policy does not compile: " + error.message);
  std::vector<core::Action> actions(rules.size());
  for (auto& action : actions) action.mask_template = mask_template;
  return std::make_shared<const core::Policy>(std::move(patterns), std::move(actions),
                                              std::move(fields), std::move(field_actions));
}

// The rules issue #3 asks for, written inline so core tests do not depend on pack files.
inline std::vector<std::pair<std::string, std::string>> foundationRules() {
  return {
      {"github-token", R"(\bgh[pousr]_[A-Za-z0-9]{36}\b)"},
      {"aws-access-key-id", R"(\b(?:AKIA|ASIA)[A-Z0-9]{16}\b)"},
      {"slack-token", R"(\bxox[baprs]-[A-Za-z0-9-]{10,72}\b)"},
      {"jwt", R"(\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,})"},
      {"password-assignment", R"((?i)\bpassword\s*[=:]\s*(?P<secret>[^\s,;&"']{4,}))"},
      {"private-key-header", R"(-----BEGIN (?:[A-Z0-9]+ ){0,3}PRIVATE KEY-----)"},
  };
}

// Field rules like patterns/keys.yaml, small enough to read in a test.
inline std::vector<FieldRuleSpec> foundationFields() {
  return {
      {"authorization-field", {"authorization", "proxy_authorization", "cookie", "set_cookie"}},
      {"password-field", {"password", "passwd", "pwd", "secret", "client_secret"}},
      {"token-field", {"token", "access_token", "refresh_token", "api_key", "x_api_key"}},
      {"connection-string-field", {"database_url", "connection_string"}},
  };
}

inline std::vector<std::string> foundationExceptions() { return {"page_token", "token_type"}; }

// A policy like `base` with one field rule's action changed (the rest mask), sharing its
// compiled patterns and field names. Mutable so that a test can add a hash key.
inline std::shared_ptr<core::Policy> withFieldAction(const std::shared_ptr<const core::Policy>& base,
                                                     const std::string& id, core::Action action) {
  std::vector<core::Action> actions(base->rules().size());
  std::vector<core::Action> field_actions;
  for (const auto& rule : base->fields()->rules())
    field_actions.push_back(rule.id == id ? action : core::Action{});
  return std::make_shared<core::Policy>(
      std::shared_ptr<const core::PatternSet>(base, &base->patterns()), actions,
      std::shared_ptr<const core::FieldNames>(base, base->fields()), field_actions);
}

}  // namespace veil::testing
