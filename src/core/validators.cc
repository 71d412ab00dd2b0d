#include "core/validators.h"

#include "core/placeholders.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <system_error>

namespace veil::core {

bool encodedCredentials(std::string_view encoded) noexcept {
  while (!encoded.empty() && encoded.back() == '=') encoded.remove_suffix(1);
  if (encoded.size() < 4 || encoded.size() > 1024 || encoded.size() % 4 == 1) return false;
  unsigned char decoded[768];
  size_t length = 0;
  uint32_t bits = 0;
  int pending = 0;
  for (char c : encoded) {
    int value = -1;
    if (c >= 'A' && c <= 'Z') value = c - 'A';
    else if (c >= 'a' && c <= 'z') value = c - 'a' + 26;
    else if (c >= '0' && c <= '9') value = c - '0' + 52;
    else if (c == '+') value = 62;
    else if (c == '/') value = 63;
    if (value < 0) return false;
    bits = (bits << 6) | static_cast<uint32_t>(value);
    pending += 6;
    if (pending >= 8) {
      pending -= 8;
      decoded[length++] = static_cast<unsigned char>((bits >> pending) & 0xff);
    }
  }
  size_t nuls = 0, colon = 0, first_nul = 0, second_nul = 0;
  for (size_t i = 0; i < length; ++i) {
    const unsigned char c = decoded[i];
    if (c == 0) {
      if (++nuls == 1) first_nul = i;
      else second_nul = i;
    } else if (c < 0x20 || c > 0x7e) {
      return false;
    } else if (c == ':' && colon == 0) {
      colon = i + 1;  // one past, so that 0 means none
    }
  }
  if (nuls == 0) return colon > 1 && colon < length;  // user:password
  // SASL PLAIN: authzid (may be empty) NUL authcid NUL password.
  return nuls == 2 && second_nul > first_nul + 1 && second_nul + 1 < length;
}

namespace {

constexpr bool isDigit(char c) noexcept { return c >= '0' && c <= '9'; }
constexpr bool isUpper(char c) noexcept { return c >= 'A' && c <= 'Z'; }
constexpr bool isLower(char c) noexcept { return c >= 'a' && c <= 'z'; }
constexpr char toUpper(char c) noexcept {
  return isLower(c) ? static_cast<char>(c - 'a' + 'A') : c;
}
constexpr int digitValue(char c) noexcept { return c - '0'; }

bool isHexDigit(char c) noexcept { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// 8-4-4-4-12 hex digits.
bool isUuid(std::string_view text) noexcept {
  if (text.size() != 36) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? text[i] != '-' : !isHexDigit(text[i])) return false;
  }
  return true;
}

// --- Luhn ---------------------------------------------------------------------------------------

// ISO/IEC 7812 primary account numbers are 12..19 digits; longer digit runs are ids, not cards,
// and one in ten of them would pass the checksum by chance.
constexpr size_t kMinCardDigits = 12;
constexpr size_t kMaxCardDigits = 19;

// --- IBAN ---------------------------------------------------------------------------------------

struct IbanCountry {
  std::string_view code;
  uint8_t length;
};

// Every country in the SWIFT IBAN registry (as of 2025, Yemen the latest) with its IBAN length.
// Countries that only use IBAN-like numbers outside the registry are left out on purpose: their
// "IBANs" have no fixed length to check. Sorted by code for binary search.
constexpr std::array<IbanCountry, 89> kIbanCountries = {{
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
}};

constexpr bool ibanCountryBefore(const IbanCountry& a, const IbanCountry& b) {
  return a.code < b.code;
}
static_assert(std::is_sorted(kIbanCountries.begin(), kIbanCountries.end(), ibanCountryBefore),
              "kIbanCountries must stay sorted for binary search");

// ISO 13616 caps every IBAN at 34 characters, so a fixed buffer holds any candidate.
constexpr size_t kMaxIbanLength = 34;

size_t ibanLengthFor(std::string_view country) noexcept {
  const auto it = std::lower_bound(
      kIbanCountries.begin(), kIbanCountries.end(), country,
      [](const IbanCountry& entry, std::string_view code) { return entry.code < code; });
  return it != kIbanCountries.end() && it->code == country ? it->length : 0;
}

// --- US SSN -------------------------------------------------------------------------------------

// Numbers printed in advertising or samples, seen in logs far more often than as anyone's SSN:
// 078-05-1120 (the 1938 Woolworth wallet card), 219-09-9999 (a 1940 SSA pamphlet) and the
// placeholder 123-45-6789.
constexpr std::array<std::string_view, 3> kKnownFakeSsns = {"078051120", "219099999", "123456789"};

// --- Phone --------------------------------------------------------------------------------------

// E.164 caps an international number (country code included) at 15 digits; below 7 nothing
// dialable remains after the country code.
constexpr size_t kMinPhoneDigits = 7;
constexpr size_t kMaxPhoneDigits = 15;
constexpr size_t kNanpDigits = 10;

// Country calling codes assigned by the ITU (E.164 list of assigned country codes, including
// Kazakhstan's 997 and the global services 800, 808, 870, 878, 881-883, 888, 979). Spare and
// withdrawn codes (e.g. 388, 991) are left out. The set is prefix-free by design of E.164, which
// the static_assert below keeps true, so at most one prefix of a number can match.
constexpr std::array<uint16_t, 217> kCallingCodes = {{
    1,   7,   20,  27,  30,  31,  32,  33,  34,  36,  39,  40,  41,  43,  44,  45,  46,  47,
    48,  49,  51,  52,  53,  54,  55,  56,  57,  58,  60,  61,  62,  63,  64,  65,  66,  81,
    82,  84,  86,  90,  91,  92,  93,  94,  95,  98,  211, 212, 213, 216, 218, 220, 221, 222,
    223, 224, 225, 226, 227, 228, 229, 230, 231, 232, 233, 234, 235, 236, 237, 238, 239, 240,
    241, 242, 243, 244, 245, 246, 247, 248, 249, 250, 251, 252, 253, 254, 255, 256, 257, 258,
    260, 261, 262, 263, 264, 265, 266, 267, 268, 269, 290, 291, 297, 298, 299, 350, 351, 352,
    353, 354, 355, 356, 357, 358, 359, 370, 371, 372, 373, 374, 375, 376, 377, 378, 379, 380,
    381, 382, 383, 385, 386, 387, 389, 420, 421, 423, 500, 501, 502, 503, 504, 505, 506, 507,
    508, 509, 590, 591, 592, 593, 594, 595, 596, 597, 598, 599, 670, 672, 673, 674, 675, 676,
    677, 678, 679, 680, 681, 682, 683, 685, 686, 687, 688, 689, 690, 691, 692, 800, 808, 850,
    852, 853, 855, 856, 870, 878, 880, 881, 882, 883, 886, 888, 960, 961, 962, 963, 964, 965,
    966, 967, 968, 970, 971, 972, 973, 974, 975, 976, 977, 979, 992, 993, 994, 995, 996, 997,
    998,
}};

constexpr bool callingCodesArePrefixFree() {
  for (const uint16_t code : kCallingCodes) {
    for (uint16_t prefix = code / 10; prefix != 0; prefix /= 10) {
      if (std::binary_search(kCallingCodes.begin(), kCallingCodes.end(), prefix)) return false;
    }
  }
  return true;
}
static_assert(std::is_sorted(kCallingCodes.begin(), kCallingCodes.end()),
              "kCallingCodes must stay sorted for binary search");
static_assert(callingCodesArePrefixFree(), "no calling code may be a prefix of another");

// Length of the calling code that starts `digits`, 0 if none does.
size_t callingCodeLength(std::string_view digits) noexcept {
  if (digits.empty() || digits.front() == '0') return 0;
  unsigned value = 0;
  for (size_t length = 1; length <= 3 && length <= digits.size(); ++length) {
    value = value * 10 + static_cast<unsigned>(digitValue(digits[length - 1]));
    if (std::binary_search(kCallingCodes.begin(), kCallingCodes.end(), value)) return length;
  }
  return 0;
}

// NANP: NXX-NXX-XXXX, where area code and exchange never start with 0 or 1.
bool nanpValid(std::string_view ten_digits) noexcept {
  return ten_digits.size() == kNanpDigits && ten_digits[0] >= '2' && ten_digits[3] >= '2';
}

// Placeholders people type into forms and test fixtures: 0000000, 5555555555, 1234567890, ...
bool looksFabricated(std::string_view digits) noexcept {
  if (digits.size() < 2) return false;
  bool same = true;
  bool ascending = true;
  bool descending = true;
  for (size_t i = 1; i < digits.size(); ++i) {
    const int step = (digitValue(digits[i]) - digitValue(digits[i - 1]) + 10) % 10;
    same = same && step == 0;
    ascending = ascending && step == 1;
    descending = descending && step == 9;
  }
  return same || ascending || descending;
}

// --- Entropy ------------------------------------------------------------------------------------

constexpr double kMaxBitsPerByte = 8.0;
// Exact figures such as log2(16) = 4 can come out a rounding error low; a threshold written as
// entropy(4) must still accept 16 equally frequent bytes.
constexpr double kEntropyTolerance = 1e-9;

// --- parseValidator -----------------------------------------------------------------------------

bool checkLuhn(std::string_view candidate, double) noexcept { return luhnValid(candidate); }
bool checkIban(std::string_view candidate, double) noexcept { return ibanValid(candidate); }
bool checkUsSsn(std::string_view candidate, double) noexcept { return usSsnValid(candidate); }
bool checkPhone(std::string_view candidate, double) noexcept { return phoneValid(candidate); }
bool checkPhoneFormat(std::string_view candidate, double) noexcept { return phoneFormatValid(candidate); }
bool checkIpv4(std::string_view candidate, double) noexcept { return ipv4Valid(candidate); }
bool checkEmail(std::string_view candidate, double) noexcept { return emailDomainPlausible(candidate); }
bool checkNotPlaceholder(std::string_view candidate, double) noexcept { return !holdsNoSecret(candidate); }
bool checkHoldsCredential(std::string_view candidate, double) noexcept { return holdsCredential(candidate); }
bool checkRandomToken(std::string_view candidate, double) noexcept { return randomToken(candidate); }
bool checkEncodedCredentials(std::string_view candidate, double) noexcept { return encodedCredentials(candidate); }
bool checkEntropy(std::string_view candidate, double min_bits_per_byte) noexcept {
  return entropyAtLeast(candidate, min_bits_per_byte);
}

struct PlainValidator {
  std::string_view name;
  Validator::Check check;
};

constexpr std::array<PlainValidator, 11> kPlainValidators = {{
    {"email", &checkEmail},
    {"luhn", &checkLuhn},
    {"iban", &checkIban},
    {"us-ssn", &checkUsSsn},
    {"phone", &checkPhone},
    {"phone-format", &checkPhoneFormat},
    {"ipv4", &checkIpv4},
    {"not-placeholder", &checkNotPlaceholder},
    {"holds-credential", &checkHoldsCredential},
    {"random-token", &checkRandomToken},
    {"encoded-credentials", &checkEncodedCredentials},
}};

constexpr std::string_view kEntropyName = "entropy";

std::string_view trimBlanks(std::string_view text) noexcept {
  constexpr std::string_view kBlanks = " \t";
  const size_t first = text.find_first_not_of(kBlanks);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(kBlanks) - first + 1);
}

