#include "frontends/disk_queue.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <spdlog/spdlog.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <filesystem>

namespace veil::frontends {
namespace {

constexpr std::array<char, 4> kMagic = {'V', 'E', 'I', 'Q'};
constexpr uint8_t kVersion = 1;
constexpr size_t kDigestOffset = 16;
constexpr size_t kSequenceDigits = 20;  // every uint64_t fits, so names sort as numbers
constexpr std::string_view kSuffix = ".veilq";
constexpr std::string_view kTempSuffix = ".tmp";
constexpr std::string_view kCorruptSuffix = ".corrupt";

std::string systemError(int error) { return std::strerror(error); }

void putLittleEndian(unsigned char* out, uint64_t value, size_t bytes) {
  for (size_t i = 0; i < bytes; ++i) out[i] = static_cast<unsigned char>(value >> (8 * i));
}

uint64_t getLittleEndian(const unsigned char* in, size_t bytes) {
  uint64_t value = 0;
  for (size_t i = 0; i < bytes; ++i) value |= static_cast<uint64_t>(in[i]) << (8 * i);
  return value;
}

struct DigestContextDeleter {
  void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
};

// The digest covers the header fields too: a flipped signal byte is corruption, not a request
// of another kind.
std::array<unsigned char, 32> digest(const unsigned char* fields, std::string_view payload) {
  std::array<unsigned char, 32> out{};
  std::unique_ptr<EVP_MD_CTX, DigestContextDeleter> context(EVP_MD_CTX_new());
  unsigned int length = 0;
  if (!context || EVP_DigestInit_ex(context.get(), EVP_sha256(), nullptr) != 1 ||
      EVP_DigestUpdate(context.get(), fields, kDigestOffset) != 1 ||
      EVP_DigestUpdate(context.get(), payload.data(), payload.size()) != 1 ||
      EVP_DigestFinal_ex(context.get(), out.data(), &length) != 1)
    out.fill(0);  // matches no stored digest but by chance: the file is then moved aside
  return out;
}

std::array<unsigned char, DiskQueue::kHeaderBytes> header(OtlpSignal signal, std::string_view payload) {
  std::array<unsigned char, DiskQueue::kHeaderBytes> out{};
  std::memcpy(out.data(), kMagic.data(), kMagic.size());
  out[4] = kVersion;
  out[5] = static_cast<unsigned char>(signal);
  putLittleEndian(out.data() + 8, payload.size(), 8);
  const auto sum = digest(out.data(), payload);
  std::memcpy(out.data() + kDigestOffset, sum.data(), sum.size());
  return out;
}

// Why `contents` is not a valid queue file, or null when it is (then `record` is filled).
const char* decode(std::string_view contents, DiskRecord& record) {
  if (contents.size() < DiskQueue::kHeaderBytes) return "truncated";
  const auto* bytes = reinterpret_cast<const unsigned char*>(contents.data());
  if (std::memcmp(bytes, kMagic.data(), kMagic.size()) != 0) return "not a queue file";
  if (bytes[4] != kVersion) return "of an unknown version";
  if (bytes[5] >= kOtlpSignalNames.size()) return "of an unknown signal";
  const uint64_t length = getLittleEndian(bytes + 8, 8);
  if (length != contents.size() - DiskQueue::kHeaderBytes)
    return length > contents.size() - DiskQueue::kHeaderBytes ? "truncated" : "longer than its header says";
  const std::string_view payload = contents.substr(DiskQueue::kHeaderBytes);
  const auto sum = digest(bytes, payload);
  if (std::memcmp(sum.data(), bytes + kDigestOffset, sum.size()) != 0) return "corrupt (checksum mismatch)";
  record.signal = static_cast<OtlpSignal>(bytes[5]);
  record.payload.assign(payload);
  return nullptr;
}

bool writeAll(int fd, const void* data, size_t size) {
  const auto* at = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t written = ::write(fd, at, size);
    if (written < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    at += written;
    size -= static_cast<size_t>(written);
  }
  return true;
}

// Reads a whole file relative to the directory; false with errno set when it cannot.
bool readAll(int dir_fd, const std::string& name, std::string& out) {
  const int fd = ::openat(dir_fd, name.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return false;
  out.clear();
  char buffer[1 << 16];
  while (true) {
    const ssize_t got = ::read(fd, buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      const int saved = errno;
      ::close(fd);
      errno = saved;
      return false;
    }
    if (got == 0) break;
    out.append(buffer, static_cast<size_t>(got));
  }
  ::close(fd);
  return true;
}

// The sequence in `name` when it is `<20 digits><suffix>`, else 0.
uint64_t sequenceOf(std::string_view name, std::string_view suffix) {
  if (name.size() != kSequenceDigits + suffix.size() || name.substr(kSequenceDigits) != suffix) return 0;
  uint64_t sequence = 0;
  const auto digits = name.substr(0, kSequenceDigits);
  const auto [end, failure] = std::from_chars(digits.data(), digits.data() + digits.size(), sequence);
  return failure == std::errc() && end == digits.data() + digits.size() ? sequence : 0;
}

}  // namespace

std::string DiskQueue::fileName(uint64_t sequence) {
  char name[kSequenceDigits + 1];
  std::snprintf(name, sizeof name, "%020llu", static_cast<unsigned long long>(sequence));
  return std::string(name) + std::string(kSuffix);
}

std::unique_ptr<DiskQueue> DiskQueue::open(const std::string& dir, Recovered* recovered, std::string* error) {
  const std::string where = "queue directory '" + dir + "'";
  if (dir.empty()) {
    *error = "queue directory: empty path";
    return nullptr;
  }
  const std::filesystem::path path(dir);
  std::error_code ignored;
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ignored);
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    *error = where + ": cannot create: " + systemError(errno);
    return nullptr;
  }
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    *error = where + ": cannot open: " + systemError(errno);
    return nullptr;
  }
  std::unique_ptr<DiskQueue> queue(new DiskQueue(dir, fd));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    *error = errno == EWOULDBLOCK ? where + ": in use by another veil" : where + ": cannot lock: " + systemError(errno);
    return nullptr;
  }
  // Checked now rather than at the first outage, when refusing Exports would be too late.
  const std::string probe = ".write-probe-" + std::to_string(::getpid());
  const int probe_fd = ::openat(fd, probe.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (probe_fd < 0) {
    *error = where + ": cannot write: " + systemError(errno);
    return nullptr;
  }
  ::close(probe_fd);
  ::unlinkat(fd, probe.c_str(), 0);
  queue->recover(recovered);
  return queue;
}

