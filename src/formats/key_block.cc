#include "formats/key_block.h"

#include <array>

namespace veil::formats {
namespace {

bool isBase64(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '/';
}

bool isBlank(char c) { return c == ' ' || c == '\t'; }

// Base64 characters with at most two '=' of padding at the end, or the `=` and four characters
// of an OpenPGP armor checksum.
bool isBase64Run(std::string_view text) {
  if (text.size() == 5 && text.front() == '=') text.remove_prefix(1);
  size_t padding = 0;
  while (padding < text.size() && padding < 2 && text[text.size() - 1 - padding] == '=') ++padding;
  if (padding == text.size()) return false;
  for (size_t i = 0; i + padding < text.size(); ++i) {
    if (!isBase64(text[i])) return false;
  }
  return true;
}

// OpenSSL and GnuPG armor headers inside a block (RFC 1421, RFC 4880): not secret, and the
// body goes on after them.
// `line` may carry a log prefix before the header.
bool isArmorHeader(std::string_view line) {
  static constexpr std::array<std::string_view, 6> kHeaders = {
      "Proc-Type: ", "DEK-Info: ", "Version: ", "Comment: ", "Hash: ", "Charset: "};
  for (std::string_view header : kHeaders) {
    const size_t at = line.find(header);
    if (at != std::string_view::npos && (at == 0 || isBlank(line[at - 1]))) return true;
  }
  return false;
}

// Whether a base64 run reads as encoded bytes rather than a word, a number or a path: random
// bytes give every character class, ordinary text rarely does. Runs of 16 and more need both
// cases and a digit or symbol; shorter ones (the last line of a body) are judged more loosely,
// and after a log prefix, where a short word is likely, more strictly.
bool looksEncoded(std::string_view run, bool after_prefix) {
  bool upper = false, lower = false, digit = false, symbol = false;
  for (char c : run) {
    upper |= c >= 'A' && c <= 'Z';
    lower |= c >= 'a' && c <= 'z';
    digit |= c >= '0' && c <= '9';
    symbol |= c == '+' || c == '/';
  }
  const bool letter = upper || lower;
  if (run.size() >= 16) return upper && lower && (digit || symbol);
  if (run.ends_with('=') && letter) return true;
  if (after_prefix) return run.size() >= 8 && upper && lower && (digit || symbol);
  return (upper && lower) || (letter && (digit || symbol));
}

}  // namespace

std::optional<uint32_t> keyBlockRule(const core::Policy& policy) {
  std::optional<uint32_t> header;
  const auto& rules = policy.rules();
  for (size_t i = 0; i < rules.size(); ++i) {
    if (rules[i].id == "private-key-block") return static_cast<uint32_t>(i);
    if (rules[i].id == "private-key-header") header = static_cast<uint32_t>(i);
  }
  return header;
}

bool opensKeyBlockInText(std::string_view record) {
  static constexpr std::string_view kBegin = "-----BEGIN ";
  const size_t begin = record.rfind(kBegin);
  if (begin == std::string_view::npos) return false;
  std::string_view rest = record.substr(begin + kBegin.size());
  // The label: upper-case words ending in PRIVATE KEY (RSA, EC, OPENSSH, ENCRYPTED, PGP … BLOCK).
  const size_t label_end = rest.find("-----");
  if (label_end == std::string_view::npos || label_end > 64) return false;
  std::string_view label = rest.substr(0, label_end);
  for (char c : label) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ' ')) return false;
  }
  if (label.ends_with(" BLOCK")) label.remove_suffix(6);
  if (label != "PRIVATE KEY" && !label.ends_with(" PRIVATE KEY")) return false;
  // The armor ends the line, or the key goes on after it on the same line; anything else
  // (prose, an END line) means the record is not the start of a printed key.
  rest.remove_prefix(label_end + 5);
  while (!rest.empty()) {
    if (isBlank(rest.front()) || rest.front() == '\r' || rest.front() == '\n') {
      rest.remove_prefix(1);
      continue;
    }
    size_t token = 0;
    while (token < rest.size() && !isBlank(rest[token]) && rest[token] != '\r' && rest[token] != '\n') ++token;
    if (!isBase64Run(rest.substr(0, token)) || !looksEncoded(rest.substr(0, token), false)) return false;
    rest.remove_prefix(token);
  }
  return true;
}

