#pragma once

#include <string>

namespace veil::app {

// Sends veil's own logs to stderr at `level` (trace, debug, info, warn, error, critical, off).
// Returns false for an unknown level. Log messages never carry record contents.
bool setUpLogging(const std::string& level);

}  // namespace veil::app
