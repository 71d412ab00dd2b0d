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
            ":7: unknown prefilter 'digits'; allowed: card-number, us-ssn, iban, email, phone (in rule 'my-rule')");
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
  EXPECT_THROW(loadRulePack("/nonexistent/veil.yaml", false), ConfigError);
}

TEST(PackLoaderTest, WithoutExamplesBlanksTheirBlocksAndKeepsTheLines) {
  const std::string yaml =
      "rules:\n"
      "  - id: a\n"
      "    examples:   # comment\n"
      "      match:\n"
      "        - 'x'\n"
      "\n"
      "      no_match: ['y', 'z']\n"
      "    pattern: 'p'\n"
      "  - id: b\n"
      "    examples: {match: [q]}\n"
      "description: kept\n";
  EXPECT_EQ(withoutExamples(yaml).value_or("nullopt"),
            "rules:\n"
            "  - id: a\n"
            "\n\n\n\n\n"
            "    pattern: 'p'\n"
            "  - id: b\n"
            "    examples: {match: [q]}\n"
            "description: kept\n");
}

TEST(PackLoaderTest, WithoutExamplesKeepsBlockScalarsAndGivesUpOnAnythingButOneLineExamples) {
  // A block scalar's text is text, even a line that reads `examples:`.
  const std::string scalar =
      "rules:\n  - id: a\n    description: |\n      examples:\n        kept\n    pattern: p\n";
  EXPECT_EQ(withoutExamples(scalar).value_or("nullopt"), scalar);
  // Examples whose end a line scan cannot be sure of: the caller parses the whole text.
  const std::string head = "rules:\n  - id: a\n    examples:\n      match:\n";
  for (const std::string tricky : {
           "        - 'one\n    action: drop\n      two'\n",  // a quoted example over three lines
           "        - &x 'anchored'\n",                       // an anchor used elsewhere
           "        - |\n          block\n",                  // a block scalar example
           "        - plain\n          continued\n",          // a plain scalar over two lines
           "    \t# a tab\n        - 'x'\n",                 // a tab YAML may refuse
           "      no_match: ['y',\n         'z']\n",          // a flow list over two lines
       }) {
    EXPECT_FALSE(withoutExamples(head + tricky + "    pattern: p\n").has_value()) << tricky;
  }
  EXPECT_TRUE(withoutExamples(head + "        - 'it''s #1: \"fine\"'\n        - \"a\\\" b\"\n"
                              "      no_match: ['x, y', \"]\"]  # flow\n    pattern: p\n")
                  .has_value());
}

TEST(PackLoaderTest, TrickyExamplesLoadTheSameRuleEitherWay) {
  PackFile file(std::string(kRuleHead) +
                "    examples:\n      match:\n        - 'tok_abcdefgh\n    action: drop\n      more'\n"
                "      no_match: ['tok_abc']\n    pattern: 'tok_[a-z]{8}'\n");
  const RulePack with = loadRulePack(file.path());
  const RulePack without = loadRulePack(file.path(), false);
  ASSERT_EQ(with.rules.size(), 1u);
  ASSERT_EQ(without.rules.size(), 1u);
  EXPECT_EQ(with.rules[0].pattern, without.rules[0].pattern);
  EXPECT_EQ(with.rules[0].action.has_value(), without.rules[0].action.has_value());
}

TEST(PackLoaderTest, PackWithoutExamplesHasTheSameRulesAndErrorLines) {
  const std::string rule = std::string(kRuleHead) +
                           "    examples:\n      match: ['tok_abcdefgh']\n      no_match: ['tok_abc']\n"
                           "    pattern: 'tok_[a-z]{8}'\n    validator: luhn\n";
  PackFile file(rule);
  const RulePack with = loadRulePack(file.path());
  const RulePack without = loadRulePack(file.path(), false);
  ASSERT_EQ(without.rules.size(), 1u);
  EXPECT_EQ(without.rules[0].id, with.rules[0].id);
  EXPECT_EQ(without.rules[0].pattern, with.rules[0].pattern);
  EXPECT_EQ(without.rules[0].origin, with.rules[0].origin);
  EXPECT_TRUE(without.rules[0].validator.has_value());
  EXPECT_TRUE(without.rules[0].match_examples.empty());
  // An error below the examples names the same line either way.
  PackFile bad(rule + "    severity: high\n");
  std::string errors[2];
  for (int i = 0; i < 2; ++i) {
    try {
      loadRulePack(bad.path(), i == 0);
    } catch (const ConfigError& e) {
      errors[i] = e.what();
    }
  }
  EXPECT_NE(errors[0].find(":11: unknown key 'severity'"), std::string::npos) << errors[0];
  EXPECT_EQ(errors[0], errors[1]);
}

TEST(PackLoaderTest, EveryBundledPackLoadsTheSameRulesWithoutExamples) {
  const auto with = loadBundledPacks(std::filesystem::path(VEIL_SOURCE_DIR) / "patterns");
  const auto without = loadBundledPacks(std::filesystem::path(VEIL_SOURCE_DIR) / "patterns", false);
  ASSERT_EQ(with.size(), without.size());
  for (size_t p = 0; p < with.size(); ++p) {
    ASSERT_EQ(with[p].rules.size(), without[p].rules.size()) << with[p].name;
    ASSERT_EQ(with[p].fields.size(), without[p].fields.size()) << with[p].name;
    EXPECT_EQ(with[p].exceptions, without[p].exceptions) << with[p].name;
    for (size_t r = 0; r < with[p].rules.size(); ++r) {
      const auto &a = with[p].rules[r], &b = without[p].rules[r];
      EXPECT_EQ(a.id, b.id);
      EXPECT_EQ(a.pattern, b.pattern) << a.id;
      EXPECT_EQ(a.description, b.description) << a.id;
      EXPECT_EQ(a.category, b.category) << a.id;
      EXPECT_EQ(a.keywords, b.keywords) << a.id;
      EXPECT_EQ(a.validator.has_value(), b.validator.has_value()) << a.id;
      EXPECT_EQ(a.prefilter.has_value(), b.prefilter.has_value()) << a.id;
      EXPECT_FALSE(a.match_examples.empty()) << a.id;
      EXPECT_TRUE(b.match_examples.empty()) << a.id;
    }
    for (size_t r = 0; r < with[p].fields.size(); ++r) {
      EXPECT_EQ(with[p].fields[r].id, without[p].fields[r].id);
      EXPECT_EQ(with[p].fields[r].names, without[p].fields[r].names) << with[p].fields[r].id;
    }
  }
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
