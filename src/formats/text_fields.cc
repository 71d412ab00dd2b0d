#include "formats/text_fields.h"

#include <algorithm>
#include <array>
#include <cstring>

#include "core/placeholders.h"

namespace veil::formats {
namespace {

bool isKeyChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-' || c == '.';
}
bool isBlank(char c) { return c == ' ' || c == '\t'; }
bool isSpace(char c) { return isBlank(c) || c == '\r' || c == '\n' || c == '\f' || c == '\v'; }

// Where an unquoted value stops: the delimiters of logfmt, query strings, cookies and
// surrounding JSON or brackets.
bool endsValue(char c) {
  static constexpr std::array<bool, 256> kEnds = [] {
    std::array<bool, 256> ends{};
    for (unsigned char c : std::string_view(" \t\r\n\f\v&,;\"')]}><|")) ends[c] = true;
    return ends;
  }();
  return kEnds[static_cast<unsigned char>(c)];
}

// `token=ActivityRecord{…}`, `Token: Token { kind: … }`: a value that opens an object literal
// is a type name, not a credential.
bool opensObject(std::string_view text, size_t end) {
  while (end < text.size() && isBlank(text[end])) ++end;
  return end < text.size() && text[end] == '{';
}

// A compound name (`api_key`, `x-auth-token`, `apiKey`) rather than a plain word.
bool isIdentifier(std::string_view key) {
  for (size_t i = 0; i < key.size(); ++i) {
    const char c = key[i];
    if (c == '_' || c == '-' || c == '.') return true;
    if (i > 0 && c >= 'A' && c <= 'Z' && key[i - 1] >= 'a' && key[i - 1] <= 'z') return true;
  }
  return false;
}

struct Range {
  size_t begin = 0;
  size_t end = 0;
};

// The key that ends just before `end` (exclusive), skipping one closing quote.
Range keyBefore(std::string_view text, size_t end, bool& quoted) {
  quoted = false;
  if (end > 0 && (text[end - 1] == '"' || text[end - 1] == '\'')) {
    const char quote = text[end - 1];
    const size_t close = end - 1;
    size_t open = close;
    while (open > 0 && text[open - 1] != quote && close - open < 256) --open;
    if (open > 0 && text[open - 1] == quote) {
      quoted = true;
      return {open, close};
    }
    return {end, end};
  }
  size_t begin = end;
  while (begin > 0 && isKeyChar(text[begin - 1]) && end - begin < 256) --begin;
  return {begin, end};
}

// `\"` at `i` closes a string a value sits in (`\"TOKEN=abc\",`): the backslash is not the value's.
bool escapedQuoteAt(std::string_view text, size_t i) {
  return text[i] == '\\' && i + 1 < text.size() && (text[i + 1] == '"' || text[i + 1] == '\'');
}

// The value starting at `at`: a quoted string's contents, or a run up to a delimiter.
Range valueAt(std::string_view text, size_t at) {
  if (at >= text.size()) return {at, at};
  const char first = text[at];
  // `cmd="--secret \"value\" --x"`: a value quoted inside a quoted string.
  if (first == '\\' && at + 1 < text.size() && (text[at + 1] == '"' || text[at + 1] == '\'')) {
    const char quote = text[at + 1];
    size_t end = at + 2;
    while (end < text.size() && !(text[end] == quote && text[end - 1] == '\\')) ++end;
    return {at + 2, end < text.size() ? end - 1 : end};
  }
  if (first == '"' || first == '\'') {
    size_t end = at + 1;
    while (end < text.size() && text[end] != first) end += text[end] == '\\' ? 2 : 1;
    return {at + 1, std::min(end, text.size())};
  }
  size_t end = at;
  while (end < text.size() && !endsValue(text[end]) && text[end] != '{' && !escapedQuoteAt(text, end)) ++end;
  return {at, end};
}

// Where a value starts past what opens it but is not its own: a Python bytes or unicode
// literal's prefix (`b'Basic …'`, `u'…'`) and a list around quoted strings (Django's
// QueryDict `{'pwd': ['…']}`, Go's http.Header `"Authorization": ["Bearer …"]`).
size_t valueStart(std::string_view text, size_t at) {
  auto quote = [&](size_t i) { return i < text.size() && (text[i] == '"' || text[i] == '\''); };
  if (at < text.size() && text[at] == '[' && quote(at + 1)) ++at;
  if (at < text.size() && (text[at] == 'b' || text[at] == 'u') && quote(at + 1)) ++at;
  return at;
}

}  // namespace

