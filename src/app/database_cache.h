#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "core/prefaulted_buffer.h"

namespace veil::app {

// Compiled pattern databases on disk, keyed by PatternSet::fingerprint(), so that a restart
// (Fluentd and rsyslog restart their filters) skips compiling. Files carry a checksum; a
// corrupt, truncated or foreign file reads as a miss and is overwritten.
class DatabaseCache {
 public:
  // $VEIL_CACHE_DIR, else $XDG_CACHE_HOME/veil, else $HOME/.cache/veil; nullopt if none is set.
  static std::optional<std::filesystem::path> defaultDirectory();

  explicit DatabaseCache(std::filesystem::path directory) : directory_(std::move(directory)) {}

  // The cached bytes for `fingerprint`, or empty on a miss. Refuses (as a miss) a directory or
  // file another user could have written, since the bytes are loaded into Hyperscan.
  core::PrefaultedBuffer load(const std::string& fingerprint) const;

  // Writes atomically (temporary file + rename), creating the directory with mode 0700.
  // Returns false (and leaves no partial file) on failure; the caller only loses speed.
  // Every changed rule set leaves a database behind, so a store also deletes all but the
  // kKeptDatabases most recently used ones (load() marks a file used) and temporary files
  // an interrupted store left more than an hour ago; only files named as store() names them
  // (a fingerprint, 64 hex digits) are ever deleted.
  bool store(const std::string& fingerprint, const std::string& database) const;

  static constexpr size_t kKeptDatabases = 16;

  std::filesystem::path fileFor(const std::string& fingerprint) const {
    return directory_ / (fingerprint + ".hsdb");
  }

 private:
  void prune() const;

  std::filesystem::path directory_;
};

}  // namespace veil::app
