// Every bundled rule pack keeps its promises: each rule has examples of both kinds, finds its
// match examples and leaves its look-alikes alone.
#include <gtest/gtest.h>

#include "app/policy_builder.h"
#include "app/rule_test.h"
#include "formats/record_redactor.h"

#include <random>

namespace veil::app {
namespace {

// The default bundled packs, compiled afresh from the source tree.
LoadedPolicy defaultPacks() {
  PolicyOptions options;
  options.use_cache = false;
  options.patterns_dir = std::filesystem::path(VEIL_SOURCE_DIR) / "patterns";
  return buildPolicy(options);
}

// Redacts records with the default packs, as `veil` does.
struct DefaultRedaction {
  LoadedPolicy loaded = defaultPacks();
  formats::RecordRedactor records{*loaded.policy};
  formats::Workspace workspace{*loaded.policy};
  std::string operator()(const std::string& line) {
    std::string out;
    records.redact(workspace, line, out);
    return out;
  }
};

TEST(RulePacksTest, EveryBundledRuleFindsItsExamplesAndSparesItsLookAlikes) {
  PolicyOptions options;
  options.packs = {"all"};
  options.use_cache = false;
  options.patterns_dir = std::filesystem::path(VEIL_SOURCE_DIR) / "patterns";
  const LoadedPolicy loaded = buildPolicy(options);
  ASSERT_FALSE(loaded.policy->rules().empty());
  for (const auto& failure : checkRuleExamples(*loaded.policy)) {
    ADD_FAILURE() << failure.origin << ": rule '" << failure.rule << "' " << failure.problem
                  << (failure.example.empty() ? "" : ": ") << failure.example;
  }
}

// A value longer than a rule's old length cap (128 or 256 characters) used to be masked only up
// to the cap, and its tail reached the output. Whatever the length, no piece of it may remain.
TEST(RulePacksTest, LongSecretValuesAreMaskedWhole) {
  const LoadedPolicy loaded = defaultPacks();
  formats::RecordRedactor records(*loaded.policy);
  formats::Workspace workspace(*loaded.policy);
  std::mt19937 random(20261126);
  const std::string kAlphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  auto synthetic = [&](size_t length) {
    std::string value = "Synth9";
    while (value.size() < length) value.push_back(kAlphabet[random() % kAlphabet.size()]);
    return value;
  };
  const std::vector<std::string> kShapes = {
      "db connect password=%s end",
      "exec: curl -sS -u deploy:%s https://api.example.com/v1/export",
      "+ mysql -h db.internal -u root -p%s orders",
      "redis-cli -h cache.internal -a %s ping",
      "argv: ./sync --client-secret %s --verbose",
      "fetching https://svc-backup:%s@git.example.com/repo.git",
      "Server=db.example.com;Database=app;User Id=app;Password=%s;",
      "<connection><password>%s</password></connection>",
      "sqlplus -s scott/%s@//db.example.com:1521/ORCL",
      "ALTER USER app IDENTIFIED BY '%s'",
      "config secret_key: %s",
      "Authorization: Basic %s",
  };
  for (const size_t length : {200u, 700u}) {
    for (const auto& shape : kShapes) {
      const std::string value = synthetic(length);
      std::string line = shape;
      line.replace(line.find("%s"), 2, value);
      std::string out;
      records.redact(workspace, line, out);
      for (size_t at = 0; at + 12 <= value.size(); at += 6) {
        if (out.find(value.substr(at, 12)) != std::string::npos) {
          ADD_FAILURE() << "characters " << at << ".." << at + 12 << " of a " << length
                        << "-character value survive in: " << out.substr(0, 160);
          break;
        }
      }
    }
  }
  // A quoted passphrase with spaces, longer than the old 255-character cap.
  std::string phrase;
  while (phrase.size() < 400) phrase += synthetic(9) + " ";
  std::string out;
  records.redact(workspace, "vault login method=userpass passphrase=\"" + phrase + "\" user=bob", out);
  EXPECT_EQ(out.find(phrase.substr(300, 12)), std::string::npos) << out.substr(0, 200);
}

// Field names of the bundled packs in the syntaxes logs use, with the values a look-alike
// would hold beside them: what must go, and what must stay.
TEST(RulePacksTest, BundledFieldNamesAcrossSyntaxes) {
  DefaultRedaction redact;
  for (const std::string secret_line :
       {"declined cvv: 698 retry", "applicant SSN = 273220939", "cfg cvc => 664", "error = MYSQL_PWD is itv72py6DaCBK2",
        "<social_security_number>013306871</social_security_number>", "Pwd={Xk9mP2qL7vR4};",
        "ci: echo adhiOiHoIH02Imm | docker login -u ci --password-stdin", "7z a -pusBGzZOIo8MZPPa backup.7z",
        "x api__key=Zx8Lm2Qp7Rt4Vw1", R"({"Api:Key":"Zx8Lm2Qp7Rt4Vw1"})", R"({"x-api-key":"Zx8Lm2Qp7Rt4Vw1"})",
        "user=bob MAILCHIMP_KEY=01d7a20165dd947d3a213b5dcbd61160 status=ok", R"({"storage.key": "4ocnI15hr9s894ERmxonxsir1mHxFZGE"})",
        "PrimaryKey: qB9b253mjUcX7ntkchHdAEqI8xBcGSzVfEvfXct6/XkgQj1yRN8K2XCGOZBsMZ00AC2hq0BO00g8hnh1pjDayg==",
        "restored session laravel_session=eyJpdiI6IkVxZ2hJNmlxN0x3Z0dKbWZ3%3D for user_id=42"}) {
    const std::string out = redact(secret_line);
    EXPECT_NE(out.find("[REDACTED:"), std::string::npos) << secret_line << " -> " << out;
  }
  for (const std::string plain_line :
       {"sudo: bob : TTY=pts/1 ; PWD=/var/www ; USER=root ; COMMAND=/bin/ls", "cid=c-8f2a9b41", "first_pass=ok",
        "The session cookie is 4096 bytes long", "token = 3600", "auth=basic", "password=${DB_PASSWORD},user=bob",
        "x password=None y", "secret=***REMOVED***", "cache_key=3ef86dcfaea21818b904ce6087413e3b", "key=user:1234:profile",
        "idempotency_key=5f1c2d3e-aaaa-4bbb-8ccc-0123456789ab", "primary_key=id", "> Sec-WebSocket-Key: TtVvwbaLLhOhvve7Z+n4GA==",
        "STRIPE_PUBLISHABLE_KEY=pk_live_uoJK1t8B0S4cBhoXTy5MODzZJNzgReP2YdZx", "ssh session=3 opened", "session: closed"}) {
    EXPECT_EQ(redact(plain_line), plain_line);
  }
}

// connection-string-field masks a connection string that holds a credential, in text and JSON,
// and keeps one that holds none (its validator: holds-credential).
TEST(RulePacksTest, ConnectionStringFieldsOnlyWithACredential) {
  DefaultRedaction redact;
  EXPECT_EQ(redact(R"({"database_url":"mongodb://app:Zx8Lm2Qp7Rt4@mongo-0:27017/orders","level":"info"})"),
            R"({"database_url":"[REDACTED:connection-string-field]","level":"info"})");
  EXPECT_EQ(redact("DATABASE_URL=postgres://svc:Zx8Lm2Qp7Rt4@db:5432/orders"), "DATABASE_URL=[REDACTED:connection-string-field]");
  EXPECT_EQ(redact(R"({"name":"SENTRY_DSN","value":"https://0123456789abcdef0123456789abcdef@o1.ingest.sentry.io/2"})"),
            R"({"name":"SENTRY_DSN","value":"[REDACTED:connection-string-field]"})");
  for (const std::string plain_line :
       {R"({"database_url":"mongodb://mongo-0:27017,mongo-1:27017/?replicaSet=rs0","level":"info"})",
        "DATABASE_URL=postgres://orders-db:5432/orders?sslmode=require", "DATABASE_URL=postgres://svc:****@db/orders",
        R"(database_url = "amqp://guest:**@rabbitmq:5672//")"}) {
    EXPECT_EQ(redact(plain_line), plain_line);
  }
  // A long refused value (read once by the validator) is scanned without reading it twice: this
  // corrupted the heap.
  std::string uri = "mongodb://mongo-0.mongo.db.svc.cluster.local:27017/orders?replicaSet=rs0";
  for (int i = 0; i < 150; ++i) uri += "&a=x";
  const std::string line = R"({"mongodb_uri":")" + uri + R"(","ghp":"ghp_0123456789abcdefghijABCDEFGHIJ012345"})";
  EXPECT_EQ(redact(line), R"({"mongodb_uri":")" + uri + R"(","ghp":"[REDACTED:github-pat-classic]"})");
}

}  // namespace
}  // namespace veil::app
