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

std::string withoutExamples(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool inside = false;      // in the block under an `examples:` key
  size_t block_indent = 0;  // that key's indentation
  size_t at = 0;
  while (at < text.size()) {
    const size_t newline = text.find('\n', at);
    const size_t end = newline == std::string_view::npos ? text.size() : newline;
    const std::string_view line = text.substr(at, end - at);
    size_t indent = 0;
    while (indent < line.size() && line[indent] == ' ') ++indent;
    std::string_view content = line.substr(indent);
    if (const size_t comment = content.find(" #"); comment != std::string_view::npos)
      content = content.substr(0, comment);
    while (!content.empty() && (content.back() == ' ' || content.back() == '\r' || content.back() == '\t'))
      content.remove_suffix(1);
    const bool blank = content.empty() || content.front() == '#';
    if (inside && !blank && indent <= block_indent) inside = false;
    if (!inside && content == "examples:") {
      inside = true;
      block_indent = indent;
    }
    if (!inside) out.append(line);
    if (newline != std::string_view::npos) out.push_back('\n');
    at = end + 1;
  }
  return out;
}

YAML::Node loadYamlText(const std::string& text, const std::string& name) {
  try {
    return YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw ConfigError(name + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
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
