#include "formats/key_block.h"

#include <gtest/gtest.h>

#include "support/test_policy.h"

namespace veil::formats {
namespace {

TEST(KeyBlockTest, ABeginLineWithoutItsEndOpensABlock) {
  EXPECT_TRUE(opensKeyBlock("-----BEGIN RSA PRIVATE KEY-----"));
  EXPECT_TRUE(opensKeyBlock("-----BEGIN PRIVATE KEY-----\r"));
  EXPECT_TRUE(opensKeyBlock("2026-11-26T02:00:00Z app[7]: -----BEGIN OPENSSH PRIVATE KEY-----"));
  EXPECT_TRUE(opensKeyBlock("key: -----BEGIN EC PRIVATE KEY----- MHcCAQEEIIgJHYABmmAHifgLhOpmi839"));
  EXPECT_TRUE(opensKeyBlock("-----BEGIN PGP PRIVATE KEY BLOCK-----"));
  EXPECT_TRUE(opensKeyBlock("-----BEGIN DH PRIVATE KEY-----"));
  // A block that ends on the same line, then one that does not.
  EXPECT_TRUE(opensKeyBlock("-----BEGIN PRIVATE KEY-----\\nMII\\n-----END PRIVATE KEY----- "
                            "-----BEGIN PRIVATE KEY-----"));
}

TEST(KeyBlockTest, PublicMaterialAndWholeBlocksOpenNothing) {
  EXPECT_FALSE(opensKeyBlock("-----BEGIN PUBLIC KEY-----"));
  EXPECT_FALSE(opensKeyBlock("-----BEGIN CERTIFICATE-----"));
  EXPECT_FALSE(opensKeyBlock("-----BEGIN RSA PUBLIC KEY-----"));
  EXPECT_FALSE(opensKeyBlock("-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBg\\n-----END PRIVATE KEY-----"));
  EXPECT_FALSE(opensKeyBlock("expected a file starting with BEGIN RSA PRIVATE KEY"));
  EXPECT_FALSE(opensKeyBlock("-----BEGIN private key-----"));
  EXPECT_FALSE(opensKeyBlock("-----BEGIN PRIVATE KEY"));
  EXPECT_FALSE(opensKeyBlock("the -----BEGIN PRIVATE KEY----- line is missing"));
  EXPECT_FALSE(opensKeyBlock(""));
}

TEST(KeyBlockTest, BodyLinesAreBase64OnTheirOwnOrAfterAPrefix) {
  const std::string body = "MIIEpAIBAAKCAQEA9QTYrwA2Ne3pDXhg+rVlaxKQoTLHrEVWFk9VA/ZowuweIj+0";
  auto span = keyBodySpan(body);
  ASSERT_TRUE(span);
  EXPECT_EQ(span->begin, 0u);
  EXPECT_EQ(span->end, body.size());

  span = keyBodySpan("  " + body + " \r");
  ASSERT_TRUE(span);
  EXPECT_EQ(span->begin, 2u);
  EXPECT_EQ(span->end, 2 + body.size());

  const std::string prefix = "2026-11-26T02:00:00Z app[7]: ";
  span = keyBodySpan(prefix + body);
  ASSERT_TRUE(span);
  EXPECT_EQ(span->begin, prefix.size());

  // The short last line of a body, and padding after a prefix.
  EXPECT_TRUE(keyBodySpan("uMHKOLOjOFIb"));
  EXPECT_TRUE(keyBodySpan("=Xk2v"));
  EXPECT_TRUE(keyBodySpan("app: GQIPd8x8La6PM="));
  EXPECT_TRUE(keyBodySpan("app: q83vEjRWeJAx"));
  // A body that kept its newline (an OTLP log record of a tailed file).
  span = keyBodySpan(body + "\n");
  ASSERT_TRUE(span);
  EXPECT_EQ(span->end, body.size());
}

TEST(KeyBlockTest, BlankLinesAndArmorHeadersKeepTheBlockWithNothingToMask) {
  for (const char* line : {"", "   ", "\r", "Proc-Type: 4,ENCRYPTED", "DEK-Info: AES-128-CBC,3F17F5316E2BAC89",
                           "Version: GnuPG v2", "2024-03-01T10:00:00.123Z INFO app[412]:"}) {
    auto span = keyBodySpan(line);
    ASSERT_TRUE(span) << line;
    EXPECT_EQ(span->begin, span->end) << line;
  }
}

TEST(KeyBlockTest, OtherLinesEndTheBlock) {
  EXPECT_FALSE(keyBodySpan("-----END RSA PRIVATE KEY-----"));
  EXPECT_FALSE(keyBodySpan("app: -----END PRIVATE KEY-----"));
  EXPECT_FALSE(keyBodySpan("request finished"));
  EXPECT_FALSE(keyBodySpan("GET /health took 15ms"));
  EXPECT_FALSE(keyBodySpan("status=ok"));
  EXPECT_FALSE(keyBodySpan("INFO loaded key from /etc/ssl/private/server.key"));
  EXPECT_FALSE(keyBodySpan("{\"msg\":\"request done\"}"));
  // Words, numbers and paths are base64 characters but not encoded bytes.
  EXPECT_FALSE(keyBodySpan("retrying"));
  EXPECT_FALSE(keyBodySpan("12345"));
  EXPECT_FALSE(keyBodySpan("/var/lib/veil/cache/patterns"));
  EXPECT_FALSE(keyBodySpan("2026-11-26 app[7]: GET /api/v1/objects/0123456789abcdef"));
  EXPECT_FALSE(keyBodySpan("app[7]: Retrying"));
}

// Docker's json-file driver: one JSON record per line a container printed.
TEST(KeyBlockTest, JsonRecordsCarryKeyLinesInTheirStringValues) {
  EXPECT_TRUE(opensKeyBlock(R"({"log":"-----BEGIN RSA PRIVATE KEY-----\n","stream":"stdout","time":"2026-11-26T02:00:00Z"})"));
  EXPECT_FALSE(opensKeyBlock(R"({"log":"-----BEGIN PUBLIC KEY-----\n","stream":"stdout"})"));
  EXPECT_FALSE(opensKeyBlock(R"({"-----BEGIN RSA PRIVATE KEY-----":1})"));  // a key, not a value
  const std::string body = "MIIEpAIBAAKCAQEA9QTYrwA2Ne3pDXhg+rVlaxKQoTLHrEVWFk9VA/ZowuweIj+0";
  const std::string record = R"({"log":")" + body + R"(\n","stream":"stdout","time":"2026-11-26T02:00:00.123Z"})";
  auto span = keyBodySpan(record);
  ASSERT_TRUE(span);
  EXPECT_EQ(record.substr(span->begin, span->end - span->begin), body);
  span = keyBodySpan(R"({"log":"\n","stream":"stdout"})");
  ASSERT_TRUE(span);
  EXPECT_EQ(span->begin, span->end);
  EXPECT_FALSE(keyBodySpan(R"({"log":"-----END RSA PRIVATE KEY-----\n","stream":"stdout"})"));
  EXPECT_FALSE(keyBodySpan(R"({"log":"retrying\n","stream":"stdout","x":""})"));
  // Only the message member carries key lines; an END anywhere ends the block.
  EXPECT_FALSE(keyBodySpan(R"({"log":"done\n","id":"Zx8Lm2Qp7Rt4Vw1Yb6Nc3Kd9"})"));
  EXPECT_FALSE(keyBodySpan(R"({"id":"Zx8Lm2Qp7Rt4Vw1Yb6Nc3Kd9","log":"-----END RSA PRIVATE KEY-----\n"})"));
}

TEST(KeyBlockTest, TheBlockRuleIsTheWholeBlockRuleElseTheHeaderRule) {
  auto both = testing::makePolicy({{"github-token", "ghp_[A-Za-z0-9]{36}"},
                                   {"private-key-header", "-----BEGIN [A-Z ]*PRIVATE KEY-----"},
                                   {"private-key-block", "-----BEGIN PRIVATE KEY-----[^\"]*-----END PRIVATE KEY-----"}});
  EXPECT_EQ(keyBlockRule(*both), 2u);
  auto header = testing::makePolicy({{"github-token", "ghp_[A-Za-z0-9]{36}"},
                                     {"private-key-header", "-----BEGIN [A-Z ]*PRIVATE KEY-----"}});
  EXPECT_EQ(keyBlockRule(*header), 1u);
  auto neither = testing::makePolicy({{"github-token", "ghp_[A-Za-z0-9]{36}"}});
  EXPECT_FALSE(keyBlockRule(*neither));
}

}  // namespace
}  // namespace veil::formats
