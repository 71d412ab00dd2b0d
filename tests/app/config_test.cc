#include "app/config.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "core/redactor.h"
#include "formats/record_redactor.h"

namespace veil::app {
namespace {

class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("veil-config-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    std::ofstream(dir_ / "hash.key") << "0123456789abcdef0123456789abcdef\n";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::filesystem::path write(const std::string& yaml) {
    const auto path = dir_ / "veil.yaml";
    std::ofstream(path) << yaml;
    return path;
  }

  // The error message after "<file>:", or "no error".
  std::string error(const std::string& yaml) {
    const auto path = write(yaml);
    Config config;
    config.policy.use_cache = false;
    try {
      loadConfig(path, config);
      buildPolicy(config.policy);
    } catch (const ConfigError& e) {
      const std::string message = e.what();
      return message.starts_with(path.string()) ? message.substr(path.string().size()) : message;
    }
    return "no error";
  }

  std::string redact(const std::string& yaml, const std::string& line) {
    Config config;
    config.policy.use_cache = false;
    loadConfig(write(yaml), config);
    const LoadedPolicy loaded = buildPolicy(config.policy);
    formats::RecordRedactor records(*loaded.policy);
    formats::Workspace workspace(*loaded.policy);
    std::string out;
    records.redact(workspace, line, out);
    return out;
  }