namespace {

// A word and a colon before a blank is the next label, not a value: `dovecot: auth: Debug: …`,
// `sshd: auth: Info: …`.
bool isLabel(std::string_view text, Range value) {
  if (value.end - value.begin < 2 || text[value.end - 1] != ':') return false;
  if (value.end < text.size() && !isBlank(text[value.end])) return false;
  for (size_t i = value.begin; i + 1 < value.end; ++i) {
    if (!((text[i] >= 'a' && text[i] <= 'z') || (text[i] >= 'A' && text[i] <= 'Z'))) return false;
  }
  return true;
}

// In a sentence an unquoted password runs to the next blank: `password is Zx8;Lm2&Qp!` holds
// characters that end a value in a query string.
Range proseWord(std::string_view text, Range value, bool quoted) {
  if (quoted) return value;
  size_t end = value.begin;
  // Markup ends it too: `<p>Your password is Xk9#mP2</p>`.
  while (end < text.size() && !isSpace(text[end]) && text[end] != '"' && text[end] != '\'' && text[end] != '<' &&
         end - value.begin <= 64 && !escapedQuoteAt(text, end)) {
    ++end;
  }
  // The sentence's full stop, comma or closing bracket is not part of it.
  while (end > value.begin && std::string_view(".,;:)]}").find(text[end - 1]) != std::string_view::npos) --end;
  return {value.begin, end};
}

// In prose (`… failed cvv: 6981`, `token is 7DYNc3jkaMbLEp5t`) a sensitive plain word before a
// value is trusted only when the value reads like a code or a key: all digits (4 to 19, not a
// quantity: `4096 bytes`), or 12 or more letters and digits with both (base64 padding allowed).
// `password is incorrect`, `auth: kerberos5`, `JWT is HS256-signed`, `pass: loop2unroll`,
// `token: android.os.BinderProxy@2bd79ce` stay. After an identifier (`DD_API_KEY is …`) any
// letters-and-digits value with a digit counts.
bool isQuantityUnit(std::string_view word) {
  for (std::string_view unit : {"bytes", "byte", "bits", "bit", "chars", "characters", "ms", "s", "sec",
                                "seconds", "minutes", "hours", "days", "kb", "mb", "gb", "times", "digits"}) {
    if (word.size() == unit.size()) {
      bool same = true;
      for (size_t i = 0; i < word.size(); ++i) same &= (word[i] | 0x20) == unit[i];
      if (same) return true;
    }
  }
  return false;
}

bool looksLikeSecretToken(std::string_view text, Range value, bool after_identifier, size_t min_digits = 4) {
  std::string_view v = text.substr(value.begin, value.end - value.begin);
  while (v.size() > 1 && v.back() == '=') v.remove_suffix(1);  // base64 padding
  bool digit = false, letter = false;
  for (char c : v) {
    const bool is_digit = c >= '0' && c <= '9';
    const bool is_letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    const bool base64 = c == '+' || c == '/';
    if (!is_digit && !is_letter && !base64 && !(after_identifier && (c == '_' || c == '-'))) return false;
    digit |= is_digit;
    letter |= is_letter;
  }
  if (!digit || v.starts_with("0x")) return false;
  if (after_identifier) return true;
  if (!letter) {
    if (v.size() < min_digits || v.size() > 19) return false;
    size_t next = value.end;
    while (next < text.size() && isBlank(text[next])) ++next;
    size_t word_end = next;
    while (word_end < text.size() && isKeyChar(text[word_end])) ++word_end;
    return !isQuantityUnit(text.substr(next, word_end - next));
  }
  return v.size() >= 12;
}

// Whether the key is a password word itself (`password`, `db passwd`, `passphrase`, `PWD`), the
// one name after which prose keeps a value that is not a code: `password is Welcome2024!`,
// `new password: Xk9#mP2`. `token`, `key`, `pass` or `secret` start too many sentences.
// What people add to a password to make it strong.
constexpr std::string_view kPasswordSymbols = "!@#$%^&*+=?~";

bool isPasswordWord(std::string_view key) {
  auto endsWith = [&](std::string_view word) {
    if (key.size() < word.size()) return false;
    const std::string_view tail = key.substr(key.size() - word.size());
    for (size_t i = 0; i < word.size(); ++i) {
      if ((tail[i] | 0x20) != word[i]) return false;
    }
    // The whole key, or its last word: after a separator or starting with a capital (`userPassword`).
    if (key.size() == word.size()) return true;
    const char before = key[key.size() - word.size() - 1];
    return before == '_' || before == '-' || before == '.' || (tail[0] >= 'A' && tail[0] <= 'Z');
  };
  return endsWith("password") || endsWith("passwd") || endsWith("passphrase") || endsWith("pwd") ||
         endsWith("passcode");
}

// A value in prose after a password word: a word of 6 to 64 characters with a letter and
// one of the symbols people add to passwords (`Welcome2024!`, `$ecr3t#`) or a digit and no
// hyphen (`hunter22`), or anything quoted. Not a quantity, a hash or encoding name (`sha256-hashed`, `utf8`), a path
// or a call; plain words (`incorrect`, `required`, `write-only`) have neither digit nor symbol.
bool looksLikePassword(std::string_view text, Range value, bool quoted) {
  const std::string_view v = text.substr(value.begin, value.end - value.begin);
  if (quoted) return v.size() >= 3 && v.find_first_of("\r\n") == std::string_view::npos;
  if (v.size() < 6 || v.size() > 64) return false;
  bool letter = false, digit = false, symbol = false;
  for (char c : v) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
      letter = true;
    } else if (c >= '0' && c <= '9') {
      digit = true;
    } else if (kPasswordSymbols.find(c) != std::string_view::npos) {
      symbol = true;
    } else if (c != '-' && c != '_') {
      return false;  // a path, a call, a URL, a list: not a password in a sentence
    }
  }
  // A digit alone is not enough when a hyphen joins words: `SHA-256`, `12-characters`,
  // `k8s-managed`, `v2-format` describe a password; `hunter22`, `Welcome2024!` are one.
  const bool joined_words = v.find('-') != std::string_view::npos;
  if (!letter || !(symbol || (digit && !joined_words))) return false;
  char folded[8];
  const size_t folded_size = std::min(v.size(), sizeof(folded));
  for (size_t i = 0; i < folded_size; ++i) folded[i] = static_cast<char>(v[i] | 0x20);
  const std::string_view lower(folded, folded_size);
  for (std::string_view scheme : {"sha1", "sha2", "sha3", "sha5", "md5", "argon2", "pbkdf2", "bcrypt",
                                  "scrypt", "utf8", "utf-8", "base64", "aes", "rsa", "hs256", "rs256", "es256"}) {
    if (lower.starts_with(scheme)) return false;
  }
  return true;
}

