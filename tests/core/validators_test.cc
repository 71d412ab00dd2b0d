#include "core/validators.h"
#include "core/placeholders.h"

#include <gtest/gtest.h>

#include <cctype>
#include <cmath>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace veil::core {
namespace {

// Checks are called on every candidate match of the hot path; the header promises noexcept.
static_assert(noexcept(luhnValid("")));
static_assert(noexcept(ibanValid("")));
static_assert(noexcept(usSsnValid("")));
static_assert(noexcept(phoneValid("")));
static_assert(noexcept(ipv4Valid("")));
static_assert(noexcept(shannonEntropy("")));
static_assert(noexcept(entropyAtLeast("", 0)));

// --- helpers: synthetic data, computed here so no real number is pasted into the tests -------

// Appends the Luhn check digit to `payload`.
std::string withLuhnDigit(std::string_view payload) {
  int sum = 0;
  for (size_t i = 0; i < payload.size(); ++i) {
    int digit = payload[payload.size() - 1 - i] - '0';
    // The check digit will sit to the right, so the payload's last digit is doubled.
    if (i % 2 == 0) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return std::string(payload) + static_cast<char>('0' + (10 - sum % 10) % 10);
}

// Builds an IBAN from a country code and BBAN with the check digits that make mod-97 == 1.
std::string makeIban(std::string_view country, std::string_view bban) {
  const std::string rearranged = std::string(bban) + std::string(country) + "00";
  unsigned remainder = 0;
  for (const char c : rearranged) {
    if (std::isdigit(static_cast<unsigned char>(c))) {
      remainder = (remainder * 10 + static_cast<unsigned>(c - '0')) % 97;
    } else {
      const char upper = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      remainder = (remainder * 100 + static_cast<unsigned>(upper - 'A' + 10)) % 97;
    }
  }
  const unsigned check = 98 - remainder;
  std::string iban(country);
  iban += static_cast<char>('0' + check / 10);
  iban += static_cast<char>('0' + check % 10);
  iban += bban;
  return iban;
}

// "GB82WEST..." -> "GB82 WEST ...", the way IBANs are printed.
std::string groupsOfFour(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (i > 0 && i % 4 == 0) out += ' ';
    out += text[i];
  }
  return out;
}

std::string digitsOfLength(size_t length) {
  std::string out;
  for (size_t i = 0; i < length; ++i) out += static_cast<char>('0' + (i * 7 + 3) % 10);
  return out;
}

// --- Luhn ---------------------------------------------------------------------------------------

TEST(ValidatorsTest, LuhnHelperMatchesTheTextbookExample) {
  // The classic worked example from the Luhn algorithm's description, not a card.
  EXPECT_EQ(withLuhnDigit("7992739871"), "79927398713");
}

TEST(ValidatorsTest, LuhnAcceptsPlainCardNumber) {
  EXPECT_TRUE(luhnValid(withLuhnDigit("400000123456789")));
}

TEST(ValidatorsTest, LuhnAcceptsSpacedCardNumber) {
  const std::string card = withLuhnDigit("400000123456789");
  EXPECT_TRUE(luhnValid(groupsOfFour(card)));
}

TEST(ValidatorsTest, LuhnAcceptsDashedCardNumber) {
  const std::string card = withLuhnDigit("510000987654321");
  std::string dashed = card.substr(0, 4) + "-" + card.substr(4, 4) + "-" + card.substr(8, 4) +
                       "-" + card.substr(12);
  EXPECT_TRUE(luhnValid(dashed));
}

TEST(ValidatorsTest, LuhnAcceptsAmexStyleGrouping) {
  const std::string card = withLuhnDigit("34000012345678");  // 15 digits, 4-6-5
  EXPECT_TRUE(luhnValid(card.substr(0, 4) + " " + card.substr(4, 6) + " " + card.substr(10)));
}

TEST(ValidatorsTest, LuhnAcceptsEveryCardLengthFrom12To19) {
  for (size_t length = 12; length <= 19; ++length) {
    const std::string card = withLuhnDigit(digitsOfLength(length - 1));
    ASSERT_EQ(card.size(), length);
    EXPECT_TRUE(luhnValid(card)) << card;
  }
}

TEST(ValidatorsTest, LuhnAccepts19DigitCardWithSeparators) {
  const std::string card = withLuhnDigit("622126000012345678");
  ASSERT_EQ(card.size(), 19u);
  EXPECT_TRUE(luhnValid(groupsOfFour(card)));
}

TEST(ValidatorsTest, LuhnRejectsFewerThan12Digits) {
  const std::string short_number = withLuhnDigit(digitsOfLength(10));
  ASSERT_EQ(short_number.size(), 11u);
  EXPECT_FALSE(luhnValid(short_number));
}

TEST(ValidatorsTest, LuhnRejectsMoreThan19Digits) {
  // Longer digit runs are ids or timestamps that pass the checksum one time in ten.
  EXPECT_FALSE(luhnValid(withLuhnDigit(digitsOfLength(19))));
  EXPECT_FALSE(luhnValid(withLuhnDigit(digitsOfLength(30))));
}

TEST(ValidatorsTest, LuhnRejectsEveryWrongCheckDigit) {
  const std::string card = withLuhnDigit("400000123456789");
  for (char digit = '0'; digit <= '9'; ++digit) {
    if (digit == card.back()) continue;
    std::string wrong = card;
    wrong.back() = digit;
    EXPECT_FALSE(luhnValid(wrong)) << wrong;
  }
}

TEST(ValidatorsTest, LuhnRejectsSwappedAdjacentDigits) {
  const std::string card = withLuhnDigit("400000123456789");
  std::string swapped = card;
  std::swap(swapped[10], swapped[11]);  // '5' and '6': Luhn catches this transposition
  ASSERT_NE(swapped, card);
  EXPECT_FALSE(luhnValid(swapped));
}

TEST(ValidatorsTest, LuhnRejectsEmptyAndSeparatorsOnly) {
  EXPECT_FALSE(luhnValid(""));
  EXPECT_FALSE(luhnValid("    "));
  EXPECT_FALSE(luhnValid("- - - -"));
}

TEST(ValidatorsTest, LuhnRejectsOtherCharacters) {
  const std::string card = withLuhnDigit("400000123456789");
  EXPECT_FALSE(luhnValid(card.substr(0, 4) + "." + card.substr(4)));
  EXPECT_FALSE(luhnValid(card.substr(0, 4) + "\t" + card.substr(4)));
  EXPECT_FALSE(luhnValid(card.substr(0, 4) + "/" + card.substr(4)));
  EXPECT_FALSE(luhnValid(card + "x"));
  EXPECT_FALSE(luhnValid("x" + card));
}

// --- IBAN ---------------------------------------------------------------------------------------

TEST(ValidatorsTest, IbanHelperMatchesTheStandardDocumentationExample) {
  // The fictitious example IBAN used throughout ISO 13616 / ECBS documentation.
  EXPECT_EQ(makeIban("GB", "WEST12345698765432"), "GB82WEST12345698765432");
  EXPECT_TRUE(ibanValid("GB82 WEST 1234 5698 7654 32"));
}

TEST(ValidatorsTest, IbanAcceptsComputedIbansForCommonCountries) {
  const std::vector<std::pair<std::string_view, std::string_view>> cases = {
      {"DE", "100200300123456789"},       // 8-digit bank code + 10-digit account
      {"GB", "ABCD12345612345678"},       // bank + sort code + account
      {"FR", "12345678900123456789A12"},  // bank + branch + account (alphanumeric) + key
      {"NL", "ABCD0123456789"},
      {"ES", "12340000120123456789"},
      {"IT", "X0542811101000000123456"},
  };
  for (const auto& [country, bban] : cases) {
    const std::string iban = makeIban(country, bban);
    EXPECT_TRUE(ibanValid(iban)) << iban;
    EXPECT_TRUE(ibanValid(groupsOfFour(iban))) << groupsOfFour(iban);
  }
}

TEST(ValidatorsTest, IbanAcceptsLongestAndShortestFormats) {
  const std::string malta = makeIban("MT", "ABCD123450000000000000ABC12");
  const std::string saint_lucia = makeIban("LC", "ABCD000000000000000012345678");
  const std::string russia = makeIban("RU", "12345678940817000000000012345");
  const std::string norway = makeIban("NO", "12340012345");
  ASSERT_EQ(malta.size(), 31u);
  ASSERT_EQ(saint_lucia.size(), 32u);
  ASSERT_EQ(russia.size(), 33u);
  ASSERT_EQ(norway.size(), 15u);
  EXPECT_TRUE(ibanValid(malta));
  EXPECT_TRUE(ibanValid(saint_lucia));
  EXPECT_TRUE(ibanValid(russia));
  EXPECT_TRUE(ibanValid(norway));
}

TEST(ValidatorsTest, IbanAcceptsLowercaseAndMixedCase) {
  std::string iban = makeIban("GB", "ABCD12345612345678");
  std::string lower = iban;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  EXPECT_TRUE(ibanValid(lower));
  EXPECT_TRUE(ibanValid(groupsOfFour(lower)));
  std::string mixed = iban;
  mixed[0] = 'g';
  mixed[5] = 'b';
  EXPECT_TRUE(ibanValid(mixed));
}

TEST(ValidatorsTest, IbanAcceptsIrregularSpacing) {
  const std::string iban = makeIban("DE", "100200300123456789");
  EXPECT_TRUE(ibanValid(" " + iban.substr(0, 2) + "  " + iban.substr(2) + " "));
}

TEST(ValidatorsTest, IbanAcceptsEveryRegistryCountryAtItsLength) {
  // Independent copy of the SWIFT registry lengths: a typo in either table fails here.
  const std::vector<std::pair<std::string_view, size_t>> registry = {
      {"AD", 24}, {"AE", 23}, {"AL", 28}, {"AT", 20}, {"AZ", 28}, {"BA", 20}, {"BE", 16},
      {"BG", 22}, {"BH", 22}, {"BI", 27}, {"BR", 29}, {"BY", 28}, {"CH", 21}, {"CR", 22},
      {"CY", 28}, {"CZ", 24}, {"DE", 22}, {"DJ", 27}, {"DK", 18}, {"DO", 28}, {"EE", 20},
      {"EG", 29}, {"ES", 24}, {"FI", 18}, {"FK", 18}, {"FO", 18}, {"FR", 27}, {"GB", 22},
      {"GE", 22}, {"GI", 23}, {"GL", 18}, {"GR", 27}, {"GT", 28}, {"HN", 28}, {"HR", 21},
      {"HU", 28}, {"IE", 22}, {"IL", 23}, {"IQ", 23}, {"IS", 26}, {"IT", 27}, {"JO", 30},
      {"KW", 30}, {"KZ", 20}, {"LB", 28}, {"LC", 32}, {"LI", 21}, {"LT", 20}, {"LU", 20},
      {"LV", 21}, {"LY", 25}, {"MC", 27}, {"MD", 24}, {"ME", 22}, {"MK", 19}, {"MN", 20},
      {"MR", 27}, {"MT", 31}, {"MU", 30}, {"NI", 28}, {"NL", 18}, {"NO", 15}, {"OM", 23},
      {"PK", 24}, {"PL", 28}, {"PS", 29}, {"PT", 25}, {"QA", 29}, {"RO", 24}, {"RS", 22},
      {"RU", 33}, {"SA", 24}, {"SC", 31}, {"SD", 18}, {"SE", 24}, {"SI", 19}, {"SK", 24},
      {"SM", 27}, {"SO", 23}, {"ST", 25}, {"SV", 28}, {"TL", 23}, {"TN", 24}, {"TR", 26},
      {"UA", 29}, {"VA", 22}, {"VG", 24}, {"XK", 20}, {"YE", 30},
  };
  EXPECT_EQ(registry.size(), 89u);
  for (const auto& [country, length] : registry) {
    EXPECT_TRUE(ibanValid(makeIban(country, digitsOfLength(length - 4)))) << country;
    // One character too few or too many, with check digits recomputed so only the length is off.
    EXPECT_FALSE(ibanValid(makeIban(country, digitsOfLength(length - 5)))) << country;
    EXPECT_FALSE(ibanValid(makeIban(country, digitsOfLength(length - 3)))) << country;
  }
}

TEST(ValidatorsTest, IbanRejectsWrongLengthForCountry) {
  // A valid 22-character German IBAN shape, but as NL (18) and as FR (27) it is the wrong size.
  EXPECT_FALSE(ibanValid(makeIban("NL", "100200300123456789")));
  EXPECT_FALSE(ibanValid(makeIban("FR", "100200300123456789")));
  EXPECT_FALSE(ibanValid(makeIban("DE", "1002003001234567890")));
  EXPECT_FALSE(ibanValid(makeIban("DE", "10020030012345678")));
}

TEST(ValidatorsTest, IbanRejectsUnknownCountry) {
  // Right checksum and a plausible length, but no IBAN registry entry.
  EXPECT_FALSE(ibanValid(makeIban("US", "100200300123456789")));
  EXPECT_FALSE(ibanValid(makeIban("ZZ", "100200300123456789")));
  EXPECT_FALSE(ibanValid(makeIban("CN", "100200300123456789")));
}

TEST(ValidatorsTest, IbanRejectsWrongCheckDigits) {
  const std::string iban = makeIban("DE", "100200300123456789");
  std::string wrong = iban;
  wrong[3] = wrong[3] == '9' ? '0' : static_cast<char>(wrong[3] + 1);
  EXPECT_FALSE(ibanValid(wrong));
}

TEST(ValidatorsTest, IbanRejectsAlteredBban) {
  const std::string iban = makeIban("DE", "100200300123456789");
  std::string wrong = iban;
  wrong[10] = wrong[10] == '9' ? '0' : static_cast<char>(wrong[10] + 1);
  EXPECT_FALSE(ibanValid(wrong));
  std::string swapped = iban;
  std::swap(swapped[10], swapped[11]);  // '3' and '0'
  ASSERT_NE(swapped, iban);
  EXPECT_FALSE(ibanValid(swapped));
}

TEST(ValidatorsTest, IbanRejectsCheckDigitsTheStandardNeverIssues) {
  // 01 and 99 are congruent to 98 and 02 mod 97, so they pass the arithmetic but not ISO 13616.
  bool found98 = false;
  bool found02 = false;
  for (int suffix = 0; suffix < 10000 && !(found98 && found02); ++suffix) {
    std::string bban = "10020030012345" + std::to_string(10000 + suffix).substr(1);
    const std::string iban = makeIban("DE", bban);
    ASSERT_TRUE(ibanValid(iban)) << iban;
    if (!found98 && iban.substr(2, 2) == "98") {
      found98 = true;
      EXPECT_FALSE(ibanValid("DE01" + bban));
    }
    if (!found02 && iban.substr(2, 2) == "02") {
      found02 = true;
      EXPECT_FALSE(ibanValid("DE99" + bban));
    }
  }
  EXPECT_TRUE(found98 && found02);
}

TEST(ValidatorsTest, IbanRejectsMalformedInput) {
  const std::string iban = makeIban("DE", "100200300123456789");
  EXPECT_FALSE(ibanValid(""));
  EXPECT_FALSE(ibanValid("    "));
  EXPECT_FALSE(ibanValid("DE"));
  EXPECT_FALSE(ibanValid("DE89"));
  EXPECT_FALSE(ibanValid(iban.substr(0, 4) + "-" + iban.substr(4)));  // only spaces are ignored
  EXPECT_FALSE(ibanValid(iban.substr(0, 4) + "\t" + iban.substr(4)));
  EXPECT_FALSE(ibanValid(iban + "."));
  EXPECT_FALSE(ibanValid("1E" + iban.substr(2)));            // country must be letters
  EXPECT_FALSE(ibanValid("DEX9" + iban.substr(4)));          // check digits must be digits
  EXPECT_FALSE(ibanValid(iban + "0123456789012345678901"));  // beyond the 34-character cap
}

// --- US SSN -------------------------------------------------------------------------------------

TEST(ValidatorsTest, UsSsnAcceptsDashedSpacedAndPlainForms) {
  EXPECT_TRUE(usSsnValid("512-34-7780"));
  EXPECT_TRUE(usSsnValid("512 34 7780"));
  EXPECT_TRUE(usSsnValid("512347780"));
}

TEST(ValidatorsTest, UsSsnAcceptsBoundaryValues) {
  EXPECT_TRUE(usSsnValid("001-01-0001"));
  EXPECT_TRUE(usSsnValid("665-12-3457"));
  EXPECT_TRUE(usSsnValid("667-12-3457"));
  EXPECT_TRUE(usSsnValid("899-99-9998"));
}

TEST(ValidatorsTest, UsSsnRejectsNeverIssuedAreas) {
  EXPECT_FALSE(usSsnValid("000-12-3457"));
  EXPECT_FALSE(usSsnValid("666-12-3457"));
  EXPECT_FALSE(usSsnValid("900-12-3457"));
  EXPECT_FALSE(usSsnValid("987-12-3457"));
  EXPECT_FALSE(usSsnValid("999-12-3457"));
}

TEST(ValidatorsTest, UsSsnRejectsZeroGroupOrSerial) {
  EXPECT_FALSE(usSsnValid("512-00-7780"));
  EXPECT_FALSE(usSsnValid("512-34-0000"));
  EXPECT_FALSE(usSsnValid("512000000"));
}

TEST(ValidatorsTest, UsSsnRejectsPlaceholderNumbers) {
  EXPECT_FALSE(usSsnValid("111-11-1111"));
  EXPECT_FALSE(usSsnValid("222 22 2222"));
  EXPECT_FALSE(usSsnValid("555555555"));
  EXPECT_FALSE(usSsnValid("078-05-1120"));
  EXPECT_FALSE(usSsnValid("078051120"));
  EXPECT_FALSE(usSsnValid("219-09-9999"));
  EXPECT_FALSE(usSsnValid("123-45-6789"));
  EXPECT_FALSE(usSsnValid("123 45 6789"));
}

TEST(ValidatorsTest, UsSsnRejectsOtherShapes) {
  EXPECT_FALSE(usSsnValid(""));
  EXPECT_FALSE(usSsnValid("--"));
  EXPECT_FALSE(usSsnValid("512-34 7780"));    // mixed separators
  EXPECT_FALSE(usSsnValid("512.34.7780"));
  EXPECT_FALSE(usSsnValid("5123-4-7780"));    // wrong grouping
  EXPECT_FALSE(usSsnValid("51234778"));       // 8 digits
  EXPECT_FALSE(usSsnValid("5123477801"));     // 10 digits
  EXPECT_FALSE(usSsnValid("512-34-778O"));    // letter O
  EXPECT_FALSE(usSsnValid(" 512-34-7780"));
}

// --- Phone --------------------------------------------------------------------------------------
// Numbers below come from ranges reserved for fiction (NANP 555-01xx, UK 020 7946 0xxx,
// France 01 99 00, Australia 02 5550) or are made up.

TEST(ValidatorsTest, PhoneAcceptsInternationalForms) {
  EXPECT_TRUE(phoneFormatValid("(078) 123-4567"));
  EXPECT_TRUE(phoneFormatValid("+1 (118) 069-7392"));
  EXPECT_FALSE(phoneValid("(118) 069-7392"));
  EXPECT_TRUE(phoneFormatValid("(118) 069-7392"));
  EXPECT_FALSE(phoneFormatValid("+1 (118) 069-739"));   // NANP numbers have ten digits
  EXPECT_FALSE(phoneFormatValid("+999 1234 5678"));     // no such calling code
  EXPECT_FALSE(phoneFormatValid("+1500"));
  EXPECT_TRUE(phoneValid("+1 202-555-0143"));
  EXPECT_TRUE(phoneValid("+1 (202) 555-0143"));
  EXPECT_TRUE(phoneValid("+44 20 7946 0958"));
  EXPECT_TRUE(phoneValid("+442079460958"));
  EXPECT_TRUE(phoneValid("(+44) 20 7946 0958"));
  EXPECT_TRUE(phoneValid("+33 1 99 00 12 34"));
  EXPECT_TRUE(phoneValid("+61 2 5550 1234"));
  EXPECT_TRUE(phoneValid("+352 661 234 580"));  // three-digit calling code
  EXPECT_TRUE(phoneValid("+7 912 345 67 80"));  // one-digit calling code other than NANP
}

TEST(ValidatorsTest, PhoneAcceptsDoubleZeroInternationalPrefix) {
  EXPECT_TRUE(phoneValid("0044 20 7946 0958"));
  EXPECT_TRUE(phoneValid("00 1 202 555 0143"));
}

TEST(ValidatorsTest, PhoneAcceptsNanpNationalForms) {
  EXPECT_TRUE(phoneValid("(202) 555-0143"));
  EXPECT_TRUE(phoneValid("202.555.0143"));
  EXPECT_TRUE(phoneValid("202-555-0143"));
  EXPECT_TRUE(phoneValid("2025550143"));
  EXPECT_TRUE(phoneValid("1-202-555-0143"));
}

TEST(ValidatorsTest, PhoneAcceptsTrunkPrefixedNationalForms) {
  EXPECT_TRUE(phoneValid("020 7946 0958"));   // 11 digits, UK
  EXPECT_TRUE(phoneValid("01 99 00 12 34"));  // 10 digits, France
  EXPECT_TRUE(phoneValid("(02) 5550 1234"));  // 10 digits, Australia
}

TEST(ValidatorsTest, PhoneAcceptsElevenDigitNationalFormWithoutTrunkPrefix) {
  EXPECT_TRUE(phoneValid("21 98765-4320"));
}

TEST(ValidatorsTest, PhoneRejectsNanpAreaCodeOrExchangeStartingWithZeroOrOne) {
  EXPECT_FALSE(phoneValid("(102) 555-0143"));
  EXPECT_FALSE(phoneValid("(202) 155-0143"));
  EXPECT_FALSE(phoneValid("(202) 055-0143"));
  EXPECT_FALSE(phoneValid("+1 102 555 0143"));
  EXPECT_FALSE(phoneValid("+1 202 155 0143"));
}

TEST(ValidatorsTest, PhoneRejectsNanpNumberOfWrongLength) {
  EXPECT_FALSE(phoneValid("+1 202 555 014"));
  EXPECT_FALSE(phoneValid("+1 202 555 01432"));
}

TEST(ValidatorsTest, PhoneRejectsUnassignedCountryCallingCode) {
  EXPECT_FALSE(phoneValid("+999 1234 5680"));
  EXPECT_FALSE(phoneValid("+28 1234 5680"));
  EXPECT_FALSE(phoneValid("+388 1234 5680"));
  EXPECT_FALSE(phoneValid("+0 1234 5680"));
  EXPECT_FALSE(phoneValid("+00 44 20 7946 0958"));
  EXPECT_FALSE(phoneValid("00999 1234 5680"));
}

TEST(ValidatorsTest, PhoneRejectsTooFewOrTooManyDigits) {
  EXPECT_FALSE(phoneValid("+44 12"));
  EXPECT_FALSE(phoneValid("+44 2079"));
  EXPECT_FALSE(phoneValid("+44 1234 5680 9012 34"));  // 16 digits
  EXPECT_FALSE(phoneValid("555-0143"));               // national needs 10 or 11 digits
  EXPECT_FALSE(phoneValid("202 555 01"));
  EXPECT_FALSE(phoneValid("020 7946 09580"));
}

TEST(ValidatorsTest, PhoneRejectsAllSameDigit) {
  EXPECT_FALSE(phoneValid("(222) 222-2222"));
  EXPECT_FALSE(phoneValid("0000000000"));
  EXPECT_FALSE(phoneValid("+44 4444 444444"));
  EXPECT_FALSE(phoneValid("+44 0000 000000"));
}

TEST(ValidatorsTest, PhoneRejectsDigitRuns) {
  EXPECT_FALSE(phoneValid("123-456-7890"));
  EXPECT_FALSE(phoneValid("987-654-3210"));
  EXPECT_FALSE(phoneValid("0123456789"));
  EXPECT_FALSE(phoneValid("+1 234 567 8901"));
  EXPECT_FALSE(phoneValid("+44 2345678901"));
}

TEST(ValidatorsTest, PhoneRejectsOtherCharactersAndMisplacedPunctuation) {
  EXPECT_FALSE(phoneValid(""));
  EXPECT_FALSE(phoneValid(" - . "));
  EXPECT_FALSE(phoneValid("()"));
  EXPECT_FALSE(phoneValid("202-555-01ab"));
  EXPECT_FALSE(phoneValid("1-800-FLOWERS"));
  EXPECT_FALSE(phoneValid("202/555/0143"));
  EXPECT_FALSE(phoneValid("202_555_0143"));
  EXPECT_FALSE(phoneValid("202+555-0143"));
  EXPECT_FALSE(phoneValid("++44 20 7946 0958"));
  EXPECT_FALSE(phoneValid("(202 555-0143"));
  EXPECT_FALSE(phoneValid("202) 555-0143"));
  EXPECT_FALSE(phoneValid("((202)) 555-0143"));
}

// --- IPv4 ---------------------------------------------------------------------------------------

TEST(ValidatorsTest, Ipv4AcceptsDottedQuads) {
  EXPECT_TRUE(ipv4Valid("192.168.1.1"));
  EXPECT_TRUE(ipv4Valid("10.0.0.255"));
  EXPECT_TRUE(ipv4Valid("255.255.255.255"));
  EXPECT_TRUE(ipv4Valid("0.0.0.1"));
  EXPECT_TRUE(ipv4Valid("203.0.113.7"));
}

TEST(ValidatorsTest, Ipv4AcceptsVersionLikeStrings) {
  // Telling "1.2.3.4" the version from 1.2.3.4 the address needs context, which is the rule's job.
  EXPECT_TRUE(ipv4Valid("1.2.3.4"));
}

TEST(ValidatorsTest, Ipv4RejectsUnspecifiedAddress) { EXPECT_FALSE(ipv4Valid("0.0.0.0")); }

TEST(ValidatorsTest, Ipv4RejectsOctetAbove255) {
  EXPECT_FALSE(ipv4Valid("256.1.1.1"));
  EXPECT_FALSE(ipv4Valid("1.1.1.300"));
  EXPECT_FALSE(ipv4Valid("1234.1.1.1"));
}

TEST(ValidatorsTest, Ipv4RejectsLeadingZeros) {
  EXPECT_FALSE(ipv4Valid("01.2.3.4"));
  EXPECT_FALSE(ipv4Valid("1.2.3.010"));
  EXPECT_FALSE(ipv4Valid("00.1.1.1"));
}

TEST(ValidatorsTest, Ipv4RejectsWrongShape) {
  EXPECT_FALSE(ipv4Valid(""));
  EXPECT_FALSE(ipv4Valid("..."));
  EXPECT_FALSE(ipv4Valid("1.2.3"));
  EXPECT_FALSE(ipv4Valid("1.2.3.4.5"));
  EXPECT_FALSE(ipv4Valid("1..2.3"));
  EXPECT_FALSE(ipv4Valid("1.2.3.4."));
  EXPECT_FALSE(ipv4Valid(".1.2.3.4"));
  EXPECT_FALSE(ipv4Valid(" 1.2.3.4"));
  EXPECT_FALSE(ipv4Valid("1.2.3.4 "));
  EXPECT_FALSE(ipv4Valid("a.b.c.d"));
  EXPECT_FALSE(ipv4Valid("1.2.3.-4"));
  EXPECT_FALSE(ipv4Valid("1.2.3.4/24"));
}

// --- Entropy ------------------------------------------------------------------------------------

TEST(ValidatorsTest, EntropyOfRepeatedByteIsZero) {
  EXPECT_DOUBLE_EQ(shannonEntropy("aaaa"), 0.0);
  EXPECT_DOUBLE_EQ(shannonEntropy("a"), 0.0);
}

TEST(ValidatorsTest, EntropyOfEmptyInputIsZero) { EXPECT_DOUBLE_EQ(shannonEntropy(""), 0.0); }

TEST(ValidatorsTest, EntropyOfEquallyFrequentBytesIsLog2OfTheirCount) {
  EXPECT_DOUBLE_EQ(shannonEntropy("ab"), 1.0);
  EXPECT_DOUBLE_EQ(shannonEntropy("aabb"), 1.0);
  EXPECT_DOUBLE_EQ(shannonEntropy("abcd"), 2.0);
  EXPECT_DOUBLE_EQ(shannonEntropy("0123456789abcdef"), 4.0);
  std::string all_bytes;
  for (int b = 0; b < 256; ++b) all_bytes += static_cast<char>(b);
  EXPECT_DOUBLE_EQ(shannonEntropy(all_bytes), 8.0);
}

TEST(ValidatorsTest, EntropyWeighsByFrequency) {
  const double expected = -(0.75 * std::log2(0.75) + 0.25 * std::log2(0.25));
  EXPECT_NEAR(shannonEntropy("aaab"), expected, 1e-12);
  EXPECT_NEAR(shannonEntropy("aaab"), 0.811278, 1e-6);
}

TEST(ValidatorsTest, EntropyCountsBytesNotCharacters) {
  // "é" is two UTF-8 bytes, 0xC3 0xA9: two distinct bytes, one bit per byte.
  EXPECT_DOUBLE_EQ(shannonEntropy("\xC3\xA9"), 1.0);
}

TEST(ValidatorsTest, EntropyAtLeastIncludesTheExactThreshold) {
  EXPECT_TRUE(entropyAtLeast("0123456789abcdef", 4.0));
  EXPECT_FALSE(entropyAtLeast("0123456789abcdef", 4.01));
  EXPECT_TRUE(entropyAtLeast("aaaa", 0.0));
  EXPECT_FALSE(entropyAtLeast("aaaa", 0.1));
}

TEST(ValidatorsTest, EntropyAtLeastSeparatesTokensFromWords) {
  EXPECT_TRUE(entropyAtLeast("q7Vx2LpR9mZt4KwB8nYc3HdF", 3.5));
  EXPECT_FALSE(entropyAtLeast("passwordpassword", 3.5));
  EXPECT_FALSE(entropyAtLeast("changeme", 3.5));
}

// --- parseValidator -----------------------------------------------------------------------------

TEST(ValidatorsTest, ParseAcceptsEveryPlainName) {
  for (const std::string_view name : {"luhn", "iban", "us-ssn", "phone", "ipv4"}) {
    std::string error;
    const std::optional<Validator> validator = parseValidator(name, &error);
    ASSERT_TRUE(validator.has_value()) << name << ": " << error;
    EXPECT_EQ(validator->name, name);
    EXPECT_NE(validator->check, nullptr);
    EXPECT_TRUE(error.empty());
  }
}

TEST(ValidatorsTest, ParsedValidatorsRunTheirCheck) {
  const std::string card = withLuhnDigit("400000123456789");
  EXPECT_TRUE((*parseValidator("luhn", nullptr))(card));
  EXPECT_FALSE((*parseValidator("luhn", nullptr))("1234"));
  EXPECT_TRUE((*parseValidator("iban", nullptr))(makeIban("NL", "ABCD0123456789")));
  EXPECT_FALSE((*parseValidator("iban", nullptr))("NL00ABCD0123456789"));
  EXPECT_TRUE((*parseValidator("us-ssn", nullptr))("512-34-7780"));
  EXPECT_FALSE((*parseValidator("us-ssn", nullptr))("666-34-7780"));
  EXPECT_TRUE((*parseValidator("phone", nullptr))("+44 20 7946 0958"));
  EXPECT_FALSE((*parseValidator("phone", nullptr))("123-456-7890"));
  EXPECT_TRUE((*parseValidator("ipv4", nullptr))("10.1.2.3"));
  EXPECT_FALSE((*parseValidator("ipv4", nullptr))("10.1.2.256"));
}

TEST(ValidatorsTest, ParseAcceptsEntropyWithMinimum) {
  std::string error;
  const std::optional<Validator> validator = parseValidator("entropy(3.5)", &error);
  ASSERT_TRUE(validator.has_value()) << error;
  EXPECT_EQ(validator->name, "entropy(3.5)");
  EXPECT_DOUBLE_EQ(validator->parameter, 3.5);
  EXPECT_TRUE((*validator)("q7Vx2LpR9mZt4KwB8nYc3HdF"));
  EXPECT_FALSE((*validator)("passwordpassword"));
}

TEST(ValidatorsTest, ParseAcceptsEntropyIntegerAndBlanks) {
  const std::optional<Validator> integer = parseValidator("entropy(4)", nullptr);
  ASSERT_TRUE(integer.has_value());
  EXPECT_DOUBLE_EQ(integer->parameter, 4.0);
  EXPECT_TRUE((*integer)("0123456789abcdef"));

  const std::optional<Validator> spaced = parseValidator("  entropy( 2.25 ) ", nullptr);
  ASSERT_TRUE(spaced.has_value());
  EXPECT_DOUBLE_EQ(spaced->parameter, 2.25);
  EXPECT_EQ(spaced->name, "entropy( 2.25 )");

  EXPECT_TRUE(parseValidator("entropy(0)", nullptr).has_value());
  EXPECT_TRUE(parseValidator("entropy(8)", nullptr).has_value());
}

TEST(ValidatorsTest, ParseTrimsBlanksAroundPlainNames) {
  const std::optional<Validator> validator = parseValidator("  luhn ", nullptr);
  ASSERT_TRUE(validator.has_value());
  EXPECT_EQ(validator->name, "luhn");
}

void expectParseError(std::string_view spec, std::string_view expected_fragment = {}) {
  std::string error;
  EXPECT_FALSE(parseValidator(spec, &error).has_value()) << spec;
  EXPECT_NE(error.find(std::string(spec.empty() ? "''" : spec)), std::string::npos)
      << "error should name the spec: " << error;
  for (const std::string_view name : validatorNames()) {
    EXPECT_NE(error.find(name), std::string::npos) << "error should list " << name << ": " << error;
  }
  if (!expected_fragment.empty()) {
    EXPECT_NE(error.find(expected_fragment), std::string::npos) << error;
  }
}

TEST(ValidatorsTest, ParseRejectsUnknownNameAndListsAllowedOnes) {
  expectParseError("luhnx", "unknown validator");
  expectParseError("credit-card", "unknown validator");
  expectParseError("LUHN", "unknown validator");
  expectParseError("entropyx", "unknown validator");
  expectParseError("", "empty");
}

TEST(ValidatorsTest, ParseRejectsEntropyWithoutParameter) {
  expectParseError("entropy", "bits per byte");
  expectParseError("entropy()", "bits per byte");
  expectParseError("entropy( )", "bits per byte");
}

TEST(ValidatorsTest, ParseRejectsEntropyWithBadNumber) {
  expectParseError("entropy(", "')'");
  expectParseError("entropy(3.5", "')'");
  expectParseError("entropy(abc)", "not a number");
  expectParseError("entropy(3.5x)", "not a number");
  expectParseError("entropy(3,5)", "not a number");
  expectParseError("entropy(nan)", "not a number");
  expectParseError("entropy(inf)", "not a number");
  expectParseError("entropy(3.5))", "not a number");
}

TEST(ValidatorsTest, ParseRejectsEntropyOutsideZeroToEightBits) {
  expectParseError("entropy(-1)", "between 0 and 8");
  expectParseError("entropy(8.5)", "between 0 and 8");
  expectParseError("entropy(1e3)", "between 0 and 8");
}

TEST(ValidatorsTest, ParseRejectsParameterOnPlainValidator) {
  expectParseError("luhn(3)", "no parameter");
  expectParseError("ipv4()", "no parameter");
}

TEST(ValidatorsTest, ParseToleratesNullErrorPointer) {
  EXPECT_FALSE(parseValidator("nope", nullptr).has_value());
}

TEST(ValidatorsTest, ValidatorNamesListsEveryAcceptedForm) {
  const std::vector<std::string_view>& names = validatorNames();
  EXPECT_EQ(names, (std::vector<std::string_view>{"email", "luhn", "iban", "us-ssn", "phone", "phone-format",
                                                  "ipv4", "not-placeholder", "holds-credential", "random-token", "encoded-credentials", "entropy(N)"}));
  for (const std::string_view name : names) {
    if (name == "entropy(N)") continue;
    EXPECT_TRUE(parseValidator(name, nullptr).has_value()) << name;
  }
}

}  // namespace
}  // namespace veil::core

