#include "frontends/line_filter.h"

#include <poll.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "core/window_redactor.h"
#include "formats/key_block.h"
#include "formats/split_pairs.h"
#include "frontends/mmexternal_replies.h"

namespace veil::frontends {
namespace {

constexpr size_t kReadChunk = 256 << 10;
// Read buffers and output buffers up to this size are reused by later batches (the default
// read buffer is about 1.3 MiB).
constexpr size_t kKeptBufferBytes = 4 << 20;
// How much of the line before a batch travels with it: `- name: …` lines are short.
constexpr size_t kPreviousLineBytes = 512;

// Bytes read from the input. Not zero-filled: pages are touched only as input arrives, which
// keeps start-up and the footprint of small inputs small.
struct InputBuffer {
  std::unique_ptr<char[]> bytes;
  size_t capacity = 0;

  void reserve(size_t size) {
    if (capacity >= size) return;
    bytes = std::make_unique_for_overwrite<char[]>(size);
    capacity = size;
  }
};

// A run of whole input lines and, once redacted, their output: the pieces to write, in
// order, each a slice of the input (lines that came out unchanged, never copied) or of
// `redacted` (the new form of the lines that changed). The lines stay in the buffer they were
// read into: the batch takes that buffer over instead of copying them.
struct Batch {
  struct Piece {
    bool redacted;  // a slice of `redacted`, else of input()
    size_t begin, end;
  };
  uint64_t sequence = 0;
  InputBuffer buffer;
  size_t input_begin = 0, input_end = 0;  // the lines in `buffer`
  std::string redacted;
  std::vector<Piece> pieces;
  bool done = false;  // pieces are final already (windows of an over-long line)
  uint64_t lines = 0;
  uint64_t lines_redacted = 0;
  // Private keys across lines (formats/key_block.h). Workers redact a batch as if no key block
  // were open before it; the thread writing batches in order knows, and masks the leading lines
  // if one was.
  size_t key_lead_lines = 0;     // leading lines that would be key material in an open block
  size_t key_lead_bytes = 0;     // their bytes at the start of input()
  size_t key_lead_pieces = 0;    // the pieces holding their output
  uint64_t key_lead_redacted = 0;  // how many of them the worker changed
  bool key_block_open = false;   // a block is open after the last line, given none before
  // The end of the line before the batch (at most kPreviousLineBytes): a name whose value is on
  // the batch's first line (formats/split_pairs.h).
  std::string previous_line;

