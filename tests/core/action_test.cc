#include "core/action.h"

#include <gtest/gtest.h>

#include "core/redactor.h"
#include "support/test_policy.h"

namespace veil::core {
namespace {

std::string partial(std::string_view value, size_t first, size_t last) {
  std::string out;
  appendPartial(value, first, last, out);
  return out;
}

std::string truncated(std::string_view value, size_t bytes) {
  std::string out;
  appendTruncated(value, bytes, "~", out);
  return out;
}

TEST(ActionTest, PartialKeepsBothEndsOfACardNumber) {
  EXPECT_EQ(partial("4111111111111111", 6, 4), "411111******1111");
}

TEST(ActionTest, PartialCountsCharactersNotBytes) {
  EXPECT_EQ(partial("\xc3\xa9\xc3\xa9xxxxxx\xc3\xa9", 2, 1), "\xc3\xa9\xc3\xa9******\xc3\xa9");
}

TEST(ActionTest, PartialStarsShortValuesWhole) {
  EXPECT_EQ(partial("abcd", 2, 2), "****");
  EXPECT_EQ(partial("", 1, 1), "");
}

TEST(ActionTest, TruncateCutsOnACharacterBoundary) {
  EXPECT_EQ(truncated("abc\xe2\x82\xac" "def", 5), "abc~");  // the euro sign is 3 bytes
  EXPECT_EQ(truncated("short", 10), "short");
  EXPECT_EQ(truncated("exactly", 7), "exactly");
}

TEST(ActionTest, KeyedHashIsStableAndDependsOnTheKey) {
  auto k1 = deriveHashKey("0123456789abcdef-material", "k1");
  auto k2 = deriveHashKey("another-material-0123456789", "k2");
  ASSERT_TRUE(k1 && k2);
  std::string a, b, c;
  appendKeyedHash(*k1, "alice@example.com", a);
  appendKeyedHash(*k1, "alice@example.com", b);
  appendKeyedHash(*k2, "alice@example.com", c);
  EXPECT_EQ(a, b);
  EXPECT_TRUE(a.starts_with("hmac:k1:")) << a;
  EXPECT_EQ(a.size(), std::string("hmac:k1:").size() + 32);
  EXPECT_NE(a.substr(8), c.substr(8));
  EXPECT_EQ(a.find("alice"), std::string::npos);
}

TEST(ActionTest, EmptyKeyMaterialIsRefused) { EXPECT_FALSE(deriveHashKey("", "k1").has_value()); }

TEST(ActionTest, ParsesEveryActionName) {
  for (const char* name : {"mask", "partial", "hash", "truncate", "drop"}) {
    const auto kind = parseActionKind(name);
    ASSERT_TRUE(kind.has_value()) << name;
    EXPECT_EQ(actionName(*kind), name);
  }
  EXPECT_FALSE(parseActionKind("mask2").has_value());
}

TEST(ActionTest, RedactorAppliesEachRulesAction) {
  auto base = testing::makePolicy({{"card", R"(\b4\d{15}\b)"}, {"key", R"(\bAKIA[A-Z0-9]{16}\b)"},
                                   {"blob", R"(BLOB[a-z]{20})"}, {"gone", R"(GONE\d+)"}});
  std::vector<Action> actions(4);
  actions[0].kind = ActionKind::kPartial;
  actions[0].keep_first = 6;
  actions[0].keep_last = 4;
  actions[1].kind = ActionKind::kHash;
  actions[2].kind = ActionKind::kTruncate;
  actions[2].max_bytes = 6;
  actions[2].truncate_marker = "+";
  actions[3].kind = ActionKind::kDrop;
  auto patterns = std::shared_ptr<const PatternSet>(base, &base->patterns());
  Policy policy(patterns, actions);
  policy.setHashKey(*deriveHashKey("material-material-material", "k9"));
  ScanContext ctx(policy.patterns());
  std::string out;
  Redactor(policy).redact(ctx, "c=4111111111111111 k=AKIAABCDEFGHIJKLMNOP b=BLOBabcdefghijklmnopqrst d=GONE42.", out);
  std::string expected_hash;
  appendKeyedHash(*policy.hashKey(), "AKIAABCDEFGHIJKLMNOP", expected_hash);
  EXPECT_EQ(out, "c=411111******1111 k=" + expected_hash + " b=BLOBab+ d=.");
}

TEST(ActionTest, HashWithoutAKeyFallsBackToTheMask) {
  auto base = testing::makePolicy({{"key", R"(\bAKIA[A-Z0-9]{16}\b)"}});
  std::vector<Action> actions(1);
  actions[0].kind = ActionKind::kHash;
  Policy policy(std::shared_ptr<const PatternSet>(base, &base->patterns()), actions);
  ScanContext ctx(policy.patterns());
  std::string out;
  Redactor(policy).redact(ctx, "AKIAABCDEFGHIJKLMNOP", out);
  EXPECT_EQ(out, "[REDACTED:key]");
}

}  // namespace
}  // namespace veil::core
