#include "core/pattern_set.h"

#include "core/field_names.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cstdlib>
#include <new>

namespace veil::core {
namespace {

// SINGLEMATCH: detection only needs to know *whether* a rule fired; SpanRegex finds every
// span afterwards. Reporting each match of open-ended repeats costs more than the scan itself.
constexpr unsigned kHyperscanFlags = HS_FLAG_SINGLEMATCH;

std::string hexSha256(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(length * 2);
  for (unsigned i = 0; i < length; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 0xf]);
  }
  return hex;
}

// Field prefilters are literals of lowercase letters, digits and the separators of
// kFieldSeparators; anything else would need escaping.
bool isFieldPrefilter(std::string_view literal) {
  if (literal.empty()) return false;
  for (char c : literal) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.' || c == ' ' ||
          c == ':')) {
      return false;
    }
  }
  return true;
}

// The Hyperscan expression for a field prefilter literal: the literal, then the end of the
// name (`password=`, `"password":`, `<password>`, `Password:`, `--password `), so that a short
// word (pin, otp, auth) does not fire inside every `spinning` and `author`.
std::string fieldPrefilterExpression(std::string_view literal) {
  std::string expression;
  for (char c : literal) {
    if (c == '.') expression += '\\';
    expression += c;
  }
  expression += "(?:[^a-z0-9]|$)";
  return expression;
}

int onHyperscanMatch(unsigned int id, unsigned long long, unsigned long long, unsigned int,
                     void* context) {
  static_cast<std::vector<uint32_t>*>(context)->push_back(id);
  return 0;
}

}  // namespace

ScanContext::ScanContext(const PatternSet& patterns)
    : findings_per_rule_(patterns.rules().size(), 0) {
  hs_scratch_t* scratch = nullptr;
  if (!patterns.prototype_scratch_) return;  // every rule prefiltered: no database
  if (hs_clone_scratch(patterns.prototype_scratch_.get(), &scratch) != HS_SUCCESS) {
    throw std::bad_alloc();
  }
  scratch_.reset(scratch);
}

PatternSet::~PatternSet() = default;

std::string PatternSet::fingerprint(const std::vector<Rule>& rules,
                                    const std::vector<std::string>& field_literals) {
  std::string key = "veil-hyperscan-db-v4";
  key += '\0';
  key += hs_version();
  hs_platform_info_t platform{};
  if (hs_populate_platform(&platform) == HS_SUCCESS) {
    key += '\0' + std::to_string(platform.tune) + ':' + std::to_string(platform.cpu_features);
  }
  key += '\0' + std::to_string(kHyperscanFlags) + '\0' + std::to_string(rules.size());
  for (const Rule& rule : rules) {
    // A prefiltered rule is not in the database, but its pattern counts: a cached database
    // vouches that every pattern compiled in RE2 too. The kind byte keeps a pattern from ever
    // reading like a prefilter name (neither holds a '\0').
    key += '\0';
    key += rule.prefilter ? 'P' : 'R';
    if (rule.prefilter) key += rule.prefilter->name + '\0';
    key += rule.pattern;
  }
  key += "\0literals";
  for (const auto& literal : field_literals) {
    key += '\0';
    key += literal;
  }
  return hexSha256(key);
}

bool PatternSet::compileSpan(size_t rule, bool check_now, CompileError* error) const {
  std::string message;
  spans_[rule].regex = SpanRegex::compile(rules_[rule].pattern, check_now, &message);
  if (!spans_[rule].regex) *error = {rule, message};
  return spans_[rule].regex != nullptr;
}

const PatternSet::Span& PatternSet::span(uint32_t rule) const {
  Span& span = spans_[rule];
  std::call_once(span.compiled, [&] {
    CompileError ignored;
    compileSpan(rule, /*check_now=*/false, &ignored);
  });
  return span;
}

