#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/action.h"
#include "core/prefilters.h"
#include "core/validators.h"

namespace veil::core {

// One detection rule as a rule pack declares it. Plain data: compiling happens in PatternSet.
struct Rule {
  std::string id;           // stable kebab-case name, unique across loaded packs
  std::string description;
  std::string category;     // secret, credential, pii, ...
  std::vector<std::string> tags;  // compliance tags: PCI-DSS, GDPR, HIPAA, SOC2
  // Regex in the syntax Hyperscan, RE2 and PCRE2 share. A named group `secret` marks the part to replace;
  // without one the whole match is replaced.
  std::string pattern;
  std::vector<std::string> keywords;
  std::optional<Validator> validator;
  // Set: this scanner, not Hyperscan, decides which values the pattern runs on.
  std::optional<Prefilter> prefilter;
  std::optional<Action> action;  // unset: the policy's default for the category
  std::string pack;               // name of the pack the rule came from
  std::string origin;             // "file:line" for error messages
  std::vector<std::string> match_examples;
  std::vector<std::string> no_match_examples;
};

}  // namespace veil::core
