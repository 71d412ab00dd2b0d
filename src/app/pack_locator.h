#pragma once

#include <filesystem>
#include <optional>
#include <vector>

namespace veil::app {

// Where the bundled rule packs are, without a flag: $VEIL_PATTERNS_DIR; next to an installed
// binary (<prefix>/share/veil/patterns); the configured install prefix; the source tree the
// binary was built from. The first existing directory wins.
std::optional<std::filesystem::path> findPatternsDirectory();

// The candidates findPatternsDirectory() tries, in order (for error messages).
std::vector<std::filesystem::path> patternsDirectoryCandidates();

}  // namespace veil::app