  // Complete lines with terminators; the last may lack one (end of input).
  std::string_view input() const { return {buffer.bytes.get() + input_begin, input_end - input_begin}; }
  bool empty() const { return input_end == input_begin && redacted.empty(); }
  void add(bool from_redacted, size_t begin, size_t end) {
    if (begin == end) return;
    if (pieces.size() > key_lead_pieces && pieces.back().redacted == from_redacted &&
        pieces.back().end == begin) {
      pieces.back().end = end;
    } else {
      pieces.push_back({from_redacted, begin, end});
    }
  }
  // Appends to `redacted` through `write`, which appends to the string it is given.
  template <typename Write>
  void addRedacted(Write write) {
    const size_t before = redacted.size();
    write(redacted);
    add(true, before, redacted.size());
  }
};

// Redacts a line (without its terminator) inside a key block: the key material masked as a
// finding of `rule`, anything before it (a log prefix) redacted as text; a blank or armor-header
// line is redacted like any record. Appends only when the line changed, and says whether it did.
bool redactKeyBody(const formats::RecordRedactor& records, formats::Workspace& workspace,
                   uint32_t rule, std::string_view line, formats::KeyBodySpan body,
                   std::string& out) {
  if (body.begin == body.end) return records.redactIfChanged(workspace, line, out) > 0;
  records.redactText(workspace, line.substr(0, body.begin), out);
  // Always the mask, whatever the rule's action: `partial` or `truncate` applied line by line
  // would leave part of every line of the key.
  records.redactor().appendMask(rule, out);
  workspace.scan.countFinding(rule);
  // The rest of a JSON record (other members) is scanned too.
  records.redactText(workspace, line.substr(body.end), out);
  return true;
}

// Calls `each(line, length, terminated, crlf)` for every line of `input`: `line` without its
// terminator, `length` with it.
template <typename Each>
void forEachLine(std::string_view input, Each each) {
  while (!input.empty()) {
    const size_t newline = input.find('\n');
    const bool terminated = newline != std::string_view::npos;
    const size_t length = terminated ? newline + 1 : input.size();
    std::string_view line = input.substr(0, terminated ? newline : input.size());
    // The record is the line without its terminator; a CR before LF goes back out as it came.
    const bool crlf = terminated && !line.empty() && line.back() == '\r';
    if (crlf) line.remove_suffix(1);
    each(line, length, terminated, crlf);
    input.remove_prefix(length);
  }
}

// `related_lines` false: consecutive lines are unrelated records (rsyslog's mmexternal
// interleaves hosts), so no line names the next one's value.
void redactBatch(const formats::RecordRedactor& records, formats::Workspace& workspace,
                 std::optional<uint32_t> key_rule, bool related_lines, Batch& batch) {
  batch.redacted.clear();
  batch.pieces.clear();
  batch.key_lead_lines = batch.key_lead_bytes = batch.key_lead_pieces = 0;
  batch.key_lead_redacted = 0;
  bool leading = key_rule.has_value();  // still inside the lines that could continue a key
  bool key_open = false;
  size_t at = 0;  // offset of the line in the input
  // The line before, when it may name a sensitive field whose value is on the next line.
  std::string_view previous = related_lines ? std::string_view(batch.previous_line) : std::string_view();
  forEachLine(batch.input(), [&](std::string_view line, size_t length, bool terminated, bool crlf) {
    if (leading && !formats::keyBodySpan(line)) {
      leading = false;
      batch.key_lead_pieces = batch.pieces.size();
    }
    ++batch.lines;
    const size_t before = batch.redacted.size();
    bool changed = false;
    std::optional<formats::KeyBodySpan> body;
    if (key_open && (body = formats::keyBodySpan(line))) {
      changed = redactKeyBody(records, workspace, *key_rule, line, *body, batch.redacted);
    } else {
      key_open = false;
      const auto split = previous.empty()
                             ? std::nullopt
                             : formats::valueNamedByPreviousLine(records.policy(), previous, line);
      if (split) {
        changed = records.redactTextWith(workspace, line, {split->rule, split->begin, split->end},
                                         batch.redacted) > 0;
      } else {
        changed = records.redactIfChanged(workspace, line, batch.redacted) > 0;
      }
      // The private-key rules have changed a line that opens a block.
      if (changed && key_rule && formats::opensKeyBlock(line)) key_open = true;
    }
    // Only a line with a sensitive field name in it can name the next line's value. A JSON
    // record's scan ends with its last member, not its message: keep one that says `name:`.
    const bool json = !line.empty() && line.front() == '{';
    previous = related_lines &&
                       (json ? line.find("name:") != std::string_view::npos : workspace.scan.sawFieldLiteral())
                   ? line
                   : std::string_view{};
    if (changed) {
      ++batch.lines_redacted;
      if (crlf) batch.redacted.push_back('\r');
      if (terminated) batch.redacted.push_back('\n');
      batch.add(true, before, batch.redacted.size());
    } else {
      batch.add(false, at, at + length);
    }
    at += length;
    if (leading) {
      ++batch.key_lead_lines;
      batch.key_lead_bytes = at;
      if (changed) ++batch.key_lead_redacted;
    }
  });
  if (leading) batch.key_lead_pieces = batch.pieces.size();
  batch.key_block_open = key_open;
  batch.done = true;
}

// Called in input order before `batch` is written, with whether a key block was open after
// the batch before it: masks the batch's leading key lines if it was. Returns whether a block
// is open after this batch.
bool settleKeyBlock(const formats::RecordRedactor& records, formats::Workspace& workspace,
                    std::optional<uint32_t> key_rule, bool open_before, Batch& batch) {
  // Windows of an over-long line carry no lines and end any block.
  if (!key_rule || batch.lines == 0) return false;
  const bool whole_batch_leads = batch.key_lead_lines == batch.lines;
  if (open_before && batch.key_lead_lines > 0) {
    std::vector<Batch::Piece> pieces;
    size_t at = 0;
    uint64_t masked = 0;
    forEachLine(batch.input().substr(0, batch.key_lead_bytes),
                [&](std::string_view line, size_t length, bool terminated, bool crlf) {
                  const size_t before = batch.redacted.size();
                  if (redactKeyBody(records, workspace, *key_rule, line, *formats::keyBodySpan(line),
                                    batch.redacted)) {
                    ++masked;
                    if (crlf) batch.redacted.push_back('\r');
                    if (terminated) batch.redacted.push_back('\n');
                    pieces.push_back({true, before, batch.redacted.size()});
                  } else {
                    pieces.push_back({false, at, at + length});
                  }
                  at += length;
                });
    pieces.insert(pieces.end(), batch.pieces.begin() + static_cast<ptrdiff_t>(batch.key_lead_pieces),
                  batch.pieces.end());
    batch.pieces = std::move(pieces);
    batch.lines_redacted += masked - batch.key_lead_redacted;
  }
  return whole_batch_leads ? open_before : batch.key_block_open;
}

// Writes all of `bytes`, retrying after interruptions and short writes.
bool writeAll(int fd, std::string_view bytes, int& error) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      error = errno;
      return false;
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

// Writes `batch` as mmexternal replies, one per line.
bool writeReplies(int fd, const Batch& batch, MmexternalReplies& replies, std::string& scratch, int& error) {
  scratch.clear();
  for (const Batch::Piece& piece : batch.pieces) {
    if (piece.redacted) {
      replies.addRedacted(std::string_view(batch.redacted).substr(piece.begin, piece.end - piece.begin), scratch);
    } else {
      replies.addUnchanged(batch.input().substr(piece.begin, piece.end - piece.begin), scratch);
    }
  }
  return writeAll(fd, scratch, error);
}

// Writes every piece of `batch`, with as few system calls as the pieces allow.
bool writeBatch(int fd, const Batch& batch, int& error) {
  iovec vectors[IOV_MAX];
  size_t next = 0;   // first piece not yet in `vectors`
  size_t skip = 0;   // bytes of that piece already written
  while (next < batch.pieces.size()) {
    int count = 0;
    for (size_t i = next; i < batch.pieces.size() && count < IOV_MAX; ++i, ++count) {
      const Batch::Piece& piece = batch.pieces[i];
      const char* base = (piece.redacted ? batch.redacted.data() : batch.input().data()) + piece.begin;
      const size_t offset = i == next ? skip : 0;
      vectors[count] = {const_cast<char*>(base + offset), piece.end - piece.begin - offset};
    }
    ssize_t n = ::writev(fd, vectors, count);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      error = errno;
      return false;
    }
    // Advance past what was written; a short write leaves us inside a piece.
    for (int i = 0; i < count && n > 0; ++i) {
      const size_t length = vectors[i].iov_len;
      if (static_cast<size_t>(n) >= length) {
        n -= static_cast<ssize_t>(length);
        ++next;
        skip = 0;
      } else {
        skip += static_cast<size_t>(n);
        n = 0;
      }
    }
  }
  return true;
}

}  // namespace

