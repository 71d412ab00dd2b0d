#include "core/prefilters.h"

#include <gtest/gtest.h>

#include <string>

namespace veil::core {
namespace {

constexpr unsigned kAll = kNumberShapes | kEmailShape | kPhoneShape;

TEST(PrefiltersTest, FindsEachShapeInItsUsualForms) {
  EXPECT_EQ(shapesIn("card=4526018159083012 ok", kAll), kCardNumberShape);
  EXPECT_EQ(shapesIn("pan 5382-1993-5181-9096", kAll), kCardNumberShape);
  EXPECT_EQ(shapesIn("amex 3723 194875 74919", kAll), kCardNumberShape);
  EXPECT_EQ(shapesIn("maestro 5018177774129 (12+ digits)", kAll), kCardNumberShape);
  EXPECT_EQ(shapesIn("ssn=343-76-8917", kAll), kUsSsnShape);
  EXPECT_EQ(shapesIn("SSN 585 81 9517", kAll), kUsSsnShape);
  EXPECT_EQ(shapesIn("to DE62841485253888539336", kAll), kIbanShape);
  EXPECT_TRUE(shapesIn("GB98 WEST 3387 5004 7439 57", kAll) & kIbanShape);
  EXPECT_EQ(shapesIn("from Jane.Doe+alerts@Mail.Example.COM:", kAll), kEmailShape);
  EXPECT_EQ(shapesIn("x@y.io", kAll), kEmailShape);
  EXPECT_EQ(shapesIn("sms to +447946095812 ok", kAll), kPhoneShape);
  EXPECT_EQ(shapesIn("caller \"+44 20 7946 0958\"", kAll), kPhoneShape);
  EXPECT_EQ(shapesIn("callback +1 (415) 555-2671", kAll), kPhoneShape);
  EXPECT_EQ(shapesIn("phone (555) 234-5678", kAll), kPhoneShape);
}

TEST(PrefiltersTest, PassesOverTheNumbersOfOrdinaryLogs) {
  for (const char* line : {
           "2015-07-29 17:41:44,747 - INFO [main:QuorumPeer@913] - LOOKING",
           "081109 204005 35 INFO dfs.FSNamesystem: BLOCK* NameSystem.allocateBlock: blk_-1608999687919862906",
           "- 1117838570 2005.06.03 R02-M1-N0-C:J12-U11 2005-06-03-15.42.50.363779 R02-M1-N0-C:J12-U11 RAS",
           "Jun 14 15:16:01 combo sshd(pam_unix)[19939]: authentication failure; rhost=218.188.2.4",
           "payment declined card=4526018159083013 (bad checksum)",
           "txn 1445144423722 at 1445144423721 and 14451444237221",
           "order 1234-5678-9012-3455 is not a card: starts with 1",
           "versions 10.2.3 and 4.5.6, counters 1200 4526 0181",
           "ref ab-343-76-89170 and 2015-07-29 12",
           "CPU12 MEM34 at 0x7fff5fbff8c8",
           "java.lang.Object@6d06d69c handled by worker@pool-3 on root@localhost",
           "@example.com and a@.com and a@b.c and trailing x@",
           "tz +0000 and +08:00, latency +1500 ms, f(x) and (12) and (1234)",
       }) {
    EXPECT_EQ(shapesIn(line, kAll), 0u) << line;
  }
}

TEST(PrefiltersTest, AskedShapesOnly) {
  const std::string line = "card 4526018159083012 ssn 343-76-8917";
  EXPECT_EQ(shapesIn(line, kUsSsnShape), kUsSsnShape);
  EXPECT_EQ(shapesIn(line, kIbanShape), 0u);
  EXPECT_EQ(shapesIn(line, kAll), kCardNumberShape | kUsSsnShape);
}

// The scan works in 64-byte blocks that overlap by 16: a shape must be found at every offset,
// across block edges, and right at the end of the text.
TEST(PrefiltersTest, FindsShapesAtEveryOffsetAndAtTheEnd) {
  const std::pair<std::string, unsigned> shapes[] = {
      {"4526 0181 5908 3012", kCardNumberShape},
      {"3723 194875 74919", kCardNumberShape},
      {"4909960308246281946", kCardNumberShape},
      {"343-76-8917", kUsSsnShape},
      {"ops-team@example.co.uk", kEmailShape},
      {"GB98 WEST 3387 5004 7439 57", kIbanShape},
  };
  for (const auto& [shape, bit] : shapes) {
    for (size_t offset = 0; offset < 200; ++offset) {
      const std::string prefix = std::string(offset, 'x') + " ";
      EXPECT_TRUE(shapesIn(prefix + shape + " tail", kAll) & bit) << shape << " at " << offset;
      EXPECT_TRUE(shapesIn(prefix + shape, kAll) & bit) << shape << " ending the text at " << offset;
    }
  }
}

TEST(PrefiltersTest, NoShapeStartsInsideADigitChain) {
  // A card never starts right after a digit, or after a digit and one separator.
  EXPECT_EQ(shapesIn("14526018159083012", kAll), 0u);
  EXPECT_EQ(shapesIn("7 4526 0181 5908 3012", kAll), 0u);
  EXPECT_EQ(shapesIn("1343-76-8917", kAll), 0u);
}

TEST(PrefiltersTest, NamesAreCheckedWithTheAllowedOnesListed) {
  std::string error;
  EXPECT_TRUE(parsePrefilter("card-number", &error).has_value());
  EXPECT_FALSE(parsePrefilter("cards", &error).has_value());
  EXPECT_EQ(error, "unknown prefilter 'cards'; allowed: card-number, us-ssn, iban, email, phone");
}

}  // namespace
}  // namespace veil::core