namespace veil::core {
namespace {

TEST(ValidatorsTest, EmailRejectsUnitAndFileSuffixes) {
  EXPECT_TRUE(emailDomainPlausible("alice@example.com"));
  EXPECT_TRUE(emailDomainPlausible("x@duza.ninja"));
  EXPECT_TRUE(emailDomainPlausible("x@Example.ORG"));
  EXPECT_FALSE(emailDomainPlausible("getty@tty1.service"));
  EXPECT_FALSE(emailDomainPlausible("user@1000.Service"));
  EXPECT_FALSE(emailDomainPlausible("dump@host.tar"));
  EXPECT_FALSE(emailDomainPlausible("no-at-sign.com"));
  EXPECT_FALSE(emailDomainPlausible("a@b.c"));
}

}  // namespace
}  // namespace veil::core

namespace veil::core {
namespace {

TEST(PlaceholdersTest, TemplatesVariablesMasksAndStateWordsHoldNoSecret) {
  for (const char* value : {"", "********", "xxxx", "${DB_PASSWORD}", "$API_TOKEN", "{{ .Values.db.password }}", "{{ .Values.db.password }",
                            "<your-api-key>", "%(secret)s", "%API_KEY%", "%s", "?", ":password", "{password}",
                            "{db.password}", "env:DB_PASSWORD", "Bearer ${TOKEN}", "[REDACTED]", "(empty)",
                            "None", "null", "undefined", "REDACTED", "[hidden]", "required", "missing",
                            "publickey", "granted", "n/a", "disabled", "%(password)s,", "$(cat", "vault:secret/data/db#password",
                            "***REMOVED***", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db", "$1", "$12",
                            "${DB_PASSWORD},user=bob", "/var/www", "basic", "Bearer", "/run/secrets/db", "$(cat /run/secrets/db)",
                            "./pw.txt", "../secrets/db.env", "~/.ssh/id_ed25519", "oauth2", "LDAP", "kerberos", "[]", "()"}) {
    EXPECT_TRUE(holdsNoSecret(value)) << value;
  }
}

TEST(PlaceholdersTest, ConnectionStringsHoldACredentialOnlyWithAPasswordKeyOrToken) {
  for (const char* value : {"postgres://app:Synth3tic@db:5432/orders", "redis://:Zx8Lm2Qp@cache:6379/0",
                            "https://0123456789abcdef0123456789abcdef@o1.ingest.sentry.io/2",
                            "Server=db;User Id=a;Password=Xk9mP2qL;", "host=db user=app password=Xk9mP2qL",
                            "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=Zx8Lm2Qp7Rt4==",
                            "https://a.blob.core.windows.net/c?sv=2022-11-02&sig=Zx8Lm2Qp7Rt4%3D",
                            "postgres://app:Xk9/mP2+qL7ZtR4w@db01:5432/app", "Server=db01;Uid=sa;Pwd={Summer-Breeze};",
                            "mongodb://h/?authMechanism=MONGODB-AWS&authMechanismProperties=AWS_SESSION_TOKEN:FQoGZXIvYXdzEJr"}) {
    EXPECT_TRUE(holdsCredential(value)) << value;
  }
  for (const char* value : {"postgres://orders-db:5432/orders?sslmode=require", "postgres://svc:****@db/orders",
                            "amqp://guest:**@rabbitmq:5672//", "mongodb://mongo-0:27017,mongo-1:27017/?replicaSet=rs0",
                            "postgres://app@db/orders", "Server=db;Integrated Security=true", "Password=;Server=db",
                            "postgres://app:${DB_PASSWORD}@db/orders", ""}) {
    EXPECT_FALSE(holdsCredential(value)) << value;
  }
}

TEST(ValidatorsTest, RandomTokensAreGeneratedKeysNotWordsIdsOrShortHex) {
  for (const char* value : {"01d7a20165dd947d3a213b5dcbd61160", "4ocnI15hr9s894ERmxonxsir1mHxFZGE",
                            "qB9b253mjUcX7ntkchHdAEqI8xBcGSzVfEvfXct6/XkgQj1yRN8K2XCGOZBsMZ00AC2hq0BO00g8hnh1pjDayg==",
                            "Zx8Lm2Qp7Rt4_Vw1-Yk3Nb5"}) {
    EXPECT_TRUE(randomToken(value)) << value;
  }
  for (const char* value : {"86d1c73e-e778-4178-aed0-a355fc37af43", "3ef86dcfaea21818b904ce60", "user:1234:profile",
                            "com.example.payments.signing", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1", "ThisIsJustALongCamelCaseName",
                            "Zx8Lm2Qp7Rt4", "12345678901234567890123"}) {
    EXPECT_FALSE(randomToken(value)) << value;
  }
}

TEST(PlaceholdersTest, ValuesThatOnlyStartLikeAPlaceholderAreSecrets) {
  for (const char* value : {"$ecretPa55word", "$token", "{IMs0KHezXVIILx", "{pass word}", ":8080x!", "Zx8Lm2Qp7Rt4",
                            "hunter2", "changeme", "Bearer abc.def", "env:", "%sx", "*secret*", "requiredX123",
                            "{Xk9mP2qL7vR4}", "**Xk9mP2qL7vR4**", "**hunter2**", "$(Xk9mP2qL7vR4", ":Xk9mP2q",
                            "vault:Xk9mP2qL7", "ref+Xk9mP2qL7", "/x8Kq+Lm2=", "$1abc", "./x8K q", "../", "~/x8K!q",
                            "oauth2x9Kq"}) {
    EXPECT_FALSE(holdsNoSecret(value)) << value;
  }
  auto validator = parseValidator("not-placeholder", nullptr);
  ASSERT_TRUE(validator);
  EXPECT_TRUE((*validator)("Zx8Lm2Qp7Rt4"));
  EXPECT_FALSE((*validator)("${DB_PASSWORD}"));
}

}  // namespace
}  // namespace veil::core

