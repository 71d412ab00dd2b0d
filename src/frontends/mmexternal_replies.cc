#include "frontends/mmexternal_replies.h"

#include "formats/json_string.h"

namespace veil::frontends {

void MmexternalReplies::addUnchanged(std::string_view lines, std::string& out) {
  while (!lines.empty()) {
    const size_t newline = lines.find('\n');
    out += "{}";
    if (newline == std::string_view::npos) return;  // the last line of the input, unterminated
    out.push_back('\n');
    lines.remove_prefix(newline + 1);
  }
}

void MmexternalReplies::addRedacted(std::string_view bytes, std::string& out) {
  while (!bytes.empty()) {
    if (!inside_line_) {
      out += "{\"";
      formats::appendJsonEscaped(property_, out);
      out += "\":\"";
      inside_line_ = true;
    }
    const size_t newline = bytes.find('\n');
    // A CR before the LF was in the message rsyslog passed: it stays in, escaped.
    formats::appendJsonEscaped(bytes.substr(0, newline), out);
    if (newline == std::string_view::npos) return;
    out += "\"}\n";
    inside_line_ = false;
    bytes.remove_prefix(newline + 1);
  }
}

void MmexternalReplies::finish(std::string& out) {
  if (!inside_line_) return;
  out += "\"}";
  inside_line_ = false;
}

}  // namespace veil::frontends
