#include "app/pack_loader.h"

#include "app/action_spec.h"
#include "app/yaml_reader.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <optional>
#include <set>

namespace veil::app {
namespace {

bool isKebabCase(const std::string& id) {
  if (id.empty() || !(id.front() >= 'a' && id.front() <= 'z') || id.back() == '-') return false;
  char previous = 0;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok || (c == '-' && previous == '-')) return false;
    previous = c;
  }
  return true;
}

// What pattern rules and field rules share: identity, category, tags, validator, action and
// examples.
// Fills `rule` and returns how error messages name it ("rule 'x'", "field rule 'x'").
template <typename AnyRule>
std::string readCommon(const YamlReader& reader, const YAML::Node& node, const std::string& pack,
                       const std::string& kind, AnyRule& rule) {
  rule.id = reader.scalar(node, "id", "a " + kind, true);
  if (!isKebabCase(rule.id))
    reader.fail(node["id"], "rule id '" + rule.id +
                                "' is not kebab-case (lowercase letters, digits and single dashes)");
  const std::string what = kind + " '" + rule.id + "'";
  rule.pack = pack;
  rule.origin = reader.origin(node);
  rule.description = reader.scalar(node, "description", what, true);
  rule.category = reader.scalar(node, "category", what, true);
  const auto& categories = ruleCategories();
  if (std::find(categories.begin(), categories.end(), rule.category) == categories.end())
    reader.fail(node["category"], "unknown category '" + rule.category + "' in " + what +
                                      "; allowed: " + joined(categories));
  rule.tags = reader.strings(node, "tags", what);
  if (const YAML::Node action = node["action"]) rule.action = readAction(reader, action, what);
  if (const YAML::Node examples = node["examples"]) {
    if (!examples.IsMap()) reader.fail(examples, "'examples' in " + what + " must be a mapping");
    reader.allowOnly(examples, {"match", "no_match"}, "'examples' of " + what);
    rule.match_examples = reader.strings(examples, "match", what + " examples");
    rule.no_match_examples = reader.strings(examples, "no_match", what + " examples");
  }
  if (const std::string spec = reader.scalar(node, "validator", what, false); !spec.empty()) {
    std::string error;
    rule.validator = core::parseValidator(spec, &error);
    if (!rule.validator) reader.fail(node["validator"], error + " (in " + what + ")");
  }
  return what;
}

core::Rule readRule(const YamlReader& reader, const YAML::Node& node, const std::string& pack) {
  if (!node.IsMap()) reader.fail(node, "each rule must be a mapping");
  reader.allowOnly(node,
                   {"id", "description", "category", "tags", "pattern", "keywords", "validator",
                    "prefilter", "action", "examples"},
                   "a rule");
  core::Rule rule;
  const std::string what = readCommon(reader, node, pack, "rule", rule);
  rule.pattern = reader.scalar(node, "pattern", what, true);
  if (rule.pattern.empty()) reader.fail(node["pattern"], what + " has an empty pattern");
  rule.keywords = reader.strings(node, "keywords", what);
  if (const std::string name = reader.scalar(node, "prefilter", what, false); !name.empty()) {
    std::string error;
    rule.prefilter = core::parsePrefilter(name, &error);
    if (!rule.prefilter) reader.fail(node["prefilter"], error + " (in " + what + ")");
  }
  return rule;
}

}  // namespace

core::FieldRule readFieldRule(const YamlReader& reader, const YAML::Node& node,
                              const std::string& pack) {
  if (!node.IsMap()) reader.fail(node, "each field rule must be a mapping");
  reader.allowOnly(node, {"id", "description", "category", "tags", "match", "names", "action", "validator", "examples"},
                   "a field rule");
  core::FieldRule rule;
  const std::string what = readCommon(reader, node, pack, "field rule", rule);
  static const std::vector<std::pair<std::string, core::FieldMatch>> kMatches = {
      {"exact", core::FieldMatch::kExact}, {"suffix", core::FieldMatch::kSuffix},
      {"glob", core::FieldMatch::kGlob}, {"regex", core::FieldMatch::kRegex}};
  if (const std::string match = reader.scalar(node, "match", what, false); !match.empty()) {
    auto it = std::find_if(kMatches.begin(), kMatches.end(), [&](const auto& m) { return m.first == match; });
    if (it == kMatches.end())
      reader.fail(node["match"], "unknown match '" + match + "' in " + what + "; allowed: exact, suffix, glob, regex");
    rule.match = it->second;
  }
  rule.names = reader.strings(node, "names", what);
  if (rule.names.empty()) reader.fail(node, what + " has no 'names'");
  return rule;
}

const std::vector<std::string>& ruleCategories() {
  static const std::vector<std::string> kCategories = {"secret", "credential", "pii", "network",
                                                       "other"};
  return kCategories;
}

RulePack loadRulePack(const std::filesystem::path& path, bool with_examples) {
  YamlReader reader(path);
  const std::string text = readTextFile(path, "rule pack");
  YAML::Node root;
  std::optional<std::string> stripped;
  if (!with_examples) stripped = withoutExamples(text);
  if (stripped) {
    try {
      root = loadYamlText(*stripped, path.string());
    } catch (const ConfigError&) {
      stripped.reset();  // let the whole text name the error
    }
  }
  if (!stripped) root = loadYamlText(text, path.string());
  if (!root.IsMap()) throw ConfigError(path.string() + ": a rule pack must be a YAML mapping");
  try {
    reader.allowOnly(root, {"pack", "description", "default", "rules", "fields", "exceptions"},
                     "a rule pack");
    RulePack pack;
    pack.path = path;
    pack.name = reader.scalar(root, "pack", "the rule pack", true);
    pack.description = reader.scalar(root, "description", "the rule pack", false);
    if (const YAML::Node enabled = root["default"]) pack.enabled_by_default = reader.flag(enabled, "'default'");
    const YAML::Node rules = root["rules"];
    const YAML::Node fields = root["fields"];
    if (!rules && !fields) reader.fail(root, "the rule pack has neither 'rules' nor 'fields'");
    if (rules && !rules.IsSequence()) reader.fail(rules, "'rules' must be a list");
    if (fields && !fields.IsSequence()) reader.fail(fields, "'fields' must be a list");
    std::set<std::string> ids;
    for (const auto& node : rules) {
      core::Rule rule = readRule(reader, node, pack.name);
      if (!ids.insert(rule.id).second)
        reader.fail(node["id"], "duplicate rule id '" + rule.id + "'");
      pack.rules.push_back(std::move(rule));
    }
    for (const auto& node : fields) {
      core::FieldRule rule = readFieldRule(reader, node, pack.name);
      if (!ids.insert(rule.id).second)
        reader.fail(node["id"], "duplicate rule id '" + rule.id + "'");
      pack.fields.push_back(std::move(rule));
    }
    pack.exceptions = reader.strings(root, "exceptions", "the rule pack");
    return pack;
  } catch (const YAML::Exception& e) {
    throw ConfigError(path.string() + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
}

}  // namespace veil::app
