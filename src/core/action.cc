#include "core/action.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>

#include <algorithm>
#include <vector>

namespace veil::core {
namespace {

constexpr std::array<std::pair<std::string_view, ActionKind>, 5> kActions = {{
    {"mask", ActionKind::kMask},
    {"partial", ActionKind::kPartial},
    {"hash", ActionKind::kHash},
    {"truncate", ActionKind::kTruncate},
    {"drop", ActionKind::kDrop},
}};

bool isContinuationByte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

}  // namespace

std::string_view actionName(ActionKind kind) {
  for (const auto& [name, value] : kActions)
    if (value == kind) return name;
  return "mask";
}

std::optional<ActionKind> parseActionKind(std::string_view name) {
  for (const auto& [known, value] : kActions)
    if (known == name) return value;
  return std::nullopt;
}

std::optional<HashKey> deriveHashKey(std::string_view material, std::string id) {
  if (material.empty()) return std::nullopt;
  HashKey key;
  key.id = std::move(id);
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, nullptr);
  if (ctx == nullptr) return std::nullopt;
  // The salt and info strings bind the derived key to this use, so the same material used
  // elsewhere yields unrelated keys.
  static constexpr std::string_view kSalt = "veil-hash-action-v1";
  static constexpr std::string_view kInfo = "hmac-sha256 field values";
  size_t length = key.key.size();
  const bool ok =
      EVP_PKEY_derive_init(ctx) > 0 && EVP_PKEY_CTX_set_hkdf_md(ctx, EVP_sha256()) > 0 &&
      EVP_PKEY_CTX_set1_hkdf_salt(ctx, reinterpret_cast<const unsigned char*>(kSalt.data()),
                                  static_cast<int>(kSalt.size())) > 0 &&
      EVP_PKEY_CTX_set1_hkdf_key(ctx, reinterpret_cast<const unsigned char*>(material.data()),
                                 static_cast<int>(material.size())) > 0 &&
      EVP_PKEY_CTX_add1_hkdf_info(ctx, reinterpret_cast<const unsigned char*>(kInfo.data()),
                                  static_cast<int>(kInfo.size())) > 0 &&
      EVP_PKEY_derive(ctx, key.key.data(), &length) > 0;
  EVP_PKEY_CTX_free(ctx);
  if (!ok || length != key.key.size()) return std::nullopt;
  return key;
}

void appendKeyedHash(const HashKey& key, std::string_view value, std::string& out) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.key.data(), static_cast<int>(key.key.size()),
       reinterpret_cast<const unsigned char*>(value.data()), value.size(), digest, &length);
  static constexpr char kHex[] = "0123456789abcdef";
  out += "hmac:";
  out += key.id;
  out += ':';
  for (unsigned i = 0; i < 16 && i < length; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0xf]);
  }
}

void appendPartial(std::string_view value, size_t keep_first, size_t keep_last, std::string& out) {
  std::vector<size_t> starts;  // byte offset of each character
  for (size_t i = 0; i < value.size(); ++i)
    if (!isContinuationByte(value[i])) starts.push_back(i);
  const size_t characters = starts.size();
  // Keeping both ends must still hide a good part: at least a third of the characters are
  // starred (a 16-digit card keeping 6 + 4 hides 6).
  if (characters == 0 || keep_first + keep_last + std::max<size_t>(1, characters / 3) > characters) {
    out.append(characters, '*');
    return;
  }
  const size_t middle_begin = keep_first < characters ? starts[keep_first] : value.size();
  const size_t middle_end = starts[characters - keep_last];
  out.append(value.substr(0, middle_begin));
  out.append(characters - keep_first - keep_last, '*');
  out.append(value.substr(middle_end));
}

void appendTruncated(std::string_view value, size_t max_bytes, std::string_view marker,
                     std::string& out) {
  if (value.size() <= max_bytes) {
    out.append(value);
    return;
  }
  size_t cut = max_bytes;
  while (cut > 0 && isContinuationByte(value[cut])) --cut;
  out.append(value.substr(0, cut));
  out.append(marker);
}

}  // namespace veil::core