std::string allowedNamesText() {
  std::string text;
  for (const std::string_view name : validatorNames()) {
    if (!text.empty()) text += ", ";
    text += name;
  }
  return text;
}

std::optional<Validator> fail(std::string* error, std::string_view spec, std::string_view problem) {
  if (error != nullptr) {
    *error = "validator '";
    *error += spec;
    *error += "': ";
    *error += problem;
    *error += "; allowed: ";
    *error += allowedNamesText();
  }
  return std::nullopt;
}

}  // namespace

bool luhnValid(std::string_view digits_with_separators) noexcept {
  int sum = 0;
  size_t count = 0;
  // Walking from the check digit leftwards fixes which digits are doubled without a first pass.
  for (auto it = digits_with_separators.rbegin(); it != digits_with_separators.rend(); ++it) {
    const char c = *it;
    if (c == ' ' || c == '-' || c == '+') continue;
    if (!isDigit(c) || count == kMaxCardDigits) return false;
    int digit = digitValue(c);
    if (count % 2 == 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    ++count;
  }
  return count >= kMinCardDigits && sum % 10 == 0;
}

bool ibanValid(std::string_view iban) noexcept {
  std::array<char, kMaxIbanLength> chars;
  size_t length = 0;
  for (const char c : iban) {
    if (c == ' ') continue;
    if (!isDigit(c) && !isUpper(c) && !isLower(c)) return false;
    if (length == chars.size()) return false;
    chars[length++] = toUpper(c);
  }
  if (length < 4 || !isUpper(chars[0]) || !isUpper(chars[1]) || !isDigit(chars[2]) ||
      !isDigit(chars[3])) {
    return false;
  }
  if (ibanLengthFor({chars.data(), 2}) != length) return false;
  const int check_digits = digitValue(chars[2]) * 10 + digitValue(chars[3]);
  if (check_digits < 2 || check_digits > 98) return false;

  // ISO 7064 MOD 97-10 over BBAN + country + check digits, letters as 10..35, computed
  // incrementally so no big integer (or allocation) is needed.
  unsigned remainder = 0;
  for (size_t i = 0; i < length; ++i) {
    const char c = chars[(i + 4) % length];
    remainder = isDigit(c) ? (remainder * 10 + static_cast<unsigned>(digitValue(c))) % 97
                           : (remainder * 100 + static_cast<unsigned>(c - 'A' + 10)) % 97;
  }
  return remainder == 1;
}

bool usSsnValid(std::string_view ssn) noexcept {
  std::array<char, 9> digits;
  size_t count = 0;
  if (ssn.size() == 11) {
    const char separator = ssn[3];
    if ((separator != '-' && separator != ' ') || ssn[6] != separator) return false;
  } else if (ssn.size() != 9) {
    return false;
  }
  for (size_t i = 0; i < ssn.size(); ++i) {
    if (ssn.size() == 11 && (i == 3 || i == 6)) continue;
    if (!isDigit(ssn[i])) return false;
    digits[count++] = ssn[i];
  }
  const std::string_view all(digits.data(), digits.size());
  const auto number = [&all](size_t pos, size_t len) {
    int value = 0;
    for (const char c : all.substr(pos, len)) value = value * 10 + digitValue(c);
    return value;
  };
  const int area = number(0, 3);
  const int group = number(3, 2);
  const int serial = number(5, 4);
  if (area == 0 || area == 666 || area >= 900 || group == 0 || serial == 0) return false;
  if (all.find_first_not_of(all.front()) == std::string_view::npos) return false;
  return std::find(kKnownFakeSsns.begin(), kKnownFakeSsns.end(), all) == kKnownFakeSsns.end();
}

namespace {
// `nanp_rules`: NANP numbers must also have a plausible area code and exchange (2-9 first).
bool phoneValidAs(std::string_view phone, bool nanp_rules) noexcept {
  // Room for the longest E.164 number behind a "00" international prefix.
  std::array<char, kMaxPhoneDigits + 2> digits;
  size_t count = 0;
  bool plus = false;
  bool in_parentheses = false;
  for (const char c : phone) {
    if (isDigit(c)) {
      if (count == digits.size()) return false;
      digits[count++] = c;
    } else if (c == '+') {
      // "+44 20 ..." and "(+44) 20 ...", never inside or after the number.
      if (plus || count != 0) return false;
      plus = true;
    } else if (c == '(') {
      if (in_parentheses) return false;
      in_parentheses = true;
    } else if (c == ')') {
      if (!in_parentheses) return false;
      in_parentheses = false;
    } else if (c != '.' && c != '-' && c != ' ') {
      return false;
    }
  }
  if (in_parentheses) return false;

  std::string_view number(digits.data(), count);
  bool international = plus;
  if (!plus && number.starts_with("00")) {
    number.remove_prefix(2);
    international = true;
  }
  if (number.size() < kMinPhoneDigits || number.size() > kMaxPhoneDigits) return false;
  if (looksFabricated(number)) return false;

  if (international) {
    const size_t code_length = callingCodeLength(number);
    if (code_length == 0) return false;
    const std::string_view subscriber = number.substr(code_length);
    if (looksFabricated(subscriber)) return false;
    // Country code 1 is the NANP, whose numbers all have exactly ten digits.
    if (number.front() != '1') return true;
    return nanp_rules ? nanpValid(subscriber) : subscriber.size() == kNanpDigits;
  }

  if (number.size() == kNanpDigits && number.front() != '0') return !nanp_rules || nanpValid(number);
  if (number.size() != kNanpDigits && number.size() != kNanpDigits + 1) return false;
  // A leading trunk prefix (0, or NANP's 1) is not part of the subscriber's number.
  if (number.front() == '0' || number.front() == '1') return !looksFabricated(number.substr(1));
  return true;
}
}  // namespace

bool phoneValid(std::string_view phone) noexcept { return phoneValidAs(phone, true); }
bool phoneFormatValid(std::string_view phone) noexcept { return phoneValidAs(phone, false); }

bool ipv4Valid(std::string_view ip) noexcept {
  size_t pos = 0;
  bool any_nonzero = false;
  for (int octet = 0; octet < 4; ++octet) {
    if (octet > 0) {
      if (pos == ip.size() || ip[pos] != '.') return false;
      ++pos;
    }
    const size_t start = pos;
    unsigned value = 0;
    while (pos < ip.size() && isDigit(ip[pos]) && pos - start < 3) {
      value = value * 10 + static_cast<unsigned>(digitValue(ip[pos]));
      ++pos;
    }
    const size_t length = pos - start;
    // Leading zeros are rejected because some parsers read them as octal.
    if (length == 0 || value > 255 || (length > 1 && ip[start] == '0')) return false;
    any_nonzero = any_nonzero || value != 0;
  }
  return pos == ip.size() && any_nonzero;
}

bool randomToken(std::string_view value) noexcept {
  while (!value.empty() && value.back() == '=') value.remove_suffix(1);
  if (value.size() < 20 || value.size() > 512) return false;
  bool letter = false, digit = false, hex_only = true;
  for (char c : value) {
    const bool is_digit = c >= '0' && c <= '9';
    const bool is_letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    // '%': base64 in a cookie or query string is percent-encoded (`…%3D`).
    if (!is_digit && !is_letter && c != '+' && c != '/' && c != '_' && c != '-' && c != '%') return false;
    digit |= is_digit;
    letter |= is_letter;
    hex_only &= is_digit || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }
  if (!letter || !digit) return false;
  if (hex_only && value.size() < 32) return false;
  // 8-4-4-4-12: a UUID names a thing.
  if (value.size() == 36 && value[8] == '-' && value[13] == '-' && value[18] == '-' && value[23] == '-') return false;
  return entropyAtLeast(value, 3.0);
}

double shannonEntropy(std::string_view bytes) noexcept {
  if (bytes.empty()) return 0;
  // H = log2(n) - (1/n) * sum(c * log2(c)) over the byte counts c: one log2 per value instead
  // of one per distinct byte (the entropy validators run on every candidate token).
  static const std::array<double, 256> kCountBits = [] {
    std::array<double, 256> bits{};
    for (size_t c = 1; c < bits.size(); ++c) bits[c] = static_cast<double>(c) * std::log2(static_cast<double>(c));
    return bits;
  }();
  std::array<size_t, 256> counts{};
  for (const char c : bytes) ++counts[static_cast<unsigned char>(c)];
  const double total = static_cast<double>(bytes.size());
  double sum = 0;
  for (const size_t count : counts) {
    sum += count < kCountBits.size() ? kCountBits[count] : static_cast<double>(count) * std::log2(static_cast<double>(count));
  }
  // Rounded to 1e-12: the subtraction leaves 2.9999999999999996 where the per-byte sum gave
  // exactly 3, and thresholds are compared with >=.
  return std::max(0.0, std::round((std::log2(total) - sum / total) * 1e12) / 1e12);
}

bool entropyAtLeast(std::string_view bytes, double min_bits_per_byte) noexcept {
  return shannonEntropy(bytes) + kEntropyTolerance >= min_bits_per_byte;
}

bool emailDomainPlausible(std::string_view address) noexcept {
  // Suffixes that end unit names, files and hosts in logs but are no top-level domain
  // (getty@tty1.service, user@1000.service, backup@host.tar): sorted for binary search.
  static constexpr std::array<std::string_view, 44> kNotTopLevel = {
      "automount", "bak", "c", "cc", "class", "conf", "cpp", "css", "csv", "db", "device", "dll",
      "exe", "gif", "gz", "h", "hpp", "html", "ini", "jar", "java", "jpeg", "jpg", "js", "json",
      "lock", "log", "mount", "path", "pid", "png", "py", "scope", "service", "slice", "sock",
      "socket", "swap", "tar", "timer", "tmp", "txt", "xml", "yaml"};
  // Names that only resolve inside a network: `app@db-primary.internal` in MySQL's general log
  // is an account at a host, not a mailbox.
  static constexpr std::array<std::string_view, 7> kPrivateNames = {".internal", ".local", ".localdomain",
                                                                    ".localhost", ".lan", ".svc", ".home.arpa"};
  static_assert(std::is_sorted(kNotTopLevel.begin(), kNotTopLevel.end()));
  const size_t at = address.rfind('@');
  const size_t dot = address.rfind('.');
  if (at == std::string_view::npos || dot == std::string_view::npos || dot < at) return false;
  for (std::string_view name : kPrivateNames) {
    if (address.size() > name.size() && equalsFolded(address.substr(address.size() - name.size()), name)) return false;
  }
  // A UUID before the '@' is a Message-ID (`<f70d7b7b-db2b-4d7e-a9c2-c2284d3c70e9@mail.acme.io>`),
  // generated by a mailer, not anybody's address.
  if (at == 36 && isUuid(address.substr(0, at))) return false;
  char tld[32];
  const std::string_view suffix = address.substr(dot + 1);
  if (suffix.size() < 2 || suffix.size() >= sizeof tld) return false;
  for (size_t i = 0; i < suffix.size(); ++i) {
    const char c = suffix[i];
    tld[i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return !std::binary_search(kNotTopLevel.begin(), kNotTopLevel.end(),
                             std::string_view(tld, suffix.size()));
}

const std::vector<std::string_view>& validatorNames() {
  static const std::vector<std::string_view> names = [] {
    std::vector<std::string_view> list;
    for (const PlainValidator& plain : kPlainValidators) list.push_back(plain.name);
    list.push_back("entropy(N)");
    return list;
  }();
  return names;
}

std::optional<Validator> parseValidator(std::string_view spec, std::string* error) {
  const std::string_view text = trimBlanks(spec);
  if (text.empty()) return fail(error, spec, "empty validator name");

  for (const PlainValidator& plain : kPlainValidators) {
    if (text == plain.name) return Validator{std::string(text), plain.check, 0};
    const bool has_parameter =
        text.starts_with(plain.name) && trimBlanks(text.substr(plain.name.size())).starts_with('(');
    if (has_parameter) return fail(error, text, "takes no parameter");
  }

  if (!text.starts_with(kEntropyName)) return fail(error, text, "unknown validator");
  const std::string_view rest = trimBlanks(text.substr(kEntropyName.size()));
  if (rest.empty()) {
    return fail(error, text, "entropy needs a minimum in bits per byte, as in entropy(3.5)");
  }
  if (rest.front() != '(') return fail(error, text, "unknown validator");
  if (rest.back() != ')') return fail(error, text, "missing ')' after the entropy minimum");

  const std::string_view number = trimBlanks(rest.substr(1, rest.size() - 2));
  if (number.empty()) {
    return fail(error, text, "entropy needs a minimum in bits per byte, as in entropy(3.5)");
  }
  double minimum = 0;
  const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), minimum);
  if (ec != std::errc() || end != number.data() + number.size() || !std::isfinite(minimum)) {
    return fail(error, text, "the entropy minimum is not a number");
  }
  if (minimum < 0 || minimum > kMaxBitsPerByte) {
    return fail(error, text, "the entropy minimum must be between 0 and 8 bits per byte");
  }
  return Validator{std::string(text), &checkEntropy, minimum};
}

}  // namespace veil::core
