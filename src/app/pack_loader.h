#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "app/config_error.h"
#include "app/yaml_reader.h"
#include "core/field_names.h"
#include "core/rule.h"

namespace veil::app {

// One rule pack file as loaded: its header and its rules, validated.
struct RulePack {
  std::string name;
  std::string description;
  bool enabled_by_default = false;
  std::filesystem::path path;
  std::vector<core::Rule> rules;
  std::vector<core::FieldRule> fields;    // field-name rules
  std::vector<std::string> exceptions;    // field names that are never sensitive
};

// Reads and validates one rule pack (see patterns/README.md for the format). Unknown keys,
// missing fields, bad ids, categories, validators or actions throw ConfigError naming the file
// and line. Patterns are not compiled here. Without `with_examples` the rules' examples are
// neither read nor checked (redacting does not need them, and they are most of a pack's text).
RulePack loadRulePack(const std::filesystem::path& path, bool with_examples = true);

// Reads one field-name rule (an entry of a pack's or the config's `fields`).
core::FieldRule readFieldRule(const YamlReader& reader, const YAML::Node& node,
                              const std::string& pack);

// Categories a rule may declare.
const std::vector<std::string>& ruleCategories();

}  // namespace veil::app
