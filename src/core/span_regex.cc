#include "core/span_regex.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <re2/re2.h>

#include <algorithm>
#include <chrono>
#include <limits>
#include <new>
#include <optional>

namespace veil::core {
namespace {

// Submatches live on the stack while scanning; a rule needing more groups is rejected at load.
constexpr int kMaxSecretGroup = 15;

// PCRE2's JIT counts backtracking steps against this. Every span in the comparison corpus
// (77,000 values under 258 rules) needs fewer than 300; a hostile value stops here and RE2
// takes over.
constexpr uint32_t kMatchLimit = 10'000;

// The limit does not count a repeat of one character scanning ahead, nor each new start
// position, so a backtracking search can still be quadratic in the value (a review found a
// bundled rule at 1.2 s on a crafted 1 MB line; RE2: 2 ms). Longer values go to RE2, which
// keeps the worst single search to milliseconds; the real win is on lines of a few hundred bytes.
constexpr size_t kMaxJitValue = 4096;

// A search this slow is a strike against the rule on this thread (a normal one takes
// microseconds; a preempted one may strike by accident); after kStrikes the rule's next
// kLinearSearches go to RE2, and then PCRE2 gets another chance.
constexpr auto kSlowSearch = std::chrono::microseconds(500);
constexpr uint32_t kStrikes = 4;
constexpr uint32_t kLinearSearches = 1 << 16;

re2::RE2::Options linearOptions() {
  re2::RE2::Options options;
  // Bytes, not UTF-8: logs carry invalid UTF-8, and Hyperscan (no HS_FLAG_UTF8) sees bytes too.
  options.set_encoding(re2::RE2::Options::EncodingLatin1);
  options.set_log_errors(false);
  return options;
}

// The `secret` group's number, or 0 without one; fills *error for any other named group.
bool secretGroupOf(const re2::RE2& regex, int* group, std::string* error) {
  *group = 0;
  for (const auto& [name, index] : regex.NamedCapturingGroups()) {
    if (name != "secret") {
      *error = "named group '" + name + "' is not allowed; the only named group is 'secret'";
      return false;
    }
    *group = index;
  }
  if (*group > kMaxSecretGroup) {
    *error = "the 'secret' group must be among the first " + std::to_string(kMaxSecretGroup) +
             " groups; use (?:...) for the others";
    return false;
  }
  return true;
}

// Whether `text` starts with a repeat as RE2 reads one: {n}, {n,} or {n,m}.
bool isRepeat(std::string_view text) {
  size_t i = 1;
  auto digits = [&] {
    const size_t from = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
    return i > from;
  };
  if (!digits()) return false;
  if (i < text.size() && text[i] == ',') {
    ++i;
    digits();
  }
  return i < text.size() && text[i] == '}';
}

// Options PCRE2 compiles every pattern with, in RE2's dialect: `$` only at the very end (no
// final-newline exception), (?m)^ also after a final newline; no switching to UTF or to \C
// from inside a pattern.
constexpr uint32_t kPcre2Options = PCRE2_DOLLAR_ENDONLY | PCRE2_ALT_CIRCUMFLEX | PCRE2_NEVER_UTF |
                                   PCRE2_NEVER_UCP | PCRE2_NEVER_BACKSLASH_C;

pcre2_code* compilePcre2(std::string_view pattern) {
  pcre2_compile_context* context = pcre2_compile_context_create(nullptr);
  if (!context) throw std::bad_alloc();
  pcre2_set_newline(context, PCRE2_NEWLINE_LF);
  int code_error = 0;
  PCRE2_SIZE error_offset = 0;
  pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(), kPcre2Options,
                                   &code_error, &error_offset, context);
  pcre2_compile_context_free(context);
  return code;
}

// How many times the repeat at the start of `text` allows (1 without one).
size_t mostRepeats(std::string_view text) {
  constexpr size_t kMany = std::numeric_limits<size_t>::max();
  if (text.empty()) return 1;
  if (text[0] == '*' || text[0] == '+') return kMany;
  if (text[0] != '{' || !isRepeat(text)) return 1;
  const std::string_view inside = text.substr(1, text.find('}') - 1);
  const size_t comma = inside.find(',');
  if (comma + 1 == inside.size()) return kMany;  // {n,}
  size_t most = 0;
  for (char c : inside.substr(comma == std::string_view::npos ? 0 : comma + 1)) {
    most = std::min<size_t>(most * 10 + static_cast<size_t>(c - '0'), 1'000'000);
  }
  return most;
}

// Whether `group`, a parenthesised group in PCRE2's dialect, can match the empty string.
// Unsure counts as yes.
bool matchesEmpty(std::string_view group) {
  pcre2_code* code = compilePcre2(group);
  if (!code) return true;  // e.g. `(?i)` flags alone: not a group that repeats
  uint32_t min_length = 0;
  pcre2_pattern_info(code, PCRE2_INFO_MINLENGTH, &min_length);
  pcre2_code_free(code);
  return min_length == 0;
}

// `pattern` written so that PCRE2 reads it as RE2 does, or nothing where that takes more than
// spelling out `\s`, RE2's [\t\n\f\r ] (PCRE2's adds VT): `\v` (RE2: the VT byte; PCRE2:
// any vertical space), `\S` inside a class, `\s` as a range's end, Unicode classes, `\1`
// (octal or back-reference), \Q…\E, and bytes above 0x7f, written or escaped (RE2 folds
// Latin-1 letters under (?i)), and a group that can match the empty string repeated more than
// once (PCRE2 keeps a last empty turn where RE2 does not: `(?:(?P<secret>[^;]*);?)+` would lose
// its secret). A `{` that does not start a repeat is escaped.
std::optional<std::string> inPcre2Dialect(std::string_view pattern) {
  constexpr std::string_view kSpace = "\\t\\n\\f\\r ";
  std::string out;
  out.reserve(pattern.size() + 16);
  bool in_class = false;
  size_t class_body = 0;  // where the class's members start: a `]` there is a member
  std::vector<size_t> groups;  // where each open group starts in `out`
  for (size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (static_cast<unsigned char>(c) > 0x7f) return std::nullopt;
    if (c == '\\') {
      if (i + 1 == pattern.size()) return std::nullopt;
      const char escaped = pattern[++i];
      const char next = i + 1 < pattern.size() ? pattern[i + 1] : '\0';
      if (escaped == 'v' || escaped == 'p' || escaped == 'P' || escaped == 'Q' ||
          (escaped >= '0' && escaped <= '9') || (escaped == 'S' && in_class) ||
          (escaped == 'x' && (next == '{' || (next >= '8' && next <= '9') ||
                              (next >= 'a' && next <= 'f') || (next >= 'A' && next <= 'F')))) {
        return std::nullopt;
      }
      if (escaped == 's') {
        if (!in_class) {
          out += '[';
          out += kSpace;
          out += ']';
          continue;
        }
        // Spelled out, `\s` ends in a blank: `[a-\s]` and `[\s-/]` would turn into ranges.
        if (i >= 2 && pattern[i - 2] == '-' && i - 2 > class_body) return std::nullopt;
        out += kSpace;
        if (next == '-' && i + 2 < pattern.size() && pattern[i + 2] != ']') {
          out += "\\-";
          ++i;
        }
      } else if (escaped == 'S') {
        out += "[^";
        out += kSpace;
        out += ']';
      } else {
        out += c;
        out += escaped;
      }
      continue;
    }
    if (c == '{' && !in_class && !isRepeat(pattern.substr(i))) {
      // Literal in RE2; PCRE2 from 10.43 on reads `{,n}` and `{ 1 }` as repeats.
      out += "\\{";
      continue;
    }
    out += c;
    if (in_class) {
      if (c == '[' && i + 1 < pattern.size() && pattern[i + 1] == ':') {  // [:alpha:]
        const size_t close = pattern.find(":]", i + 2);
        if (close == std::string_view::npos) return std::nullopt;
        out.append(pattern.substr(i + 1, close + 1 - i));
        i = close + 1;
      } else if (c == ']' && i > class_body) {
        in_class = false;
      }
    } else if (c == '[') {
      in_class = true;
      class_body = i + 1;
      if (class_body < pattern.size() && pattern[class_body] == '^') {
        out += '^';
        ++class_body;
        ++i;
      }
    } else if (c == '(') {
      groups.push_back(out.size() - 1);
    } else if (c == ')') {
      if (groups.empty()) return std::nullopt;
      const size_t start = groups.back();
      groups.pop_back();
      if (mostRepeats(pattern.substr(i + 1)) > 1 && matchesEmpty(std::string_view(out).substr(start))) {
        return std::nullopt;
      }
    }
  }
  return out;
}

}  // namespace

