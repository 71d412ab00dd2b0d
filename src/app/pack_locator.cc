#include "app/pack_locator.h"

#include <cstdlib>
#include <system_error>

namespace veil::app {

std::vector<std::filesystem::path> patternsDirectoryCandidates() {
  std::vector<std::filesystem::path> candidates;
  if (const char* env = std::getenv("VEIL_PATTERNS_DIR"); env && *env) candidates.emplace_back(env);
  std::error_code error;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", error);
  if (!error) candidates.push_back(exe.parent_path().parent_path() / "share/veil/patterns");
  candidates.emplace_back(VEIL_INSTALL_PATTERNS_DIR);
  candidates.emplace_back(VEIL_SOURCE_PATTERNS_DIR);
  return candidates;
}

std::optional<std::filesystem::path> findPatternsDirectory() {
  for (const auto& candidate : patternsDirectoryCandidates()) {
    std::error_code error;
    if (std::filesystem::is_directory(candidate, error)) return candidate;
  }
  return std::nullopt;
}

}  // namespace veil::app
