#include "core/finding.h"

#include <algorithm>

namespace veil::core {

void mergeOverlapping(std::vector<Finding>& findings) {
  if (findings.size() < 2) return;
  std::sort(findings.begin(), findings.end(), [](const Finding& a, const Finding& b) {
    if (a.begin != b.begin) return a.begin < b.begin;
    if (a.end != b.end) return a.end > b.end;
    return a.rule < b.rule;
  });
  size_t kept = 0;
  for (size_t i = 1; i < findings.size(); ++i) {
    Finding& last = findings[kept];
    if (findings[i].begin < last.end) {
      last.end = std::max(last.end, findings[i].end);
    } else {
      findings[++kept] = findings[i];
    }
  }
  findings.resize(kept + 1);
}

}  // namespace veil::core
