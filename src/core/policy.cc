#include "core/policy.h"

#include <stdexcept>

namespace veil::core {

Policy::Policy(std::shared_ptr<const PatternSet> patterns, std::vector<Action> actions,
               std::shared_ptr<const FieldNames> fields, std::vector<Action> field_actions)
    : patterns_(std::move(patterns)),
      actions_(std::move(actions)),
      fields_(std::move(fields)),
      field_actions_(std::move(field_actions)) {
  if (actions_.size() != patterns_->rules().size()) {
    throw std::invalid_argument("Policy: one action per rule required");
  }
  if (field_actions_.size() != (fields_ ? fields_->rules().size() : 0)) {
    throw std::invalid_argument("Policy: one action per field rule required");
  }
}

const std::string& Policy::ruleId(uint32_t rule) const {
  const size_t patterns = rules().size();
  return rule < patterns ? rules()[rule].id : fields_->rules()[rule - patterns].id;
}

const std::string& Policy::ruleCategory(uint32_t rule) const {
  const size_t patterns = rules().size();
  return rule < patterns ? rules()[rule].category : fields_->rules()[rule - patterns].category;
}

const Action& Policy::actionFor(uint32_t rule) const {
  const size_t patterns = rules().size();
  return rule < patterns ? actions_[rule] : field_actions_[rule - patterns];
}

bool Policy::fieldValueSensitive(uint32_t rule, std::string_view value) const {
  const size_t patterns = rules().size();
  if (rule < patterns || !fields_) return true;
  const auto& validator = fields_->rules()[rule - patterns].validator;
  return !validator || (*validator)(value);
}

std::optional<uint32_t> Policy::sensitiveField(std::string_view name) const {
  if (!fields_) return std::nullopt;
  const auto rule = fields_->match(name);
  if (!rule) return std::nullopt;
  return static_cast<uint32_t>(rules().size() + *rule);
}

}  // namespace veil::core
