#include "core/redactor.h"

#include <gtest/gtest.h>

#include "support/test_policy.h"

namespace veil::core {
namespace {

std::string redacted(const Policy& policy, std::string_view value) {
  ScanContext ctx(policy.patterns());
  std::string out;
  Redactor(policy).redact(ctx, value, out);
  return out;
}

TEST(RedactorTest, MasksGithubTokenInsideSentence) {
  auto policy = testing::makePolicy(testing::foundationRules());
  EXPECT_EQ(redacted(*policy, "user x token ghp_0123456789abcdefghijABCDEFGHIJ012345 end"),
            "user x token [REDACTED:github-token] end");
}

TEST(RedactorTest, ValueWithoutFindingIsAppendedUnchanged) {
  auto policy = testing::makePolicy(testing::foundationRules());
  ScanContext ctx(policy->patterns());
  std::string out = "prefix|";
  EXPECT_EQ(Redactor(*policy).redact(ctx, "nothing to see\there", out), 0u);
  EXPECT_EQ(out, "prefix|nothing to see\there");
}

TEST(RedactorTest, MasksOnlyTheSecretGroup) {
  auto policy = testing::makePolicy(testing::foundationRules());
  EXPECT_EQ(redacted(*policy, "db password=s3cr3t-v4lue; host=a"),
            "db password=[REDACTED:password-assignment]; host=a");
}

TEST(RedactorTest, OverlappingFindingsLeaveNoByteOfEither) {
  auto policy = testing::makePolicy({{"long", "abcdef"}, {"tail", "efgh"}});
  EXPECT_EQ(redacted(*policy, "xxabcdefghyy"), "xx[REDACTED:long]yy");
}

TEST(RedactorTest, MasksEveryOccurrence) {
  auto policy = testing::makePolicy(testing::foundationRules());
  EXPECT_EQ(redacted(*policy, "AKIAABCDEFGHIJKLMNOP,ASIAABCDEFGHIJKLMNOP"),
            "[REDACTED:aws-access-key-id],[REDACTED:aws-access-key-id]");
}

TEST(RedactorTest, TemplateSubstitutesRuleAndCategory) {
  auto policy = testing::makePolicy({{"k", "AKIA[A-Z]{16}"}}, "<{category}:{rule}> {other}");
  EXPECT_EQ(redacted(*policy, "a AKIAABCDEFGHIJKLMNOP b"), "a <secret:k> {other} b");
}

TEST(RedactorTest, SecretAtStartAndEndOfValue) {
  auto policy = testing::makePolicy(testing::foundationRules());
  EXPECT_EQ(redacted(*policy, "AKIAABCDEFGHIJKLMNOP"), "[REDACTED:aws-access-key-id]");
  EXPECT_EQ(redacted(*policy, "x AKIAABCDEFGHIJKLMNOP"), "x [REDACTED:aws-access-key-id]");
}

}  // namespace
}  // namespace veil::core
