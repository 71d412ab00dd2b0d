#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "formats/record_redactor.h"

namespace veil::frontends {

struct LineFilterOptions {
  int input_fd = 0;
  int output_fd = 1;
  // Becomes readable when the filter should stop (a signal handler writes to it); -1: none.
  int stop_fd = -1;
  // Lines up to this length are scanned as one record; longer ones in overlapping windows.
  size_t max_record_bytes = 1 << 20;
  // Overlap between windows of an over-long line: the longest secret certain to be found
  // wherever the window edges fall. 64 KiB exceeds every credential format veil knows.
  size_t window_overlap = 64 << 10;
  // Input is read at most this many bytes at a time, and each read's whole lines go to a
  // worker (and out) as one batch: a pause in the input sends what there is at once.
  size_t flush_bytes = 256 << 10;
  // Worker threads redacting batches; 1 redacts on the reading thread.
  unsigned threads = 1;
  // Not empty: answer in rsyslog's mmexternal protocol, one JSON object per line setting this
  // message property ("msg", "rawmsg") to the redacted line, or `{}` for a line that did not
  // change (frontends/mmexternal_replies.h). Lines are then unrelated messages: no private key
  // or `name:`/`value:` pair continues from one to the next.
  std::string mmexternal_property;
};

enum class LineFilterEnd {
  kEndOfInput,    // input reached EOF; everything written
  kStopped,       // stop_fd fired; lines read so far written
  kOutputClosed,  // the reader went away (EPIPE)
  kInputError,
  kOutputError,
  kOutOfMemory,   // a worker could not allocate; output stops after the last batch written
};

struct LineFilterResult {
  LineFilterEnd end = LineFilterEnd::kEndOfInput;
  int error = 0;  // errno for kInputError / kOutputError
  uint64_t lines = 0;
  uint64_t bytes_in = 0;
  uint64_t lines_redacted = 0;
  uint64_t long_lines = 0;  // lines scanned in windows
  uint64_t json_records = 0;
  uint64_t json_fallbacks = 0;  // looked like JSON but did not parse: scanned as text
  uint64_t span_fallbacks = 0;  // span searches PCRE2 gave up on and RE2 finished
  std::vector<uint64_t> findings_per_rule;
};

// The stdin-to-stdout filter: one output line per input line, in order, with only redacted
// bytes changed. Output is written as soon as no more input is immediately available, and in
// batches while input is busy.
//
// Threads: the calling thread reads and cuts the input into batches of whole lines; `threads`
// workers redact batches; a writer thread writes them back in input order. Lines longer than
// max_record_bytes are redacted window by window on the reading thread (each window depends on
// where the previous one stopped) and travel as already-redacted batches.
class LineFilter {
 public:
  LineFilter(const core::Policy& policy, LineFilterOptions options);

  // Runs until end of input, a stop request or an I/O error. Call once.
  LineFilterResult run();

 private:
  class Run;
  const core::Policy& policy_;
  formats::RecordRedactor records_;
  LineFilterOptions options_;
};

}  // namespace veil::frontends
