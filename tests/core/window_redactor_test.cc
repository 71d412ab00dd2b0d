#include "core/window_redactor.h"

#include <gtest/gtest.h>

#include <random>

#include "support/test_policy.h"

namespace veil::core {
namespace {

// Drives WindowRedactor the way the line filter does: a window of at most `window_size` bytes
// of new data plus up to `overlap` bytes of context.
std::string redactInWindows(const Policy& policy, std::string_view record, size_t window_size,
                            size_t overlap) {
  Redactor redactor(policy);
  WindowRedactor windows(redactor, overlap);
  ScanContext ctx(policy.patterns());
  std::string out;
  size_t begin = 0;
  size_t context = 0;
  while (true) {
    const size_t available = record.size() - begin;
    const bool last = available <= context + window_size;
    std::string_view window = record.substr(begin, std::min(available, context + window_size));
    const size_t written = windows.redactWindow(ctx, window, context, last, out);
    if (last) break;
    EXPECT_GT(written, context) << "no progress";
    const size_t keep = std::min(overlap, written);
    begin += written - keep;
    context = keep;
  }
  return out;
}

std::string wholeRecord(const Policy& policy, std::string_view record) {
  ScanContext ctx(policy.patterns());
  std::string out;
  Redactor(policy).redact(ctx, record, out);
  return out;
}

TEST(WindowRedactorTest, SecretStraddlingEveryPossibleEdgeIsMasked) {
  auto policy = testing::makePolicy(testing::foundationRules());
  const std::string token = "ghp_0123456789abcdefghijABCDEFGHIJ012345";
  for (size_t offset = 0; offset < 120; ++offset) {
    const std::string record = std::string(offset, 'a') + " " + token + " " + std::string(200, 'b');
    EXPECT_EQ(redactInWindows(*policy, record, 64, 48), wholeRecord(*policy, record))
        << "offset " << offset;
  }
}

TEST(WindowRedactorTest, ContextBeforeTheEdgeStillMatches) {
  auto policy = testing::makePolicy(testing::foundationRules());
  for (size_t offset = 0; offset < 100; ++offset) {
    const std::string record =
        std::string(offset, 'x') + " password=abcdefgh12345 " + std::string(150, 'y');
    EXPECT_EQ(redactInWindows(*policy, record, 64, 40), wholeRecord(*policy, record))
        << "offset " << offset;
  }
}

TEST(WindowRedactorTest, RandomRecordsMatchWholeRecordRedaction) {
  auto policy = testing::makePolicy(testing::foundationRules());
  // Every piece ends in a blank so that no secret grows longer than the overlap: the window
  // scheme promises to find secrets up to that length wherever the edges fall.
  const std::vector<std::string> pieces = {
      "AKIAABCDEFGHIJKLMNOP ", "ghp_0123456789abcdefghijABCDEFGHIJ012345\t", "password=hunter2x ",
      " ", "plain words ", "xoxb-1234567890-abcdefghij ", "\t", "AKIA", "ghp_", "x"};
  std::mt19937 random(7);
  for (int round = 0; round < 200; ++round) {
    std::string record;
    while (record.size() < 2000) record += pieces[random() % pieces.size()];
    EXPECT_EQ(redactInWindows(*policy, record, 256, 64), wholeRecord(*policy, record))
        << "round " << round;
  }
}

}  // namespace
}  // namespace veil::core
