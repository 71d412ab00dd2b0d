#pragma once

#include <string>
#include <vector>

#include "core/policy.h"

namespace veil::app {

// One example of a rule that does not behave as its pack says.
struct ExampleFailure {
  std::string rule;    // rule id
  std::string origin;  // file:line of the rule
  std::string example;
  std::string problem;
};

// Checks every rule of `policy` whose pack is in `packs` (all rules if empty): each must have
// match and no_match examples; each match example must produce a finding of that rule, each
// no_match example none. Examples are synthetic test data from the pack, so reporting them is
// safe.
std::vector<ExampleFailure> checkRuleExamples(const core::Policy& policy,
                                              const std::vector<std::string>& packs = {});

}  // namespace veil::app
