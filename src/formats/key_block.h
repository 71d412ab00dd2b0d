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
// is `-----BEGIN … PRIVATE KEY-----`, followed by nothing or by base64 only (no END).
bool opensKeyBlock(std::string_view record);

// Where the key material is in a record that follows an open block: [begin, end) to mask;
// empty for a blank line or an armor header (`Proc-Type:`, `Version:` …), which keep the block
// open and are redacted like any record. Nullopt when the record is no part of a key body (the
// END line, any other text): the block is over.
//
// In a JSON record (Docker's json-file driver writes each line a container prints as
// {"log":"MIIE…\n", …}) the same holds for its string values.
//
// A body line is base64 on its own, or after a log prefix (`2026-… app[7]: MIIE…`), that reads
// as encoded bytes (mixed case and digits or symbols; looser for the short last line), so that
// a word, a number or a path after a stray BEGIN line does not read as key material.
struct KeyBodySpan {
  size_t begin = 0, end = 0;
};
std::optional<KeyBodySpan> keyBodySpan(std::string_view record);

// The message member (`log`, `msg`, `message` …) of a JSON record as its raw text (JSON
// escapes kept, a trailing escaped newline left off) and where that starts in the record;
// nullopt for a text record or one without such a member. Other formats/ modules that carry
// context from one printed line to the next read the line from here too.
struct RecordMessage {
  std::string_view text;
  size_t at = 0;
};
std::optional<RecordMessage> jsonRecordMessage(std::string_view record);

}  // namespace veil::formats