struct SpanRegex::Jit {
  pcre2_code* code = nullptr;
  ~Jit() { pcre2_code_free(code); }
};

struct SpanScratch::Pcre2 {
  pcre2_match_data* match = nullptr;
  pcre2_match_context* context = nullptr;
  ~Pcre2() {
    pcre2_match_data_free(match);
    pcre2_match_context_free(context);
  }
};

SpanScratch::SpanScratch() : pcre2_(std::make_unique<Pcre2>()) {
  pcre2_->match = pcre2_match_data_create(kMaxSecretGroup + 1, nullptr);
  pcre2_->context = pcre2_match_context_create(nullptr);
  if (!pcre2_->match || !pcre2_->context) throw std::bad_alloc();
  pcre2_set_match_limit(pcre2_->context, kMatchLimit);
}
SpanScratch::~SpanScratch() = default;
SpanScratch::SpanScratch(SpanScratch&&) noexcept = default;
SpanScratch& SpanScratch::operator=(SpanScratch&&) noexcept = default;

SpanRegex::~SpanRegex() = default;

std::unique_ptr<SpanRegex> SpanRegex::compile(const std::string& pattern, bool check_now,
                                              std::string* error, bool linear_only) {
  std::unique_ptr<SpanRegex> span(new SpanRegex());
  span->pattern_ = pattern;
  if (check_now) {
    // Only to check: RE2 runs again, compiled on first use, where PCRE2 cannot.
    const re2::RE2 regex(pattern, linearOptions());
    if (!regex.ok()) {
      *error = "RE2: " + regex.error();
      return nullptr;
    }
    if (!secretGroupOf(regex, &span->secret_group_, error)) return nullptr;
  }

  std::string refused;
  if (!linear_only) {
    if (const auto dialect = inPcre2Dialect(pattern))
      span->jit_ = compileJit(*dialect, check_now, &span->secret_group_, &refused);
  }
  if (!refused.empty()) {
    *error = refused;
    return nullptr;
  }
  // RE2 alone will find this rule's spans: compiled late, it must still refuse what it refuses.
  if (!span->jit_ && !check_now && !span->linear()) {
    *error = "RE2 refuses the pattern";
    return nullptr;
  }
  return span;
}

