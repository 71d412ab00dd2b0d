#pragma once

#include <cstddef>
#include <string>

namespace veil::core {

// What happens to the bytes of a finding.
enum class ActionKind { kMask, kPartial, kHash, kTruncate, kDrop };

struct Action {
  ActionKind kind = ActionKind::kMask;
  // kMask: replacement text; `{rule}` and `{category}` are substituted.
  std::string mask_template = "[REDACTED:{rule}]";
};

}  // namespace veil::core
