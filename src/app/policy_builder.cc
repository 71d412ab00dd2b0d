#include "app/policy_builder.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>

#include <spdlog/spdlog.h>

#include "app/database_cache.h"
#include "app/pack_locator.h"
#include "app/yaml_reader.h"
#include "core/pattern_set.h"

namespace veil::app {
namespace {

std::filesystem::path patternsDirectory(const std::optional<std::filesystem::path>& configured) {
  if (configured) {
    if (!std::filesystem::is_directory(*configured))
      throw ConfigError("patterns directory " + configured->string() + " does not exist");
    return *configured;
  }
  if (auto found = findPatternsDirectory()) return *found;
  std::string tried;
  for (const auto& candidate : patternsDirectoryCandidates()) {
    tried += ' ';
    tried += candidate.string();
  }
  throw ConfigError("no rule packs found (tried:" + tried + "); set VEIL_PATTERNS_DIR");
}

// Key material is read from a file or the environment, never the command line, so it does not
// show in `ps` or shell history.
core::HashKey loadHashKey(const PolicyOptions& options) {
  std::string material;
  std::string source;
  if (options.hash_key_file) {
    source = options.hash_key_file->string();
    std::ifstream in(*options.hash_key_file, std::ios::binary);
    if (!in) throw ConfigError(options.origin + ": cannot read hash key file " + source);
    material.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  } else if (!options.hash_key_env.empty()) {
    source = "environment variable " + options.hash_key_env;
    if (const char* value = std::getenv(options.hash_key_env.c_str())) material = value;
  } else {
    throw ConfigError(options.origin + ": the hash action needs a key: set hash_key.file or hash_key.env");
  }
  while (!material.empty() && (material.back() == '\n' || material.back() == '\r')) material.pop_back();
  if (material.size() < 16)
    throw ConfigError(options.origin + ": hash key from " + source + " is missing or shorter than 16 bytes");
  auto key = core::deriveHashKey(material, options.hash_key_id);
  if (!key) throw ConfigError(options.origin + ": cannot derive the hash key from " + source);
  return *key;
}

}  // namespace

std::vector<RulePack> loadBundledPacks(const std::optional<std::filesystem::path>& patterns_dir,
                                       bool with_examples) {
  const auto dir = patternsDirectory(patterns_dir);
  spdlog::debug("bundled rule packs from {}", dir.string());
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.is_regular_file() && entry.path().extension() == ".yaml") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<RulePack> packs;
  for (const auto& file : files) {
    RulePack pack = loadRulePack(file, with_examples);
    if (pack.name != file.stem().string())
      throw ConfigError(file.string() + ": pack name '" + pack.name +
                        "' must equal the file name '" + file.stem().string() + "'");
    packs.push_back(std::move(pack));
  }
  return packs;
}

