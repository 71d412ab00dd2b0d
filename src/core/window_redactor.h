#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/redactor.h"

namespace veil::core {

// Redacts a record too long to hold at once, window by window, so that every byte is scanned
// and no secret that straddles a window edge survives.
//
// The caller slides a window over the record. `window` starts `context` bytes before the first
// byte not yet written (those bytes are there only so that rules needing a prefix such as
// `password=` still match). The function appends the redacted form of a prefix of the unwritten
// bytes to `out` and returns the window offset where writing stopped; the next window must
// start at most `context` bytes before that offset. Output stops `lookahead` bytes before the
// window's end (so a match can run past what was written), or earlier at the start of a finding
// that crosses that point. With `last`, everything up to the end of the window is written.
// A secret no longer than `lookahead` (and the context) is found wherever the edges fall; a
// longer one is replaced from where a window first matches it.
class WindowRedactor {
 public:
  WindowRedactor(const Redactor& redactor, size_t lookahead)
      : redactor_(redactor), lookahead_(lookahead) {}

  size_t redactWindow(ScanContext& ctx, std::string_view window, size_t context, bool last,
                      std::string& out) const;

 private:
  const Redactor& redactor_;
  size_t lookahead_;
};

}  // namespace veil::core
