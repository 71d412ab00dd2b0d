#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "frontends/otlp_server.h"

namespace veil::frontends {

// One queued request as stored: its place in the queue, its OTLP signal and its serialized
// (already redacted) bytes.
struct DiskRecord {
  uint64_t sequence = 0;
  OtlpSignal signal = OtlpSignal::kTraces;
  std::string payload;
};

// The retry queue's copy on disk, so that requests acknowledged to their sender survive a
// restart or a crash. One file per request, `<sequence>.veilq`, the sequence 20 decimal
// digits that only grow, so names sort in queue order. Files are written to `<name>.tmp`,
// fsynced, renamed and the directory fsynced before append() returns; they are mode 0600 and
// the directory, when created here, 0700.
//
// Delivery is at least once: a file removed just before a crash may come back (the removal
// is not fsynced), and the request is then sent again after the restart.
//
// File format, version 1 (integers little-endian):
//   offset  0  magic "VEIQ"                                   4 bytes
//           4  version (1)                                    1 byte
//           5  signal (OtlpSignal)                            1 byte
//           6  reserved (0)                                   2 bytes
//           8  payload length                                 8 bytes
//          16  SHA-256 of bytes 0..15 followed by the payload 32 bytes
//          48  payload
// A file that is shorter or longer than its header says, has another magic or version, or
// whose digest does not match is corrupt: open() renames it `<name>.corrupt` and logs its
// name and size (never its content).
//
// The directory is locked (flock) while a DiskQueue has it open: a second veil on the same
// directory is refused instead of sending everything twice.
//
// Thread safety: none; the caller serialises every call.
class DiskQueue {
 public:
  static constexpr size_t kHeaderBytes = 48;

  // What open() found in the directory.
  struct Recovered {
    std::vector<DiskRecord> records;  // intact files, in sequence order
    uint64_t corrupt = 0;             // files renamed `<name>.corrupt`
  };

  // Opens `dir` (created with mode 0700, and its parents, when missing), locks it, checks that
  // a file can be created in it, deletes `.tmp` files a crash left (never acknowledged) and
  // reads every queue file into `recovered`. Returns null and sets `error`, naming the
  // directory and the system's reason, when it cannot be created, opened, locked or written.
  static std::unique_ptr<DiskQueue> open(const std::string& dir, Recovered* recovered, std::string* error);
  ~DiskQueue();  // unlocks the directory; the files stay
  DiskQueue(const DiskQueue&) = delete;
  DiskQueue& operator=(const DiskQueue&) = delete;

  // Stores one request durably and returns its sequence number (above every one before), or 0
  // with `error` set (naming the file and the system's reason) when a step failed; a failed
  // append leaves no file behind.
  uint64_t append(OtlpSignal signal, std::string_view payload, std::string* error);

  // Deletes the file of `sequence`. False with `error` set when it could not be deleted (the
  // request would be sent again after a restart).
  bool remove(uint64_t sequence, std::string* error);

  // Renames the file of `sequence` to `<name>.corrupt` and logs it: for a file whose digest
  // held but whose payload the caller cannot use.
  void moveAside(uint64_t sequence, std::string_view reason);

  const std::string& dir() const { return dir_; }
  // The name of the file of `sequence`, without the directory.
  static std::string fileName(uint64_t sequence);

 private:
  DiskQueue(std::string dir, int dir_fd) : dir_(std::move(dir)), dir_fd_(dir_fd) {}
  void recover(Recovered* recovered);

  std::string dir_;
  int dir_fd_;  // open, locked; fsynced after every rename
  uint64_t next_sequence_ = 1;
};

}  // namespace veil::frontends
