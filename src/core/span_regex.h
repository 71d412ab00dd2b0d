#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace re2 {
class RE2;
}

namespace veil::core {

// Where one match of a rule lies: the whole match and, inside it, the part to replace (the
// `secret` group; the whole match when the rule has none). An empty secret means the group
// did not take part in the match.
struct SpanMatch {
  size_t begin = 0;
  size_t end = 0;
  size_t secret_begin = 0;
  size_t secret_end = 0;
};

// One thread's working memory for SpanRegex::findAll (PCRE2 match data and limits), and how
// often it had to fall back to RE2. Move-only; never shared between threads.
class SpanScratch {
 public:
  SpanScratch();
  ~SpanScratch();
  SpanScratch(SpanScratch&&) noexcept;
  SpanScratch& operator=(SpanScratch&&) noexcept;

  // Searches that PCRE2 gave up on (match limit, JIT stack) and RE2 finished.
  uint64_t fallbacks() const { return fallbacks_; }
  // Times a rule's searches were slow often enough to leave the next ones to RE2.
  uint64_t demotions() const { return demotions_; }

 private:
  friend class SpanRegex;
  struct Pcre2;
  // One rule's record on this thread (see kSlowSearch in span_regex.cc).
  struct Cost {
    uint32_t strikes = 0;
    uint32_t linear_left = 0;  // searches still to go to RE2
  };
  std::unique_ptr<Pcre2> pcre2_;
  std::vector<Cost> costs_;  // by slot
  uint64_t fallbacks_ = 0;
  uint64_t demotions_ = 0;
};

// Finds exact matches of one rule's pattern after Hyperscan said the rule fires on a value.
//
// RE2 defines the semantics (leftmost-first, bytes, `secret` group), but its lazily built DFAs
// are slow here: each of 250-odd rules fires on few lines, so its DFA states are cold in the
// cache, and a counted repeat such as `[A-Za-z0-9]{36}` is one state per byte. PCRE2's JIT
// compiles each pattern to a few KB of machine code and finds the same matches for the syntax
// both accept (a rule's examples check it); measured on the comparison corpus, 8-17x fewer
// cycles. Backtracking can be exponential on hostile input, so PCRE2 runs under a match limit
// that real values never approach, and RE2, linear in the input, finishes any search PCRE2
// gives up on. RE2 alone runs where PCRE2 or its JIT cannot (no executable memory, a pattern
// PCRE2 rejects or numbers differently).
//
// Immutable after compile() and safe to share between threads.
class SpanRegex {
 public:
  // Compiles `pattern` (RE2 syntax; `secret` is the only named group allowed, among the first
  // 15 groups). Returns null and fills *error when RE2 refuses it. With `check_now` false the
  // caller vouches that RE2 accepted this pattern before (a cached database), and RE2 is only
  // compiled when first needed.
  //
  // `linear_only` leaves PCRE2 out: RE2 finds every span (to compare the two engines).
  static std::unique_ptr<SpanRegex> compile(const std::string& pattern, bool check_now,
                                            std::string* error, bool linear_only = false);
  ~SpanRegex();
  SpanRegex(const SpanRegex&) = delete;
  SpanRegex& operator=(const SpanRegex&) = delete;

  // Appends every match in `value`, left to right, without overlaps, as RE2 would find them
  // searching again from the end of each match (one byte on after an empty one). Returns
  // false when RE2 was needed and, compiled late, refused the pattern: the caller must then
  // treat the whole value as matched. `slot` is this regex's own small number among those
  // searching with `scratch` (a rule's index), under which the scratch keeps its costs.
  bool findAll(SpanScratch& scratch, uint32_t slot, std::string_view value,
               std::vector<SpanMatch>& out) const;

  // Whether PCRE2's JIT finds this rule's spans (false: RE2 does, more slowly).
  bool jitted() const { return jit_ != nullptr; }

  // Whether this process can run JIT code at all (no memory that is writable and then
  // executable, as under systemd's MemoryDenyWriteExecute, means RE2 for every rule).
  static bool jitAvailable();

 private:
  struct Jit;
  SpanRegex() = default;
  static std::unique_ptr<Jit> compileJit(const std::string& pattern, bool check_now,
                                         int* secret_group, std::string* error);
  const re2::RE2* linear() const;
  bool findWithJit(SpanScratch& scratch, std::string_view value, std::vector<SpanMatch>& out) const;
  bool findWithRe2(std::string_view value, size_t position, std::vector<SpanMatch>& out) const;

  std::string pattern_;
  int secret_group_ = 0;  // PCRE2's number for the `secret` group
  mutable int linear_secret_group_ = 0;  // RE2's, set with linear_
  std::unique_ptr<Jit> jit_;
  mutable std::once_flag linear_compiled_;
  mutable std::unique_ptr<re2::RE2> linear_;  // null when RE2 refused the pattern
};

}  // namespace veil::core
