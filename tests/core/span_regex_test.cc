#include "core/span_regex.h"

#include <gtest/gtest.h>

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
  EXPECT_TRUE(regex.findAll(scratch, value, found));
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
  ASSERT_TRUE(regex->findAll(scratch, value, found));
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].begin, value.size() - 1);
  EXPECT_EQ(scratch.fallbacks(), 1u);
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
