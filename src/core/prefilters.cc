#include "core/prefilters.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

#if defined(__AVX2__)
#include <immintrin.h>
#elif defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace veil::core {
namespace {

inline bool isDigit(unsigned char c) { return static_cast<unsigned char>(c - '0') < 10; }
inline bool isUpper(unsigned char c) { return static_cast<unsigned char>(c - 'A') < 26; }
inline bool isLetter(unsigned char c) { return static_cast<unsigned char>((c | 0x20) - 'a') < 26; }
inline bool isAlnum(unsigned char c) { return isDigit(c) || isLetter(c); }
inline bool isWord(unsigned char c) { return isAlnum(c) || c == '_'; }
// '+' is a space in a query string: `?card=4050+9759+1983+7223`.
inline bool isSeparator(unsigned char c) { return c == ' ' || c == '-' || c == '+'; }

const unsigned char* bytes(std::string_view text) {
  return reinterpret_cast<const unsigned char*>(text.data());
}

// Whether a digit at `i` starts a chain: neither a digit nor "digit, separator" before it.
bool startsChain(const unsigned char* s, size_t i) {
  if (i == 0) return true;
  if (isDigit(s[i - 1])) return false;
  return !(isSeparator(s[i - 1]) && i >= 2 && isDigit(s[i - 2]));
}

// Luhn over the prefixes of 12..19 digits of the chain at `i` that end a digit run (the rule
// never lets a card end with a digit after it), in one pass: a digit is doubled when an odd
// number of digits follows it in the prefix, so two running sums (one doubling the even
// positions, one the odd) cover prefixes of either parity.
bool chainHasLuhnPrefix(const unsigned char* s, size_t size, size_t i) {
  static constexpr unsigned kDoubled[10] = {0, 2, 4, 6, 8, 1, 3, 5, 7, 9};
  unsigned sum_even_doubled = 0;
  unsigned sum_odd_doubled = 0;
  unsigned digits = 0;
  while (i < size && digits < 19) {
    if (isDigit(s[i])) {
      const unsigned d = s[i] - '0';
      sum_even_doubled += (digits % 2 == 0) ? kDoubled[d] : d;
      sum_odd_doubled += (digits % 2 == 1) ? kDoubled[d] : d;
      ++digits;
      ++i;
      const bool run_ends = i == size || !isDigit(s[i]);
      // The last digit of the prefix is never doubled: for an odd length that is an even
      // position, so the odd positions are the doubled ones.
      if (run_ends && digits >= 12 && ((digits % 2 == 1) ? sum_odd_doubled : sum_even_doubled) % 10 == 0)
        return true;
    } else if (isSeparator(s[i]) && i + 1 < size && isDigit(s[i + 1])) {
      ++i;
    } else {
      break;
    }
  }
  return false;
}

// Bit i of each mask describes byte i of a block of up to 64 bytes.
struct ByteClasses {
  uint64_t digit = 0;
  uint64_t upper = 0;
  uint64_t separator = 0;  // ' ', '-' or '+'
};

#if defined(__SSE2__)
ByteClasses classify16(__m128i bytes) {
  ByteClasses c;
  const __m128i from_zero = _mm_sub_epi8(bytes, _mm_set1_epi8('0'));
  c.digit = static_cast<uint16_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(from_zero, _mm_set1_epi8(9)), from_zero)));
  const __m128i from_a = _mm_sub_epi8(bytes, _mm_set1_epi8('A'));
  c.upper = static_cast<uint16_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(from_a, _mm_set1_epi8(25)), from_a)));
  c.separator = static_cast<uint16_t>(_mm_movemask_epi8(
      _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(bytes, _mm_set1_epi8(' ')), _mm_cmpeq_epi8(bytes, _mm_set1_epi8('-'))),
                   _mm_cmpeq_epi8(bytes, _mm_set1_epi8('+')))));
  return c;
}
#endif

#if defined(__AVX2__)
ByteClasses classify32(__m256i bytes) {
  ByteClasses c;
  const __m256i from_zero = _mm256_sub_epi8(bytes, _mm256_set1_epi8('0'));
  c.digit = static_cast<uint32_t>(
      _mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_min_epu8(from_zero, _mm256_set1_epi8(9)), from_zero)));
  const __m256i from_a = _mm256_sub_epi8(bytes, _mm256_set1_epi8('A'));
  c.upper = static_cast<uint32_t>(
      _mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_min_epu8(from_a, _mm256_set1_epi8(25)), from_a)));
  c.separator = static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_or_si256(
      _mm256_or_si256(_mm256_cmpeq_epi8(bytes, _mm256_set1_epi8(' ')), _mm256_cmpeq_epi8(bytes, _mm256_set1_epi8('-'))),
      _mm256_cmpeq_epi8(bytes, _mm256_set1_epi8('+')))));
  return c;
}
#endif