namespace veil::core {
namespace {

TEST(EncodedCredentialsTest, BasicPairsAndSaslPlainPass) {
  EXPECT_TRUE(encodedCredentials("ZGVwbG95OkhhcmJvcl41NlN5bnRo"));          // deploy:Harbor^56Synth
  EXPECT_TRUE(encodedCredentials("YWRtaW5AZXhhbXBsZTpTeW50aC1Qdy03Nw=="));  // admin@example:Synth-Pw-77
  EXPECT_TRUE(encodedCredentials("YWRtaW5AZXhhbXBsZTpTeW50aC1Qdy03Nw"));    // padding left off
  EXPECT_TRUE(encodedCredentials("AG9wcwBHYWxlLVRlcm4tODg0MQ=="));          // \0ops\0Gale-Tern-8841
}

TEST(EncodedCredentialsTest, AnythingElseFails) {
  EXPECT_FALSE(encodedCredentials("UGFzc3dvcmQ6"));      // "Password:": nothing after the colon
  EXPECT_FALSE(encodedCredentials("aGVsbG8gd29ybGQ="));  // "hello world": no separator
  EXPECT_FALSE(encodedCredentials("OnB3"));              // ":pw": no user
  EXPECT_FALSE(encodedCredentials("AG9wcwA="));          // "\0ops\0": no password
  EXPECT_FALSE(encodedCredentials("AAAA"));              // NUL bytes only
  EXPECT_FALSE(encodedCredentials("/9j/4AAQSkZJRg=="));  // binary (a JPEG header)
  EXPECT_FALSE(encodedCredentials("abc$def"));
  EXPECT_FALSE(encodedCredentials("abcde"));             // 5 characters decode to no whole bytes
  EXPECT_FALSE(encodedCredentials(std::string(2000, 'Q')));
}

}  // namespace
}  // namespace veil::core
