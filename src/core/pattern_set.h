#pragma once

#include <hs/hs.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/finding.h"
#include "core/prefaulted_buffer.h"
#include "core/rule.h"
#include "core/span_regex.h"

namespace veil::core {

// A database is Hyperscan's to free unless it was deserialized into memory of our own.
struct DatabaseDeleter {
  bool allocated_by_hyperscan = true;
  void operator()(hs_database_t* db) const noexcept {
    if (allocated_by_hyperscan) hs_free_database(db);
  }
};
struct ScratchDeleter {
  void operator()(hs_scratch_t* s) const noexcept { hs_free_scratch(s); }
};
using DatabasePtr = std::unique_ptr<hs_database_t, DatabaseDeleter>;
using ScratchPtr = std::unique_ptr<hs_scratch_t, ScratchDeleter>;

class PatternSet;

// Per-thread working memory for scanning with one PatternSet: Hyperscan scratch and
// reusable buffers. Move-only; never shared between threads; valid as long as its PatternSet.
class ScanContext {
 public:
  explicit ScanContext(const PatternSet& patterns);
  ScanContext(ScanContext&&) noexcept = default;
  ScanContext& operator=(ScanContext&&) noexcept = default;
  ScanContext(const ScanContext&) = delete;
  ScanContext& operator=(const ScanContext&) = delete;

  // Findings per rule since construction (counted after validation, before merging), indexed
  // like Policy rules (pattern rules, then field rules); may be shorter than the rule count.
  const std::vector<uint64_t>& findingsPerRule() const { return findings_per_rule_; }
  void countFinding(uint32_t rule) {
    if (rule >= findings_per_rule_.size()) findings_per_rule_.resize(rule + 1, 0);
    ++findings_per_rule_[rule];
  }

  // Whether the last findAll() saw one of the pattern set's field-name literals.
  bool sawFieldLiteral() const { return saw_field_literal_; }

  // Span searches PCRE2 gave up on and RE2 finished (see SpanRegex).
  uint64_t spanFallbacks() const { return span_scratch_.fallbacks(); }

 private:
  friend class PatternSet;
  friend class Redactor;
  ScratchPtr scratch_;
  SpanScratch span_scratch_;
  std::vector<SpanMatch> spans_;
  std::vector<uint32_t> fired_;
  std::vector<Finding> findings_;
  std::vector<uint64_t> findings_per_rule_;
  bool saw_field_literal_ = false;
};

// Why a rule set failed to compile: which rule (index into the rules given) and what the
// regex engine said.
struct CompileError {
  size_t rule = 0;
  std::string message;
};

// All enabled rules compiled together: one Hyperscan database that says which rules fire on
// a value, and one SpanRegex per rule that then finds where (and which part is the secret).
// Immutable after construction and safe to share between threads; each thread scans with its
// own ScanContext.
class PatternSet {
 public:
  // Identifies the Hyperscan database these rules compile to on this host (rule patterns and
  // order, Hyperscan version, CPU features), as lowercase hex SHA-256. A cached database is
  // only valid for the same fingerprint.
  static std::string fingerprint(const std::vector<Rule>& rules,
                                 const std::vector<std::string>& field_literals = {});

  // Compiles `rules`. When `serialized_database` is not empty it is tried first (it must come
  // from serializeDatabase() of rules with the same fingerprint); if it does not deserialize,
  // the rules are compiled afresh and *used_cache is false. Returns nullptr and fills *error
  // when a rule does not compile (in either engine).
  //
  // With a cached database each rule's span regex is compiled when the rule first fires: the
  // fingerprint covers every pattern, and a database is only cached after all of them compiled
  // in both engines, so start-up need not compile the 200-odd programs again.
  //
  // `field_literals` (lowercase letters and digits) ride along in the same database so that one
  // scan also tells whether a value could hold a sensitive field name (sawFieldLiteral()).
  static std::shared_ptr<const PatternSet> build(std::vector<Rule> rules,
                                                 std::string_view serialized_database,
                                                 CompileError* error, bool* used_cache,
                                                 std::vector<std::string> field_literals = {});

  ~PatternSet();
  PatternSet(const PatternSet&) = delete;
  PatternSet& operator=(const PatternSet&) = delete;

  const std::vector<Rule>& rules() const { return rules_; }

  // The compiled Hyperscan database in hs_serialize_database form, for the on-disk cache.
  std::string serializeDatabase() const;

  // Appends to `out` every validated match of every rule in `value`, unmerged, in no
  // particular order. Never throws on any input bytes; allocation failure aside.
  void findAll(ScanContext& ctx, std::string_view value, std::vector<Finding>& out) const;

 private:
  friend class ScanContext;
  PatternSet() = default;
  // One rule's span regex, compiled once: eagerly at build, or on first use when the database
  // came from the cache.
  struct Span {
    std::once_flag compiled;
    std::unique_ptr<SpanRegex> regex;  // null when it failed to compile
  };
  bool compileSpan(size_t rule, bool check_now, CompileError* error) const;
  const Span& span(uint32_t rule) const;
  void findSpans(ScanContext& ctx, uint32_t rule, std::string_view value,
                 std::vector<Finding>& out) const;

  std::vector<Rule> rules_;
  std::vector<std::string> field_literals_;
  std::unique_ptr<Span[]> spans_;  // one per rule
  std::vector<uint32_t> prefiltered_;  // rules found by their prefilter, not by Hyperscan
  unsigned prefiltered_shapes_ = 0;    // shapesIn() bits their prefilters ask for
  PrefaultedBuffer database_memory_;  // holds database_ when it came from a serialized one
  DatabasePtr database_;
  ScratchPtr prototype_scratch_;
};

}  // namespace veil::core