// PCRE2's JIT code for `pattern` (in PCRE2's dialect), or null where it cannot be used: PCRE2
// refuses the pattern, there is no executable memory, or it numbers the `secret` group unlike
// RE2 (*secret_group, set from RE2 when `check_now`, else set here). Fills *error only for a
// named group RE2 would refuse, which only a pattern not checked by RE2 can reach here with.
std::unique_ptr<SpanRegex::Jit> SpanRegex::compileJit(const std::string& pattern, bool check_now,
                                                      int* secret_group, std::string* error) {
  pcre2_code* code = compilePcre2(pattern);
  if (!code) return nullptr;
  auto jit = std::make_unique<Jit>();
  jit->code = code;
  uint32_t names = 0;
  pcre2_pattern_info(code, PCRE2_INFO_NAMECOUNT, &names);
  int secret = pcre2_substring_number_from_name(code, reinterpret_cast<PCRE2_SPTR>("secret"));
  if (secret < 0) secret = 0;
  if (names > (secret ? 1u : 0u)) {
    *error = "a named group other than 'secret' is not allowed";
    return nullptr;
  }
  if (!check_now) *secret_group = secret;  // both engines number groups by opening parenthesis
  if (secret != *secret_group || secret > kMaxSecretGroup) return nullptr;
  if (pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) != 0) return nullptr;
  return jit;
}

