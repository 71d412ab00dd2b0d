#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/pattern_set.h"
#include "core/policy.h"
#include "core/redactor.h"

namespace veil::formats {

// Per-thread working state for redacting records: the engine's scan context and reusable
// buffers. Move-only; one per thread.
struct Workspace {
  explicit Workspace(const core::Policy& policy) : scan(policy.patterns()) {}
  core::ScanContext scan;
};

// Finds the values in one record and hands them to the core Redactor.
class RecordRedactor {
 public:
  explicit RecordRedactor(const core::Policy& policy) : redactor_(policy) {}

  // Appends the redacted form of `record` (one line, without its terminator) to `out`;
  // returns the number of findings replaced. Never fails on any input bytes.
  size_t redact(Workspace& workspace, std::string_view record, std::string& out) const;

  const core::Redactor& redactor() const { return redactor_; }

 private:
  core::Redactor redactor_;
};

}  // namespace veil::formats
