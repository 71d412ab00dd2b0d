#pragma once

#include <filesystem>
#include <map>
#include <string>

#include "app/policy_builder.h"

namespace veil::bench {

// The policy of the bundled packs named `packs` ("" for the default packs, "all" for every
// pack), compiled once per process and kept for all benchmarks.
inline const app::LoadedPolicy& policyFor(const std::string& packs) {
  static std::map<std::string, app::LoadedPolicy> cache;
  auto it = cache.find(packs);
  if (it == cache.end()) {
    app::PolicyOptions options;
    if (!packs.empty()) options.packs = {packs};
    options.patterns_dir = std::filesystem::path(VEIL_SOURCE_DIR) / "patterns";
    options.use_cache = false;
    it = cache.emplace(packs, app::buildPolicy(options)).first;
  }
  return it->second;
}

}  // namespace veil::bench
