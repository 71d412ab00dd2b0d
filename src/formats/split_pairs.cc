#include "formats/split_pairs.h"

#include "core/placeholders.h"
#include "formats/key_block.h"

namespace veil::formats {
namespace {

bool isBlank(char c) { return c == ' ' || c == '\t'; }

// Where `word` (`name:` / `value:`) starts a YAML key in `line`: at the start, or after blanks
// or a list dash. npos if it does not.
size_t keyColumn(std::string_view line, std::string_view word) {
  for (size_t at = line.find(word); at != std::string_view::npos; at = line.find(word, at + 1)) {
    const bool starts = at == 0 || isBlank(line[at - 1]) || line[at - 1] == '-';
    const size_t after = at + word.size();
    if (starts && (after == line.size() || isBlank(line[after]))) return at;
  }
  return std::string_view::npos;
}

// The scalar after `key:` to the end of the line, without blanks or one pair of quotes (also
// JSON-escaped quotes: the line may be the raw message of a JSON record).
std::pair<size_t, size_t> scalarAfter(std::string_view line, size_t from) {
  size_t begin = from;
  while (begin < line.size() && isBlank(line[begin])) ++begin;
  size_t end = line.size();
  while (end > begin && (isBlank(line[end - 1]) || line[end - 1] == '\r')) --end;
  const std::string_view value = line.substr(begin, end - begin);
  if (value.size() >= 4 && value.starts_with("\\\"") && value.ends_with("\\\"")) return {begin + 2, end - 2};
  if (end - begin >= 2 && (line[begin] == '"' || line[begin] == '\'') && line[end - 1] == line[begin]) {
    ++begin;
    --end;
  }
  return {begin, end};
}

std::optional<SplitValue> inText(const core::Policy& policy, std::string_view previous, std::string_view line) {
  constexpr std::string_view kName = "name:";
  constexpr std::string_view kValue = "value:";
  if (!policy.fields() || line.size() < kValue.size() + 2) return std::nullopt;
  const size_t value_at = keyColumn(line, kValue);
  if (value_at == std::string_view::npos) return std::nullopt;
  // `- name:` and `  value:` line up: the dash takes the column the value's indent fills.
  const size_t name_at = keyColumn(previous, kName);
  if (name_at != value_at) return std::nullopt;
  const auto [name_begin, name_end] = scalarAfter(previous, name_at + kName.size());
  if (name_end <= name_begin) return std::nullopt;
  const auto rule = policy.sensitiveField(previous.substr(name_begin, name_end - name_begin));
  if (!rule) return std::nullopt;
  const auto [begin, end] = scalarAfter(line, value_at + kValue.size());
  if (end <= begin) return std::nullopt;
  const std::string_view value = line.substr(begin, end - begin);
  // A block scalar (`value: |`) starts on the next line: its lines are not this one.
  if (value.size() <= 2 && (value[0] == '|' || value[0] == '>')) return std::nullopt;
  if (core::holdsNoSecret(value) || !policy.fieldValueSensitive(*rule, value)) return std::nullopt;
  return SplitValue{*rule, begin, end};
}

}  // namespace

std::optional<SplitValue> valueNamedByPreviousLine(const core::Policy& policy, std::string_view previous,
                                                   std::string_view line) {
  // A container's lines in Docker's json-file records: the pair is in their messages.
  if (const auto message = jsonRecordMessage(line)) {
    const auto before = jsonRecordMessage(previous);
    if (!before) return std::nullopt;
    auto found = inText(policy, before->text, message->text);
    if (found) {
      found->begin += message->at;
      found->end += message->at;
    }
    return found;
  }
  return inText(policy, previous, line);
}

}  // namespace veil::formats
