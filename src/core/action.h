#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace veil::core {

// What happens to the bytes of a finding.
enum class ActionKind { kMask, kPartial, kHash, kTruncate, kDrop };

struct Action {
  ActionKind kind = ActionKind::kMask;
  // kMask: replacement text; `{rule}` and `{category}` are substituted.
  std::string mask_template = "[REDACTED:{rule}]";
  // kPartial: characters (UTF-8 code points) kept at each end; the rest become '*'. A value
  // where that would hide less than a third is starred whole.
  size_t keep_first = 0;
  size_t keep_last = 4;
  // kTruncate: bytes kept (cut back to a UTF-8 boundary), then `truncate_marker`.
  size_t max_bytes = 48;
  std::string truncate_marker = "...[truncated]";
};

// "mask", "partial", "hash", "truncate", "drop".
std::string_view actionName(ActionKind kind);
std::optional<ActionKind> parseActionKind(std::string_view name);

// The key of the `hash` action: HMAC-SHA256 keyed with HKDF-SHA256 of secret material, named
// by a short id that goes into every hash so keys can rotate (`hmac:k1:…`).
struct HashKey {
  std::string id;
  std::array<uint8_t, 32> key{};
};

// Derives a HashKey from key material (file contents or environment value). Returns nullopt
// when the material is empty or the derivation fails.
std::optional<HashKey> deriveHashKey(std::string_view material, std::string id);

// Appends `hmac:<id>:<32 hex digits>` (the first 128 bits of HMAC-SHA256 of `value`).
void appendKeyedHash(const HashKey& key, std::string_view value, std::string& out);

// Appends `value` with all but the first and last characters starred.
void appendPartial(std::string_view value, size_t keep_first, size_t keep_last, std::string& out);

// Appends at most `max_bytes` of `value`, cut back to a UTF-8 character boundary, and `marker`
// when anything was cut.
void appendTruncated(std::string_view value, size_t max_bytes, std::string_view marker,
                     std::string& out);

}  // namespace veil::core
