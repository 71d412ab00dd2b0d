#pragma once

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "app/config_error.h"

namespace veil::app {

// Reads typed values from a YAML document and reports every problem as a ConfigError
// "file:line: message" so editors can jump to it. Unknown keys are errors, not ignored.
class YamlReader {
 public:
  explicit YamlReader(std::filesystem::path path) : path_(std::move(path)) {}

  [[noreturn]] void fail(const YAML::Node& node, const std::string& message) const;
  std::string origin(const YAML::Node& node) const;
  void allowOnly(const YAML::Node& map, const std::vector<std::string>& keys,
                 const std::string& what) const;
  std::string scalar(const YAML::Node& map, const std::string& key, const std::string& what,
                     bool required) const;
  std::vector<std::string> strings(const YAML::Node& map, const std::string& key,
                                   const std::string& what) const;
  // A non-negative integer (sizes, counts).
  size_t count(const YAML::Node& node, const std::string& what) const;
  bool flag(const YAML::Node& node, const std::string& what) const;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Loads a YAML file; syntax errors and unreadable files become ConfigErrors naming the file.
YAML::Node loadYamlFile(const std::filesystem::path& path, const std::string& what);

// The whole file; ConfigError "PATH: cannot read WHAT" when it cannot be read.
std::string readTextFile(const std::filesystem::path& path, const std::string& what);

// Parses YAML `text`; errors name `name` and the line. Throws ConfigError.
YAML::Node loadYamlText(const std::string& text, const std::string& name);

// `text` with every block mapping under an `examples:` key (and the key) turned into empty
// lines: a pack loads three times faster without the examples it does not need for redacting,
// and error messages still name the right lines. A one-line `examples: {…}` is kept, and so is
// the text of block scalars. nullopt when an examples block holds anything but one-line
// examples (multi-line or block scalars, anchors, tabs), whose end a line scan cannot be sure
// of: parse the whole text then.
std::optional<std::string> withoutExamples(std::string_view text);

std::string joined(const std::vector<std::string>& names);

}  // namespace veil::app