// Card codes and national ids are all digits and short: under their names (a pii rule) three
// digits already read like one.
bool namesPersonalData(const core::Policy& policy, std::string_view text, Range key) {
  const auto rule = policy.sensitiveField(text.substr(key.begin, key.end - key.begin));
  return rule && policy.ruleCategory(*rule) == "pii";
}

// Whether `text` from `at` starts the next pair: a key, possibly of several words (`Initial
// Catalog=`, `User ID=`), then '=' or ':'.
bool startsPair(std::string_view text, size_t at) {
  size_t i = at;
  while (i < text.size() && i - at < 40 && (isKeyChar(text[i]) || text[i] == ' ')) ++i;
  return i > at && i < text.size() && (text[i] == '=' || text[i] == ':') && text[at] != ' ';
}

// An unquoted value stops at `&,;|<>)]}` (query strings, connection strings, brackets), but a
// password may hold those characters too: `password=Zx8;Lm2Qp&7Rt4 next`. Past one such
// character the value goes on to the next blank when what follows is one more run of a
// password: not the next pair (`;Server=db01`, `;Initial Catalog=app`, `&user=bob`), not a
// list (`|200|GET`, `,3600,ok`: the same delimiter again), not punctuation (`abc), next`).
// Bounded: at most 256 bytes are looked at, so a line of delimiters stays linear.
Range extendPastDelimiters(std::string_view text, Range value) {
  static constexpr std::string_view kInner = "&,;|<>)]}";
  const size_t end = value.end;
  if (end >= text.size() || kInner.find(text[end]) == std::string_view::npos) return value;
  if (startsPair(text, end + 1)) return value;
  // `<password>…</password>`-style markup around the pair: `password=null</digest>`.
  if (text[end] == '<' && end + 1 < text.size() && text[end + 1] == '/') return value;
  const char delimiter = text[end];
  bool alnum = false;
  size_t run_end = end + 1;
  for (; run_end < text.size() && !isSpace(text[run_end]) && text[run_end] != '"' && text[run_end] != '\''; ++run_end) {
    const char c = text[run_end];
    if (c == '<' && run_end + 1 < text.size() && text[run_end + 1] == '/') break;  // a closing tag
    if (run_end - end > 256 || c == delimiter || c == '=') return value;
    if (kInner.find(c) != std::string_view::npos && startsPair(text, run_end + 1)) return value;
    alnum |= (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }
  if (!alnum) return value;
  return {value.begin, run_end};
}

// The quoted `"value"` member that opens the object at `at` (blanks before its '{'), or an
// empty range.
Range valueMember(std::string_view text, size_t at) {
  constexpr std::string_view kValue = "\"value\"";
  auto skipBlanks = [&](size_t i) {
    while (i < text.size() && isBlank(text[i])) ++i;
    return i;
  };
  size_t i = skipBlanks(at);
  if (i >= text.size() || text[i] != '{') return {at, at};
  i = skipBlanks(i + 1);
  if (text.substr(i, kValue.size()) != kValue) return {at, at};
  i = skipBlanks(i + kValue.size());
  if (i >= text.size() || text[i] != ':') return {at, at};
  i = skipBlanks(i + 1);
  if (i >= text.size() || text[i] != '"') return {at, at};
  size_t end = i + 1;
  while (end < text.size() && text[end] != '"') end += text[end] == '\\' ? 2 : 1;
  if (end >= text.size()) return {at, at};
  return {i + 1, end};
}

// `pwd: passwordPrompt()`, `password: os.getenv("DB_PASSWORD")`: a function called for the
// value (mongosh, code echoed in a log), not the value.
bool isCall(std::string_view text, Range value) {
  std::string_view v = text.substr(value.begin, value.end - value.begin);
  if (!v.empty() && v.back() == '(') {
    v.remove_suffix(1);
  } else if (value.end >= text.size() || text[value.end] != '(') {
    return false;
  }
  if (v.empty() || (v.front() >= '0' && v.front() <= '9')) return false;
  for (char c : v) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.')) return false;
  }
  return true;
}

