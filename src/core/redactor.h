#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/finding.h"
#include "core/pattern_set.h"
#include "core/policy.h"

namespace veil::core {

// Turns one value into its findings and its redacted form under a Policy. Stateless apart
// from the policy it holds; thread-safe as long as each thread passes its own ScanContext.
class Redactor {
 public:
  explicit Redactor(const Policy& policy) : policy_(&policy) {}

  // The merged findings in `value`, sorted by position. The returned reference points into
  // `ctx` and stays valid until the next call with the same context.
  const std::vector<Finding>& scan(ScanContext& ctx, std::string_view value) const;

  // Appends `value` to `out` with every finding replaced; returns the number of merged
  // findings (0: `value` was appended unchanged).
  size_t redact(ScanContext& ctx, std::string_view value, std::string& out) const;

  // Appends `value` to `out` with the given merged findings (offsets into `value`) replaced.
  void apply(std::string_view value, const std::vector<Finding>& findings, std::string& out) const;

  // Appends the replacement text for one finding whose original bytes are `secret`, as its
  // rule's action says (nothing for `drop`).
  void appendReplacement(const Finding& finding, std::string_view secret, std::string& out) const;

  // Appends `rule`'s mask template with {rule} and {category} filled in.
  void appendMask(uint32_t rule, std::string& out) const;

  const Policy& policy() const { return *policy_; }

 private:
  const Policy* policy_;
};

}  // namespace veil::core
