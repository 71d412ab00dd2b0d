#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace veil::core {

// A rule's match in a value: the half-open byte range [begin, end) that must not leave.
struct Finding {
  uint32_t rule = 0;  // index into the policy's rules
  size_t begin = 0;
  size_t end = 0;
  bool operator==(const Finding&) const = default;
};

// Sorts findings and merges every overlapping pair into one range, so that no byte of any
// finding survives replacement. A merged finding keeps the rule of the finding that starts
// first (on a tie, the longer one). Touching but not overlapping findings stay separate.
void mergeOverlapping(std::vector<Finding>& findings);

}  // namespace veil::core