bool SpanRegex::jitAvailable() {
  static const bool available = [] {
    std::string ignored;
    const auto probe = compile("a", /*check_now=*/false, &ignored);
    return probe && probe->jitted();
  }();
  return available;
}

const re2::RE2* SpanRegex::linear() const {
  std::call_once(linear_compiled_, [&] {
    auto regex = std::make_unique<re2::RE2>(pattern_, linearOptions());
    std::string ignored;
    if (regex->ok() && secretGroupOf(*regex, &linear_secret_group_, &ignored)) linear_ = std::move(regex);
  });
  return linear_.get();
}

bool SpanRegex::findAll(SpanScratch& scratch, uint32_t slot, std::string_view value,
                        std::vector<SpanMatch>& out) const {
  if (!jit_ || value.size() > kMaxJitValue) return findWithRe2(value, 0, out);
  if (slot >= scratch.costs_.size()) scratch.costs_.resize(slot + 1);
  SpanScratch::Cost& cost = scratch.costs_[slot];
  if (cost.linear_left > 0) {
    --cost.linear_left;
    return findWithRe2(value, 0, out);
  }
  const auto start = std::chrono::steady_clock::now();
  const bool found = findWithJit(scratch, value, out);
  if (std::chrono::steady_clock::now() - start > kSlowSearch && ++cost.strikes >= kStrikes) {
    cost.strikes = 0;
    cost.linear_left = kLinearSearches;
    ++scratch.demotions_;
  }
  return found;
}

bool SpanRegex::findWithJit(SpanScratch& scratch, std::string_view value, std::vector<SpanMatch>& out) const {
  size_t position = 0;
  const auto* subject = reinterpret_cast<PCRE2_SPTR>(value.data());
  pcre2_match_data* match = scratch.pcre2_->match;
  while (position <= value.size()) {
    const int found = pcre2_jit_match(jit_->code, subject, value.size(), position, 0, match,
                                      scratch.pcre2_->context);
    if (found == PCRE2_ERROR_NOMATCH) return true;
    if (found < 0) {  // the match limit, the JIT stack, or memory: RE2 takes it from here
      ++scratch.fallbacks_;
      return findWithRe2(value, position, out);
    }
    const PCRE2_SIZE* offsets = pcre2_get_ovector_pointer(match);
    SpanMatch span{offsets[0], offsets[1], offsets[0], offsets[1]};
    if (secret_group_) {
      // 0 from pcre2_match: the ovector was too small for every group, never for ours.
      const bool took_part = (found == 0 || found > secret_group_) &&
                             offsets[2 * secret_group_] != PCRE2_UNSET;
      span.secret_begin = took_part ? offsets[2 * secret_group_] : span.end;
      span.secret_end = took_part ? offsets[2 * secret_group_ + 1] : span.end;
    }
    out.push_back(span);
    position = span.end > position ? span.end : position + 1;
  }
  return true;
}

bool SpanRegex::findWithRe2(std::string_view value, size_t position,
                            std::vector<SpanMatch>& out) const {
  const re2::RE2* regex = linear();
  if (!regex) return false;
  const int group = linear_secret_group_;
  re2::StringPiece text(value.data(), value.size());
  re2::StringPiece submatch[kMaxSecretGroup + 1];
  while (position <= value.size() &&
         regex->Match(text, position, value.size(), re2::RE2::UNANCHORED, submatch, group + 1)) {
    const re2::StringPiece whole = submatch[0];
    const re2::StringPiece secret = group ? submatch[group] : whole;
    SpanMatch span;
    span.begin = static_cast<size_t>(whole.data() - value.data());
    span.end = span.begin + whole.size();
    span.secret_begin = secret.data() ? static_cast<size_t>(secret.data() - value.data()) : span.end;
    span.secret_end = secret.data() ? span.secret_begin + secret.size() : span.end;
    out.push_back(span);
    position = span.end > position ? span.end : position + 1;
  }
  return true;
}

}  // namespace veil::core
