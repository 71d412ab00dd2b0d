#include "core/span_regex.h"

#include <gtest/gtest.h>

#include <functional>
#include <random>
#include <string>
#include <vector>

namespace veil::core {
namespace {

std::unique_ptr<SpanRegex> compiled(const std::string& pattern, bool linear_only = false) {
  std::string error;
  auto regex = SpanRegex::compile(pattern, /*check_now=*/true, &error, linear_only);
  EXPECT_NE(regex, nullptr) << error;
  return regex;
}

// "begin-end:secret_begin-secret_end" for each match, to compare engines in one line.
std::string spans(const SpanRegex& regex, std::string_view value, SpanScratch& scratch) {
  std::vector<SpanMatch> found;
  EXPECT_TRUE(regex.findAll(scratch, 0, value, found));
  std::string out;
  for (const auto& m : found) {
    out += std::to_string(m.begin) + "-" + std::to_string(m.end) + ":" + std::to_string(m.secret_begin) +
           "-" + std::to_string(m.secret_end) + " ";
  }
  return out;
}

// The JIT must find what RE2 finds; each case names where the two dialects could part.
TEST(SpanRegexTest, JitFindsWhatRe2Finds) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"(token=(?P<secret>[A-Za-z0-9]{8,}))", "a token=abcdefgh1 b token=12345678 token=short"},
      {R"(x(?P<secret>\d+)|y)", "y x12 yy x"},                   // the group not taking part
      {R"(a*)", "baab"},                                          // empty matches step one byte
      {R"(abc$)", "abc\n"},                                      // `$` only at the very end
      {R"((?m)abc$)", "abc\nabc"},
      {R"(\bkey\b)", "akey key keys key"},                        // \b sees bytes before the start
      {R"((?i)\bpassword\s*[=:]\s*(?P<secret>\S+))", "PassWord = hunter2x password:x"},
      {R"([^\r\n]{1,20}? with (?P<secret>\w+))", "found key 'x' with value and with other"},
      {R"((?P<secret>a|ab)(c|bcd)(d*))", "abcd abcbcd"},          // leftmost-first, not longest
      {R"(\s+)", "a \t\x0b\f b"},                                   // VT is not space in RE2
      {R"([^\s"]+)", "a\x0b" "b \"c\"\td"},
      {R"(\S+)", "a\x0b" "b c"},
      {R"([]\s]+|[^]a]x)", "] ]\x0b bx ax"},                      // `]` first in a class is a member
      {R"([[:space:]\d]+)", "1\x0b 2 x"},                        // POSIX space has VT in both
      {R"((?m)^)", "a\nb\n"},                                       // (?m)^ after a final newline
      {R"(pw=(?P<secret>[^\s-/]+))", "user pw=hunter#2!x done"},  // `\s-/` is no range
      {R"(k=(?P<secret>[\s-/]+))", "k= \tk=#!k=-/"},
      {R"(sessions=(?:(?P<secret>[^;\s]*);?)+)", "login sessions=abc123;def456 ok"},  // empty last turn
      {R"((?P<secret>a*)+)", "aab"},
      {R"((?:\w*|[.-])+)", "x-y.z"},
      {R"((?:a*|b){2,})", "aab"},
      {R"((?:a|b*){1,3}c)", "abbc"},
      {R"(a{,2}b|x{ 1}|y{1,2})", "a{,2}b aab x{ 1} yyy"},          // `{` that starts no repeat
      {R"(.+)", std::string("a\0b\xff\nc", 7)},                     // bytes, NUL, invalid UTF-8
  };
  SpanScratch scratch;
  for (const auto& [pattern, value] : cases) {
    auto jit = compiled(pattern);
    auto linear = compiled(pattern, /*linear_only=*/true);
    ASSERT_TRUE(jit && linear);
    EXPECT_FALSE(linear->jitted());
    EXPECT_EQ(spans(*jit, value, scratch), spans(*linear, value, scratch)) << pattern;
  }
  EXPECT_EQ(scratch.fallbacks(), 0u);
}

