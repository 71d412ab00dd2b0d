#pragma once

#include <stdexcept>
#include <string>

namespace veil::app {

// A problem with configuration or rule packs that stops start-up. The message is complete and
// user-facing: it names the file (and line), the rule and what is allowed.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace veil::app