// Redacts batches on worker threads, each of which writes what is next in order when it is
// ready. With one thread it does both on the caller's thread instead.
class BatchPipeline {
 public:
  BatchPipeline(const core::Policy& policy, const formats::RecordRedactor& records,
                const LineFilterOptions& options)
      : records_(records),
        options_(options),
        related_lines_(options.mmexternal_property.empty()),
        // Key bodies continue a BEGIN line of the same producer, which unrelated lines are not.
        key_rule_(related_lines_ ? formats::keyBlockRule(policy) : std::nullopt) {
    if (!options.mmexternal_property.empty()) replies_.emplace(options.mmexternal_property);
    const unsigned workers = std::max(1u, options.threads);
    // One workspace per worker, one for the reading thread when it helps out and one for
    // whichever thread is writing.
    for (unsigned i = 0; i < workers + 2; ++i) workspaces_.emplace_back(policy);
    if (workers > 1) {
      max_in_flight_ = 2 * workers + 2;
      for (unsigned i = 0; i < workers; ++i) threads_.emplace_back([this, i] { work(i); });
    }
  }

  ~BatchPipeline() { finish(); }

  std::unique_ptr<Batch> take() {
    std::lock_guard lock(mutex_);
    if (free_.empty()) return std::make_unique<Batch>();
    auto batch = std::move(free_.back());
    free_.pop_back();
    return batch;
  }

