#pragma once

#include <filesystem>
#include <optional>

#include "app/policy_builder.h"

namespace veil::app {

// Everything `veil --config FILE` can set. Fields left out keep their defaults (or the
// command line's values).
struct Config {
  PolicyOptions policy;
  std::optional<unsigned> threads;
  std::optional<size_t> max_line_bytes;
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
void loadConfig(const std::filesystem::path& path, Config& config);

}  // namespace veil::app
