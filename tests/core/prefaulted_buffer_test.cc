#include "core/prefaulted_buffer.h"

#include <gtest/gtest.h>

#include <utility>

namespace veil::core {
namespace {

TEST(PrefaultedBufferTest, HoldsZeroedWritableBytes) {
  PrefaultedBuffer buffer(3 << 20);
  ASSERT_EQ(buffer.size(), size_t{3} << 20);
  EXPECT_EQ(buffer.data()[0], 0);
  EXPECT_EQ(buffer.data()[buffer.size() - 1], 0);
  buffer.data()[buffer.size() - 1] = 'x';
  EXPECT_EQ(buffer.view().back(), 'x');
}

TEST(PrefaultedBufferTest, EmptyHasNoMemory) {
  PrefaultedBuffer none;
  EXPECT_TRUE(none.empty());
  EXPECT_EQ(none.data(), nullptr);
  PrefaultedBuffer zero(0);
  EXPECT_TRUE(zero.view().empty());
}

TEST(PrefaultedBufferTest, MovesOwnership) {
  PrefaultedBuffer first(4096);
  first.data()[0] = 'a';
  PrefaultedBuffer second(std::move(first));
  EXPECT_TRUE(first.empty());  // NOLINT(bugprone-use-after-move): moved-from state is specified
  EXPECT_EQ(second.view().front(), 'a');
  PrefaultedBuffer third(8192);
  third = std::move(second);
  EXPECT_EQ(third.size(), 4096u);
  EXPECT_EQ(third.view().front(), 'a');
  EXPECT_TRUE(second.empty());  // NOLINT(bugprone-use-after-move)
}

}  // namespace
}  // namespace veil::core