  // Queues `batch` (waiting while too many are in flight). False once output has failed.
  bool submit(std::unique_ptr<Batch> batch) {
    batch->sequence = next_sequence_++;
    if (threads_.empty()) {
      if (!batch->done) redactBatch(records_, workspaces_[0], key_rule_, related_lines_, *batch);
      key_open_ = settleKeyBlock(records_, workspaces_[0], key_rule_, key_open_, *batch);
      account(*batch);
      const bool ok = !failed_ && write(*batch);
      if (!ok) failed_ = true;
      recycle(std::move(batch));
      return ok;
    }
    std::unique_lock lock(mutex_);
    // With the queue full the reading thread lends a hand instead of sleeping: on a machine
    // with as many cores as workers it would otherwise leave one core's share idle.
    while (in_flight_ >= max_in_flight_ && !failed_ && !pending_.empty()) {
      auto queued = std::move(pending_.front());
      pending_.pop_front();
      lock.unlock();
      redactBatch(records_, workspaces_[workspaces_.size() - 2], key_rule_, related_lines_, *queued);
      lock.lock();
      done_.emplace(queued->sequence, std::move(queued));
      writeReady(lock);
    }
    space_.wait(lock, [&] { return in_flight_ < max_in_flight_ || failed_; });
    if (failed_) return false;
    ++in_flight_;
    if (batch->done) {
      done_.emplace(batch->sequence, std::move(batch));
      writeReady(lock);
    } else {
      pending_.push_back(std::move(batch));
      work_ready_.notify_one();
    }
    return true;
  }

  bool failed() const { return failed_; }
  int error() const { return error_; }

  // After finish(): ends the output (an mmexternal reply left open by an unterminated last line).
  void endOutput() {
    if (!replies_ || failed_) return;
    std::string tail;
    replies_->finish(tail);
    if (!writeAll(options_.output_fd, tail, error_)) failed_ = true;
  }

  // Waits until everything submitted is written (or output failed) and stops the threads.
  void finish() {
    if (finished_) return;
    finished_ = true;
    {
      std::lock_guard lock(mutex_);
      closing_ = true;
    }
    work_ready_.notify_all();
    for (auto& thread : threads_) thread.join();
  }

  void addCounters(LineFilterResult& result) const {
    result.lines += lines_;
    result.lines_redacted += lines_redacted_;
    for (const auto& workspace : workspaces_) {
      result.json_records += workspace.json_records;
      result.json_fallbacks += workspace.json_fallbacks;
      result.span_fallbacks += workspace.scan.spanFallbacks();
      const auto& counts = workspace.scan.findingsPerRule();
      if (result.findings_per_rule.size() < counts.size()) result.findings_per_rule.resize(counts.size());
      for (size_t i = 0; i < counts.size(); ++i) result.findings_per_rule[i] += counts[i];
    }
  }

 private:
  // With mutex_ held: ends the run with `error` (errno) and wakes every thread.
  void failWith(int error) {
    if (!failed_) error_ = error;
    failed_ = true;
    work_ready_.notify_all();
    space_.notify_all();
  }

  // Called from writeReady() (or by the caller with one thread) only.
  bool write(const Batch& batch) {
    if (replies_) return writeReplies(options_.output_fd, batch, *replies_, reply_text_, error_);
    return writeBatch(options_.output_fd, batch, error_);
  }

  void account(const Batch& batch) {
    lines_ += batch.lines;
    lines_redacted_ += batch.lines_redacted;
  }

  void recycle(std::unique_ptr<Batch> batch) {
    batch->input_begin = batch->input_end = 0;
    // A buffer sized for very long records (--max-line-bytes far above the default) is not
    // kept: one per batch in flight would hold their pages for the rest of the run.
    if (batch->buffer.capacity > kKeptBufferBytes) batch->buffer = {};
    if (batch->redacted.capacity() > kKeptBufferBytes) std::string().swap(batch->redacted);
    batch->redacted.clear();
    batch->pieces.clear();
    batch->done = false;
    batch->lines = batch->lines_redacted = 0;
    batch->key_lead_lines = batch->key_lead_bytes = batch->key_lead_pieces = 0;
    batch->key_lead_redacted = 0;
    batch->key_block_open = false;
    batch->previous_line.clear();
    std::lock_guard lock(mutex_);
    free_.push_back(std::move(batch));
  }

