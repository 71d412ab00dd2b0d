#pragma once

#include <string_view>
#include <vector>

#include "core/finding.h"
#include "core/policy.h"

namespace veil::formats {

// Finds values in free text whose key names a secret (field-name rules applied to text):
// logfmt `key=value` and `key="quoted value"`, `key: value`, HTTP header lines
// (`Authorization: Bearer …`, whole rest of the line), query strings (`?access_token=…&`),
// JSON-ish `"key": "value"` and CLI flags (`--password value`). Appends one finding per value,
// numbered like Policy rules.
void findSensitiveFieldValues(const core::Policy& policy, std::string_view text,
                              std::vector<core::Finding>& out);


}  // namespace veil::formats