// The length of `is` or `was` after the blank at `i` when a blank or colon follows it, else 0.
size_t sentenceVerbAt(std::string_view text, size_t i) {
  if (text[i] != ' ' || i == 0) return 0;
  for (std::string_view verb : {"is", "was"}) {
    const size_t end = i + 1 + verb.size();
    if (end < text.size() && text.substr(i + 1, verb.size()) == verb && (text[end] == ' ' || text[end] == ':')) {
      return verb.size();
    }
  }
  return 0;
}

// An environment dump (`env`, `printenv`, `export -p`, `docker inspect` of a container's Env)
// prints a value with blanks unquoted: `GPG_PASSPHRASE=staple meadow orbit candle`. When the
// variable starts its line (after blanks, `export ` or `declare -x `), is named like one
// (upper case, digits, '_') and nothing after its value reads as another pair, the value is the
// rest of the line. The first word decides whether it is a secret: a placeholder stays one.
Range environmentValue(std::string_view text, Range key, Range value) {
  if (value.end >= text.size() || !isBlank(text[value.end])) return value;
  for (size_t k = key.begin; k < key.end; ++k) {
    const char c = text[k];
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return value;
  }
  size_t line_begin = text.rfind('\n', key.begin);
  line_begin = line_begin == std::string_view::npos ? 0 : line_begin + 1;
  std::string_view before = text.substr(line_begin, key.begin - line_begin);
  while (!before.empty() && isBlank(before.front())) before.remove_prefix(1);
  if (!before.empty() && before != "export " && before != "declare -x ") return value;
  size_t line_end = text.find('\n', value.end);
  if (line_end == std::string_view::npos) line_end = text.size();
  while (line_end > value.end && isSpace(text[line_end - 1])) --line_end;
  for (size_t k = value.end; k < line_end; ++k) {
    if (text[k] == '=' || (text[k] == ':' && k + 1 < line_end && isBlank(text[k + 1]))) return value;
  }
  const std::string_view first = text.substr(value.begin, value.end - value.begin);
  if (core::holdsNoSecret(first)) return value;
  return {value.begin, line_end};
}

