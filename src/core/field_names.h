#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/action.h"
#include "core/validators.h"

namespace re2 {
class RE2;
}

namespace veil::core {

// How a field-name rule compares names. Names are compared separator- and case-blind:
// `apiKey`, `api_key`, `API-KEY` and `apikey` are all the words [api, key].
enum class FieldMatch {
  kExact,   // all the name's words, joined, equal one of the rule's names
  kSuffix,  // the name's last words, joined, equal one of the rule's names: `db_password`,
            // `http.request.header.authorization`, `GITHUB_TOKEN`; not `password_policy`
  kGlob,    // a shell glob (`*`, `?`) over the lowercased name as written
  kRegex,   // a case-insensitive RE2 over the name as written
};

// A rule that marks a value sensitive because of the name of its field, whatever the value.
struct FieldRule {
  std::string id;
  std::string description;
  std::string category;
  std::vector<std::string> tags;
  FieldMatch match = FieldMatch::kSuffix;
  std::vector<std::string> names;
  std::optional<Action> action;
  // When set, a value under the name counts only if the validator accepts it (a connection
  // string only when it holds a credential).
  std::optional<Validator> validator;
  std::string pack;
  std::string origin;
  std::vector<std::string> match_examples;
  std::vector<std::string> no_match_examples;
};

// How the words of a field name are written apart in the names field-name prefilters expect
// (`__` and `:` are .NET's hierarchical configuration keys: `Api__Key`, `Api:Key`).
inline constexpr std::string_view kFieldSeparators[] = {"", "_", "-", ".", " ", "__", ":"};

// The lowercase letters and digits of `name`, words concatenated: "X-Api-Key" -> "xapikey".
std::string joinedFieldName(std::string_view name);

// Compiled field-name rules plus the exceptions that are never sensitive (names that only talk
// about a secret: token_count, password_policy, ...). Immutable; thread-safe.
class FieldNames {
 public:
  // Returns nullptr and sets *error (naming the rule) for a regex that does not compile.
  static std::shared_ptr<const FieldNames> build(std::vector<FieldRule> rules,
                                                 std::vector<std::string> exceptions,
                                                 std::string* error);
  ~FieldNames();

  // Index of the first rule that marks `name` sensitive, or nullopt. An exception matched by
  // a suffix of the name at least as long as the rule's wins. Never allocates for names up to
  // 256 bytes (longer names are judged by their last 256 bytes).
  std::optional<uint32_t> match(std::string_view name) const;

  const std::vector<FieldRule>& rules() const { return rules_; }

  // Prefilter literals for the exact and suffix names: a one-word name itself, else its last
  // two words once per separator in kFieldSeparators ("apikey", "api_key", "api-key",
  // "api.key", "api key", "api__key", "api:key"). Matched case-blind and followed by a character that is not a letter
  // or digit, one of them is in every way of writing a name such a rule matches (but with
  // unusual separators such as `api~key`), so a text without any holds no sensitive field
  // unless glob or regex rules exist; see hasPatternRules().
  std::vector<std::string> literals() const;
  bool hasPatternRules() const;

 private:
  FieldNames() = default;
  struct Entry {
    std::string joined;
    uint32_t rule;
    bool operator<(const Entry& other) const { return joined < other.joined; }
  };
  std::vector<FieldRule> rules_;
  std::vector<Entry> exact_;
  std::vector<Entry> suffix_;
  std::vector<std::string> exceptions_;  // joined, sorted; matched as suffixes
  std::vector<std::pair<uint32_t, std::string>> globs_;
  std::vector<std::pair<uint32_t, std::unique_ptr<re2::RE2>>> regexes_;
};

}  // namespace veil::core
