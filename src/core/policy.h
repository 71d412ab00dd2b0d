#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/action.h"
#include "core/field_names.h"
#include "core/pattern_set.h"

namespace veil::core {

// Everything the per-record path needs, compiled once and shared read-only between threads:
// the pattern set, the field-name rules and the action each rule's findings get. A reload
// builds a new Policy and swaps it in whole.
//
// Rules are numbered in one space: pattern rules first (as in patterns().rules()), then field
// rules. Finding::rule and the per-rule counters use these numbers.
class Policy {
 public:
  // `actions` has one entry per pattern rule, `field_actions` one per field rule.
  Policy(std::shared_ptr<const PatternSet> patterns, std::vector<Action> actions,
         std::shared_ptr<const FieldNames> fields = nullptr,
         std::vector<Action> field_actions = {});

  const PatternSet& patterns() const { return *patterns_; }
  const std::vector<Rule>& rules() const { return patterns_->rules(); }
  // Null when no field-name rules are enabled.
  const FieldNames* fields() const { return fields_.get(); }

  size_t ruleCount() const { return rules().size() + field_actions_.size(); }
  const std::string& ruleId(uint32_t rule) const;
  const std::string& ruleCategory(uint32_t rule) const;
  const Action& actionFor(uint32_t rule) const;

  // The rule (in the shared numbering) that makes a field called `name` sensitive.
  std::optional<uint32_t> sensitiveField(std::string_view name) const;

  // Whether a string `value` under a field that `rule` (from sensitiveField) names is sensitive:
  // always, unless the field rule has a validator that refuses it.
  bool fieldValueSensitive(uint32_t rule, std::string_view value) const;

  // The key of the `hash` action; null when no key is configured.
  const HashKey* hashKey() const { return hash_key_ ? &*hash_key_ : nullptr; }
  void setHashKey(HashKey key) { hash_key_ = std::move(key); }

 private:
  std::shared_ptr<const PatternSet> patterns_;
  std::vector<Action> actions_;
  std::shared_ptr<const FieldNames> fields_;
  std::vector<Action> field_actions_;
  std::optional<HashKey> hash_key_;
};

}  // namespace veil::core