// `unquoted`: the value was cut at a delimiter, which may be part of the secret.
void addIfSensitive(const core::Policy& policy, std::string_view text, Range key, Range value,
                    std::vector<core::Finding>& out, bool unquoted = false) {
  if (key.end <= key.begin) return;
  const auto rule = policy.sensitiveField(text.substr(key.begin, key.end - key.begin));
  if (!rule) return;
  if (unquoted) value = extendPastDelimiters(text, value);
  if (value.end <= value.begin) return;
  const std::string_view v = text.substr(value.begin, value.end - value.begin);
  if (core::holdsNoSecret(v) || !policy.fieldValueSensitive(*rule, v)) return;
  out.push_back({*rule, value.begin, value.end});
}

// The word that ends before `at`, blanks between them skipped.
std::string_view wordBefore(std::string_view text, size_t at) {
  size_t end = at;
  while (end > 0 && isBlank(text[end - 1])) --end;
  size_t begin = end;
  while (begin > 0 && isKeyChar(text[begin - 1])) --begin;
  return text.substr(begin, end - begin);
}

// Whether the word before `at` judges a login attempt: `Failed`, `Accepted`, `Invalid` …
bool afterVerdict(std::string_view text, size_t at) {
  const std::string_view word = wordBefore(text, at);
  for (std::string_view verdict : {"failed", "accepted", "invalid", "wrong", "incorrect", "bad", "expired", "rejected"}) {
    if (core::equalsFolded(word, verdict)) return true;
  }
  return false;
}

// `reset to`, `changed to`, `set to`: a verb that gives a password a new value.
bool isSettingVerb(std::string_view word) {
  for (std::string_view verb : {"reset", "set", "changed", "change", "rotated"}) {
    if (core::equalsFolded(word, verb)) return true;
  }
  return false;
}

// A colon after a plain word of a sentence (`installation:`, `user):`), not after a key: no
// separator, digit or capital inside, and none of the words logs use as keys.
bool isProseWordBeforeColon(std::string_view word) {
  if (word.empty()) return true;  // `…elastic user (reset with …):`
  for (size_t k = 0; k < word.size(); ++k) {
    const char c = word[k];
    if (!((c >= 'a' && c <= 'z') || (k == 0 && c >= 'A' && c <= 'Z'))) return false;
  }
  for (std::string_view key : {"id", "ip", "host", "hostname", "path", "session", "email", "from", "to",
                               "server", "account", "login", "trace", "job", "span", "request", "name", "file", "dir",
                               "url", "uri", "status", "code", "error", "reason", "policy", "vault", "secret"}) {
    if (core::equalsFolded(word, key)) return false;
  }
  return true;
}

bool hasSymbolOrMixedCase(std::string_view value) {
  bool lower = false, upper = false;
  for (char c : value) {
    if (kPasswordSymbols.find(c) != std::string_view::npos) return true;
    lower |= c >= 'a' && c <= 'z';
    upper |= c >= 'A' && c <= 'Z';
  }
  return lower && upper;
}

