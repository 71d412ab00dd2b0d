#pragma once

#include <simdjson.h>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/pattern_set.h"
#include "core/policy.h"
#include "core/redactor.h"

namespace veil::formats {

// How deep JSON held inside JSON strings is redacted structurally; deeper, it is text.
constexpr int kMaxNestedJson = 3;

// Per-thread working state for redacting records: the engine's scan context, one simdjson
// parser per level of JSON-in-a-string, and reusable buffers. Move-only; one per thread.
struct Workspace {
  explicit Workspace(const core::Policy& policy) : scan(policy.patterns()) {}
  Workspace(Workspace&&) = default;

  core::ScanContext scan;
  std::vector<core::Finding> findings;
  std::string context;  // scratch: a value with its field name in front
  // Scratch for the percent-decoded view of a text: its bytes, where each came from in the
  // original, and the findings in it.
  std::string decoded;
  std::vector<uint32_t> decoded_from;
  std::vector<core::Finding> decoded_findings;
  struct Level {
    simdjson::ondemand::parser parser;
    std::string padded;  // the document, with simdjson's padding after it
    struct Edit {
      size_t begin, end;       // bytes of the document replaced
      size_t text_begin, text_end;  // the replacement, in `replacements`
    };
    std::vector<Edit> edits;
    std::string replacements;
    std::string value;  // scratch: a redacted string value before escaping
  };
  std::array<Level, kMaxNestedJson + 1> levels;

  // Counters since construction.
  uint64_t json_records = 0;
  uint64_t json_fallbacks = 0;  // looked like JSON, did not parse: scanned as text
};

// Whether `text` (blanks around it aside) is a JSON object or array: such records and strings
// are redacted structurally rather than as text.
bool looksLikeJson(std::string_view text);

// Finds the values in one record and hands them to the core Redactor. A record that starts
// with `{` or `[` is JSON: every string value (and key) is scanned, values under sensitive
// field names are replaced whatever they hold, and only replaced values change. Anything else,
// and JSON that does not parse, is scanned as text.
class RecordRedactor {
 public:
  explicit RecordRedactor(const core::Policy& policy) : policy_(policy), redactor_(policy) {}

  // Appends the redacted form of `record` (one line, without its terminator) to `out`;
  // returns the number of values replaced. Never fails on any input bytes.
  size_t redact(Workspace& workspace, std::string_view record, std::string& out) const;

  // Like redact(), but a record that comes out unchanged is not copied: nothing is appended and
  // 0 is returned, so a caller can pass the original bytes on without a copy.
  size_t redactIfChanged(Workspace& workspace, std::string_view record, std::string& out) const;

  // Text only: pattern rules plus field-name rules on `key=value`-style text.
  size_t redactText(Workspace& workspace, std::string_view text, std::string& out) const;

  // Like redactText for a JSON string `value` under field `key`: rules are run over
  // `"key": "value"` so that those needing the name as context (`"aws_secret_access_key":
  // "…"`) still match, and only findings inside the value count.
  size_t redactFieldText(Workspace& workspace, std::string_view key, std::string_view value,
                         std::string& out) const;

  // redactText() with one more finding known from outside the text (a value named on the line
  // before it: formats/split_pairs.h).
  size_t redactTextWith(Workspace& workspace, std::string_view text, core::Finding known,
                        std::string& out) const;

  const core::Redactor& redactor() const { return redactor_; }
  const core::Policy& policy() const { return policy_; }

 private:
  enum class JsonOutcome { kUnchanged, kRedacted, kInvalid };
  size_t redactTextIfChanged(Workspace& workspace, std::string_view text, std::string& out) const;
  JsonOutcome redactJson(Workspace& workspace, int level, std::string_view json,
                         std::string& out, size_t& replaced) const;
  class JsonWalk;
  // Fills workspace.findings (unmerged) for `text`, also looking through percent-encoding.
  void collectTextFindings(Workspace& workspace, std::string_view text) const;
  // Appends pattern and text-field findings for `text` to `findings`.
  void appendTextFindings(Workspace& workspace, std::string_view text,
                          std::vector<core::Finding>& findings) const;

  const core::Policy& policy_;
  core::Redactor redactor_;
};

}  // namespace veil::formats
