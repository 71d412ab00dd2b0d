#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "app/policy_builder.h"
#include "frontends/otlp_server.h"

namespace veil::app {

// What `veil serve` runs with besides the policy: the server's options plus what main needs
// to fill them in (secrets are named by file or variable, never held in the config).
struct ServeSettings {
  frontends::OtlpServerOptions options;
  int64_t drain_timeout_ms = 10000;
  std::string token_file;
  std::string token_env;
  std::string metrics_listen;  // empty: no Prometheus endpoint
};

// Everything `veil --config FILE` can set. Fields left out keep their defaults (or the
// command line's values).
struct Config {
  PolicyOptions policy;
  std::optional<unsigned> threads;
  std::optional<size_t> max_line_bytes;
  ServeSettings serve;
};

// Reads and validates a config file into `config` (on top of what it holds already). Unknown
// keys and bad values throw ConfigError "file:line: …". Paths in the file are relative to the
// file's directory.
//
//   packs: [secrets, credentials, pii, keys]
//   rules: [./my-rules.yaml]
//   mask_template: "[REDACTED:{rule}]"
//   actions:
//     categories: {pii: {action: partial, keep_last: 4}}
//     rules: {email-address: hash, payment-card-number: {action: partial, keep_first: 6, keep_last: 4}}
//   fields:                      # more field-name rules, as in a pack's `fields`
//     - {id: internal-ticket, description: d, category: other, names: [ticket_secret]}
//   truncate: {fields: [db.statement, gen_ai.prompt, gen_ai.completion], bytes: 48}
//   hash_key: {file: /etc/veil/hash.key, id: k1}     # or {env: VEIL_HASH_KEY, id: k1}
//   filter: {threads: 2, max_line_bytes: 1048576}
//   cache: {enabled: true, dir: /var/cache/veil}
//   serve:                       # `veil serve`; read at start (SIGHUP reloads the policy only)
//     listen: 0.0.0.0:4317
//     forward: collector:4317
//     forward_timeout_ms: 5000
//     forward_gzip: true
//     max_message_bytes: 16777216
//     queue: {max_bytes: 67108864, dir: /var/lib/veil/queue}
//     drain_timeout_ms: 10000
//     metrics_listen: 127.0.0.1:9464
//     token: {file: /etc/veil/token}            # or {env: VEIL_TOKEN}
//     tls: {cert: server.pem, key: server.key, client_ca: clients.pem}
//     forward_tls: {enabled: true, ca: ca.pem, cert: client.pem, key: client.key}
void loadConfig(const std::filesystem::path& path, Config& config);

}  // namespace veil::app
