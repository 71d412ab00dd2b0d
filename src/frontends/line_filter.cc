#include "frontends/line_filter.h"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/window_redactor.h"

namespace veil::frontends {
namespace {

constexpr size_t kReadChunk = 256 << 10;

}  // namespace

// The state of one run: the input buffer, pending output and counters.
class LineFilter::Run {
 public:
  Run(const LineFilter& filter)
      : filter_(filter),
        options_(filter.options_),
        workspace_(filter.policy_),
        windows_(filter.records_.redactor(), overlap()) {
    // Room for a whole record plus the context kept before it and one read.
    input_.resize(options_.max_record_bytes + overlap() + kReadChunk);
    output_.reserve(options_.flush_bytes + kReadChunk);
  }

  LineFilterResult execute();

 private:
  size_t overlap() const {
    return std::min(options_.window_overlap, std::max<size_t>(options_.max_record_bytes / 4, 1));
  }
  void processLines(bool at_end);
  void finishRecord(const char* begin, const char* end, bool terminated);
  void continueLongLine();
  bool flush();
  bool waitForInput(bool& stop);

  const LineFilter& filter_;
  const LineFilterOptions& options_;
  formats::Workspace workspace_;
  core::WindowRedactor windows_;
  std::vector<char> input_;
  size_t begin_ = 0;  // first unprocessed byte (including long-line context)
  size_t end_ = 0;    // one past the last byte read
  // Inside a line longer than max_record_bytes: the first `context_` bytes at begin_ were
  // written already and are kept only as context for the next window.
  bool in_long_line_ = false;
  size_t context_ = 0;
  std::string output_;
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
  while (true) {
    if (!waitForInput(stop)) break;
    if (stop) break;
    if (begin_ > 0 && input_.size() - end_ < kReadChunk) {
      std::memmove(input_.data(), input_.data() + begin_, end_ - begin_);
      end_ -= begin_;
      begin_ = 0;
    }
    const ssize_t n = ::read(options_.input_fd, input_.data() + end_, input_.size() - end_);
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
    if (result_.end == LineFilterEnd::kOutputClosed || result_.end == LineFilterEnd::kOutputError)
      break;
  }
  const bool output_failed =
      result_.end == LineFilterEnd::kOutputClosed || result_.end == LineFilterEnd::kOutputError;
  if (!output_failed) {
    // Whatever was read is written, also after a stop request or an input error: never lose a
    // line veil has taken from its producer.
    processLines(true);
    flush();
    if (stop && result_.end == LineFilterEnd::kEndOfInput) result_.end = LineFilterEnd::kStopped;
  }
  result_.findings_per_rule = workspace_.scan.findingsPerRule();
  return result_;
}

bool LineFilter::Run::waitForInput(bool& stop) {
  pollfd fds[2] = {{options_.input_fd, POLLIN, 0}, {options_.stop_fd, POLLIN, 0}};
  const nfds_t count = options_.stop_fd >= 0 ? 2 : 1;
  // Pending output waits only while more input is already there (timeout 0): a producer that
  // pauses gets its lines out at once.
  int timeout = output_.empty() ? -1 : 0;
  while (true) {
    const int ready = ::poll(fds, count, timeout);
    if (ready < 0) {
      if (errno == EINTR) continue;
      return true;  // let read() report the problem
    }
    if (count == 2 && (fds[1].revents & POLLIN)) {
      stop = true;
      return true;
    }
    if (ready > 0) return true;
    if (!flush()) return false;
    timeout = -1;
  }
}

void LineFilter::Run::processLines(bool at_end) {
  while (true) {
    const char* data = input_.data();
    const size_t scan_from = begin_ + context_;
    const void* newline = std::memchr(data + scan_from, '\n', end_ - scan_from);
    if (newline != nullptr) {
      const char* line_end = static_cast<const char*>(newline);
      finishRecord(data + begin_, line_end, true);
      begin_ = static_cast<size_t>(line_end - data) + 1;
    } else if (end_ - scan_from >= options_.max_record_bytes) {
      continueLongLine();
    } else {
      if (at_end && end_ > begin_ + context_) {
        finishRecord(data + begin_, data + end_, false);
        begin_ = end_;
      }
      if (begin_ == end_) begin_ = end_ = 0;
      break;
    }
    if (output_.size() >= options_.flush_bytes && !flush()) return;
  }
}

void LineFilter::Run::finishRecord(const char* begin, const char* end, bool terminated) {
  // The record is the line without its terminator; a CR before LF goes back out as it came.
  const bool crlf = terminated && end > begin + context_ && end[-1] == '\r';
  const char* record_end = crlf ? end - 1 : end;
  std::string_view record(begin, static_cast<size_t>(record_end - begin));
  ++result_.lines;
  if (in_long_line_) {
    const size_t before = output_.size();
    windows_.redactWindow(workspace_.scan, record, context_, true, output_);
    if (output_.compare(before, std::string::npos, record.substr(context_)) != 0)
      ++result_.lines_redacted;
    in_long_line_ = false;
    context_ = 0;
  } else if (filter_.records_.redact(workspace_, record, output_) > 0) {
    ++result_.lines_redacted;
  }
  if (crlf) output_.push_back('\r');
  if (terminated) output_.push_back('\n');
}

void LineFilter::Run::continueLongLine() {
  if (!in_long_line_) ++result_.long_lines;
  std::string_view window(input_.data() + begin_, end_ - begin_);
  const size_t written = windows_.redactWindow(workspace_.scan, window, context_, false, output_);
  in_long_line_ = true;
  const size_t keep = std::min(overlap(), written);
  begin_ += written - keep;
  context_ = keep;
}

bool LineFilter::Run::flush() {
  size_t done = 0;
  while (done < output_.size()) {
    const ssize_t n = ::write(options_.output_fd, output_.data() + done, output_.size() - done);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      result_.end = errno == EPIPE ? LineFilterEnd::kOutputClosed : LineFilterEnd::kOutputError;
      result_.error = errno;
      output_.clear();
      return false;
    }
    done += static_cast<size_t>(n);
  }
  output_.clear();
  return true;
}

}  // namespace veil::frontends
