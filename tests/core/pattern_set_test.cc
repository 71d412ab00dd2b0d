#include "core/pattern_set.h"

#include <gtest/gtest.h>

#include "support/test_policy.h"

namespace veil::core {
namespace {

Rule ruleWith(std::string id, std::string pattern) {
  Rule rule;
  rule.id = std::move(id);
  rule.pattern = std::move(pattern);
  return rule;
}

TEST(PatternSetTest, ReportsWhichRuleFailsHyperscan) {
  CompileError error;
  bool from_cache = true;
  auto set = PatternSet::build({ruleWith("ok", "abc"), ruleWith("broken", "x|")}, {}, &error,
                               &from_cache);
  EXPECT_EQ(set, nullptr);
  EXPECT_EQ(error.rule, 1u);
  EXPECT_NE(error.message.find("Hyperscan"), std::string::npos) << error.message;
}

TEST(PatternSetTest, ReportsUnbalancedPatternWithRuleIndex) {
  CompileError error;
  bool from_cache = false;
  auto set = PatternSet::build({ruleWith("a", "x"), ruleWith("b", "y"), ruleWith("c", "(unclosed")},
                               {}, &error, &from_cache);
  EXPECT_EQ(set, nullptr);
  EXPECT_EQ(error.rule, 2u);
  EXPECT_FALSE(error.message.empty());
}

TEST(PatternSetTest, RejectsNamedGroupsOtherThanSecret) {
  CompileError error;
  bool from_cache = false;
  EXPECT_EQ(PatternSet::build({ruleWith("x", "key=(?P<value>\\w+)")}, {}, &error, &from_cache),
            nullptr);
  EXPECT_NE(error.message.find("'value'"), std::string::npos) << error.message;
}

TEST(PatternSetTest, RejectsPatternMatchingEmptyInput) {
  CompileError error;
  bool from_cache = false;
  EXPECT_EQ(PatternSet::build({ruleWith("empty", "a*")}, {}, &error, &from_cache), nullptr);
  EXPECT_EQ(error.rule, 0u);
}

TEST(PatternSetTest, SecretGroupNarrowsTheFinding) {
  auto policy = testing::makePolicy({{"pw", R"(password=(?P<secret>\S+))"}});
  ScanContext ctx(policy->patterns());
  std::vector<Finding> findings;
  policy->patterns().findAll(ctx, "login password=hunter22 ok", findings);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].begin, 15u);
  EXPECT_EQ(findings[0].end, 23u);
}

TEST(PatternSetTest, FindsEveryOccurrenceOfAFiredRule) {
  auto policy = testing::makePolicy({{"key", R"(\bAKIA[A-Z0-9]{16}\b)"}});
  ScanContext ctx(policy->patterns());
  std::vector<Finding> findings;
  policy->patterns().findAll(ctx, "AKIAABCDEFGHIJKLMNOP and AKIAQRSTUVWXYZ234567", findings);
  ASSERT_EQ(findings.size(), 2u);
  EXPECT_EQ(ctx.findingsPerRule()[0], 2u);
}

TEST(PatternSetTest, FailedValidatorDropsTheMatch) {
  Rule rule = ruleWith("card", R"(\b\d{16}\b)");
  std::string error_text;
  rule.validator = parseValidator("luhn", &error_text);
  ASSERT_TRUE(rule.validator) << error_text;
  CompileError error;
  bool from_cache = false;
  auto set = PatternSet::build({rule}, {}, &error, &from_cache);
  ASSERT_NE(set, nullptr) << error.message;
  ScanContext ctx(*set);
  std::vector<Finding> findings;
  set->findAll(ctx, "4111111111111111 4111111111111112", findings);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].begin, 0u);
}

TEST(PatternSetTest, SerializedDatabaseIsReusedAndGarbageIsNot) {
  std::vector<Rule> rules = {ruleWith("a", R"(\bghp_[A-Za-z0-9]{36}\b)")};
  CompileError error;
  bool from_cache = true;
  auto fresh = PatternSet::build(rules, {}, &error, &from_cache);
  ASSERT_NE(fresh, nullptr);
  EXPECT_FALSE(from_cache);
  const std::string bytes = fresh->serializeDatabase();
  ASSERT_FALSE(bytes.empty());
  auto cached = PatternSet::build(rules, bytes, &error, &from_cache);
  ASSERT_NE(cached, nullptr);
  EXPECT_TRUE(from_cache);
  auto rebuilt = PatternSet::build(rules, "not a database", &error, &from_cache);
  ASSERT_NE(rebuilt, nullptr);
  EXPECT_FALSE(from_cache);
}

TEST(PatternSetTest, FingerprintChangesWithAnyPatternOrOrder) {
  std::vector<Rule> a = {ruleWith("x", "abc"), ruleWith("y", "def")};
  std::vector<Rule> b = {ruleWith("x", "abc"), ruleWith("y", "deg")};
  std::vector<Rule> c = {ruleWith("y", "def"), ruleWith("x", "abc")};
  EXPECT_EQ(PatternSet::fingerprint(a), PatternSet::fingerprint(a));
  EXPECT_NE(PatternSet::fingerprint(a), PatternSet::fingerprint(b));
  EXPECT_NE(PatternSet::fingerprint(a), PatternSet::fingerprint(c));
  EXPECT_EQ(PatternSet::fingerprint(a).size(), 64u);
}

TEST(PatternSetTest, ScansInvalidUtf8AndNulBytes) {
  auto policy = testing::makePolicy(testing::foundationRules());
  ScanContext ctx(policy->patterns());
  std::vector<Finding> findings;
  const std::string value = std::string("\xff\xfe\0 AKIAABCDEFGHIJKLMNOP \x80", 27);
  policy->patterns().findAll(ctx, value, findings);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].begin, 4u);
}

}  // namespace
}  // namespace veil::core
