#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/policy.h"

namespace veil::formats {

// Private keys printed one text line per record (`cat key.pem`, a container that logs its
// key, a pod's `kubectl logs`): the BEGIN armor line is a finding of the private-key rules, but
// the base64 lines after it look like nothing on their own. These functions let a stream of
// records carry that context from one record to the next; the stream keeps the state.

// The rule whose findings the body lines of a key become: `private-key-block`, else
// `private-key-header`; none when both are disabled, and then no block is ever tracked.
std::optional<uint32_t> keyBlockRule(const core::Policy& policy);

// Whether `record` starts a private-key block that it does not finish: its last armor line
// is `-----BEGIN … PRIVATE KEY-----` with no `-----END` after it.
bool opensKeyBlock(std::string_view record);

// Where the key material is in a record that follows an open block: [begin, end) to mask,
// empty for a blank line or an armor header (`Proc-Type:`, `Version:` …) that keeps the block
// open. Nullopt when the record is no part of a key body (the END line, any other text): the
// block is over.
//
// A body line is base64 on its own, or the base64 after a log prefix (`2026-… app[7]: MIIE…`);
// after a prefix the base64 must be at least 16 characters or end in padding, so that an
// ordinary line ending in a short word does not read as key material.
struct KeyBodySpan {
  size_t begin = 0, end = 0;
};
std::optional<KeyBodySpan> keyBodySpan(std::string_view record);

}  // namespace veil::formats
