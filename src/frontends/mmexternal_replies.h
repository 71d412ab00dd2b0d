#pragma once

#include <string>
#include <string_view>

namespace veil::frontends {

// The line filter's output in rsyslog's mmexternal protocol: one JSON object per input line,
// `{"msg":"<the redacted line>"}` for a line that changed (or the property rsyslog passed in,
// e.g. rawmsg), `{}` for one that did not, which tells rsyslog to keep its message as it is.
// Fed the filter's output in order: runs of unchanged lines, and the bytes of changed lines,
// which may arrive in several pieces (an over-long line comes window by window).
class MmexternalReplies {
 public:
  explicit MmexternalReplies(std::string property) : property_(std::move(property)) {}

  // Whole input lines that came out unchanged, terminators included.
  void addUnchanged(std::string_view lines, std::string& out);
  // Output bytes of changed lines; a '\n' ends a line.
  void addRedacted(std::string_view bytes, std::string& out);
  // The input ended inside a changed line that had no terminator: close its reply.
  void finish(std::string& out);

 private:
  std::string property_;
  bool inside_line_ = false;  // a reply's string is open
};

}  // namespace veil::frontends
