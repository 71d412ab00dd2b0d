#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/action.h"
#include "core/pattern_set.h"

namespace veil::core {

// Everything the per-record path needs, compiled once and shared read-only between threads:
// the pattern set and the action each rule's findings get. A reload builds a new Policy and
// swaps it in whole.
class Policy {
 public:
  // `actions` has one entry per rule of `patterns`, in the same order.
  Policy(std::shared_ptr<const PatternSet> patterns, std::vector<Action> actions);

  const PatternSet& patterns() const { return *patterns_; }
  const std::vector<Rule>& rules() const { return patterns_->rules(); }
  const Action& actionFor(uint32_t rule) const { return actions_[rule]; }

 private:
  std::shared_ptr<const PatternSet> patterns_;
  std::vector<Action> actions_;
};

}  // namespace veil::core
