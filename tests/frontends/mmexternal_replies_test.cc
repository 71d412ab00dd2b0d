#include "frontends/mmexternal_replies.h"

#include <gtest/gtest.h>

namespace veil::frontends {
namespace {

TEST(MmexternalRepliesTest, UnchangedLinesGetAnEmptyObjectEach) {
  MmexternalReplies replies("msg");
  std::string out;
  replies.addUnchanged("one\ntwo\r\n\nlast", out);
  EXPECT_EQ(out, "{}\n{}\n{}\n{}");
}

TEST(MmexternalRepliesTest, ChangedLinesSetThePropertyAsAJsonString) {
  MmexternalReplies replies("rawmsg");
  std::string out;
  replies.addRedacted("a \"quoted\" back\\slash\ttab\x01 \xff\r\n", out);
  EXPECT_EQ(out, "{\"rawmsg\":\"a \\\"quoted\\\" back\\\\slash\\ttab\\u0001 \xff\\r\"}\n");
}

TEST(MmexternalRepliesTest, ALineInPiecesIsOneReply) {
  MmexternalReplies replies("msg");
  std::string out;
  replies.addRedacted("first win", out);
  replies.addRedacted("dow, second", out);
  replies.addRedacted(" window\nnext [MASK]\n", out);
  replies.addUnchanged("same\n", out);
  replies.addRedacted("open", out);
  replies.finish(out);
  replies.finish(out);  // nothing left open the second time
  EXPECT_EQ(out, "{\"msg\":\"first window, second window\"}\n{\"msg\":\"next [MASK]\"}\n{}\n{\"msg\":\"open\"}");
}

}  // namespace
}  // namespace veil::frontends