  void work(unsigned index) {
    formats::Workspace& workspace = workspaces_[index];
    std::unique_lock lock(mutex_);
    while (true) {
      work_ready_.wait(lock, [&] { return !pending_.empty() || closing_ || failed_; });
      if (pending_.empty()) return;
      auto batch = std::move(pending_.front());
      pending_.pop_front();
      lock.unlock();
      try {
        redactBatch(records_, workspace, key_rule_, related_lines_, *batch);
      } catch (const std::bad_alloc&) {
        // Out of memory on this thread: stop the run with an error rather than terminate, and
        // never write the batch unredacted.
        lock.lock();
        failWith(ENOMEM);
        return;
      }
      lock.lock();
      done_.emplace(batch->sequence, std::move(batch));
      writeReady(lock);
    }
  }

  // With `lock` held: writes the batches that are next in order, unless another thread is
  // writing already (it will take these too). Whichever thread finishes the batch that is
  // next writes it, so no thread exists only to write.
  void writeReady(std::unique_lock<std::mutex>& lock) {
    if (writing_) return;
    writing_ = true;
    while (!failed_ && !done_.empty() && done_.begin()->first == next_written_) {
      auto batch = std::move(done_.begin()->second);
      done_.erase(done_.begin());
      lock.unlock();
      bool ok = false;
      try {
        key_open_ = settleKeyBlock(records_, workspaces_.back(), key_rule_, key_open_, *batch);
        account(*batch);
        ok = write(*batch);
      } catch (const std::bad_alloc&) {
        lock.lock();
        writing_ = false;
        failWith(ENOMEM);
        return;
      }
      recycle(std::move(batch));
      lock.lock();
      ++next_written_;
      --in_flight_;
      if (!ok) failWith(error_);
      space_.notify_all();
    }
    writing_ = false;
  }

  const formats::RecordRedactor& records_;
  const LineFilterOptions& options_;
  const bool related_lines_;  // false under mmexternal: each line is a message of its own
  const std::optional<uint32_t> key_rule_;
  bool key_open_ = false;  // a private-key block is open after the last batch written
  std::optional<MmexternalReplies> replies_;  // set: output in rsyslog's mmexternal protocol
  std::string reply_text_;
  std::deque<formats::Workspace> workspaces_;
  std::vector<std::thread> threads_;
  std::mutex mutex_;
  std::condition_variable work_ready_, space_;
  std::deque<std::unique_ptr<Batch>> pending_;
  std::map<uint64_t, std::unique_ptr<Batch>> done_;
  std::vector<std::unique_ptr<Batch>> free_;
  size_t in_flight_ = 0;
  size_t max_in_flight_ = 0;
  uint64_t next_sequence_ = 0;
  uint64_t next_written_ = 0;
  bool writing_ = false;  // a thread is in writeReady()
  bool closing_ = false;
  bool finished_ = false;
  std::atomic<bool> failed_{false};
  int error_ = 0;
  uint64_t lines_ = 0;  // counted in writeReady() (or by the caller with one thread) only
  uint64_t lines_redacted_ = 0;
};

// The reading side of one run: the input buffer, the batch being filled and over-long lines.
class LineFilter::Run {
 public:
  explicit Run(const LineFilter& filter)
      : filter_(filter),
        options_(filter.options_),
        pipeline_(filter.policy_, filter.records_, options_),
        workspace_(filter.policy_),
        windows_(filter.records_.redactor(), overlap()),
        batch_(pipeline_.take()) {
    // Room for a whole record plus the context kept before it and one read.
    // Not zero-filled: pages are touched only as input arrives, which keeps start-up and the
    // footprint of small inputs small.
    input_size_ = options_.max_record_bytes + overlap() + kReadChunk;
    input_.reserve(input_size_);
  }

  LineFilterResult execute();

