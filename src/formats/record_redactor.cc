#include "formats/record_redactor.h"

#include "formats/json_string.h"

#include "core/placeholders.h"
#include "core/validators.h"

#include <algorithm>

#include "formats/text_fields.h"

namespace veil::formats {
namespace {

namespace od = simdjson::ondemand;

bool isJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && isJsonSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && isJsonSpace(text.back())) text.remove_suffix(1);
  return text;
}

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Writes `text` with %XX escapes decoded to `decoded`, and for each decoded byte (plus one past
// the end) the offset in `text` it starts at. Returns false (leaving both unspecified) when
// `text` has no escape: then there is nothing new to see.
bool percentDecode(std::string_view text, std::string& decoded, std::vector<uint32_t>& from) {
  size_t percent = text.find('%');
  bool any = false;
  while (percent != std::string_view::npos && !any) {
    any = percent + 2 < text.size() && hexValue(text[percent + 1]) >= 0 && hexValue(text[percent + 2]) >= 0;
    percent = text.find('%', percent + 1);
  }
  if (!any) return false;
  decoded.clear();
  from.clear();
  for (size_t i = 0; i < text.size();) {
    from.push_back(static_cast<uint32_t>(i));
    if (text[i] == '%' && i + 2 < text.size() && hexValue(text[i + 1]) >= 0 && hexValue(text[i + 2]) >= 0) {
      decoded.push_back(static_cast<char>(hexValue(text[i + 1]) * 16 + hexValue(text[i + 2])));
      i += 3;
    } else {
      decoded.push_back(text[i]);
      ++i;
    }
  }
  from.push_back(static_cast<uint32_t>(text.size()));
  return true;
}

}  // namespace

bool looksLikeJson(std::string_view text) {
  text = trimmed(text);
  return text.size() >= 2 && ((text.front() == '{' && text.back() == '}') ||
                              (text.front() == '[' && text.back() == ']'));
}

// One pass over one JSON document: collects edits (replaced byte ranges) in document order.
// Any simdjson error aborts the walk; the caller then scans the record as text.
class RecordRedactor::JsonWalk {
 public:
  JsonWalk(const RecordRedactor& owner, Workspace& workspace, int level, std::string_view json)
      : owner_(owner), ws_(workspace), level_(workspace.levels[level]), depth_(level), json_(json) {}

  simdjson::error_code run(size_t& replaced) {
    level_.edits.clear();
    level_.replacements.clear();
    level_.padded.assign(json_);
    level_.padded.append(simdjson::SIMDJSON_PADDING, '\0');
    base_ = level_.padded.data();
    od::document doc;
    if (auto error = level_.parser.iterate(base_, json_.size(), level_.padded.size()).get(doc))
      return error;
    od::value root;
    // A document's root is read as a value so that objects and arrays share one walker.
    od::json_type type;
    if (auto error = doc.type().get(type)) return error;
    if (type == od::json_type::object) {
      od::object object;
      if (auto error = doc.get_object().get(object)) return error;
      if (auto error = walkObject(object)) return error;
    } else if (type == od::json_type::array) {
      od::array array;
      if (auto error = doc.get_array().get(array)) return error;
      if (auto error = walkArray(array)) return error;
    } else {
      return simdjson::INCORRECT_TYPE;
    }
    // Anything after the root value (`{...} {...}`) would go unscanned: not one JSON record.
    if (doc.current_location().error() != simdjson::OUT_OF_BOUNDS) return simdjson::TRAILING_CONTENT;
    replaced = replaced_;
    return simdjson::SUCCESS;
  }

 private:
  size_t offsetOf(const char* p) const { return static_cast<size_t>(p - base_); }

  void addEdit(size_t begin, size_t end, std::string_view replacement_prefix,
               std::string_view escaped_body, std::string_view replacement_suffix) {
    const size_t text_begin = level_.replacements.size();
    level_.replacements.append(replacement_prefix);
    level_.replacements.append(escaped_body);
    level_.replacements.append(replacement_suffix);
    level_.edits.push_back({begin, end, text_begin, level_.replacements.size()});
    ++replaced_;
  }