// Random patterns of the syntax rule packs use, against random bytes: PCRE2 (where it takes the
// rule) must find exactly RE2's spans. Found the `\s-` range and empty-repeat differences.
TEST(SpanRegexTest, RandomPatternsFindTheSameSpansInBothEngines) {
  std::mt19937 random(20261126);
  auto pick = [&](const std::vector<std::string>& from) { return from[random() % from.size()]; };
  const std::vector<std::string> atoms = {"a", "b", "A", " ", "-", "\\s", "\\S", "\\d", "\\w", "\\W", ".",
                                          "\\x0b", "\\n", "\\t", "]", "{", "}", ",", "\\.", "\\-", "_",
                                          "1", "\\b", "\\B", "^", "$", "\\A", "\\z"};
  const std::vector<std::string> members = {"a", "b", "\\s", "\\d", "\\w", "-", "]", "\\]", "[:alpha:]",
                                            "[:space:]", "a-c", " ", "\\-", "^", "\\n", "\\x0b", "_-a", "\\t"};
  const std::vector<std::string> repeats = {"", "", "", "*", "+", "?", "*?", "+?", "??", "{2}", "{1,}",
                                            "{0,2}", "{,2}", "{1,2}?", "{ 1}", "{3,5}"};
  std::function<std::string(int, bool&)> sequence = [&](int depth, bool& secret) {
    std::string out;
    for (int n = static_cast<int>(random() % 4); n > 0; --n) {
      std::string atom;
      switch (depth > 2 ? random() % 2 : random() % 6) {
        case 0: atom = pick(atoms); break;
        case 1: {
          atom = random() % 3 == 0 ? "[^" : "[";
          for (int k = 1 + static_cast<int>(random() % 3); k > 0; --k) atom += pick(members);
          atom += "]";
          break;
        }
        case 2: atom = "(?:" + sequence(depth + 1, secret) + "|" + sequence(depth + 1, secret) + ")"; break;
        case 3:
          if (!secret && random() % 2) {
            secret = true;
            atom = "(?P<secret>" + sequence(depth + 1, secret) + ")";
          } else {
            atom = "(" + sequence(depth + 1, secret) + ")";
          }
          break;
        case 4: atom = pick({"(?i)", "(?m)", "(?s)", "(?U)"}); break;
        default: atom = "(?i:" + sequence(depth + 1, secret) + ")"; break;
      }
      out += atom + (atom.starts_with("(?") && atom.size() == 4 ? "" : pick(repeats));
    }
    return out;
  };
  const std::string bytes = std::string("abA \n\x0b-]_1B/\t{}", 15) + std::string(1, '\0') + "\xe9";
  SpanScratch scratch;
  size_t compared = 0;
  for (int i = 0; i < 4000; ++i) {
    bool secret = false;
    const std::string pattern = sequence(0, secret);
    std::string error;
    auto jit = SpanRegex::compile(pattern, /*check_now=*/true, &error);
    if (!jit || !jit->jitted()) continue;  // RE2 refuses it, or keeps it for itself
    auto linear = SpanRegex::compile(pattern, /*check_now=*/true, &error, /*linear_only=*/true);
    ASSERT_TRUE(linear) << pattern;
    ++compared;
    for (int k = 0; k < 12; ++k) {
      std::string value;
      for (int n = static_cast<int>(random() % 12); n > 0; --n) value += bytes[random() % bytes.size()];
      ASSERT_EQ(spans(*jit, value, scratch), spans(*linear, value, scratch)) << "pattern " << pattern;
    }
  }
  EXPECT_GT(compared, 1000u);
}

TEST(SpanRegexTest, SecretGroupSpansOnlyItsPart) {
  auto regex = compiled(R"(key=(?P<secret>\w+);)");
  SpanScratch scratch;
  EXPECT_EQ(spans(*regex, "key=abc; key=de;", scratch), "0-8:4-7 9-16:13-15 ");
}