DiskQueue::~DiskQueue() { ::close(dir_fd_); }  // closing the last descriptor releases the flock

void DiskQueue::recover(Recovered* recovered) {
  std::vector<std::pair<uint64_t, std::string>> names;
  uint64_t highest = 0;
  size_t abandoned = 0;
  std::error_code failure;
  for (const auto& entry : std::filesystem::directory_iterator(dir_, failure)) {
    const std::string name = entry.path().filename().string();
    if (const uint64_t sequence = sequenceOf(name, kSuffix)) {
      names.emplace_back(sequence, name);
      highest = std::max(highest, sequence);
    } else if (const uint64_t temp = sequenceOf(name, std::string(kSuffix) + std::string(kTempSuffix))) {
      // Never renamed, so never acknowledged: its sender got an error and sends it again.
      if (::unlinkat(dir_fd_, name.c_str(), 0) == 0) ++abandoned;
      highest = std::max(highest, temp);
    } else if (const uint64_t corrupt = sequenceOf(name, std::string(kSuffix) + std::string(kCorruptSuffix))) {
      highest = std::max(highest, corrupt);  // not reused: a later file must not replace it
    }
  }
  if (failure) spdlog::error("queue directory '{}': cannot list: {}", dir_, failure.message());
  if (abandoned > 0) spdlog::info("queue directory '{}': removed {} unfinished writes", dir_, abandoned);
  next_sequence_ = highest + 1;
  std::sort(names.begin(), names.end());
  std::string contents;
  for (const auto& [sequence, name] : names) {
    DiskRecord record;
    record.sequence = sequence;
    if (!readAll(dir_fd_, name, contents)) {
      spdlog::error("queue file '{}/{}' cannot be read: {}; left in place", dir_, name, systemError(errno));
      continue;
    }
    if (const char* reason = decode(contents, record)) {
      moveAside(sequence, reason);
      ++recovered->corrupt;
      continue;
    }
    recovered->records.push_back(std::move(record));
  }
}

uint64_t DiskQueue::append(OtlpSignal signal, std::string_view payload, std::string* error) {
  const uint64_t sequence = next_sequence_++;
  const std::string name = fileName(sequence);
  const std::string temp = name + std::string(kTempSuffix);
  const auto fields = header(signal, payload);
  auto fail = [&](const std::string& step, bool renamed) {
    *error = "queue file '" + dir_ + "/" + name + "': cannot " + step + ": " + systemError(errno);
    ::unlinkat(dir_fd_, renamed ? name.c_str() : temp.c_str(), 0);
    return uint64_t{0};
  };
  const int fd = ::openat(dir_fd_, temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return fail("create", false);
  if (!writeAll(fd, fields.data(), fields.size()) || !writeAll(fd, payload.data(), payload.size()) ||
      ::fsync(fd) != 0) {
    const int saved = errno;
    ::close(fd);
    errno = saved;
    return fail("write", false);
  }
  if (::close(fd) != 0) return fail("write", false);
  if (::renameat(dir_fd_, temp.c_str(), dir_fd_, name.c_str()) != 0) return fail("rename", false);
  // Without this the rename itself may not survive a crash, and the sender has its OK.
  if (::fsync(dir_fd_) != 0) return fail("sync the directory", true);
  return sequence;
}

bool DiskQueue::remove(uint64_t sequence, std::string* error) {
  const std::string name = fileName(sequence);
  if (::unlinkat(dir_fd_, name.c_str(), 0) == 0 || errno == ENOENT) return true;
  *error = "queue file '" + dir_ + "/" + name + "': cannot delete: " + systemError(errno);
  return false;
}

void DiskQueue::moveAside(uint64_t sequence, std::string_view reason) {
  const std::string name = fileName(sequence);
  const std::string aside = name + std::string(kCorruptSuffix);
  struct stat info {};
  const long long size = ::fstatat(dir_fd_, name.c_str(), &info, AT_SYMLINK_NOFOLLOW) == 0 ? info.st_size : -1;
  if (::renameat(dir_fd_, name.c_str(), dir_fd_, aside.c_str()) == 0)
    spdlog::warn("queue file '{}/{}' ({} bytes) is {}: moved aside as '{}'", dir_, name, size, reason, aside);
  else
    spdlog::error("queue file '{}/{}' ({} bytes) is {} and cannot be moved aside: {}", dir_, name, size, reason,
                  systemError(errno));
}

}  // namespace veil::frontends