  // Replaces bytes [begin, end) with what `rule`'s action makes of `secret`, as a JSON string
  // (or, for an OTLP attribute value, as an AnyValue holding that string).
  void replaceValue(uint32_t rule, std::string_view secret, size_t begin, size_t end,
                    bool as_any_value) {
    std::string replacement;
    if (owner_.policy_.actionFor(rule).kind == core::ActionKind::kDrop) {
      owner_.redactor_.appendMask(rule, replacement);
    } else {
      owner_.redactor_.appendReplacement({rule, 0, 0}, secret, replacement);
    }
    std::string escaped;
    appendJsonEscaped(replacement, escaped);
    ws_.scan.countFinding(rule);
    if (as_any_value) {
      addEdit(begin, end, "{\"stringValue\":\"", escaped, "\"}");
    } else {
      addEdit(begin, end, "\"", escaped, "\"");
    }
  }

  // Consumes `value` and returns its raw bytes (a string with its quotes, an object or array
  // whole); `decoded` gets a string's decoded text, or the raw bytes for other types.
  simdjson::error_code rawValue(od::value& value, std::string_view& raw, std::string_view& decoded) {
    od::json_type type;
    if (auto error = value.type().get(type)) return error;
    if (type == od::json_type::object) {
      od::object object;
      if (auto error = value.get_object().get(object)) return error;
      if (auto error = object.raw_json().get(raw)) return error;
    } else if (type == od::json_type::array) {
      od::array array;
      if (auto error = value.get_array().get(array)) return error;
      if (auto error = array.raw_json().get(raw)) return error;
    } else {
      raw = value.raw_json_token();
      if (type == od::json_type::string) {
        if (auto error = value.get_string().get(decoded)) return error;
        raw = tokenOf(raw);
        return simdjson::SUCCESS;
      }
      if (auto error = validateScalar(value, type)) return error;
    }
    raw = tokenOf(raw);
    decoded = raw;
    return simdjson::SUCCESS;
  }

  // Removes the member whose key's opening quote is at `member_begin` and whose value is
  // `value`, with one neighbouring comma, so the object stays valid JSON.
  simdjson::error_code dropMember(size_t member_begin, od::value& value, uint32_t rule) {
    std::string_view raw, decoded;
    if (auto error = rawValue(value, raw, decoded)) return error;
    size_t begin = member_begin;
    size_t end = offsetOf(raw.data()) + raw.size();
    size_t before = begin;
    while (before > 0 && isJsonSpace(base_[before - 1])) --before;
    const size_t previous_edit_end = level_.edits.empty() ? 0 : level_.edits.back().end;
    if (before > 0 && base_[before - 1] == ',' && before - 1 >= previous_edit_end) {
      begin = before - 1;
    } else {
      size_t after = end;
      while (after < json_.size() && isJsonSpace(base_[after])) ++after;
      if (after < json_.size() && base_[after] == ',') {
        end = after + 1;
        while (end < json_.size() && isJsonSpace(base_[end])) ++end;
      }
    }
    ws_.scan.countFinding(rule);
    addEdit(begin, end, "", "", "");
    return simdjson::SUCCESS;
  }

  // Bytes of a scalar token: raw_json_token() may run on over trailing whitespace.
  static std::string_view tokenOf(std::string_view raw) {
    while (!raw.empty() && isJsonSpace(raw.back())) raw.remove_suffix(1);
    return raw;
  }

  // Redacts one decoded string whose raw token (with quotes) is `raw`.
  simdjson::error_code scanString(std::string_view decoded, std::string_view raw,
                                  std::string_view key) {
    std::string& redacted = level_.value;
    redacted.clear();
    size_t found = 0;
    if (depth_ < kMaxNestedJson && looksLikeJson(decoded)) {
      const JsonOutcome outcome = owner_.redactJson(ws_, depth_ + 1, decoded, redacted, found);
      if (outcome == JsonOutcome::kInvalid) {
        redacted.clear();
        found = owner_.redactText(ws_, decoded, redacted);
      } else if (outcome == JsonOutcome::kUnchanged) {
        found = 0;
      }
    } else if (!key.empty()) {
      found = owner_.redactFieldText(ws_, key, decoded, redacted);
    } else {
      found = owner_.redactText(ws_, decoded, redacted);
    }
    if (found > 0) {
      std::string escaped;
      appendJsonEscaped(redacted, escaped);
      const size_t begin = offsetOf(raw.data());
      addEdit(begin, begin + raw.size(), "\"", escaped, "\"");
      replaced_ += found - 1;
    }
    return simdjson::SUCCESS;
  }

