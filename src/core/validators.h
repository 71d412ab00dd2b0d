#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace veil::core {

// A post-match check on the secret part of a match: a match that fails is not redacted.
// Regexes alone flag every long digit run as a card number and every dotted quad as an
// address; a checksum or plausibility test removes most of those false positives.
// Validators are pure functions of their input; thread-safe; noexcept; never allocate.
struct Validator {
  using Check = bool (*)(std::string_view candidate, double parameter) noexcept;
  std::string name;        // as written in the rule pack, e.g. "luhn" or "entropy(3.5)"
  Check check = nullptr;
  double parameter = 0;    // e.g. minimum bits per byte for entropy
  bool operator()(std::string_view candidate) const noexcept { return check(candidate, parameter); }
};

// Parses a validator spec from a rule pack: "luhn", "iban", "us-ssn", "phone", "ipv4", "entropy(3.5)".
// Returns nullopt and sets *error to a message naming the bad spec and listing the allowed names.
// Surrounding blanks are ignored; names are case-sensitive. The entropy minimum must be a number
// in [0, 8], since a byte never carries more than 8 bits.
std::optional<Validator> parseValidator(std::string_view spec, std::string* error);

// Names accepted by parseValidator, for error messages and docs ("entropy(N)" stands for the
// parameterised form).
const std::vector<std::string_view>& validatorNames();

// The individual checks, exposed for tests and for direct use:

// Ignores ' ' and '-'; needs 12..19 digits (the ISO/IEC 7812 card number lengths); any other
// non-digit -> false.
bool luhnValid(std::string_view digits_with_separators) noexcept;

// Ignores spaces; country code known (full SWIFT IBAN registry country list with their lengths),
// exact length, mod-97 == 1, case-insensitive letters. Check digits 00, 01 and 99 are rejected:
// ISO 13616 never issues them, though 01 and 99 can satisfy mod-97.
bool ibanValid(std::string_view iban) noexcept;

// AAA-GG-SSSS or AAA GG SSSS or 9 digits; rejects area 000, 666, 900-999, group 00, serial 0000;
// also rejects all-same-digit like 111-11-1111 and the well-known advertising numbers
// 078-05-1120 and 219-09-9999, and 123-45-6789.
bool usSsnValid(std::string_view ssn) noexcept;

// Digits after stripping + ( ) . - space; '+' only before the first digit, parentheses balanced
// and not nested. With leading + or 00 the country calling code must be a real one (ITU list),
// and 7..15 digits follow the prefix (E.164); +1 numbers must be 10-digit NANP numbers.
// National form (no + or 00): 10 digits not starting with 0 must be NANP (area code and exchange
// not starting 0/1); 10 digits starting with a trunk 0, or 11 digits, pass otherwise.
// Rejects all-same-digit numbers and runs like 1234567890 or 9876543210.
bool phoneValid(std::string_view phone) noexcept;
// phoneValid without the NANP area-code and exchange rules: for numbers whose writing already
// says phone (`+1 …`, `(415) 555-…`), where a made-up area code is still someone's number.
bool phoneFormatValid(std::string_view phone) noexcept;

// Dotted quad, each octet 0..255 without leading zeros beyond "0", not 0.0.0.0; (version-like
// 1.2.3.4 strings still pass: context is the rule's job).
bool ipv4Valid(std::string_view ip) noexcept;
// The top-level domain of an e-mail address is not a file or systemd unit suffix
// (`getty@tty1.service`, `dump@host.tar`).
bool emailDomainPlausible(std::string_view address) noexcept;

// Whether base64 `encoded` (padding optional) decodes to a credential pair: `user:password` as
// HTTP Basic sends it, or `[authzid]\0user\0password` as SASL PLAIN does; printable ASCII
// around the separators, both sides non-empty. Decodes into a fixed buffer (up to 768 bytes).
bool encodedCredentials(std::string_view encoded) noexcept;

// Bits per byte, 0 for empty input.
double shannonEntropy(std::string_view bytes) noexcept;

bool entropyAtLeast(std::string_view bytes, double min_bits_per_byte) noexcept;

// Whether `value` reads as a generated key rather than a word, id or hash: 20 to 512 base64
// (also percent-encoded), base64url or hex characters with letters and digits, at least 3 bits of entropy per byte;
// not a UUID, no dots (names, versions, JWTs have rules of their own), hex only from 32 digits.
bool randomToken(std::string_view value) noexcept;

}  // namespace veil::core
