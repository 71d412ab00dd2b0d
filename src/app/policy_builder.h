#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/pack_loader.h"
#include "core/policy.h"

namespace veil::app {

struct PolicyOptions {
  // Bundled packs to enable; empty: those marked default; "all": every bundled pack.
  std::vector<std::string> packs;
  bool bundled = true;  // false: only rule_files
  std::vector<std::filesystem::path> rule_files;  // user packs, always enabled
  std::optional<std::filesystem::path> patterns_dir;  // unset: findPatternsDirectory()
  std::string mask_template = "[REDACTED:{rule}]";
  bool use_cache = true;
  bool with_examples = true;  // false: packs are read without their examples (faster start-up)
  std::optional<std::filesystem::path> cache_dir;  // unset: DatabaseCache::defaultDirectory()

  // Action overrides (from the config): by rule id, then by category; a rule's own action
  // from its pack comes next, then masking.
  std::map<std::string, core::Action> rule_actions;
  std::map<std::string, core::Action> category_actions;
  std::vector<core::FieldRule> extra_fields;  // field-name rules from the config
  // Key material for the `hash` action: read from `hash_key_file`, else the environment
  // variable `hash_key_env`; never from the command line.
  std::optional<std::filesystem::path> hash_key_file;
  std::string hash_key_env;
  std::string hash_key_id = "k1";
  std::string origin = "configuration";  // where these options came from, for error messages
};

struct LoadedPolicy {
  std::shared_ptr<const core::Policy> policy;
  std::vector<RulePack> packs;  // the enabled packs, in load order
  bool from_cache = false;
  bool cache_written = false;
};

// Every bundled pack in the patterns directory, sorted by name. Throws ConfigError.
std::vector<RulePack> loadBundledPacks(const std::optional<std::filesystem::path>& patterns_dir,
                                       bool with_examples = true);

// Loads and validates the selected packs, compiles them (or loads the cached database) and
// returns the shared, read-only policy. Throws ConfigError naming the file, line, rule and
// engine message for anything wrong.
LoadedPolicy buildPolicy(const PolicyOptions& options);

}  // namespace veil::app