  simdjson::error_code walkValue(od::value value, std::optional<uint32_t> sensitive,
                                 std::string_view key, bool as_any_value = false) {
    od::json_type type;
    if (auto error = value.type().get(type)) return error;
    // An object under a sensitive name is walked, not replaced whole: `"auth": {"method":
    // "oidc", "expires_in": 3600}` is configuration. Its members keep their own names' rules,
    // and inherit the parent's where they hold the secret by position (`"value"`, as in Spring's
    // `/env` and name/value pairs) or read as a generated token.
    if (sensitive && type == od::json_type::object && !as_any_value) {
      od::object object;
      if (auto error = value.get_object().get(object)) return error;
      const auto outer = inherited_;
      inherited_ = sensitive;
      const auto error = walkObject(object);
      inherited_ = outer;
      return error;
    }
    if (sensitive) {
      // The whole value goes, whatever its type: one string in its place (a drop inside an
      // array or an OTLP attribute value becomes a mask: removing it would change the shape).
      std::string_view raw, decoded;
      if (auto error = rawValue(value, raw, decoded)) return error;
      // An empty, starred or setting-like string has nothing to hide; nor have null and booleans.
      if ((raw.front() == '"' && core::holdsNoSecret(decoded)) || raw == "null" || raw == "true" ||
          raw == "false") {
        return simdjson::SUCCESS;
      }
      // A string the field rule's validator refuses (a connection string with no credential)
      // is scanned like any other.
      if (raw.front() != '"' || owner_.policy_.fieldValueSensitive(*sensitive, decoded)) {
        const size_t begin = offsetOf(raw.data());
        replaceValue(*sensitive, decoded, begin, begin + raw.size(), as_any_value);
        return simdjson::SUCCESS;
      }
      // The string was read already: reading it again from `value` is not allowed.
      return scanString(decoded, tokenOf(raw), key);
    }
    switch (type) {
      case od::json_type::object: {
        od::object object;
        if (auto error = value.get_object().get(object)) return error;
        return walkObject(object, as_any_value ? key : std::string_view());
      }
      case od::json_type::array: {
        od::array array;
        if (auto error = value.get_array().get(array)) return error;
        return walkArray(array, key);
      }
      case od::json_type::string: {
        const std::string_view raw = tokenOf(value.raw_json_token());
        std::string_view decoded;
        if (auto error = value.get_string().get(decoded)) return error;
        return scanString(decoded, raw, key);
      }
      default:
        return validateScalar(value, type);
    }
  }

  // On-demand parsing checks only what is read: read every scalar so invalid JSON is caught.
  static simdjson::error_code validateScalar(od::value& value, od::json_type type) {
    switch (type) {
      case od::json_type::number: {
        od::number number;
        return value.get_number().get(number);
      }
      case od::json_type::boolean: {
        bool flag;
        return value.get_bool().get(flag);
      }
      case od::json_type::null: {
        bool is_null = false;
        if (auto error = value.is_null().get(is_null)) return error;
        return is_null ? simdjson::SUCCESS : simdjson::N_ATOM_ERROR;
      }
      case od::json_type::string: {
        std::string_view text;
        return value.get_string().get(text);
      }
      default:
        return simdjson::INCORRECT_TYPE;
    }
  }