LoadedPolicy buildPolicy(const PolicyOptions& options) {
  LoadedPolicy loaded;
  std::vector<RulePack> bundled;
  if (options.bundled) bundled = loadBundledPacks(options.patterns_dir, options.with_examples);
  const bool all = std::find(options.packs.begin(), options.packs.end(), "all") != options.packs.end();
  if (!options.bundled) {
  } else if (all) {
    for (auto& pack : bundled) loaded.packs.push_back(std::move(pack));
  } else if (options.packs.empty()) {
    for (auto& pack : bundled)
      if (pack.enabled_by_default) loaded.packs.push_back(std::move(pack));
  } else {
    std::vector<std::string> wanted;
    for (const auto& name : options.packs)
      if (std::find(wanted.begin(), wanted.end(), name) == wanted.end()) wanted.push_back(name);
    for (const auto& name : wanted) {
      auto it = std::find_if(bundled.begin(), bundled.end(),
                             [&](const RulePack& pack) { return pack.name == name; });
      if (it == bundled.end()) {
        std::string available;
        for (const auto& pack : bundled) {
          if (!available.empty()) available += ", ";
          available += pack.name;
        }
        throw ConfigError("unknown rule pack '" + name + "'; available: " + available);
      }
      loaded.packs.push_back(std::move(*it));
    }
  }
  for (const auto& file : options.rule_files)
    loaded.packs.push_back(loadRulePack(file, options.with_examples));

  std::vector<core::Rule> rules;
  std::vector<core::FieldRule> field_rules;
  std::vector<std::string> exceptions;
  std::map<std::string, std::string> origins;
  auto claim = [&](const std::string& id, const std::string& origin) {
    if (auto [it, fresh] = origins.emplace(id, origin); !fresh)
      throw ConfigError(origin + ": rule id '" + id + "' is already defined at " + it->second);
  };
  for (const auto& pack : loaded.packs) {
    for (const auto& rule : pack.rules) {
      claim(rule.id, rule.origin);
      rules.push_back(rule);
    }
    for (const auto& rule : pack.fields) {
      claim(rule.id, rule.origin);
      field_rules.push_back(rule);
    }
    exceptions.insert(exceptions.end(), pack.exceptions.begin(), pack.exceptions.end());
  }
  for (const auto& rule : options.extra_fields) {
    claim(rule.id, rule.origin);
    field_rules.push_back(rule);
  }
  if (rules.empty() && field_rules.empty())
    throw ConfigError("no rules enabled: the selected packs are empty");

  std::shared_ptr<const core::FieldNames> fields;
  std::vector<std::string> literals;
  if (!field_rules.empty()) {
    std::string error;
    fields = core::FieldNames::build(std::move(field_rules), std::move(exceptions), &error);
    if (!fields) throw ConfigError(error);
    literals = fields->literals();
  }

  std::optional<DatabaseCache> cache;
  if (options.use_cache) {
    if (auto dir = options.cache_dir ? options.cache_dir : DatabaseCache::defaultDirectory())
      cache.emplace(*dir);
  }
  const std::string fingerprint = core::PatternSet::fingerprint(rules, literals);
  const core::PrefaultedBuffer cached = cache ? cache->load(fingerprint) : core::PrefaultedBuffer();

  core::CompileError error;
  bool used_cache = false;
  auto patterns = core::PatternSet::build(rules, cached.view(), &error, &used_cache, literals);
  if (!patterns) {
    if (error.rule < rules.size()) {
      const auto& rule = rules[error.rule];
      throw ConfigError(rule.origin + ": rule '" + rule.id + "' does not compile: " + error.message);
    }
    throw ConfigError("rule set does not compile: " + error.message);
  }
  loaded.from_cache = used_cache;
  if (cache && !used_cache) loaded.cache_written = cache->store(fingerprint, patterns->serializeDatabase());

  for (const auto& [id, action] : options.rule_actions) {
    if (!origins.count(id))
      throw ConfigError(options.origin + ": action for unknown rule '" + id +
                        "' (not in the enabled packs; see 'veil rules list')");
  }
  for (const auto& [category, action] : options.category_actions) {
    const auto& known = ruleCategories();
    if (std::find(known.begin(), known.end(), category) == known.end())
      throw ConfigError(options.origin + ": action for unknown category '" + category +
                        "'; allowed: " + joined(known));
  }
  bool uses_hash = false;
  auto resolve = [&](const std::string& id, const std::string& category,
                     const std::vector<std::string>& tags, const std::optional<core::Action>& own) {
    core::Action action;
    action.mask_template = options.mask_template;
    if (auto it = options.rule_actions.find(id); it != options.rule_actions.end()) {
      action = it->second;
    } else if (auto it = options.category_actions.find(category); it != options.category_actions.end()) {
      action = it->second;
    } else if (own) {
      action = *own;
    }
    if (action.mask_template == core::Action{}.mask_template) action.mask_template = options.mask_template;
    // PCI DSS allows at most the first six and last four digits of a card number to be shown.
    if (action.kind == core::ActionKind::kPartial &&
        std::find(tags.begin(), tags.end(), "PCI-DSS") != tags.end()) {
      action.keep_first = std::min<size_t>(action.keep_first, 6);
      action.keep_last = std::min<size_t>(action.keep_last, 4);
    }
    if (action.kind == core::ActionKind::kHash) uses_hash = true;
    return action;
  };
  std::vector<core::Action> actions;
  for (const auto& rule : patterns->rules())
    actions.push_back(resolve(rule.id, rule.category, rule.tags, rule.action));
  std::vector<core::Action> field_actions;
  if (fields) {
    for (const auto& rule : fields->rules())
      field_actions.push_back(resolve(rule.id, rule.category, rule.tags, rule.action));
  }
  auto policy = std::make_shared<core::Policy>(std::move(patterns), std::move(actions),
                                               std::move(fields), std::move(field_actions));
  if (uses_hash) policy->setHashKey(loadHashKey(options));
  loaded.policy = std::move(policy);
  return loaded;
}

}  // namespace veil::app