// Classes of s[0, n), n <= 64; bits at and past n are clear.
ByteClasses classify(const unsigned char* s, size_t n) {
  ByteClasses c;
#if defined(__SSE2__)
  size_t k = 0;
#if defined(__AVX2__)
  for (; k + 32 <= n; k += 32) {
    const ByteClasses part = classify32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(s + k)));
    c.digit |= part.digit << k;
    c.upper |= part.upper << k;
    c.separator |= part.separator << k;
  }
#endif
  for (; k + 16 <= n; k += 16) {
    const ByteClasses part = classify16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(s + k)));
    c.digit |= part.digit << k;
    c.upper |= part.upper << k;
    c.separator |= part.separator << k;
  }
  if (k < n) {
    // Never load past the end: the text may end at a page boundary.
    alignas(16) unsigned char tail[16] = {};
    std::memcpy(tail, s + k, n - k);
    const ByteClasses part = classify16(_mm_load_si128(reinterpret_cast<const __m128i*>(tail)));
    c.digit |= part.digit << k;
    c.upper |= part.upper << k;
    c.separator |= part.separator << k;
  }
#else
  for (size_t i = 0; i < n; ++i) {
    c.digit |= uint64_t{isDigit(s[i])} << i;
    c.upper |= uint64_t{isUpper(s[i])} << i;
    c.separator |= uint64_t{isSeparator(s[i])} << i;
  }
#endif
  return c;
}

// Positions where `mask` holds for `n` consecutive bytes.
inline uint64_t runs(uint64_t mask, int n) {
  uint64_t out = mask;
  for (int k = 1; k < n; ++k) out &= mask >> k;
  return out;
}

// Every card form the rule allows starts with four digits and is either 12+ digits in a row or
// groups 4-4-4(-4) or 4-6-5 / 4-6-4 joined by single spaces, dashes or pluses.
uint64_t cardCandidates(const ByteClasses& c, uint64_t four) {
  const uint64_t twelve = four & (four >> 4) & (four >> 8);
  const uint64_t s = c.separator;
  const uint64_t grouped = four & (s >> 4) & (four >> 5) & (((s >> 9) & (four >> 10)) | ((s >> 11) & (four >> 12)));
  return twelve | grouped;
}
bool cardAt(const unsigned char* s, size_t size, size_t i) {
  return s[i] >= '2' && s[i] <= '6' && startsChain(s, i) && chainHasLuhnPrefix(s, size, i);
}

uint64_t ssnCandidates(const ByteClasses& c, uint64_t four) {
  const uint64_t s = c.separator;
  return runs(c.digit, 3) & (s >> 3) & (runs(c.digit, 2) >> 4) & (s >> 6) & (four >> 7);
}
// The rule's edges: not after [\w.+/-], a word boundary after.
bool ssnAt(const unsigned char* s, size_t size, size_t i) {
  if (i > 0 && (isWord(s[i - 1]) || s[i - 1] == '.' || s[i - 1] == '+' || s[i - 1] == '/' || s[i - 1] == '-'))
    return false;
  return s[i + 3] == s[i + 6] && (i + 11 == size || !isWord(s[i + 11]));
}

uint64_t ibanCandidates(const ByteClasses& c) { return c.upper & (c.upper >> 1) & (c.digit >> 2) & (c.digit >> 3); }
bool ibanAt(const unsigned char* s, size_t size, size_t i) {
  if (i > 0 && isWord(s[i - 1])) return false;
  size_t rest = 0;
  for (size_t j = i + 4; j < size && rest < 8; ++j) {
    if (isUpper(s[j]) || isDigit(s[j])) {
      ++rest;
    } else if (!(s[j] == ' ' && s[j - 1] != ' ' && j + 1 < size && (isUpper(s[j + 1]) || isDigit(s[j + 1])))) {
      break;
    }
  }
  return rest >= 8;
}