  // Elements of an array under a field share its name as context. In an argument vector
  // (["app", "--db-password", "s3cr3t"]) a flag naming a secret makes the next element one.
  // Redis's CONFIG SET logged as an array names its secret the same way:
  // ["CONFIG", "SET", "requirepass", "…"].
  simdjson::error_code walkArray(od::array array, std::string_view key = {}) {
    std::optional<uint32_t> flagged;
    std::string_view previous;  // the raw text of the element before
    for (auto element : array) {
      od::value value;
      if (auto error = std::move(element).get(value)) return error;
      const std::optional<uint32_t> sensitive = flagged;
      flagged.reset();
      od::json_type type;
      if (auto error = value.type().get(type)) return error;
      std::string_view raw;
      if (type == od::json_type::string) raw = tokenOf(value.raw_json_token());
      if (!sensitive && type == od::json_type::string) {
        // Raw text is enough for a flag: names are plain letters, digits and separators.
        if (raw.size() > 4 && raw[1] == '-' && raw.find('=') == std::string_view::npos) {
          std::string_view name = raw.substr(1, raw.size() - 2);
          while (!name.empty() && name.front() == '-') name.remove_prefix(1);
          flagged = owner_.policy_.sensitiveField(name);
        } else if (core::equalsFolded(previous, "\"set\"") && raw.size() > 2) {
          flagged = owner_.policy_.sensitiveField(raw.substr(1, raw.size() - 2));
        }
      }
      previous = raw;
      if (auto error = walkValue(value, sensitive, key)) return error;
    }
    return simdjson::SUCCESS;
  }

  // `any_value_of`: this object is the OTLP AnyValue of the attribute so named; its
  // stringValue/arrayValue/... carry that name as context.
  simdjson::error_code walkObject(od::object object, std::string_view any_value_of = {}) {
    // OTLP/JSON attributes are {"key": NAME, "value": {"stringValue": V}}: NAME is the field
    // name of V. The collector writes "key" before "value". Name/value pairs elsewhere say the
    // same: Kubernetes env ({"name": "DB_PASSWORD", "value": V}), HAR headers, AWS tags
    // ({"Key": K, "Value": V}), always with the name first.
    std::string attribute_name;
    bool has_attribute_name = false;
    bool otlp_attribute = false;  // named by "key": the value is an OTLP AnyValue
    for (auto result : object) {
      od::field field;
      if (auto error = std::move(result).get(field)) return error;
      // key() is only readable before unescaped_key() consumes it.
      const char* raw_key = field.key().raw();
      std::string_view key;
      if (auto error = field.unescaped_key().get(key)) return error;
      scanKey(raw_key, key);
      od::value value = field.value();

      if ((key == "value" || key == "Value") && has_attribute_name) {
        auto sensitive = owner_.policy_.sensitiveField(attribute_name);
        if (!otlp_attribute && sensitive) {
          // A name/value pair's number or flag ({"name":"auth","value":200}) is a measurement.
          od::json_type type;
          if (auto error = value.type().get(type)) return error;
          if (type != od::json_type::string) sensitive.reset();
        }
        if (auto error = walkValue(value, sensitive, attribute_name, otlp_attribute)) return error;
        continue;
      }
      if (key == "key" || key == "Key" || key == "name" || key == "Name") {
        od::json_type type;
        if (auto error = value.type().get(type)) return error;
        if (type == od::json_type::string) {
          std::string_view name;
          const std::string_view raw = tokenOf(value.raw_json_token());
          if (auto error = value.get_string().get(name)) return error;
          attribute_name.assign(name);
          has_attribute_name = true;
          otlp_attribute = key == "key";
          if (auto error = scanString(name, raw, {})) return error;
          continue;
        }
      }
      if (!any_value_of.empty() && key.ends_with("Value")) {
        if (auto error = walkValue(value, std::nullopt, any_value_of)) return error;
        continue;
      }
      const auto sensitive = owner_.policy_.sensitiveField(key);
      if (sensitive && owner_.policy_.actionFor(*sensitive).kind == core::ActionKind::kDrop) {
        if (auto error = dropMember(offsetOf(raw_key) - 1, value, *sensitive)) return error;
        continue;
      }
      if (!sensitive && inherited_) {
        if (auto error = walkInheriting(value, key)) return error;
        continue;
      }
      if (auto error = walkValue(value, sensitive, key)) return error;
    }
    return simdjson::SUCCESS;
  }

  // A generated token, also one in dotted parts: a JWT, a signed session cookie (`s%3A<id>.<sig>`).
  static bool readsAsToken(std::string_view text) {
    if (core::randomToken(text)) return true;
    while (!text.empty()) {
      const size_t dot = text.find('.');
      if (core::randomToken(text.substr(0, dot))) return true;
      if (dot == std::string_view::npos) break;
      text.remove_prefix(dot + 1);
    }
    return false;
  }