std::optional<KeyBodySpan> keyBodySpanInText(std::string_view record) {
  size_t end = record.size();
  while (end > 0 && (isBlank(record[end - 1]) || record[end - 1] == '\r' || record[end - 1] == '\n')) --end;
  size_t first = 0;
  while (first < end && isBlank(record[first])) ++first;
  if (first == end) return KeyBodySpan{end, end};
  if (isArmorHeader(record.substr(first, end - first))) return KeyBodySpan{end, end};
  // A log prefix with an empty message (`… app[412]:`): the blank line of a prefixed armor.
  if (record[end - 1] == ':') return KeyBodySpan{end, end};
  size_t token = end;
  while (token > first && !isBlank(record[token - 1])) --token;
  const std::string_view run = record.substr(token, end - token);
  if (!isBase64Run(run) || !looksEncoded(run, token > first)) return std::nullopt;
  return KeyBodySpan{token, end};
}

namespace {

// Calls `each(member, value, at)` for the raw text of every string value of a JSON record
// (`member`: the key before it, if any), with a trailing escaped newline (`\\n`, `\\r\\n`: one
// line of output per record, as Docker's json-file driver writes it) left off; stops when it
// returns true.
template <typename Each>
bool anyJsonStringValue(std::string_view record, Each each) {
  size_t i = 0;
  std::string_view member;
  while ((i = record.find('"', i)) != std::string_view::npos) {
    const size_t begin = ++i;
    while (i < record.size() && record[i] != '"') i += record[i] == '\\' ? 2 : 1;
    if (i >= record.size()) return false;
    size_t end = i++;
    size_t next = i;
    while (next < record.size() && isBlank(record[next])) ++next;
    if (next < record.size() && record[next] == ':') {  // a key
      member = record.substr(begin, end - begin);
      continue;
    }
    std::string_view value = record.substr(begin, end - begin);
    if (value.ends_with("\\n")) value.remove_suffix(2);
    if (value.ends_with("\\r")) value.remove_suffix(2);
    if (each(member, value, begin)) return true;
    member = {};
  }
  return false;
}

// The members loggers put a line of output in; a key line in any other member (an id, a
// hash) is not read as the next line of a key.
bool isMessageMember(std::string_view member) {
  for (std::string_view name : {"log", "msg", "message", "MESSAGE", "Message", "body", "line", "text", "output"}) {
    if (member == name) return true;
  }
  return false;
}

bool isJsonRecord(std::string_view record) {
  const size_t first = record.find_first_not_of(" \t");
  return first != std::string_view::npos && record[first] == '{';
}

}  // namespace

bool opensKeyBlock(std::string_view record) {
  if (!isJsonRecord(record)) return opensKeyBlockInText(record);
  return anyJsonStringValue(record, [](std::string_view, std::string_view value, size_t) {
    return opensKeyBlockInText(value);
  });
}

std::optional<KeyBodySpan> keyBodySpan(std::string_view record) {
  if (!isJsonRecord(record)) return keyBodySpanInText(record);
  // A JSON record continues a key when its message member is a body line; a message that is
  // only a newline or an armor header keeps the block open; an END anywhere closes it.
  std::optional<KeyBodySpan> found;
  bool ended = false;
  anyJsonStringValue(record, [&](std::string_view member, std::string_view value, size_t at) {
    if (value.find("-----END ") != std::string_view::npos) {
      ended = true;
      return true;
    }
    if (found || !isMessageMember(member) || value.find('\\') != std::string_view::npos) return false;
    const auto span = keyBodySpanInText(value);
    if (!span) return false;
    if (span->begin == span->end) {
      const bool newline_only = value.empty() && (record.substr(at).starts_with("\\n") ||
                                                  record.substr(at).starts_with("\\r\\n"));
      if (newline_only || isArmorHeader(value)) found = KeyBodySpan{at, at};
      return false;
    }
    found = KeyBodySpan{at + span->begin, at + span->end};
    return false;
  });
  if (ended) return std::nullopt;
  return found;
}

std::optional<RecordMessage> jsonRecordMessage(std::string_view record) {
  if (!isJsonRecord(record)) return std::nullopt;
  std::optional<RecordMessage> found;
  anyJsonStringValue(record, [&](std::string_view member, std::string_view value, size_t at) {
    if (!isMessageMember(member)) return false;
    found = RecordMessage{value, at};
    return true;
  });
  return found;
}

}  // namespace veil::formats
