#include "app/config.h"

#include <chrono>
#include <system_error>

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

// HOST:PORT, or a gRPC target such as unix:PATH or dns:///name:port; only the obvious
// mistakes are caught here, the rest when the address is bound or dialled.
std::string readAddress(const YamlReader& reader, const YAML::Node& map, const std::string& key) {
  const std::string what = "'serve." + key + "'";
  const std::string address = reader.scalar(map, key, "'serve'", true);
  if (address.empty() || address.find(':') == std::string::npos || address.find_first_of(" \t") != std::string::npos)
    reader.fail(map[key], what + " must be HOST:PORT, got '" + address + "'");
  return address;
}

// A PEM file named relative to the config; checked now so `veil config check` catches a typo.
std::string readExistingFile(const YamlReader& reader, const std::filesystem::path& config_path,
                             const YAML::Node& map, const std::string& key, const std::string& section) {
  const std::string file = relativeTo(config_path, reader.scalar(map, key, "'" + section + "'", true)).string();
  std::error_code error;
  if (!std::filesystem::is_regular_file(file, error))
    reader.fail(map[key], "'" + section + "." + key + "': no such file '" + file + "'");
  return file;
}

int64_t readMilliseconds(const YamlReader& reader, const YAML::Node& node, const std::string& what,
                         int64_t min, int64_t max) {
  const size_t value = reader.count(node, what);
  if (value < static_cast<size_t>(min) || value > static_cast<size_t>(max))
    reader.fail(node, what + " must be " + std::to_string(min) + " to " + std::to_string(max));
  return static_cast<int64_t>(value);
}

void readServe(const YamlReader& reader, const std::filesystem::path& path, const YAML::Node& node,
               ServeSettings& serve) {
  if (!node.IsMap()) reader.fail(node, "'serve' must be a mapping");
  reader.allowOnly(node, {"listen", "forward", "forward_timeout_ms", "forward_gzip", "max_message_bytes", "queue",
                          "drain_timeout_ms", "metrics_listen", "token", "tls", "forward_tls"},
                   "'serve'");
  auto& options = serve.options;
  if (node["listen"]) options.listen_address = readAddress(reader, node, "listen");
  if (node["forward"]) options.forward_address = readAddress(reader, node, "forward");
  if (node["metrics_listen"]) serve.metrics_listen = readAddress(reader, node, "metrics_listen");
  if (node["forward_timeout_ms"])
    options.forward_timeout = std::chrono::milliseconds(
        readMilliseconds(reader, node["forward_timeout_ms"], "'serve.forward_timeout_ms'", 1, 600000));
  if (node["drain_timeout_ms"])
    serve.drain_timeout_ms = readMilliseconds(reader, node["drain_timeout_ms"], "'serve.drain_timeout_ms'", 0, 600000);
  if (node["forward_gzip"]) options.forward_gzip = reader.flag(node["forward_gzip"], "'serve.forward_gzip'");
  if (node["max_message_bytes"]) {
    const size_t bytes = reader.count(node["max_message_bytes"], "'serve.max_message_bytes'");
    if (bytes < 1024 || bytes > (size_t{1} << 30))
      reader.fail(node["max_message_bytes"], "'serve.max_message_bytes' must be 1024 to 1073741824");
    options.max_message_bytes = static_cast<int>(bytes);
  }
  if (const YAML::Node queue = node["queue"]) {
    if (!queue.IsMap()) reader.fail(queue, "'serve.queue' must be a mapping");
    reader.allowOnly(queue, {"max_bytes", "dir"}, "'serve.queue'");
    if (queue["max_bytes"]) options.queue_max_bytes = reader.count(queue["max_bytes"], "'serve.queue.max_bytes'");
    if (queue["dir"]) options.queue_dir = relativeTo(path, reader.scalar(queue, "dir", "'serve.queue'", true)).string();
  }
  if (const YAML::Node token = node["token"]) {
    // The token itself never sits in the config: configs get copied, pasted and committed.
    if (!token.IsMap()) reader.fail(token, "'serve.token' must be a mapping: {file: PATH} or {env: NAME}");
    reader.allowOnly(token, {"file", "env"}, "serve.token");
    if (token["file"] && token["env"]) reader.fail(token, "'serve.token' takes 'file' or 'env', not both");
    if (!token["file"] && !token["env"]) reader.fail(token, "'serve.token' needs 'file' or 'env'");
    serve.token_file.clear();
    serve.token_env.clear();
    if (token["file"]) serve.token_file = readExistingFile(reader, path, token, "file", "serve.token");
    if (token["env"]) serve.token_env = reader.scalar(token, "env", "'serve.token'", true);
  }
  if (const YAML::Node tls = node["tls"]) {
    if (!tls.IsMap()) reader.fail(tls, "'serve.tls' must be a mapping");
    reader.allowOnly(tls, {"cert", "key", "client_ca"}, "serve.tls");
    if (!tls["cert"] || !tls["key"]) reader.fail(tls, "'serve.tls' needs both 'cert' and 'key'");
    auto& files = options.listen_tls_files;
    files.cert_file = readExistingFile(reader, path, tls, "cert", "serve.tls");
    files.key_file = readExistingFile(reader, path, tls, "key", "serve.tls");
    if (tls["client_ca"]) files.ca_file = readExistingFile(reader, path, tls, "client_ca", "serve.tls");
    options.listen_tls = true;
  }
  if (const YAML::Node tls = node["forward_tls"]) {
    if (!tls.IsMap()) reader.fail(tls, "'serve.forward_tls' must be a mapping");
    reader.allowOnly(tls, {"enabled", "ca", "cert", "key"}, "serve.forward_tls");
    if (static_cast<bool>(tls["cert"]) != static_cast<bool>(tls["key"]))
      reader.fail(tls, "'serve.forward_tls' needs 'cert' and 'key' together");
    auto& files = options.forward_tls_files;
    if (tls["ca"]) files.ca_file = readExistingFile(reader, path, tls, "ca", "serve.forward_tls");
    if (tls["cert"]) files.cert_file = readExistingFile(reader, path, tls, "cert", "serve.forward_tls");
    if (tls["key"]) files.key_file = readExistingFile(reader, path, tls, "key", "serve.forward_tls");
    options.forward_tls = tls["enabled"] ? reader.flag(tls["enabled"], "'serve.forward_tls.enabled'") : true;
    if (!options.forward_tls && (tls["ca"] || tls["cert"]))
      reader.fail(tls, "'serve.forward_tls' names files but has 'enabled: false'");
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
                            "truncate", "hash_key", "filter", "cache", "serve"},
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
    if (const YAML::Node serve = root["serve"]) readServe(reader, path, serve, config.serve);
  } catch (const YAML::Exception& e) {
    throw ConfigError(path.string() + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
}

}  // namespace veil::app