  // A member without a sensitive name inside an object under one (see walkValue): a string that
  // holds the secret by position or reads as a generated token takes the parent's rule.
  simdjson::error_code walkInheriting(od::value value, std::string_view key) {
    od::json_type type;
    if (auto error = value.type().get(type)) return error;
    if (type != od::json_type::string) return walkValue(value, std::nullopt, key);
    std::string_view decoded;
    const std::string_view raw = tokenOf(value.raw_json_token());
    if (auto error = value.get_string().get(decoded)) return error;
    if ((key == "value" || key == "Value" || readsAsToken(decoded)) && !core::holdsNoSecret(decoded)) {
      const size_t begin = offsetOf(raw.data());
      replaceValue(*inherited_, decoded, begin, begin + raw.size(), false);
      return simdjson::SUCCESS;
    }
    return scanString(decoded, raw, key);
  }

  // Keys are data too (maps keyed by e-mail address): scanned with the pattern rules.
  void scanKey(const char* raw_key, std::string_view decoded) {
    std::string& redacted = level_.value;
    redacted.clear();
    if (owner_.redactor_.redact(ws_.scan, decoded, redacted) == 0) return;
    // The raw key runs from `raw_key` (just after its opening quote) to the next unescaped quote.
    const char* start = raw_key;
    const char* end = start;
    const char* limit = base_ + json_.size();
    while (end < limit && *end != '"') end += *end == '\\' ? 2 : 1;
    std::string escaped;
    appendJsonEscaped(redacted, escaped);
    addEdit(offsetOf(start), offsetOf(std::min(end, limit)), "", escaped, "");
  }

  const RecordRedactor& owner_;
  Workspace& ws_;
  Workspace::Level& level_;
  // Inside an object under a sensitive name: that name's rule (see walkValue).
  std::optional<uint32_t> inherited_;
  int depth_;
  std::string_view json_;
  const char* base_ = nullptr;
  size_t replaced_ = 0;
};

RecordRedactor::JsonOutcome RecordRedactor::redactJson(Workspace& workspace, int level,
                                                       std::string_view json, std::string& out,
                                                       size_t& replaced) const {
  replaced = 0;
  JsonWalk walk(*this, workspace, level, json);
  if (walk.run(replaced) != simdjson::SUCCESS) return JsonOutcome::kInvalid;
  const auto& edits = workspace.levels[level].edits;
  if (edits.empty()) return JsonOutcome::kUnchanged;
  const std::string& replacements = workspace.levels[level].replacements;
  size_t copied = 0;
  for (const auto& edit : edits) {
    out.append(json.substr(copied, edit.begin - copied));
    out.append(replacements, edit.text_begin, edit.text_end - edit.text_begin);
    copied = edit.end;
  }
  out.append(json.substr(copied));
  return JsonOutcome::kRedacted;
}

void RecordRedactor::collectTextFindings(Workspace& workspace, std::string_view text) const {
  std::vector<core::Finding>& findings = workspace.findings;
  findings.clear();
  appendTextFindings(workspace, text, findings);
  // URLs carry secrets percent-encoded (`?owner=alice%40example.com`, `%3A` inside tokens):
  // scan the decoded text too and map what it finds back onto the original bytes.
  if (text.size() <= UINT32_MAX && percentDecode(text, workspace.decoded, workspace.decoded_from)) {
    std::vector<core::Finding>& decoded = workspace.decoded_findings;
    decoded.clear();
    appendTextFindings(workspace, workspace.decoded, decoded);
    const auto& from = workspace.decoded_from;
    const size_t raw_findings = findings.size();
    for (const core::Finding& found : decoded) {
      const size_t begin = from[found.begin];
      const size_t end = from[found.end];
      // New unless the raw text gave the same finding. A finding without an escape inside can
      // still be new: its context was encoded (`postgresql%3A%2F%2Fapp%3As3cr3t%40db`).
      bool known = false;
      for (size_t i = 0; i < raw_findings && !known; ++i) {
        known = findings[i].rule == found.rule && findings[i].begin == begin && findings[i].end == end;
      }
      if (!known) findings.push_back({found.rule, begin, end});
    }
  }
}

