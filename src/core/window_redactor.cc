#include "core/window_redactor.h"

#include <algorithm>

namespace veil::core {

size_t WindowRedactor::redactWindow(ScanContext& ctx, std::string_view window, size_t context,
                                    bool last, std::string& out) const {
  context = std::min(context, window.size());
  size_t commit = window.size();
  if (!last && window.size() > context + lookahead_) commit = window.size() - lookahead_;

  const std::vector<Finding>& findings = redactor_.scan(ctx, window);
  size_t written = context;
  for (const Finding& found : findings) {
    if (found.end <= written) continue;  // lies in the context: already written
    // A finding reaching back into the context was cut by the last window edge: its head is
    // gone already, replace what is left (fail closed).
    Finding finding = found;
    finding.begin = std::max(finding.begin, written);
    if (finding.begin >= commit) break;
    if (finding.end > commit && !last && finding.begin > context) {
      // Crosses the commit point: leave it whole for the next window, which sees its end.
      commit = finding.begin;
      break;
    }
    out.append(window.substr(written, finding.begin - written));
    redactor_.appendReplacement(finding, window.substr(finding.begin, finding.end - finding.begin),
                                out);
    written = finding.end;
  }
  if (commit > written) {
    out.append(window.substr(written, commit - written));
    written = commit;
  }
  return written;
}

}  // namespace veil::core
