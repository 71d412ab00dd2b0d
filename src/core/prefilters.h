#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace veil::core {

// A built-in scanner standing in for Hyperscan as the "could this rule fire here?" test of a
// rule with no fixed text to anchor on. Number-shaped PII (card numbers, SSNs, IBANs) is most of
// the Hyperscan cost on clean logs: the automata for such patterns run over every byte. A
// scanner that knows the shape (digit chains, Luhn on their prefixes) rejects nearly every line
// for a fraction of that cost; the rule's regex and validator still decide on the lines it
// passes. A prefilter must pass every text its rule's pattern matches (a superset), never the
// other way round: tests check that on every example and on generated text.
//
// Pure functions; thread-safe; never allocate.
struct Prefilter {
  std::string name;    // as written in the rule pack
  unsigned shape = 0;  // what shapesIn() must report for the rule's pattern to run
};

// A chain of digits joined by single spaces or dashes, starting where no digit (or digit and
// separator) precedes it, with a first digit that card numbers start with (2-6), whose first
// 12..19 digits pass the Luhn check for a length that ends one of its digit runs.
inline constexpr unsigned kCardNumberShape = 1;
// Three digits not preceded by [\w.+/-], a dash or space, two digits, the same separator, four
// digits, then a word boundary.
inline constexpr unsigned kUsSsnShape = 2;
// Two capital letters at the start of a word, two digits, then at least eight capital letters
// or digits, single spaces allowed between them.
inline constexpr unsigned kIbanShape = 4;
inline constexpr unsigned kNumberShapes = kCardNumberShape | kUsSsnShape | kIbanShape;
// An '@' after a local-part character, then letters, digits, dots and dashes starting with a
// letter or digit and holding a dot followed by two letters.
inline constexpr unsigned kEmailShape = 8;
// A '+' then a digit 1-9 and at least six more digits before anything but digits, spaces, dots,
// dashes and parentheses; or '(', three digits, ')'.
inline constexpr unsigned kPhoneShape = 16;

// Which of the `wanted` shapes occur in `text`: the number shapes in one pass (SIMD byte
// classes per 64-byte block, exact checks only where a block's classes allow a shape), the
// e-mail shape from the '@'s.
unsigned shapesIn(std::string_view text, unsigned wanted) noexcept;

// "card-number", "us-ssn", "iban" or "email"; nullopt and *error naming the allowed ones otherwise.
std::optional<Prefilter> parsePrefilter(std::string_view name, std::string* error);

}  // namespace veil::core