TEST(SpanRegexTest, HostileBacktrackingFallsBackToRe2) {
  // Exponential for a backtracking engine at every `a` run; linear for RE2.
  auto regex = compiled(R"((?:(a+)+b|c))");
  ASSERT_TRUE(regex);
  std::string value;
  for (int i = 0; i < 40; ++i) value += std::string(24, 'a') + "!";
  value += "c";
  SpanScratch scratch;
  std::vector<SpanMatch> found;
  ASSERT_TRUE(regex->findAll(scratch, 0, value, found));
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].begin, value.size() - 1);
  EXPECT_EQ(scratch.fallbacks(), 1u);
}

// Backtracking that the match limit does not count (a one-character repeat scanning ahead from
// every start): quadratic in the value. Longer values go to RE2; a rule whose searches keep
// being slow on a thread goes to RE2 there for a while. Spans are the same either way.
TEST(SpanRegexTest, SlowSearchesLeaveTheRuleToRe2ForAWhile) {
  auto regex = compiled(R"((?:\w+\.)+com\b)");
  ASSERT_TRUE(regex);
  if (!regex->jitted()) GTEST_SKIP() << "no JIT on this host";
  const std::string value = std::string(4090, 'a') + " x.com";
  SpanScratch scratch;
  for (int i = 0; i < 4; ++i) EXPECT_EQ(spans(*regex, value, scratch), "4091-4096:4091-4096 ");
  EXPECT_EQ(scratch.demotions(), 1u);
  EXPECT_EQ(spans(*regex, std::string(100000, 'a') + " y.com", scratch), "100001-100006:100001-100006 ");
  EXPECT_EQ(scratch.fallbacks(), 0u);
}

TEST(SpanRegexTest, DialectDifferencesLeaveTheRuleToRe2) {
  if (!compiled("abc")->jitted()) GTEST_SKIP() << "no JIT on this host (no executable memory)";
  EXPECT_FALSE(compiled(R"(a\vb)")->jitted());           // PCRE2: any vertical space
  EXPECT_FALSE(compiled("(?i)caf\xe9")->jitted());        // RE2 folds Latin-1 letters
  EXPECT_FALSE(compiled(R"((?i)caf\xe9)")->jitted());
  EXPECT_FALSE(compiled(R"(\pL+)")->jitted());
  EXPECT_FALSE(compiled(R"([\S,])")->jitted());
  EXPECT_TRUE(compiled(R"(\x41\\v)")->jitted());          // an escaped backslash, then `v`
  EXPECT_TRUE(compiled(R"([^\s"]+\S)")->jitted());
  SpanScratch scratch;
  EXPECT_EQ(spans(*compiled(R"(a\vb)"), "a\x0b" "b a\nb", scratch), "0-3:0-3 ");
}

TEST(SpanRegexTest, RefusesWhatRe2Refuses) {
  for (bool check_now : {true, false}) {
    std::string error;
    EXPECT_EQ(SpanRegex::compile("(?P<other>abc)", check_now, &error), nullptr);
    EXPECT_NE(error.find("named group"), std::string::npos) << error;
    error.clear();
    EXPECT_EQ(SpanRegex::compile("(abc", check_now, &error), nullptr);
    EXPECT_FALSE(error.empty());
    error.clear();
    // PCRE2 accepts a back-reference, RE2 does not: RE2 decides.
    EXPECT_EQ(SpanRegex::compile(R"((a)\1)", check_now, &error), nullptr);
  }
}

TEST(SpanRegexTest, PatternsPcre2RejectsStillWorkThroughRe2) {
  auto regex = compiled(R"(a\Cb)");  // RE2: any byte; PCRE2 is told never to accept \C
  ASSERT_TRUE(regex);
  EXPECT_FALSE(regex->jitted());
  SpanScratch scratch;
  EXPECT_EQ(spans(*regex, "axb", scratch), "0-3:0-3 ");
}

}  // namespace
}  // namespace veil::core