void RecordRedactor::appendTextFindings(Workspace& workspace, std::string_view text,
                                        std::vector<core::Finding>& findings) const {
  policy_.patterns().findAll(workspace.scan, text, findings);
  if (workspace.scan.sawFieldLiteral() ||
      (policy_.fields() && policy_.fields()->hasPatternRules())) {
    const size_t before = findings.size();
    findSensitiveFieldValues(policy_, text, findings);
    for (size_t i = before; i < findings.size(); ++i) workspace.scan.countFinding(findings[i].rule);
  }
}

size_t RecordRedactor::redactFieldText(Workspace& workspace, std::string_view key,
                                       std::string_view value, std::string& out) const {
  std::string& context = workspace.context;
  context.assign("\"");
  context.append(key);
  context.append("\": \"");
  const size_t prefix = context.size();
  context.append(value);
  context.push_back('"');
  collectTextFindings(workspace, context);
  std::vector<core::Finding>& findings = workspace.findings;
  size_t kept = 0;
  for (const core::Finding& found : findings) {
    const size_t begin = std::max(found.begin, prefix) - prefix;
    const size_t end = std::min(found.end, prefix + value.size());
    if (end <= prefix || begin >= end - prefix) continue;
    findings[kept++] = {found.rule, begin, end - prefix};
  }
  findings.resize(kept);
  if (findings.empty()) {
    out.append(value);
    return 0;
  }
  core::mergeOverlapping(findings);
  redactor_.apply(value, findings, out);
  return findings.size();
}

size_t RecordRedactor::redactText(Workspace& workspace, std::string_view text,
                                  std::string& out) const {
  const size_t replaced = redactTextIfChanged(workspace, text, out);
  if (replaced == 0) out.append(text);
  return replaced;
}

size_t RecordRedactor::redactTextWith(Workspace& workspace, std::string_view text, core::Finding known,
                                      std::string& out) const {
  collectTextFindings(workspace, text);
  std::vector<core::Finding>& findings = workspace.findings;
  findings.push_back(known);
  workspace.scan.countFinding(known.rule);
  core::mergeOverlapping(findings);
  redactor_.apply(text, findings, out);
  return findings.size();
}

size_t RecordRedactor::redactTextIfChanged(Workspace& workspace, std::string_view text,
                                           std::string& out) const {
  collectTextFindings(workspace, text);
  std::vector<core::Finding>& findings = workspace.findings;
  if (findings.empty()) return 0;
  core::mergeOverlapping(findings);
  redactor_.apply(text, findings, out);
  return findings.size();
}

size_t RecordRedactor::redact(Workspace& workspace, std::string_view record,
                              std::string& out) const {
  const size_t replaced = redactIfChanged(workspace, record, out);
  if (replaced == 0) out.append(record);
  return replaced;
}

size_t RecordRedactor::redactIfChanged(Workspace& workspace, std::string_view record,
                                       std::string& out) const {
  if (!looksLikeJson(record)) return redactTextIfChanged(workspace, record, out);
  // Fast path: with no escapes (JSON or percent), every decoded string is a slice of the raw
  // record, so a raw scan that finds neither a rule nor a field-name literal proves there is
  // nothing to do.
  // (Two memchr scans: find_first_of with a set calls memchr on the set for every byte.)
  if (record.find('\\') == std::string_view::npos && record.find('%') == std::string_view::npos) {
    std::vector<core::Finding>& findings = workspace.findings;
    findings.clear();
    policy_.patterns().findAll(workspace.scan, record, findings);
    if (findings.empty() && !workspace.scan.sawFieldLiteral() &&
        !(policy_.fields() && policy_.fields()->hasPatternRules())) {
      ++workspace.json_records;
      return 0;
    }
  }
  const size_t before = out.size();
  size_t replaced = 0;
  switch (redactJson(workspace, 0, record, out, replaced)) {
    case JsonOutcome::kUnchanged:
      ++workspace.json_records;
      out.resize(before);
      return 0;
    case JsonOutcome::kRedacted:
      ++workspace.json_records;
      return std::max<size_t>(replaced, 1);  // something was appended
    case JsonOutcome::kInvalid:
    default:
      out.resize(before);
      ++workspace.json_fallbacks;
      return redactTextIfChanged(workspace, record, out);
  }
}

}  // namespace veil::formats