// A sentence that gives a password further on: `password for user hiro reset to
// IJVfzsTvKZ0ve6`, `Please use the following password to proceed to installation: 3638eb2b…`,
// `Password for the elastic user (reset with …): QUk2TvJi2OR*62M`. From a password word, within
// the same clause (100 bytes, no full stop or semicolon), the word after ` to ` or `: ` is taken
// when it reads as a code, or as a password with a symbol or mixed case; not after a key
// (`job_id: 7f3a…`, `ip: 10.1.2.3`) or a verb that sets nothing (`sync to AD-server01`).
void findPasswordsLaterInSentence(const core::Policy& policy, std::string_view text,
                                  std::vector<core::Finding>& out) {
  const auto rule = policy.sensitiveField("password");
  if (!rule) return;
  // Lines get here for any field name in them: jump from one `p` or `P` to the next (memchr)
  // rather than look at every byte.
  size_t next_lower = 0, next_upper = 0;
  auto find = [&](char c, size_t from) {
    const void* at = from < text.size() ? std::memchr(text.data() + from, c, text.size() - from) : nullptr;
    return at ? static_cast<size_t>(static_cast<const char*>(at) - text.data()) : text.size();
  };
  for (size_t i = 0; i + 8 <= text.size(); ++i) {
    if (next_lower < i) next_lower = find('p', i);
    if (next_upper < i) next_upper = find('P', i);
    i = std::min(next_lower, next_upper);
    if (i + 8 > text.size()) break;
    if (i > 0 && isKeyChar(text[i - 1])) continue;
    size_t word_end = i;
    while (word_end < text.size() && isKeyChar(text[word_end])) ++word_end;
    if (!isPasswordWord(text.substr(i, word_end - i)) || word_end - i > 10) continue;
    // `password=` and `password:` are pairs, found above.
    if (word_end < text.size() && (text[word_end] == '=' || text[word_end] == ':')) continue;
    // `Failed password for root from … ssh2 detail: …`: a sentence about a login attempt gives
    // no password; what follows belongs to something else.
    if (afterVerdict(text, i)) {
      i = word_end;
      continue;
    }
    // `set password for bob to …`: the verb may come before the password word.
    const bool set_before = isSettingVerb(wordBefore(text, i));
    const size_t limit = std::min(text.size(), word_end + 100);
    for (size_t j = word_end; j < limit; ++j) {
      const char c = text[j];
      if ((c == '.' && (j + 1 == text.size() || isSpace(text[j + 1]))) || c == ';' || c == ',' || c == '\n') break;
      const bool colon = c == ':' && j + 1 < text.size() && isBlank(text[j + 1]);
      const bool to = c == ' ' && j + 3 < text.size() && text[j + 1] == 't' && text[j + 2] == 'o' && text[j + 3] == ' ';
      if (!colon && !to) continue;
      // The word before: a colon after a key (`user_id:`, `ip:`, `session:`) starts another
      // field, and ` to ` gives a password only after a verb that sets one (`reset to`).
      size_t before_begin = j;
      while (before_begin > word_end && isKeyChar(text[before_begin - 1])) --before_begin;
      const std::string_view before = text.substr(before_begin, j - before_begin);
      if (colon && !isProseWordBeforeColon(before)) break;
      if (to && !set_before && !isSettingVerb(before)) continue;
      size_t at = j + (colon ? 2 : 4);
      while (at < text.size() && isBlank(text[at])) ++at;
      const Range word = proseWord(text, {at, at}, false);
      const std::string_view value = text.substr(word.begin, word.end - word.begin);
      // A number is a setting (`length set to 1024`) unless it is long enough for a PIN-less code.
      const bool number = !value.empty() && value.find_first_not_of("0123456789") == std::string_view::npos;
      if (number ? value.size() >= 8
                 : (looksLikeSecretToken(text, word, false) || (looksLikePassword(text, word, false) && hasSymbolOrMixedCase(value)))) {
        if (!core::holdsNoSecret(value)) out.push_back({*rule, word.begin, word.end});
      }
      break;
    }
    i = word_end;
  }
}

}  // namespace