std::shared_ptr<const PatternSet> PatternSet::build(std::vector<Rule> rules,
                                                    std::string_view serialized_database,
                                                    CompileError* error, bool* used_cache,
                                                    std::vector<std::string> field_literals) {
  std::shared_ptr<PatternSet> set(new PatternSet());
  set->rules_ = std::move(rules);
  set->field_literals_ = std::move(field_literals);
  for (const auto& literal : set->field_literals_) {
    if (!isFieldPrefilter(literal)) {
      *error = {set->rules_.size(), "field-name prefilter '" + literal + "' is not letters, digits and separators"};
      return nullptr;
    }
  }
  *used_cache = false;
  if (set->rules_.empty() && set->field_literals_.empty()) {
    *error = {0, "no rules enabled"};
    return nullptr;
  }
  set->spans_ = std::make_unique<Span[]>(set->rules_.size());
  for (size_t i = 0; i < set->rules_.size(); ++i) {
    if (!set->rules_[i].prefilter) continue;
    set->prefiltered_.push_back(static_cast<uint32_t>(i));
    set->prefiltered_shapes_ |= set->rules_[i].prefilter->shape;
  }
  const bool needs_database = set->prefiltered_.size() < set->rules_.size() || !set->field_literals_.empty();

  if (!serialized_database.empty() && needs_database) {
    size_t size = 0;
    if (hs_serialized_database_size(serialized_database.data(), serialized_database.size(), &size) ==
        HS_SUCCESS) {
      PrefaultedBuffer memory;
      try {
        memory = PrefaultedBuffer(size);
      } catch (const std::bad_alloc&) {
        // No memory to map: compiling below may still fit, or fail with its own error.
      }
      auto* db = reinterpret_cast<hs_database_t*>(memory.data());
      if (!memory.empty() &&
          hs_deserialize_database_at(serialized_database.data(), serialized_database.size(), db) == HS_SUCCESS) {
        set->database_memory_ = std::move(memory);
        set->database_ = DatabasePtr(db, DatabaseDeleter{.allocated_by_hyperscan = false});
        *used_cache = true;
      }
    }
  }
  if (!*used_cache) {
    for (size_t i = 0; i < set->rules_.size(); ++i) {
      bool compiled = false;
      std::call_once(set->spans_[i].compiled, [&] { compiled = set->compileSpan(i, /*check_now=*/true, error); });
      if (!compiled) return nullptr;
    }
  }
  if (!set->database_ && needs_database) {
    std::vector<const char*> expressions;
    std::vector<unsigned> flags;
    std::vector<unsigned> ids;
    for (size_t i = 0; i < set->rules_.size(); ++i) {
      if (set->rules_[i].prefilter) continue;
      expressions.push_back(set->rules_[i].pattern.c_str());
      flags.push_back(kHyperscanFlags);
      ids.push_back(static_cast<unsigned>(i));
    }
    std::vector<std::string> literal_patterns;
    literal_patterns.reserve(set->field_literals_.size());
    for (const auto& literal : set->field_literals_) literal_patterns.push_back(fieldPrefilterExpression(literal));
    for (size_t i = 0; i < set->field_literals_.size(); ++i) {
      expressions.push_back(literal_patterns[i].c_str());
      flags.push_back(kHyperscanFlags | HS_FLAG_CASELESS);
      ids.push_back(static_cast<unsigned>(set->rules_.size() + i));
    }
    hs_database_t* db = nullptr;
    hs_compile_error_t* compile_error = nullptr;
    if (hs_compile_multi(expressions.data(), flags.data(), ids.data(),
                         static_cast<unsigned>(expressions.size()), HS_MODE_BLOCK, nullptr, &db,
                         &compile_error) != HS_SUCCESS) {
      // expression < 0: the error is not specific to one rule (e.g. out of memory).
      const int which = compile_error ? compile_error->expression : -1;
      *error = {which < 0 ? set->rules_.size() : ids[static_cast<size_t>(which)],
                std::string("Hyperscan: ") +
                    (compile_error ? compile_error->message : "unknown error")};
      hs_free_compile_error(compile_error);
      return nullptr;
    }
    set->database_.reset(db);
  }

  if (!set->database_) return set;
  hs_scratch_t* scratch = nullptr;
  if (hs_alloc_scratch(set->database_.get(), &scratch) != HS_SUCCESS) {
    // A cached database that deserialised but is unusable here: compile afresh.
    if (*used_cache)
      return build(std::move(set->rules_), {}, error, used_cache, std::move(set->field_literals_));
    *error = {set->rules_.size(), "Hyperscan: could not allocate scratch space"};
    return nullptr;
  }
  set->prototype_scratch_.reset(scratch);
  return set;
}

std::string PatternSet::serializeDatabase() const {
  if (!database_) return {};
  char* bytes = nullptr;
  size_t length = 0;
  if (hs_serialize_database(database_.get(), &bytes, &length) != HS_SUCCESS) return {};
  std::string out(bytes, length);
  std::free(bytes);
  return out;
}

void PatternSet::findAll(ScanContext& ctx, std::string_view value,
                         std::vector<Finding>& out) const {
  ctx.saw_field_literal_ = false;
  if (value.empty()) return;
  ctx.fired_.clear();
  // Records longer than 4 GiB never reach here: the frontends cut them into windows.
  if (database_) {
    hs_scan(database_.get(), value.data(), static_cast<unsigned>(value.size()), 0,
            ctx.scratch_.get(), onHyperscanMatch, &ctx.fired_);
  }
  if (prefiltered_shapes_) {
    const unsigned shapes = shapesIn(value, prefiltered_shapes_);
    for (uint32_t rule : prefiltered_) {
      if (shapes & rules_[rule].prefilter->shape) ctx.fired_.push_back(rule);
    }
  }
  for (uint32_t id : ctx.fired_) {
    if (id < rules_.size()) {
      findSpans(ctx, id, value, out);
    } else {
      ctx.saw_field_literal_ = true;
    }
  }
}

void PatternSet::findSpans(ScanContext& ctx, uint32_t rule, std::string_view value,
                           std::vector<Finding>& out) const {
  const Span& compiled = span(rule);
  ctx.spans_.clear();
  if (!compiled.regex || !compiled.regex->findAll(ctx.span_scratch_, rule, value, ctx.spans_)) {
    // Compiled at the rule's first use (cached database) and refused the pattern that an
    // earlier run accepted: fail closed, the rule claims the whole value.
    out.push_back({rule, 0, value.size()});
    ctx.countFinding(rule);
    return;
  }
  const Rule& definition = rules_[rule];
  for (const SpanMatch& match : ctx.spans_) {
    if (match.secret_end == match.secret_begin) continue;
    const std::string_view secret = value.substr(match.secret_begin, match.secret_end - match.secret_begin);
    if (definition.validator && !(*definition.validator)(secret)) continue;
    out.push_back({rule, match.secret_begin, match.secret_end});
    ctx.countFinding(rule);
  }
}

}  // namespace veil::core
