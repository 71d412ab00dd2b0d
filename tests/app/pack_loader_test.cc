#include "app/pack_loader.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "app/policy_builder.h"

namespace veil::app {
namespace {

// Writes `yaml` to a temporary pack file and returns its path.
class PackFile {
 public:
  explicit PackFile(const std::string& yaml, const std::string& name = "pack") {
    dir_ = std::filesystem::temp_directory_path() / ("veil-pack-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
    std::filesystem::create_directories(dir_);
    path_ = dir_ / (name + ".yaml");
    std::ofstream(path_) << yaml;
  }
  ~PackFile() { std::filesystem::remove_all(dir_); }
  const std::filesystem::path& path() const { return path_; }
  const std::filesystem::path& dir() const { return dir_; }

 private:
  static inline int counter_ = 0;
  std::filesystem::path dir_, path_;
};

std::string loadError(const std::string& yaml) {
  PackFile file(yaml);
  try {
    loadRulePack(file.path());
  } catch (const ConfigError& e) {
    const std::string message = e.what();
    // Error messages start with the file name; tests compare what follows.
    EXPECT_TRUE(message.starts_with(file.path().string())) << message;
    return message.substr(file.path().string().size());
  }
  return "no error";
}

constexpr const char* kRuleHead =
    "pack: pack\nrules:\n  - id: my-rule\n    description: d\n    category: secret\n";

TEST(PackLoaderTest, LoadsAValidPack) {
  PackFile file(std::string(kRuleHead) +
                "    pattern: 'tok_[a-z]{8}'\n    validator: luhn\n    tags: [SOC2]\n"
                "    examples:\n      match: ['tok_abcdefgh']\n      no_match: ['tok_abc']\n");
  const RulePack pack = loadRulePack(file.path());
  ASSERT_EQ(pack.rules.size(), 1u);
  const core::Rule& rule = pack.rules[0];
  EXPECT_EQ(rule.id, "my-rule");
  EXPECT_EQ(rule.pack, "pack");
  EXPECT_EQ(rule.origin, file.path().string() + ":3");
  EXPECT_EQ(rule.match_examples, std::vector<std::string>{"tok_abcdefgh"});
  EXPECT_TRUE(rule.validator.has_value());
  EXPECT_EQ(rule.tags, std::vector<std::string>{"SOC2"});
}

TEST(PackLoaderTest, UnknownKeyIsAnErrorWithItsLine) {
  EXPECT_EQ(loadError(std::string(kRuleHead) + "    pattern: 'x'\n    severity: high\n"),
            ":7: unknown key 'severity' in a rule; allowed: id, description, category, tags, "
            "pattern, keywords, validator, prefilter, action, examples");
}

TEST(PackLoaderTest, UnknownPrefilterListsTheAllowedOnes) {
  EXPECT_EQ(loadError(std::string(kRuleHead) + "    pattern: 'x'\n    prefilter: digits\n"),
            ":7: unknown prefilter 'digits'; allowed: card-number, us-ssn, iban, email (in rule 'my-rule')");
}

TEST(PackLoaderTest, UnknownActionListsTheAllowedOnes) {
  EXPECT_EQ(loadError(std::string(kRuleHead) + "    pattern: 'x'\n    action: mask2\n"),
            ":7: unknown action 'mask2' in rule 'my-rule'; allowed: mask, partial, hash, truncate, drop");
}

TEST(PackLoaderTest, UnknownValidatorIsAnError) {
  const std::string error = loadError(std::string(kRuleHead) + "    pattern: 'x'\n    validator: crc\n");
  EXPECT_TRUE(error.starts_with(":7: ")) << error;
  EXPECT_NE(error.find("crc"), std::string::npos) << error;
  EXPECT_NE(error.find("my-rule"), std::string::npos) << error;
}

TEST(PackLoaderTest, MissingPatternIsAnError) {
  EXPECT_EQ(loadError(kRuleHead), ":3: rule 'my-rule' has no 'pattern'");
}

TEST(PackLoaderTest, IdMustBeKebabCase) {
  EXPECT_EQ(loadError("pack: p\nrules:\n  - id: My_Rule\n    description: d\n    category: secret\n    pattern: x\n"),
            ":3: rule id 'My_Rule' is not kebab-case (lowercase letters, digits and single dashes)");
}

TEST(PackLoaderTest, UnknownCategoryListsTheAllowedOnes) {
  EXPECT_EQ(loadError("pack: p\nrules:\n  - id: r\n    description: d\n    category: secrets\n    pattern: x\n"),
            ":5: unknown category 'secrets' in rule 'r'; allowed: secret, credential, pii, network, other");
}

TEST(PackLoaderTest, DuplicateIdIsAnError) {
  EXPECT_EQ(loadError(std::string(kRuleHead) + "    pattern: x\n  - id: my-rule\n    description: d\n    category: secret\n    pattern: y\n"),
            ":7: duplicate rule id 'my-rule'");
}

TEST(PackLoaderTest, YamlSyntaxErrorNamesTheLine) {
  const std::string error = loadError("pack: p\nrules:\n  - id: [unclosed\n");
  EXPECT_TRUE(error.starts_with(":")) << error;
  EXPECT_NE(error, "no error");
}

TEST(PackLoaderTest, MissingFileIsAConfigError) {
  EXPECT_THROW(loadRulePack("/nonexistent/veil.yaml"), ConfigError);
}

TEST(PolicyBuilderTest, InvalidPatternNamesFileRuleAndEngineMessage) {
  PackFile file(std::string(kRuleHead) + "    pattern: '(?<=a)b'\n");
  PolicyOptions options;
  options.bundled = false;
  options.use_cache = false;
  options.rule_files = {file.path()};
  try {
    buildPolicy(options);
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& e) {
    const std::string message = e.what();
    EXPECT_TRUE(message.starts_with(file.path().string() + ":3: rule 'my-rule' does not compile: "))
        << message;
  }
}

TEST(PolicyBuilderTest, UnknownPackListsTheAvailableOnes) {
  PolicyOptions options;
  options.packs = {"nope"};
  options.use_cache = false;
  try {
    buildPolicy(options);
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_TRUE(std::string(e.what()).starts_with("unknown rule pack 'nope'; available: ")) << e.what();
  }
}

TEST(PolicyBuilderTest, RuleIdDefinedTwiceAcrossPacksIsAnError) {
  PackFile first(std::string(kRuleHead) + "    pattern: x\n");
  PackFile second(std::string(kRuleHead) + "    pattern: y\n");
  PolicyOptions options;
  options.bundled = false;
  options.use_cache = false;
  options.rule_files = {first.path(), second.path()};
  EXPECT_THROW(buildPolicy(options), ConfigError);
}

TEST(PolicyBuilderTest, DefaultPacksAreFoundWithoutAFlag) {
  PolicyOptions options;
  options.use_cache = false;
  const LoadedPolicy loaded = buildPolicy(options);
  EXPECT_FALSE(loaded.packs.empty());
  for (const auto& pack : loaded.packs) EXPECT_TRUE(pack.enabled_by_default) << pack.name;
}

}  // namespace
}  // namespace veil::app
