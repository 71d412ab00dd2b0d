#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/policy.h"

namespace veil::formats {

// A name and its value on two consecutive lines, the way Kubernetes manifests, `kubectl get
// -o yaml` and Helm's debug output print environment variables:
//
//       - name: DB_PASSWORD
//         value: s3cr3t
//
// Each line alone holds nothing sensitive; a stream of records keeps the line before.
struct SplitValue {
  uint32_t rule = 0;  // the field rule the name matches
  size_t begin = 0, end = 0;  // the value in the second line
};

// The value in `line` to mask when `previous` names a sensitive field: `previous` holds
// `name: NAME` (after a list dash, a log prefix or nothing), `line` holds `value: VALUE`
// starting in the same column, NAME is a sensitive field name and VALUE no placeholder.
std::optional<SplitValue> valueNamedByPreviousLine(const core::Policy& policy, std::string_view previous,
                                                   std::string_view line);

}  // namespace veil::formats
