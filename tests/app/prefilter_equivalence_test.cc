// A prefilter may only spare the regex work, never change what is found: the bundled rules that
// use one find exactly what they find without it, on generated text dense with near misses.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "app/policy_builder.h"
#include "core/pattern_set.h"

namespace veil::app {
namespace {

std::vector<core::Rule> prefilteredBundledRules() {
  PolicyOptions options;
  options.packs = {"all"};
  options.use_cache = false;
  options.patterns_dir = std::filesystem::path(VEIL_SOURCE_DIR) / "patterns";
  const LoadedPolicy loaded = buildPolicy(options);
  std::vector<core::Rule> rules;
  for (const auto& rule : loaded.policy->rules())
    if (rule.prefilter) rules.push_back(rule);
  return rules;
}

std::shared_ptr<const core::PatternSet> compile(std::vector<core::Rule> rules) {
  core::CompileError error;
  bool from_cache = false;
  auto set = core::PatternSet::build(std::move(rules), {}, &error, &from_cache);
  if (!set) ADD_FAILURE() << error.message;
  return set;
}

std::string luhnComplete(std::string digits) {
  // Appends the check digit that makes `digits` pass Luhn.
  int sum = 0;
  for (size_t i = 0; i < digits.size(); ++i) {
    int d = digits[digits.size() - 1 - i] - '0';
    if (i % 2 == 0) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  digits.push_back(static_cast<char>('0' + (10 - sum % 10) % 10));
  return digits;
}

// Text made of the pieces number-shaped rules care about: digit runs of every length, card
// numbers (valid and not, plain and grouped), SSN- and IBAN-like tokens, separators and the
// characters that decide the rules' edges.
std::string generatedLine(std::mt19937& random) {
  static const std::vector<std::string> kGlue = {" ", "  ", "-", ".", "+", "/", "=", ":", "\"", "_", "a", "x ", "\t", ",", "(", "", "@", "%40"};
  static const std::vector<std::string> kWords = {"a", "Jane.Doe", "x_y", "o'k", "b-c", "1", "%", "+", "com", "CO", "io", "-", ".", "..", "9z"};
  auto pick = [&](size_t n) { return static_cast<size_t>(random() % n); };
  auto digits = [&](size_t n) {
    std::string out;
    for (size_t i = 0; i < n; ++i) out.push_back(static_cast<char>('0' + pick(10)));
    return out;
  };
  auto grouped = [&](const std::string& number, const std::vector<size_t>& groups, char separator) {
    std::string out;
    size_t at = 0;
    for (size_t g : groups) {
      if (at) out.push_back(separator);
      out += number.substr(at, g);
      at += g;
    }
    return out + number.substr(std::min(at, number.size()));
  };
  std::string line;
  const size_t pieces = 1 + pick(8);
  for (size_t p = 0; p < pieces; ++p) {
    line += kGlue[pick(kGlue.size())];
    const char separator = "- "[pick(2)];
    switch (pick(13)) {
      case 11:
      case 12: {
        // Phone-ish: '+', '(' and digit groups in every grouping, valid calling codes or not.
        static const char* kStarts[] = {"+", "+1 ", "+44 ", "+49", "(", "+1 (", "+33 (0)", "+0", "+999 ", "00"};
        std::string phone = kStarts[pick(std::size(kStarts))];
        const size_t groups = 1 + pick(5);
        for (size_t k = 0; k < groups; ++k) {
          phone += digits(1 + pick(5));
          phone += std::string(" .-)") [pick(4)];
        }
        line += phone;
        break;
      }
      case 9:
      case 10: {
        // E-mail-ish: words, dots and dashes around an '@'.
        std::string mail;
        const size_t parts = 1 + pick(5);
        for (size_t k = 0; k < parts; ++k) mail += kWords[pick(kWords.size())] + (pick(3) ? "" : ".");
        mail += pick(6) ? "@" : "";
        const size_t domain = pick(5);
        for (size_t k = 0; k < domain; ++k) mail += kWords[pick(kWords.size())] + (pick(2) ? "." : "-");
        mail += kWords[pick(kWords.size())];
        line += mail;
        break;
      }
      case 0: line += digits(1 + pick(22)); break;
      case 1: {
        static const char* kIins[] = {"4", "51", "55", "2221", "2720", "34", "37", "300", "36", "6011", "65", "62", "3530", "5018", "6759"};
        const std::string iin = kIins[pick(std::size(kIins))];
        const size_t length = 12 + pick(8);  // 12..19 digits with the check digit
        const std::string number = luhnComplete(iin + digits(length - 1 - iin.size()));
        line += pick(2) ? number : grouped(number, number.size() == 15 ? std::vector<size_t>{4, 6, 5} : std::vector<size_t>{4, 4, 4, 4}, separator);
        break;
      }
      case 2: line += grouped(digits(16), {4, 4, 4, 4}, separator); break;
      case 3: line += digits(3) + separator + digits(2) + separator + digits(4); break;
      case 4: line += digits(3) + "-" + digits(2) + " " + digits(4); break;
      case 5: {
        std::string iban = std::string(1, static_cast<char>('A' + pick(26))) + static_cast<char>('A' + pick(26)) + digits(2);
        const size_t rest = 8 + pick(24);
        for (size_t i = 0; i < rest; ++i) {
          iban.push_back(pick(3) ? static_cast<char>('0' + pick(10)) : static_cast<char>('A' + pick(26)));
          if (pick(2) && i % 4 == 3) iban.push_back(' ');
        }
        line += iban;
        break;
      }
      case 6: line += "DE89 3704 0044 0532 0130 00"; break;  // a valid IBAN, grouped
      case 7: line += "GB82WEST12345698765432"; break;        // a valid IBAN, plain
      default: line += "2015-07-29 17:41:44,747"; break;
    }
  }
  return line;
}

TEST(PrefilterEquivalenceTest, PrefilteredRulesFindExactlyWhatTheirRegexesFind) {
  const std::vector<core::Rule> rules = prefilteredBundledRules();
  ASSERT_GE(rules.size(), 4u);  // card numbers, SSNs, IBANs, e-mail addresses
  std::vector<core::Rule> unfiltered = rules;
  for (auto& rule : unfiltered) rule.prefilter.reset();
  const auto with = compile(rules);
  const auto without = compile(unfiltered);
  ASSERT_TRUE(with && without);
  core::ScanContext with_context(*with);
  core::ScanContext without_context(*without);

  std::mt19937 random(20261125);
  size_t lines_with_findings = 0;
  for (int i = 0; i < 60000; ++i) {
    const std::string line = generatedLine(random);
    std::vector<core::Finding> expected;
    std::vector<core::Finding> actual;
    without->findAll(without_context, line, expected);
    with->findAll(with_context, line, actual);
    auto order = [](const core::Finding& a, const core::Finding& b) {
      return std::tie(a.begin, a.end, a.rule) < std::tie(b.begin, b.end, b.rule);
    };
    std::sort(expected.begin(), expected.end(), order);
    std::sort(actual.begin(), actual.end(), order);
    ASSERT_EQ(actual.size(), expected.size()) << "line: " << line;
    for (size_t k = 0; k < expected.size(); ++k) {
      ASSERT_TRUE(actual[k].begin == expected[k].begin && actual[k].end == expected[k].end &&
                  actual[k].rule == expected[k].rule)
          << "line: " << line;
    }
    if (!expected.empty()) ++lines_with_findings;
  }
  // The generator must exercise the rules, not just their absence.
  EXPECT_GT(lines_with_findings, 5000u);
}

}  // namespace
}  // namespace veil::app
