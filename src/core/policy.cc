#include "core/policy.h"

#include <stdexcept>

namespace veil::core {

Policy::Policy(std::shared_ptr<const PatternSet> patterns, std::vector<Action> actions)
    : patterns_(std::move(patterns)), actions_(std::move(actions)) {
  if (actions_.size() != patterns_->rules().size()) {
    throw std::invalid_argument("Policy: one action per rule required");
  }
}

}  // namespace veil::core
