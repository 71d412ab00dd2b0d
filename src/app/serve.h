#pragma once

#include <functional>
#include <memory>

#include "app/config.h"
#include "core/policy.h"

namespace veil::app {

// Builds the policy again from the flags and the config file as they are now; throws
// ConfigError (or another std::exception) when that fails.
using PolicyRebuild = std::function<std::shared_ptr<const core::Policy>()>;

// `veil serve` in this process (the veil-serve binary, which links gRPC): receives OTLP until
// SIGTERM/SIGINT, then drains the retry queue; SIGHUP reloads the policy. Returns the exit code.
int runServe(std::shared_ptr<const core::Policy> policy, const ServeSettings& settings, bool print_stats,
             const PolicyRebuild& rebuild);

// `veil serve` from the line filter's binary, which leaves gRPC, protobuf and Abseil out so that
// a filter started per pipe loads 13 shared libraries instead of 62: replaces this process with
// the veil-serve installed next to it, same arguments, same pid. Returns only on failure, with
// the exit code after saying why on stderr.
int handOffServe(char** argv);

}  // namespace veil::app