  std::filesystem::path dir_;
};

TEST_F(ConfigTest, UnknownKeyIsAnErrorWithItsLine) {
  EXPECT_EQ(error("packs: [secrets]\nthreads: 2\n"),
            ":2: unknown key 'threads' in the config; allowed: packs, rules, patterns_dir, "
            "mask_template, actions, fields, truncate, hash_key, filter, cache, serve");
}

TEST_F(ConfigTest, UnknownActionListsTheAllowedOnes) {
  EXPECT_EQ(error("actions:\n  rules:\n    email-address: mask2\n"),
            ":3: unknown action 'mask2' in rule 'email-address'; allowed: mask, partial, hash, truncate, drop");
}

TEST_F(ConfigTest, ActionForUnknownRuleIsAnError) {
  EXPECT_EQ(error("actions:\n  rules:\n    no-such-rule: mask\n"),
            ": action for unknown rule 'no-such-rule' (not in the enabled packs; see 'veil rules list')");
}

TEST_F(ConfigTest, HashWithoutKeyIsAnError) {
  EXPECT_EQ(error("actions:\n  rules:\n    email-address: hash\n"),
            ": the hash action needs a key: set hash_key.file or hash_key.env");
}

TEST_F(ConfigTest, HashKeyFromAMissingEnvironmentVariableIsAnError) {
  ::unsetenv("VEIL_TEST_MISSING_KEY");
  EXPECT_EQ(error("actions: {rules: {email-address: hash}}\nhash_key: {env: VEIL_TEST_MISSING_KEY}\n"),
            ": hash key from environment variable VEIL_TEST_MISSING_KEY is missing or shorter than 16 bytes");
}

TEST_F(ConfigTest, BadValueNamesTheLine) {
  EXPECT_EQ(error("filter:\n  threads: many\n"), ":2: 'filter.threads' must be a non-negative integer");
}

TEST_F(ConfigTest, PerRuleAndPerCategoryActions) {
  const std::string yaml =
      "actions:\n"
      "  categories: {credential: {action: mask, template: '***'}}\n"
      "  rules:\n"
      "    email-address: hash\n"
      "    payment-card-number: {action: partial, keep_first: 8, keep_last: 4}\n"
      "hash_key: {file: hash.key, id: k7}\n";
  const std::string out = redact(yaml, "to alice@example.com card 4111111111111111 password=hunter22x");
  EXPECT_TRUE(out.starts_with("to hmac:k7:")) << out;
  // PCI DSS: at most the first six digits, whatever the config asks.
  EXPECT_NE(out.find("card 411111******1111 "), std::string::npos) << out;
  EXPECT_TRUE(out.ends_with("password=***")) << out;
}

TEST_F(ConfigTest, TruncateIsOneLineOfConfig) {
  const std::string out = redact("truncate: {fields: [db.statement, gen_ai.prompt], bytes: 10}\n",
                                 R"({"db.statement":"SELECT * FROM users WHERE id = 1","n":1})");
  EXPECT_EQ(out, R"({"db.statement":"SELECT * F...[truncated]","n":1})");
}

TEST_F(ConfigTest, ConfigFieldRulesApply) {
  const std::string out = redact(
      "fields:\n  - {id: ticket-secret, description: d, category: other, names: [ticket_secret], action: drop}\n",
      R"({"a":1,"ticket_secret":"x"})");
  EXPECT_EQ(out, R"({"a":1})");
}

TEST_F(ConfigTest, EmptyConfigChangesNothing) {
  Config config;
  loadConfig(write(""), config);
  EXPECT_TRUE(config.policy.packs.empty());
  EXPECT_FALSE(config.threads.has_value());
}

TEST_F(ConfigTest, ServeSettingsFromTheFile) {
  std::ofstream(dir_ / "server.pem") << "-";
  std::ofstream(dir_ / "server.key") << "-";
  std::ofstream(dir_ / "ca.pem") << "-";
  std::ofstream(dir_ / "token") << "-";
  Config config;
  loadConfig(write("serve:\n"
                   "  listen: 0.0.0.0:14317\n"
                   "  forward: collector.internal:4317\n"
                   "  forward_timeout_ms: 2500\n"
                   "  forward_gzip: true\n"
                   "  max_message_bytes: 33554432\n"
                   "  queue: {max_bytes: 1048576, dir: spool}\n"
                   "  drain_timeout_ms: 0\n"
                   "  metrics_listen: 127.0.0.1:9464\n"
                   "  token: {file: token}\n"
                   "  tls: {cert: server.pem, key: server.key, client_ca: ca.pem}\n"
                   "  forward_tls: {ca: ca.pem}\n"),
             config);
  const auto& serve = config.serve;
  EXPECT_EQ(serve.options.listen_address, "0.0.0.0:14317");
  EXPECT_EQ(serve.options.forward_address, "collector.internal:4317");
  EXPECT_EQ(serve.options.forward_timeout.count(), 2500);
  EXPECT_TRUE(serve.options.forward_gzip);
  EXPECT_EQ(serve.options.max_message_bytes, 32 << 20);
  EXPECT_EQ(serve.options.queue_max_bytes, size_t{1} << 20);
  EXPECT_EQ(serve.options.queue_dir, (dir_ / "spool").string());
  EXPECT_EQ(serve.drain_timeout_ms, 0);
  EXPECT_EQ(serve.metrics_listen, "127.0.0.1:9464");
  // Paths are relative to the config file, wherever veil is started from.
  EXPECT_EQ(serve.token_file, (dir_ / "token").string());
  EXPECT_TRUE(serve.token_env.empty());
  EXPECT_TRUE(serve.options.listen_tls);
  EXPECT_EQ(serve.options.listen_tls_files.cert_file, (dir_ / "server.pem").string());
  EXPECT_EQ(serve.options.listen_tls_files.ca_file, (dir_ / "ca.pem").string());
  EXPECT_TRUE(serve.options.forward_tls);
  EXPECT_EQ(serve.options.forward_tls_files.ca_file, (dir_ / "ca.pem").string());
}

TEST_F(ConfigTest, ServeSettingsLeftOutKeepTheirDefaults) {
  Config config;
  loadConfig(write("serve: {forward: 127.0.0.1:4318}\n"), config);
  const frontends::OtlpServerOptions defaults;
  EXPECT_EQ(config.serve.options.listen_address, defaults.listen_address);
  EXPECT_EQ(config.serve.options.queue_max_bytes, defaults.queue_max_bytes);
  EXPECT_FALSE(config.serve.options.listen_tls);
  EXPECT_FALSE(config.serve.options.forward_tls);
  EXPECT_TRUE(config.serve.metrics_listen.empty());
}

TEST_F(ConfigTest, ServeErrorsNameTheKeyAndLine) {
  EXPECT_EQ(error("serve:\n  listen: 4317\n"), ":2: 'serve.listen' must be HOST:PORT, got '4317'");
  EXPECT_EQ(error("serve:\n  forward_timeout_ms: 0\n"), ":2: 'serve.forward_timeout_ms' must be 1 to 600000");
  EXPECT_EQ(error("serve:\n  tls: {cert: missing.pem, key: missing.key}\n"),
            ":2: 'serve.tls.cert': no such file '" + (dir_ / "missing.pem").string() + "'");
  EXPECT_EQ(error("serve:\n  tls: {cert: x.pem}\n"), ":2: 'serve.tls' needs both 'cert' and 'key'");
  EXPECT_EQ(error("serve:\n  token: {file: a, env: B}\n"), ":2: 'serve.token' takes 'file' or 'env', not both");
  // The token itself has no place in a config file.
  EXPECT_EQ(error("serve:\n  token: s3cr3t-value\n"), ":2: 'serve.token' must be a mapping: {file: PATH} or {env: NAME}");
  EXPECT_EQ(error("serve:\n  queue: {bytes: 10}\n"), ":2: unknown key 'bytes' in 'serve.queue'; allowed: max_bytes, dir");
}

}  // namespace
}  // namespace veil::app
