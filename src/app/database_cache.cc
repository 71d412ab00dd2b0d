#include "app/database_cache.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <vector>

namespace veil::app {
namespace {

constexpr std::string_view kMagic = "VEILHSDB1\n";
constexpr size_t kDigestBytes = 32;

std::string sha256(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<char*>(digest), length);
}

// Only our own, not group- or world-writable: anything else could feed Hyperscan crafted bytes.
bool trusted(const std::filesystem::path& path, bool directory) {
  struct stat info {};
  if (::lstat(path.c_str(), &info) != 0) return false;
  if (directory ? !S_ISDIR(info.st_mode) : !S_ISREG(info.st_mode)) return false;
  return info.st_uid == ::geteuid() && (info.st_mode & (S_IWGRP | S_IWOTH)) == 0;
}

}  // namespace

std::optional<std::filesystem::path> DatabaseCache::defaultDirectory() {
  if (const char* dir = std::getenv("VEIL_CACHE_DIR"); dir && *dir) return std::filesystem::path(dir);
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg)
    return std::filesystem::path(xdg) / "veil";
  if (const char* home = std::getenv("HOME"); home && *home)
    return std::filesystem::path(home) / ".cache" / "veil";
  return std::nullopt;
}

std::string DatabaseCache::load(const std::string& fingerprint) const {
  const auto file = fileFor(fingerprint);
  if (!trusted(directory_, true) || !trusted(file, false)) return {};
  std::ifstream in(file, std::ios::binary | std::ios::ate);
  if (!in) return {};
  const auto size = static_cast<size_t>(in.tellg());
  if (size <= kMagic.size() + kDigestBytes) return {};
  in.seekg(0);
  char header[kMagic.size() + kDigestBytes];
  std::string database(size - sizeof(header), '\0');
  if (!in.read(header, sizeof(header)) ||
      !in.read(database.data(), static_cast<std::streamsize>(database.size()))) {
    return {};
  }
  const std::string_view magic(header, kMagic.size());
  const std::string_view digest(header + kMagic.size(), kDigestBytes);
  if (magic != kMagic || sha256(database) != digest) return {};
  // Used now: pruning keeps the most recently used databases.
  ::utimensat(AT_FDCWD, file.c_str(), nullptr, 0);
  return database;
}

void DatabaseCache::prune() const {
  struct Entry {
    std::filesystem::file_time_type used;
    std::filesystem::path path;
  };
  std::vector<Entry> databases;
  const auto now = std::filesystem::file_time_type::clock::now();
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(directory_, error)) {
    const auto& path = entry.path();
    const std::string name = path.filename().string();
    // Only regular files of ours with our names: nothing else in the directory is touched.
    if (!trusted(path, false)) continue;
    const auto used = std::filesystem::last_write_time(path, error);
    if (error) continue;
    if (name.ends_with(".hsdb")) {
      databases.push_back({used, path});
    } else if (name.find(".tmp.") != std::string::npos && now - used > std::chrono::hours(1)) {
      std::filesystem::remove(path, error);
    }
  }
  if (databases.size() <= kKeptDatabases) return;
  std::sort(databases.begin(), databases.end(),
            [](const Entry& a, const Entry& b) { return a.used > b.used; });
  for (size_t i = kKeptDatabases; i < databases.size(); ++i) {
    std::filesystem::remove(databases[i].path, error);
  }
}

bool DatabaseCache::store(const std::string& fingerprint, const std::string& database) const {
  std::error_code error;
  std::filesystem::create_directories(directory_, error);
  if (error) return false;
  ::chmod(directory_.c_str(), 0700);
  if (!trusted(directory_, true)) return false;

  std::string temporary = (directory_ / (fingerprint + ".tmp.XXXXXX")).string();
  const int fd = ::mkstemp(temporary.data());  // mode 0600
  if (fd < 0) return false;
  const std::string header = std::string(kMagic) + sha256(database);
  bool ok = true;
  for (std::string_view part : {std::string_view(header), std::string_view(database)}) {
    while (ok && !part.empty()) {
      const ssize_t n = ::write(fd, part.data(), part.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) ok = false;
      else part.remove_prefix(static_cast<size_t>(n));
    }
  }
  ok = ::close(fd) == 0 && ok;
  if (ok) ok = ::rename(temporary.c_str(), fileFor(fingerprint).c_str()) == 0;
  if (!ok) ::unlink(temporary.c_str());
  if (ok) prune();
  return ok;
}

}  // namespace veil::app