 private:
  size_t overlap() const {
    return std::min(options_.window_overlap, std::max<size_t>(options_.max_record_bytes / 4, 1));
  }
  void processLines(bool at_end);
  void finishLongLine(size_t line_end, bool terminated);
  void continueLongLine();
  bool dispatch();
  void waitForInput(bool& stop);

  const LineFilter& filter_;
  const LineFilterOptions& options_;
  BatchPipeline pipeline_;
  formats::Workspace workspace_;  // for over-long lines, redacted on this thread
  core::WindowRedactor windows_;
  std::unique_ptr<Batch> batch_;
  void handOver(size_t line_end);

  InputBuffer input_;
  size_t input_size_ = 0;
  size_t begin_ = 0;  // first unprocessed byte (including long-line context)
  size_t end_ = 0;    // one past the last byte read
  // Inside a line longer than max_record_bytes: the first `context_` bytes at begin_ were
  // written already and are kept only as context for the next window.
  bool in_long_line_ = false;
  size_t context_ = 0;
  bool long_line_changed_ = false;
  std::string last_line_;  // the end of the last line handed over (Batch::previous_line)
  LineFilterResult result_;
};

LineFilter::LineFilter(const core::Policy& policy, LineFilterOptions options)
    : policy_(policy), records_(policy), options_(options) {}

LineFilterResult LineFilter::run() {
  Run run(*this);
  return run.execute();
}

LineFilterResult LineFilter::Run::execute() {
  bool stop = false;
  while (!pipeline_.failed()) {
    waitForInput(stop);
    if (stop) break;
    if (begin_ > 0 && input_size_ - end_ < kReadChunk) {
      std::memmove(input_.bytes.get(), input_.bytes.get() + begin_, end_ - begin_);
      end_ -= begin_;
      begin_ = 0;
    }
    // At most a batch at a time: each read's whole lines become one batch.
    const size_t want = std::min(input_size_ - end_, std::max<size_t>(options_.flush_bytes, 1));
    const ssize_t n = ::read(options_.input_fd, input_.bytes.get() + end_, want);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      result_.end = LineFilterEnd::kInputError;
      result_.error = errno;
      break;
    }
    if (n == 0) break;
    end_ += static_cast<size_t>(n);
    result_.bytes_in += static_cast<uint64_t>(n);
    processLines(false);
  }
  // Whatever was read is written, also after a stop request or an input error: never lose a
  // line veil has taken from its producer.
  if (!pipeline_.failed()) {
    processLines(true);
    dispatch();
  }
  pipeline_.finish();
  pipeline_.endOutput();
  if (pipeline_.failed()) {
    result_.end = pipeline_.error() == EPIPE    ? LineFilterEnd::kOutputClosed
                  : pipeline_.error() == ENOMEM ? LineFilterEnd::kOutOfMemory
                                                : LineFilterEnd::kOutputError;
    result_.error = pipeline_.error();
  } else if (stop && result_.end == LineFilterEnd::kEndOfInput) {
    result_.end = LineFilterEnd::kStopped;
  }
  pipeline_.addCounters(result_);
  const auto& counts = workspace_.scan.findingsPerRule();
  if (result_.findings_per_rule.size() < counts.size()) result_.findings_per_rule.resize(counts.size());
  for (size_t i = 0; i < counts.size(); ++i) result_.findings_per_rule[i] += counts[i];
  result_.json_records += workspace_.json_records;
  result_.json_fallbacks += workspace_.json_fallbacks;
  result_.span_fallbacks += workspace_.scan.spanFallbacks();
  return result_;
}

void LineFilter::Run::waitForInput(bool& stop) {
  pollfd fds[2] = {{options_.input_fd, POLLIN, 0}, {options_.stop_fd, POLLIN, 0}};
  const nfds_t count = options_.stop_fd >= 0 ? 2 : 1;
  // Every read's whole lines are dispatched at once, so nothing waits here but the reader:
  // a producer that pauses has its lines out already.
  while (true) {
    const int ready = ::poll(fds, count, -1);
    if (ready < 0 && errno == EINTR) continue;
    // A poll error is left to read() to report.
    if (ready > 0 && count == 2 && (fds[1].revents & POLLIN)) stop = true;
    return;
  }
}

