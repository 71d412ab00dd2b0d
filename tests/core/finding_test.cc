#include "core/finding.h"

#include <gtest/gtest.h>

namespace veil::core {
namespace {

TEST(FindingTest, MergesOverlappingFindingsIntoOneRange) {
  std::vector<Finding> findings = {{1, 10, 20}, {0, 5, 12}};
  mergeOverlapping(findings);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0], (Finding{0, 5, 20}));
}

TEST(FindingTest, KeepsTouchingFindingsSeparate) {
  std::vector<Finding> findings = {{0, 0, 5}, {1, 5, 9}};
  mergeOverlapping(findings);
  EXPECT_EQ(findings, (std::vector<Finding>{{0, 0, 5}, {1, 5, 9}}));
}

TEST(FindingTest, NestedFindingIsAbsorbed) {
  std::vector<Finding> findings = {{2, 3, 4}, {1, 0, 10}};
  mergeOverlapping(findings);
  EXPECT_EQ(findings, (std::vector<Finding>{{1, 0, 10}}));
}

TEST(FindingTest, TieOnStartKeepsTheLongerFindingsRule) {
  std::vector<Finding> findings = {{7, 4, 8}, {3, 4, 12}};
  mergeOverlapping(findings);
  EXPECT_EQ(findings, (std::vector<Finding>{{3, 4, 12}}));
}

TEST(FindingTest, ChainOfOverlapsBecomesOneRange) {
  std::vector<Finding> findings = {{0, 0, 4}, {1, 3, 8}, {2, 7, 12}, {3, 20, 25}};
  mergeOverlapping(findings);
  EXPECT_EQ(findings, (std::vector<Finding>{{0, 0, 12}, {3, 20, 25}}));
}

}  // namespace
}  // namespace veil::core
