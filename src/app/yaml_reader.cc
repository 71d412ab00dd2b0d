#include "app/yaml_reader.h"

#include <algorithm>
#include <fstream>
#include <sstream>

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

namespace {

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\r' || text.back() == '\t'))
    text.remove_suffix(1);
  return text;
}

// Whether a flow collection or quoted scalar starting `text` ends on this line, with nothing
// but a comment after it.
bool endsOnLine(std::string_view text) {
  int depth = 0;
  char quote = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quote == '\'') {
      if (c == '\'') {
        if (i + 1 < text.size() && text[i + 1] == '\'') ++i;  // '' inside single quotes
        else quote = 0;
      }
    } else if (quote == '"') {
      if (c == '\\') ++i;
      else if (c == '"') quote = 0;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '[' || c == '{') {
      ++depth;
    } else if (c == ']' || c == '}') {
      --depth;
    } else if (c == '#' && i > 0 && text[i - 1] == ' ') {
      return false;  // a comment before the end: keep it simple, parse everything
    }
    if (quote == 0 && depth <= 0) {
      const std::string_view rest = trimmed(text.substr(i + 1));
      return depth == 0 && (rest.empty() || rest.front() == '#');
    }
  }
  return false;
}

// A line of an examples block that cannot hide anything else: a `match:` / `no_match:` key
// with nothing or a one-line flow list after it, or a list item holding a one-line scalar.
bool isPlainExampleLine(std::string_view content) {
  for (const std::string_view key : {std::string_view("match:"), std::string_view("no_match:")}) {
    if (!content.starts_with(key)) continue;
    const std::string_view rest = trimmed(content.substr(key.size()));
    return rest.empty() || rest.front() == '#' || (rest.front() == '[' && endsOnLine(rest));
  }
  if (!content.starts_with("- ")) return false;
  const std::string_view value = trimmed(content.substr(2));
  if (value.empty()) return false;
  const char first = value.front();
  if (first == '\'' || first == '"' || first == '[' || first == '{') return endsOnLine(value);
  if (std::string_view("&*!|>%@`#-?:").find(first) != std::string_view::npos) return false;
  return value.find(": ") == std::string_view::npos && value.back() != ':' &&
         value.find(" #") == std::string_view::npos;
}

// Whether `content` (a line without its indentation) ends in a block scalar indicator
// (`key: |`, `- >-`): the lines indented below it are text, whatever they say.
bool opensBlockScalar(std::string_view content) {
  std::string_view value;
  if (content.starts_with("- ")) {
    value = content.substr(2);
    if (const size_t colon = value.find(": "); colon != std::string_view::npos) value = value.substr(colon + 2);
  } else if (const size_t colon = content.find(": "); colon != std::string_view::npos) {
    value = content.substr(colon + 2);
  } else {
    return false;
  }
  value = trimmed(value);
  if (const size_t comment = value.find(" #"); comment != std::string_view::npos) value = trimmed(value.substr(0, comment));
  if (value.empty() || (value.front() != '|' && value.front() != '>')) return false;
  for (const char c : value.substr(1))
    if (c != '-' && c != '+' && (c < '0' || c > '9')) return false;
  return true;
}

}  // namespace

std::optional<std::string> withoutExamples(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool inside = false;      // in the block under an `examples:` key
  size_t block_indent = 0;  // that key's indentation
  bool in_scalar = false;   // in the text of a block scalar
  size_t scalar_indent = 0;
  size_t at = 0;
  while (at < text.size()) {
    const size_t newline = text.find('\n', at);
    const size_t end = newline == std::string_view::npos ? text.size() : newline;
    const std::string_view line = text.substr(at, end - at);
    at = end + 1;
    size_t indent = 0;
    while (indent < line.size() && line[indent] == ' ') ++indent;
    const std::string_view content = trimmed(line.substr(indent));
    const bool blank = content.empty() || content.front() == '#';
    if (in_scalar && (blank || indent > scalar_indent)) {
      out.append(line);
    } else {
      in_scalar = false;
      if (inside && !blank && indent <= block_indent) inside = false;
      if (inside) {
        // Anything but one-line examples (a multi-line or block scalar, an anchor, a tab)
        // might end the block elsewhere than it seems: then the pack is parsed whole.
        if (!blank && !isPlainExampleLine(content)) return std::nullopt;
        if (line.find('\t') != std::string_view::npos && blank) return std::nullopt;
      } else if (trimmed(content.substr(0, content.find(" #"))) == "examples:") {
        inside = true;
        block_indent = indent;
      } else {
        out.append(line);
        if (opensBlockScalar(content)) {
          in_scalar = true;
          scalar_indent = indent;
        }
      }
    }
    if (newline != std::string_view::npos) out.push_back('\n');
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

std::string readTextFile(const std::filesystem::path& path, const std::string& what) {
  std::ifstream file(path, std::ios::binary);
  std::stringstream text;
  text << file.rdbuf();
  if (!file || std::filesystem::is_directory(path)) throw ConfigError(path.string() + ": cannot read " + what);
  return text.str();
}

YAML::Node loadYamlFile(const std::filesystem::path& path, const std::string& what) {
  return loadYamlText(readTextFile(path, what), path.string());
}

}  // namespace veil::app