void findSensitiveFieldValues(const core::Policy& policy, std::string_view text,
                              std::vector<core::Finding>& out) {
  if (!policy.fields()) return;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '=') {
      if (i + 1 < text.size() && text[i + 1] == '=') {  // `==` compares, it does not assign
        ++i;
        continue;
      }
      bool quoted = false;
      // `key = value`, `:key => "value"` (Ruby, Perl, PHP): blanks before, an arrow after.
      size_t key_end = i;
      while (key_end > 0 && isBlank(text[key_end - 1]) && i - key_end < 2) --key_end;
      Range key = keyBefore(text, key_end, quoted);
      // Only a sensitive name's value is looked at: reading every value would make a line of
      // `a=a=a=…` quadratic.
      if (key.end <= key.begin || !policy.sensitiveField(text.substr(key.begin, key.end - key.begin))) continue;
      size_t at = i + 1;
      if (at < text.size() && text[at] == '>') ++at;
      while (at < text.size() && isBlank(text[at]) && at - i < 4) ++at;
      at = valueStart(text, at);
      const Range value = valueAt(text, at);
      if (opensObject(text, value.end)) continue;
      if (key_end != i && (i + 1 >= text.size() || text[i + 1] != '>')) {
        // `token = jwt.encode(payload)`, `WHERE token = $1`, `token = 3600`: blanks around '='
        // are code and SQL as often as config; a call, a parameter or a number (but a card code
        // or national id: `SSN = 273220939`) is no secret.
        const std::string_view v = text.substr(value.begin, value.end - value.begin);
        if (v.find('(') != std::string_view::npos || (value.end < text.size() && text[value.end] == '(') ||
            (v.find_first_not_of("0123456789") == std::string_view::npos && !namesPersonalData(policy, text, key))) {
          continue;
        }
      }
      const bool unquoted = at < text.size() && text[at] != '"' && text[at] != '\'';
      addIfSensitive(policy, text, key, unquoted ? environmentValue(text, key, value) : value, out, unquoted);
      // A value is one value: `password=password=…` is not read again from each '='.
      if (value.end > i + 1) i = value.end - 1;
    } else if (c == ':') {
      bool quoted = false;
      // Jackson's and other pretty printers put a blank before the colon: `"password" : "…"`.
      size_t key_end = i;
      while (key_end > 0 && isBlank(text[key_end - 1]) && i - key_end < 2) --key_end;
      if (key_end != i && (key_end == 0 || (text[key_end - 1] != '"' && text[key_end - 1] != '\''))) key_end = i;
      const Range key = keyBefore(text, key_end, quoted);
      if (key.end <= key.begin || !policy.sensitiveField(text.substr(key.begin, key.end - key.begin))) continue;
      size_t at = i + 1;
      // `10:00:01`, `http://`, `std::` are not key-value pairs: require a blank or a quote, or
      // a Go struct printed with %+v (`{Host:db01 User:app Password:s3cr3t}`): a capitalised
      // field name right before the colon, a value right after it.
      bool go_field = at < text.size() && !quoted && text[key.begin] >= 'A' && text[key.begin] <= 'Z' &&
                      !isSpace(text[at]) && text[at] != '/' && text[at] != ':' && text[at] != '"' &&
                      text[at] != '\'' && key.begin > 0 && (text[key.begin - 1] == ' ' || text[key.begin - 1] == '{');
      if (go_field) {
        // Inside the braces of the struct (`{Host:db01 … Password:…}`), and not a path value
        // (`Secret:default/db-creds`, a Kubernetes object reference).
        const size_t open = text.rfind('{', key.begin);
        const Range go_value = valueAt(text, at);
        go_field = open != std::string_view::npos && text.find('}', open) >= key.begin &&
                   text.substr(go_value.begin, go_value.end - go_value.begin).find('/') == std::string_view::npos;
      }
      if (at < text.size() && !isBlank(text[at]) && text[at] != '"' && text[at] != '\'' && !go_field) continue;
      while (at < text.size() && isBlank(text[at])) ++at;
      at = valueStart(text, at);
      size_t line_start = key.begin - (quoted ? 1 : 0);
      while (line_start > 0 && isBlank(text[line_start - 1])) --line_start;
      // HTTP traces (curl -v, http.client debug logs) start header lines with "> " or "< ".
      if (!quoted && line_start > 0 && line_start < key.begin && (text[line_start - 1] == '>' || text[line_start - 1] == '<') &&
          (line_start == 1 || isBlank(text[line_start - 2]))) {
        line_start = 0;
      }
      // In prose a colon often follows a plain word ("Bad activity token: 0x1f"). Trust it
      // only where a key is likely: at the line start, quoted, an identifier (`api_key`,
      // `apiKey`), or after a delimiter (`{`, `,`, `headers: Authorization: …`).
      if (!quoted && !go_field && line_start > 0 && !isIdentifier(text.substr(key.begin, key.end - key.begin)) &&
          std::string_view(",;{([|:'\"").find(text[line_start - 1]) == std::string_view::npos) {
        Range prose_value = valueAt(text, at);
        const bool prose_quoted = at < text.size() && (text[at] == '"' || text[at] == '\'');
        if (looksLikeSecretToken(text, prose_value, false, namesPersonalData(policy, text, key) ? 3 : 4)) {
          addIfSensitive(policy, text, key, prose_value, out);
        } else if (isPasswordWord(text.substr(key.begin, key.end - key.begin)) &&
                   looksLikePassword(text, prose_value = proseWord(text, prose_value, prose_quoted), prose_quoted)) {
          addIfSensitive(policy, text, key, prose_value, out);
        }
        continue;
      }
      Range value;
      bool unquoted = false;
      if (!quoted && !go_field && line_start == 0 && at < text.size() && text[at] != '"') {
        // A header line (`Authorization: Basic …`, `Cookie: a=1; b=2`): the rest of the line.
        size_t end = text.size();
        while (end > at && isSpace(text[end - 1])) --end;
        value = {at, end};
      } else {
        value = valueAt(text, at);
        const size_t after = value.end;
        if (at < text.size() && text[at] != '"' && text[at] != '\'' &&
            core::isAuthScheme(text.substr(value.begin, value.end - value.begin))) {
          // The credential is the token after the scheme; a scheme alone hides nothing.
          const Range credential =
              after < text.size() && isBlank(text[after]) ? valueAt(text, after + 1) : Range{after, after};
          if (credential.end <= credential.begin) continue;
          value.end = credential.end;
        }
        unquoted = at < text.size() && text[at] != '"' && text[at] != '\'';
      }
      if (opensObject(text, value.end)) {
        // Spring Boot's /env, one property a line: `"spring.mail.password" : { "value" : "…" }`.
        addIfSensitive(policy, text, key, valueMember(text, value.end), out);
        continue;
      }
      if (isCall(text, value)) continue;
      if (unquoted && isLabel(text, value)) continue;
      addIfSensitive(policy, text, key, value, out, unquoted);
      if (value.end > i + 1) i = value.end - 1;
    } else if (c == '<' && i + 1 < text.size() && text[i + 1] != '/') {
      // An XML element: `<password>…</password>`, `<secretAccessKey>…</secretAccessKey>`.
      size_t name_end = i + 1;
      while (name_end < text.size() && isKeyChar(text[name_end]) && name_end - i < 64) ++name_end;
      if (name_end == i + 1 || name_end >= text.size() || text[name_end] != '>') continue;
      const std::string_view name = text.substr(i + 1, name_end - i - 1);
      const size_t close = text.find('<', name_end + 1);
      if (close == std::string_view::npos || text.substr(close + 1, 1) != "/" ||
          text.substr(close + 2, name.size()) != name || text.substr(close + 2 + name.size(), 1) != ">") {
        continue;
      }
      // An element not named for a secret (`<p>Your password is …</p>`) is read on inside.
      if (!policy.sensitiveField(name)) continue;
      addIfSensitive(policy, text, {i + 1, name_end}, {name_end + 1, close}, out);
      i = close - 1;
    } else if (const size_t verb = c == ' ' ? sentenceVerbAt(text, i) : 0; verb > 0) {
      // A sentence: `MYSQL_PWD is itv72py6…`, `token is 7DYNc3jk…`, `their password was "…"`.
      // After a plain word the value must read like a code or key; after an identifier
      // (`DD_API_KEY`) anything but a placeholder or state word counts.
      bool quoted = false;
      const Range key = keyBefore(text, i, quoted);
      if (quoted || key.end <= key.begin) continue;
      size_t at = i + 1 + verb;
      while (at < text.size() && isBlank(text[at])) ++at;
      // `Your new password is: Xk9#mP2!`
      if (at < text.size() && text[at] == ':') {
        ++at;
        while (at < text.size() && isBlank(text[at])) ++at;
      }
      const Range value = valueAt(text, at);
      const std::string_view name = text.substr(key.begin, key.end - key.begin);
      const bool identifier = isIdentifier(name);
      const bool value_quoted = at < text.size() && (text[at] == '"' || text[at] == '\'');
      if (looksLikeSecretToken(text, value, identifier, namesPersonalData(policy, text, key) ? 3 : 4)) {
        addIfSensitive(policy, text, key, value, out, !value_quoted);
        continue;
      }
      const Range word = proseWord(text, value, value_quoted);
      if (isPasswordWord(name) && looksLikePassword(text, word, value_quoted)) addIfSensitive(policy, text, key, word, out);
    } else if (c == '-' && i + 2 < text.size() && text[i + 1] == '-' && (i == 0 || isSpace(text[i - 1]))) {
      // `--password value` (the `--password=value` form is handled by '=').
      size_t end = i + 2;
      while (end < text.size() && isKeyChar(text[end])) ++end;
      if (end < text.size() && isBlank(text[end]) && end + 1 < text.size() && text[end + 1] != '-') {
        addIfSensitive(policy, text, {i + 2, end}, valueAt(text, end + 1), out,
                       text[end + 1] != '"' && text[end + 1] != '\'');
      }
      i = end - 1;
    }
  }
  findPasswordsLaterInSentence(policy, text, out);
}

}  // namespace veil::formats
