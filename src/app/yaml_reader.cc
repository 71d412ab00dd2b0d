#include "app/yaml_reader.h"

#include <algorithm>

namespace veil::app {

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& name : names) {
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

void YamlReader::fail(const YAML::Node& node, const std::string& message) const {
  std::string where = path_.string();
  if (node.IsDefined() && node.Mark().line >= 0) where += ":" + std::to_string(node.Mark().line + 1);
  throw ConfigError(where + ": " + message);
}

std::string YamlReader::origin(const YAML::Node& node) const {
  return path_.string() + ":" + std::to_string(node.Mark().line + 1);
}

void YamlReader::allowOnly(const YAML::Node& map, const std::vector<std::string>& keys,
                           const std::string& what) const {
  for (const auto& entry : map) {
    const std::string key = entry.first.as<std::string>();
    if (std::find(keys.begin(), keys.end(), key) == keys.end())
      fail(entry.first, "unknown key '" + key + "' in " + what + "; allowed: " + joined(keys));
  }
}

std::string YamlReader::scalar(const YAML::Node& map, const std::string& key,
                               const std::string& what, bool required) const {
  const YAML::Node node = map[key];
  if (!node) {
    if (required) fail(map, what + " has no '" + key + "'");
    return {};
  }
  if (!node.IsScalar()) fail(node, "'" + key + "' in " + what + " must be a string");
  return node.as<std::string>();
}

std::vector<std::string> YamlReader::strings(const YAML::Node& map, const std::string& key,
                                             const std::string& what) const {
  std::vector<std::string> out;
  const YAML::Node node = map[key];
  if (!node) return out;
  if (!node.IsSequence()) fail(node, "'" + key + "' in " + what + " must be a list of strings");
  for (const auto& item : node) {
    if (!item.IsScalar()) fail(item, "'" + key + "' in " + what + " must be a list of strings");
    out.push_back(item.as<std::string>());
  }
  return out;
}

size_t YamlReader::count(const YAML::Node& node, const std::string& what) const {
  try {
    const long long value = node.as<long long>();
    if (value >= 0) return static_cast<size_t>(value);
  } catch (const YAML::Exception&) {
  }
  fail(node, what + " must be a non-negative integer");
}

bool YamlReader::flag(const YAML::Node& node, const std::string& what) const {
  try {
    return node.as<bool>();
  } catch (const YAML::Exception&) {
    fail(node, what + " must be true or false");
  }
}

YAML::Node loadYamlFile(const std::filesystem::path& path, const std::string& what) {
  try {
    return YAML::LoadFile(path.string());
  } catch (const YAML::BadFile&) {
    throw ConfigError(path.string() + ": cannot read " + what);
  } catch (const YAML::Exception& e) {
    throw ConfigError(path.string() + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
}

}  // namespace veil::app
