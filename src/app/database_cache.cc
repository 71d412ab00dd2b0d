#include "app/database_cache.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <new>
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

core::PrefaultedBuffer DatabaseCache::load(const std::string& fingerprint) const {
  const auto file = fileFor(fingerprint);
  if (!trusted(directory_, true) || !trusted(file, false)) return {};
  std::ifstream in(file, std::ios::binary | std::ios::ate);
  if (!in) return {};
  const auto size = static_cast<size_t>(in.tellg());
  if (size <= kMagic.size() + kDigestBytes) return {};
  in.seekg(0);
  char header[kMagic.size() + kDigestBytes];
  core::PrefaultedBuffer database;
  try {
    database = core::PrefaultedBuffer(size - sizeof(header));
  } catch (const std::bad_alloc&) {
    return {};  // a miss: the rules are compiled instead
  }
  if (!in.read(header, sizeof(header)) ||
      !in.read(database.data(), static_cast<std::streamsize>(database.size()))) {
    return {};
  }
  const std::string_view magic(header, kMagic.size());
  const std::string_view digest(header + kMagic.size(), kDigestBytes);
  if (magic != kMagic || sha256(database.view()) != digest) return {};
  // Used now: pruning keeps the most recently used databases.
  ::utimensat(AT_FDCWD, file.c_str(), nullptr, AT_SYMLINK_NOFOLLOW);
  return database;
}

namespace {

// Names store() writes: a fingerprint (64 hex digits), then `.hsdb`, or `.tmp.` and mkstemp's
// six characters. Nothing else in the directory is ours to delete.
bool isFingerprint(std::string_view name) {
  return name.size() == 64 &&
         name.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}
bool isDatabaseName(std::string_view name) {
  return name.size() == 64 + 5 && name.ends_with(".hsdb") && isFingerprint(name.substr(0, 64));
}
bool isTemporaryName(std::string_view name) {
  if (name.size() != 64 + 5 + 6 || !isFingerprint(name.substr(0, 64)) || name.substr(64, 5) != ".tmp.")
    return false;
  for (char c : name.substr(69)) {
    if (!std::isalnum(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

void DatabaseCache::prune() const {
  struct Entry {
    std::filesystem::file_time_type used;
    std::filesystem::path path;
  };
  std::vector<Entry> databases;
  const auto now = std::filesystem::file_time_type::clock::now();
  std::error_code error;
  std::filesystem::directory_iterator entries(directory_, error);
  // Never throws: pruning only saves space, a failure leaves files for the next store.
  for (; !error && entries != std::filesystem::directory_iterator(); entries.increment(error)) {
    const auto& path = entries->path();
    const std::string name = path.filename().string();
    const bool database = isDatabaseName(name);
    if (!database && !isTemporaryName(name)) continue;
    // Regular files of ours only; remove() unlinks a name, never what a link points to.
    if (!trusted(path, false)) continue;
    std::error_code time_error;
    const auto used = std::filesystem::last_write_time(path, time_error);
    if (time_error) continue;
    if (database) {
      databases.push_back({used, path});
    } else if (now - used > std::chrono::hours(1)) {
      std::filesystem::remove(path, time_error);
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
