#include "app/config.h"

#include "app/action_spec.h"
#include "app/pack_loader.h"
#include "app/yaml_reader.h"

namespace veil::app {
namespace {

std::filesystem::path relativeTo(const std::filesystem::path& file, const std::string& path) {
  const std::filesystem::path p(path);
  return p.is_absolute() ? p : file.parent_path() / p;
}

void readActions(const YamlReader& reader, const YAML::Node& node, PolicyOptions& policy) {
  if (!node.IsMap()) reader.fail(node, "'actions' must be a mapping");
  reader.allowOnly(node, {"categories", "rules"}, "'actions'");
  for (const char* section : {"categories", "rules"}) {
    const YAML::Node entries = node[section];
    if (!entries) continue;
    if (!entries.IsMap()) reader.fail(entries, std::string("'actions.") + section + "' must be a mapping");
    const bool by_rule = std::string(section) == "rules";
    for (const auto& entry : entries) {
      const std::string name = entry.first.as<std::string>();
      const std::string what = (by_rule ? "rule '" : "category '") + name + "'";
      core::Action action = readAction(reader, entry.second, what);
      (by_rule ? policy.rule_actions : policy.category_actions)[name] = std::move(action);
    }
  }
}

}  // namespace

void loadConfig(const std::filesystem::path& path, Config& config) {
  YamlReader reader(path);
  const YAML::Node root = loadYamlFile(path, "config");
  if (root.IsNull()) return;  // an empty config changes nothing
  if (!root.IsMap()) throw ConfigError(path.string() + ": a config must be a YAML mapping");
  PolicyOptions& policy = config.policy;
  policy.origin = path.string();
  try {
    reader.allowOnly(root, {"packs", "rules", "patterns_dir", "mask_template", "actions", "fields",
                            "truncate", "hash_key", "filter", "cache"},
                     "the config");
    if (root["packs"]) policy.packs = reader.strings(root, "packs", "the config");
    for (const auto& file : reader.strings(root, "rules", "the config"))
      policy.rule_files.push_back(relativeTo(path, file));
    if (root["patterns_dir"])
      policy.patterns_dir = relativeTo(path, reader.scalar(root, "patterns_dir", "the config", true));
    if (root["mask_template"]) policy.mask_template = reader.scalar(root, "mask_template", "the config", true);
    if (const YAML::Node actions = root["actions"]) readActions(reader, actions, policy);
    if (const YAML::Node fields = root["fields"]) {
      if (!fields.IsSequence()) reader.fail(fields, "'fields' must be a list");
      for (const auto& node : fields) policy.extra_fields.push_back(readFieldRule(reader, node, "config"));
    }
    if (const YAML::Node truncate = root["truncate"]) {
      // The one-line form of "truncate these fields to N bytes" (query texts, prompts).
      if (!truncate.IsMap()) reader.fail(truncate, "'truncate' must be a mapping");
      reader.allowOnly(truncate, {"fields", "bytes", "marker"}, "'truncate'");
      core::FieldRule rule;
      rule.id = "truncated-field";
      rule.description = "Fields truncated by the config";
      rule.category = "other";
      rule.pack = "config";
      rule.origin = reader.origin(truncate);
      rule.names = reader.strings(truncate, "fields", "'truncate'");
      if (rule.names.empty()) reader.fail(truncate, "'truncate' needs a list of 'fields'");
      core::Action action;
      action.kind = core::ActionKind::kTruncate;
      if (!truncate["bytes"]) reader.fail(truncate, "'truncate' needs 'bytes'");
      action.max_bytes = reader.count(truncate["bytes"], "'truncate.bytes'");
      if (truncate["marker"]) action.truncate_marker = reader.scalar(truncate, "marker", "'truncate'", true);
      rule.action = action;
      policy.extra_fields.push_back(std::move(rule));
    }
    if (const YAML::Node key = root["hash_key"]) {
      if (!key.IsMap()) reader.fail(key, "'hash_key' must be a mapping");
      reader.allowOnly(key, {"file", "env", "id"}, "'hash_key'");
      if (key["file"] && key["env"]) reader.fail(key, "'hash_key' takes 'file' or 'env', not both");
      if (key["file"]) policy.hash_key_file = relativeTo(path, reader.scalar(key, "file", "'hash_key'", true));
      if (key["env"]) policy.hash_key_env = reader.scalar(key, "env", "'hash_key'", true);
      if (key["id"]) policy.hash_key_id = reader.scalar(key, "id", "'hash_key'", true);
      if (policy.hash_key_id.empty() || policy.hash_key_id.find(':') != std::string::npos)
        reader.fail(key, "'hash_key.id' must be a short name without ':'");
    }
    if (const YAML::Node filter = root["filter"]) {
      if (!filter.IsMap()) reader.fail(filter, "'filter' must be a mapping");
      reader.allowOnly(filter, {"threads", "max_line_bytes"}, "'filter'");
      if (filter["threads"]) {
        const size_t threads = reader.count(filter["threads"], "'filter.threads'");
        if (threads < 1 || threads > 256) reader.fail(filter["threads"], "'filter.threads' must be 1 to 256");
        config.threads = static_cast<unsigned>(threads);
      }
      if (filter["max_line_bytes"]) {
        const size_t bytes = reader.count(filter["max_line_bytes"], "'filter.max_line_bytes'");
        if (bytes < 1024) reader.fail(filter["max_line_bytes"], "'filter.max_line_bytes' must be at least 1024");
        config.max_line_bytes = bytes;
      }
    }
    if (const YAML::Node cache = root["cache"]) {
      if (!cache.IsMap()) reader.fail(cache, "'cache' must be a mapping");
      reader.allowOnly(cache, {"enabled", "dir"}, "'cache'");
      if (cache["enabled"]) policy.use_cache = reader.flag(cache["enabled"], "'cache.enabled'");
      if (cache["dir"]) policy.cache_dir = relativeTo(path, reader.scalar(cache, "dir", "'cache'", true));
    }
  } catch (const YAML::Exception& e) {
    throw ConfigError(path.string() + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
}

}  // namespace veil::app