bool LineFilter::Run::dispatch() {
  if (batch_->empty()) return !pipeline_.failed();
  auto full = std::move(batch_);
  batch_ = pipeline_.take();
  return pipeline_.submit(std::move(full));
}

void LineFilter::Run::processLines(bool at_end) {
  while (!pipeline_.failed()) {
    const char* data = input_.bytes.get();
    if (in_long_line_) {
      const size_t scan_from = begin_ + context_;
      const void* newline = std::memchr(data + scan_from, '\n', end_ - scan_from);
      if (newline != nullptr) {
        const size_t line_end = static_cast<size_t>(static_cast<const char*>(newline) - data);
        finishLongLine(line_end, true);
        begin_ = line_end + 1;
      } else if (end_ - scan_from >= options_.max_record_bytes) {
        continueLongLine();
      } else {
        if (at_end) {
          finishLongLine(end_, false);
          begin_ = end_;
        }
        break;
      }
      continue;
    }
    // Whole lines go to a batch without a copy.
    const void* last_newline = ::memrchr(data + begin_, '\n', end_ - begin_);
    if (last_newline != nullptr) {
      handOver(static_cast<size_t>(static_cast<const char*>(last_newline) - data) + 1);
      if (!dispatch()) return;
    }
    if (end_ - begin_ >= options_.max_record_bytes) {
      if (!dispatch()) return;
      ++result_.long_lines;
      in_long_line_ = true;
      context_ = 0;
      long_line_changed_ = false;
      continueLongLine();
      continue;
    }
    if (at_end && end_ > begin_) handOver(end_);
    break;
  }
  if (begin_ == end_) begin_ = end_ = 0;
}

// The batch takes over the input buffer with the lines in [begin_, line_end); what follows
// them (the start of the next line) moves to the start of the batch's old buffer, which
// becomes the input buffer.
void LineFilter::Run::handOver(size_t line_end) {
  if (!batch_->empty() && !dispatch()) return;
  batch_->buffer.reserve(input_size_);  // before the swap: a failure leaves the lines in place
  std::swap(batch_->buffer, input_);
  const size_t rest = end_ - line_end;
  std::memcpy(input_.bytes.get(), batch_->buffer.bytes.get() + line_end, rest);
  batch_->input_begin = begin_;
  batch_->input_end = line_end;
  batch_->previous_line = last_line_;
  // The batch's last line, for the batch after it.
  const std::string_view lines = batch_->input();
  std::string_view last = lines.substr(0, lines.size() - 1);  // without the final newline
  last = last.substr(last.rfind('\n') + 1);
  if (last.size() > kPreviousLineBytes) last = last.substr(last.size() - kPreviousLineBytes);
  last_line_.assign(last);
  begin_ = 0;
  end_ = rest;
}

void LineFilter::Run::continueLongLine() {
  std::string_view window(input_.bytes.get() + begin_, end_ - begin_);
  size_t written = 0;
  batch_->addRedacted([&](std::string& out) {
    const size_t before = out.size();
    written = windows_.redactWindow(workspace_.scan, window, context_, false, out);
    if (out.compare(before, std::string::npos, window.substr(context_, written - context_)) != 0)
      long_line_changed_ = true;
  });
  batch_->done = true;
  dispatch();
  const size_t keep = std::min(overlap(), written);
  begin_ += written - keep;
  context_ = keep;
}

void LineFilter::Run::finishLongLine(size_t line_end, bool terminated) {
  std::string_view record(input_.bytes.get() + begin_, line_end - begin_);
  const bool crlf = terminated && record.size() > context_ && record.back() == '\r';
  if (crlf) record.remove_suffix(1);
  batch_->addRedacted([&](std::string& out) {
    const size_t before = out.size();
    windows_.redactWindow(workspace_.scan, record, context_, true, out);
    if (out.compare(before, std::string::npos, record.substr(context_)) != 0) long_line_changed_ = true;
    if (crlf) out.push_back('\r');
    if (terminated) out.push_back('\n');
  });
  batch_->done = true;
  batch_->lines = 1;
  last_line_.clear();
  batch_->lines_redacted = long_line_changed_ ? 1 : 0;
  dispatch();
  in_long_line_ = false;
  context_ = 0;
}

}  // namespace veil::frontends
