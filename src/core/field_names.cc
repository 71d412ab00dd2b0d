#include "core/field_names.h"

#include <fnmatch.h>
#include <re2/re2.h>

#include <algorithm>

namespace veil::core {
namespace {

constexpr size_t kMaxName = 256;

bool isLower(char c) { return c >= 'a' && c <= 'z'; }
bool isUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool isDigit(char c) { return c >= '0' && c <= '9'; }
char lower(char c) { return isUpper(c) ? static_cast<char>(c - 'A' + 'a') : c; }

// Splits `name` into lowercase words written back to back into `joined`; `starts` gets the
// offset of each word. Separators are anything but letters and digits; camelCase and
// acronym ends (`HTTPHeader`) also start words.
size_t splitWords(std::string_view name, char* joined, size_t* starts, size_t& count) {
  if (name.size() > kMaxName) name = name.substr(name.size() - kMaxName);
  size_t length = 0;
  count = 0;
  bool in_word = false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    if (!isLower(c) && !isUpper(c) && !isDigit(c)) {
      in_word = false;
      continue;
    }
    bool boundary = !in_word;
    if (in_word && isUpper(c)) {
      const char previous = name[i - 1];
      const bool next_lower = i + 1 < name.size() && isLower(name[i + 1]);
      boundary = isLower(previous) || isDigit(previous) || (isUpper(previous) && next_lower);
    }
    if (boundary) starts[count++] = length;
    joined[length++] = lower(c);
    in_word = true;
  }
  return length;
}

bool contains(const std::vector<std::string>& sorted, std::string_view key) {
  auto it = std::lower_bound(sorted.begin(), sorted.end(), key,
                             [](const std::string& a, std::string_view b) { return a < b; });
  return it != sorted.end() && *it == key;
}

template <typename Entries>
const typename Entries::value_type* find(const Entries& sorted, std::string_view key) {
  auto it = std::lower_bound(sorted.begin(), sorted.end(), key,
                             [](const auto& entry, std::string_view k) { return entry.joined < k; });
  return it != sorted.end() && it->joined == key ? &*it : nullptr;
}

}  // namespace

std::string joinedFieldName(std::string_view name) {
  char joined[kMaxName];
  size_t starts[kMaxName];
  size_t count = 0;
  return std::string(joined, splitWords(name, joined, starts, count));
}

FieldNames::~FieldNames() = default;

std::shared_ptr<const FieldNames> FieldNames::build(std::vector<FieldRule> rules,
                                                    std::vector<std::string> exceptions,
                                                    std::string* error) {
  std::shared_ptr<FieldNames> names(new FieldNames());
  names->rules_ = std::move(rules);
  for (uint32_t i = 0; i < names->rules_.size(); ++i) {
    const FieldRule& rule = names->rules_[i];
    for (const auto& name : rule.names) {
      switch (rule.match) {
        case FieldMatch::kExact:
          names->exact_.push_back({joinedFieldName(name), i});
          break;
        case FieldMatch::kSuffix:
          names->suffix_.push_back({joinedFieldName(name), i});
          break;
        case FieldMatch::kGlob: {
          std::string glob;
          for (char c : name) glob.push_back(lower(c));
          names->globs_.emplace_back(i, glob);
          break;
        }
        case FieldMatch::kRegex: {
          re2::RE2::Options options;
          options.set_case_sensitive(false);
          options.set_log_errors(false);
          auto regex = std::make_unique<re2::RE2>(name, options);
          if (!regex->ok()) {
            *error = rule.origin + ": field rule '" + rule.id + "': bad regex '" + name +
                     "': " + regex->error();
            return nullptr;
          }
          names->regexes_.emplace_back(i, std::move(regex));
          break;
        }
      }
    }
  }
  // stable: on equal names the earlier rule wins.
  std::stable_sort(names->exact_.begin(), names->exact_.end());
  std::stable_sort(names->suffix_.begin(), names->suffix_.end());
  for (auto& exception : exceptions) names->exceptions_.push_back(joinedFieldName(exception));
  std::sort(names->exceptions_.begin(), names->exceptions_.end());
  return names;
}

std::optional<uint32_t> FieldNames::match(std::string_view name) const {
  char joined[kMaxName];
  size_t starts[kMaxName];
  size_t count = 0;
  const size_t length = splitWords(name, joined, starts, count);
  if (length > 0) {
    std::string_view all(joined, length);
    // Longest suffix first, so `next_page_token` meets the exception `page token` before the
    // rule `token`.
    for (size_t word = 0; word < count; ++word) {
      const std::string_view suffix = all.substr(starts[word]);
      if (contains(exceptions_, suffix)) return std::nullopt;
      if (word == 0) {
        if (const Entry* entry = find(exact_, suffix)) return entry->rule;
      }
      if (const Entry* entry = find(suffix_, suffix)) return entry->rule;
    }
    // A version or a number after the name (`ses_smtp_password_v4`, `api_key_2`) names the
    // same thing: match the name without it.
    const std::string_view last = all.substr(starts[count - 1]);
    const std::string_view digits = last.starts_with('v') ? last.substr(1) : last;
    if (count >= 2 && !digits.empty() && digits.find_first_not_of("0123456789") == std::string_view::npos) {
      all = all.substr(0, starts[count - 1]);
      for (size_t word = 0; word + 1 < count; ++word) {
        const std::string_view suffix = all.substr(starts[word]);
        if (contains(exceptions_, suffix)) return std::nullopt;
        if (const Entry* entry = find(suffix_, suffix)) return entry->rule;
      }
    }
  }
  if (!globs_.empty()) {
    char lowered[kMaxName + 1];
    const std::string_view tail = name.size() > kMaxName ? name.substr(name.size() - kMaxName) : name;
    for (size_t i = 0; i < tail.size(); ++i) lowered[i] = lower(tail[i]);
    lowered[tail.size()] = '\0';
    for (const auto& [rule, glob] : globs_) {
      if (::fnmatch(glob.c_str(), lowered, 0) == 0) return rule;
    }
  }
  for (const auto& [rule, regex] : regexes_) {
    if (re2::RE2::PartialMatch(re2::StringPiece(name.data(), name.size()), *regex)) return rule;
  }
  return std::nullopt;
}

std::vector<std::string> FieldNames::literals() const {
  std::vector<std::string> out;
  for (const FieldRule& rule : rules_) {
    if (rule.match != FieldMatch::kExact && rule.match != FieldMatch::kSuffix) continue;
    for (const auto& written : rule.names) {
      // Every name the rule matches ends with the rule name's last word, and with its last two
      // words written with a separator or none between them (`api_key`, `apiKey`, `API-KEY`,
      // `api.key`, `api key`). Two words are far rarer in log text than the last alone (`key`,
      // `id`); plain literals, unlike a pattern allowing any separators, keep the scan at
      // literal-matching speed.
      char joined[kMaxName];
      size_t starts[kMaxName];
      size_t count = 0;
      const size_t length = splitWords(written, joined, starts, count);
      if (count == 0) continue;
      const std::string_view all(joined, length);
      if (count == 1) {
        out.emplace_back(all);
        continue;
      }
      const std::string_view first = all.substr(starts[count - 2], starts[count - 1] - starts[count - 2]);
      const std::string_view last = all.substr(starts[count - 1]);
      for (std::string_view separator : kFieldSeparators) {
        std::string literal(first);
        literal += separator;
        literal += last;
        out.push_back(std::move(literal));
      }
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

bool FieldNames::hasPatternRules() const { return !globs_.empty() || !regexes_.empty(); }

}  // namespace veil::core