// An '@' after a local-part character, then a domain of letters, digits, dots and dashes that
// starts with a letter or digit and holds a dot followed by two letters: every address the
// e-mail rule matches looks like that, and few '@'s in logs (Object@6d06d69c, user@host) do.
bool holdsEmailShape(std::string_view text) {
  const unsigned char* s = bytes(text);
  const size_t size = text.size();
  for (size_t i = text.find('@'); i != std::string_view::npos; i = text.find('@', i + 1)) {
    if (i == 0 || i + 4 >= size) continue;
    const unsigned char before = s[i - 1];
    if (!(isAlnum(before) || before == '.' || before == '_' || before == '%' || before == '+' || before == '-')) continue;
    if (!isAlnum(s[i + 1])) continue;
    for (size_t j = i + 2; j + 2 < size && (isAlnum(s[j]) || s[j] == '.' || s[j] == '-'); ++j) {
      if (s[j] == '.' && isLetter(s[j + 1]) && isLetter(s[j + 2])) return true;
    }
  }
  return false;
}

// Every number the international phone rule matches and its validator accepts (7 or more
// digits) starts like this; '+' and "(ddd)" are rare enough in logs to look at each one.
bool holdsPhoneShape(std::string_view text) {
  const unsigned char* s = bytes(text);
  const size_t size = text.size();
  for (size_t i = text.find('+'); i != std::string_view::npos; i = text.find('+', i + 1)) {
    if (i + 1 >= size || s[i + 1] < '1' || s[i + 1] > '9') continue;
    unsigned digits = 0;
    for (size_t j = i + 1; j < size && j - i <= 48; ++j) {
      const unsigned char c = s[j];
      if (isDigit(c)) {
        if (++digits >= 7) return true;
      } else if (c != ' ' && c != '.' && c != '-' && c != '(' && c != ')') {
        break;
      }
    }
  }
  for (size_t i = text.find('('); i != std::string_view::npos; i = text.find('(', i + 1)) {
    if (i + 4 < size && isDigit(s[i + 1]) && isDigit(s[i + 2]) && isDigit(s[i + 3]) && s[i + 4] == ')') return true;
  }
  return false;
}

}  // namespace

unsigned shapesIn(std::string_view text, unsigned wanted) noexcept {
  const unsigned char* s = bytes(text);
  const size_t size = text.size();
  unsigned found = 0;
  if ((wanted & kEmailShape) && holdsEmailShape(text)) found |= kEmailShape;
  if ((wanted & kPhoneShape) && holdsPhoneShape(text)) found |= kPhoneShape;
  // Shapes span at most 16 bytes, so blocks of 64 overlap by 16 and only the first 48
  // positions of each are looked at (all of them in the last block).
  for (size_t base = 0; base < size && (wanted & kNumberShapes & ~found) != 0; base += 48) {
    const size_t n = std::min<size_t>(64, size - base);
    const ByteClasses c = classify(s + base, n);
    const uint64_t window = base + 64 < size ? (uint64_t{1} << 48) - 1 : ~uint64_t{0};
    const uint64_t four = runs(c.digit, 4);
    auto look = [&](unsigned shape, uint64_t mask, bool (*at)(const unsigned char*, size_t, size_t)) {
      if (!(wanted & shape) || (found & shape)) return;
      for (mask &= window; mask; mask &= mask - 1) {
        if (at(s, size, base + static_cast<size_t>(__builtin_ctzll(mask)))) {
          found |= shape;
          return;
        }
      }
    };
    look(kCardNumberShape, cardCandidates(c, four), cardAt);
    look(kUsSsnShape, ssnCandidates(c, four), ssnAt);
    look(kIbanShape, ibanCandidates(c), ibanAt);
  }
  return found & wanted;
}

std::optional<Prefilter> parsePrefilter(std::string_view name, std::string* error) {
  static constexpr std::pair<std::string_view, unsigned> kShapes[] = {
      {"card-number", kCardNumberShape}, {"us-ssn", kUsSsnShape}, {"iban", kIbanShape},
      {"email", kEmailShape}, {"phone", kPhoneShape}};
  for (const auto& [known, shape] : kShapes) {
    if (name == known) return Prefilter{std::string(name), shape};
  }
  std::string allowed;
  for (const auto& [known, shape] : kShapes) allowed += (allowed.empty() ? "" : ", ") + std::string(known);
  *error = "unknown prefilter '" + std::string(name) + "'; allowed: " + allowed;
  return std::nullopt;
}

}  // namespace veil::core
