#include "core/placeholders.h"

#include <initializer_list>

namespace veil::core {
namespace {


bool isNameChar(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}
bool isEnvNameChar(char c) noexcept { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'; }
bool isPathChar(char c) noexcept { return isNameChar(c) || c == '.' || c == '-'; }

bool allOf(std::string_view text, bool (*pred)(char) noexcept) noexcept {
  for (char c : text) {
    if (!pred(c)) return false;
  }
  return true;
}

// A template or variable standing where the secret will go: `${DB_PASSWORD}`, `$API_TOKEN`,
// `{{ .Values.db.password }}`, `<your-api-key>`, `%(secret)s`, `%API_KEY%`, `%s`, `{password}`,
// `:password` (a bind parameter), `env:DB_PASSWORD`.
bool isPlaceholder(std::string_view v) noexcept {
  if (v.size() >= 2 && v.front() == '$') {
    if (v[1] == '{') return v.back() == '}';
    // `$(cat /run/secrets/db)`, also cut at its first blank: a command, in lower case.
    if (v[1] == '(') {
      return v.size() > 2 && allOf(v.substr(2), [](char c) noexcept {
               return (c >= 'a' && c <= 'z') || c == '_' || c == '-' || c == '/' || c == '.' || c == ')' || c == ' ';
             });
    }
    // `$1`: a positional parameter (SQL, shell).
    if (v[1] >= '0' && v[1] <= '9') return allOf(v.substr(1), [](char c) noexcept { return c >= '0' && c <= '9'; });
    // An environment variable is upper case: `$ecretPa55` is a password that starts with '$'.
    return allOf(v.substr(1), isEnvNameChar);
  }
  // A Go, Jinja or Helm template, also as a regex that stops at its first '}' leaves it.
  if (v.size() >= 4 && v.substr(0, 2) == "{{" && v.back() == '}') return true;
  // A format field (`{password}`, `{db.password}`), not an ODBC-quoted value (`{Xk9mP2qL7}`):
  // field names hold no digits.
  if (v.size() >= 3 && v.front() == '{' && v.back() == '}') {
    return allOf(v.substr(1, v.size() - 2), [](char c) noexcept {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '.' || c == '-';
    });
  }
  if (v.size() >= 3 && v.front() == '<' && v.back() == '>') {
    return allOf(v.substr(1, v.size() - 2),
                 [](char c) noexcept { return isNameChar(c) || c == '-' || c == '.' || c == ' '; });
  }
  if (v.size() >= 4 && v.substr(0, 2) == "%(" && v.substr(v.size() - 2) == ")s") return true;
  if (v.size() >= 3 && v.front() == '%' && v.back() == '%') return allOf(v.substr(1, v.size() - 2), isNameChar);
  if (v == "%s" || v == "%v" || v == "%q" || v == "?" || v == "..." || v == "…") return true;
  // `:password`, `:user_id`: a bind parameter, a lower-case name.
  if (v.size() >= 2 && v.front() == ':' && v[1] >= 'a' && v[1] <= 'z') {
    return allOf(v.substr(1), [](char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
  }
  if (v.size() > 4 && equalsFolded(v.substr(0, 4), "env:")) return allOf(v.substr(4), isNameChar);
  // A reference to where the secret is kept, with its path: `vault:secret/data/db#password`,
  // `arn:aws:secretsmanager:…`, `ref+awsssm://…` (vals / helm-secrets).
  for (std::string_view store : {"vault:", "secretref:"}) {
    if (v.size() > store.size() && equalsFolded(v.substr(0, store.size()), store) &&
        v.find_first_of("/#", store.size()) != std::string_view::npos) {
      return true;
    }
  }
  if (v.starts_with("arn:aws:secretsmanager:") || v.starts_with("arn:aws:ssm:")) return true;
  if (v.starts_with("ref+") && v.find("://") != std::string_view::npos) return true;
  // `***REMOVED***`, `**redacted**`: a mask around a word.
  if (v.size() >= 5 && v.substr(0, 2) == "**" && v.substr(v.size() - 2) == "**") {
    const std::string_view word = v.substr(2, v.size() - 4);
    return allOf(word, [](char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '*' || c == '_'; });
  }
  return false;
}

// Whether a path-shaped value has a segment no directory is called: 16 or more characters
// mixing upper case, lower case and digits (`/UbwAYNLmCEXX6LkelxHdePJi/PCXBq…`, an AWS secret
// key that starts with a slash, as one in 64 do).
bool hasTokenSegment(std::string_view value) noexcept {
  size_t begin = 0;
  while (begin < value.size()) {
    size_t end = value.find('/', begin);
    if (end == std::string_view::npos) end = value.size();
    const std::string_view segment = value.substr(begin, end - begin);
    if (segment.size() >= 16) {
      bool upper = false, lower = false, digit = false;
      for (char c : segment) {
        upper |= c >= 'A' && c <= 'Z';
        lower |= c >= 'a' && c <= 'z';
        digit |= c >= '0' && c <= '9';
      }
      if (upper && lower && digit) return true;
    }
    begin = end + 1;
  }
  return false;
}

}  // namespace

bool holdsNoSecret(std::string_view value) noexcept {
  // A rule's value may take the comma or full stop of the sentence around it.
  if (value.size() > 1 && (value.back() == ',' || value.back() == '.')) value.remove_suffix(1);
  if (value.find_first_not_of('*') == std::string_view::npos) return true;
  if (value.size() >= 4 && value.find_first_not_of("xX") == std::string_view::npos) return true;
  if (isPlaceholder(value)) return true;
  // A rule's value may run on into the next field: `${DB_PASSWORD},user=bob`.
  if (const size_t comma = value.find(','); comma != std::string_view::npos && comma > 0 &&
                                            isPlaceholder(value.substr(0, comma))) {
    return true;
  }
  // A path (sudo's PWD=/var/www, password_file=/run/secrets/db) is where a secret is, not it;
  // so is a top-level directory (`PWD=/root`, `/`), written in lower case.
  if (value.size() > 1 && value.front() == '/' && value.find('/', 1) != std::string_view::npos &&
      allOf(value, [](char c) noexcept { return isPathChar(c) || c == '/'; }) && !hasTokenSegment(value)) {
    return true;
  }
  if (value == "/" || (value.size() > 1 && value.size() <= 12 && value.front() == '/' &&
                       allOf(value.substr(1), [](char c) noexcept { return c >= 'a' && c <= 'z'; }))) {
    return true;
  }
  // What tools print in a secret's place: Terraform's `(sensitive value)`, Ansible's no_log
  // marker, `kubectl describe secret`'s size (`password:  19 bytes`), and its description of
  // where an environment variable comes from (`<set to the key 'password' in secret 'db'>`).
  // A rule whose value ends at a blank sees only the first word of them: `(known` (`(sensitive`
  // is the word list's, below).
  for (std::string_view marker : {"(sensitive value)", "(known after apply)", "(known",
                                  "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"}) {
    if (value == marker) return true;
  }
  if (const size_t bytes = value.find(" bytes"); bytes != std::string_view::npos && bytes > 0 &&
                                                 bytes + 6 == value.size() &&
                                                 allOf(value.substr(0, bytes), [](char c) noexcept { return c >= '0' && c <= '9'; })) {
    return true;
  }
  if (value.starts_with("<set to the key ") || value.starts_with("<set to the field ")) return true;
  // So is a relative one: `--from-file=password=./pw.txt`, `key_file=~/.ssh/id_ed25519`.
  for (std::string_view start : {"./", "../", "~/"}) {
    if (value.size() > start.size() && value.starts_with(start) &&
        allOf(value, [](char c) noexcept { return isPathChar(c) || c == '/' || c == '~'; })) {
      return true;
    }
  }
  if (isAuthScheme(value)) return true;  // `auth=basic`: which scheme, not the credential
  // `Bearer ${TOKEN}`, `token $GITHUB_TOKEN`, `Basic <base64>`: a scheme before a placeholder.
  if (const size_t blank = value.find_first_of(" \t"); blank != std::string_view::npos &&
                                                      isAuthScheme(value.substr(0, blank))) {
    const size_t rest = value.find_first_not_of(" \t", blank);
    return rest == std::string_view::npos || holdsNoSecret(value.substr(rest));
  }
  // `[REDACTED]`, `(empty)`, `<hidden>` and the same cut at a delimiter: `(empty`.
  if (!value.empty() && (value.front() == '(' || value.front() == '[' || value.front() == '<')) value.remove_prefix(1);
  if (!value.empty() && (value.back() == ')' || value.back() == ']' || value.back() == '>')) value.remove_suffix(1);
  if (value.empty()) return true;  // `[]`, `()`: an empty list or call
  if (value.size() > 10) return false;
  for (std::string_view word :
       {"true", "false", "null", "none", "nil", "yes", "no", "on", "off", "empty", "undefined",
        "unset", "not_set", "notset", "required", "optional", "-", "n/a", "redacted", "hidden",
        "masked", "filtered", "removed", "omitted", "sanitized", "scrubbed", "censored", "missing",
        "absent", "present", "provided", "expired", "invalid", "disabled", "enabled", "granted",
        "denied", "publickey", "unknown", "sensitive",
        // Authentication methods named as a setting (`auth=oauth2`, `auth: ldap`).
        "oauth", "oauth2", "oidc", "saml", "saml2", "ldap", "kerberos", "sigv4", "mtls", "hmac", "x509",
        "anonymous"}) {
    if (equalsFolded(value, word)) return true;
  }
  return false;
}

bool holdsCredential(std::string_view value) noexcept {
  if (const size_t scheme = value.find("://"); scheme != std::string_view::npos) {
    const std::string_view rest = value.substr(scheme + 3);
    // The user part ends at the last '@' before the query: a generated password may hold '/'
    // (`postgres://app:Xk9/mP2@db/app`), so the first '/' does not end it.
    const std::string_view before_query = rest.substr(0, rest.find_first_of("?#"));
    if (const size_t at = before_query.rfind('@'); at != std::string_view::npos && at > 0) {
      const std::string_view user_info = before_query.substr(0, at);
      const size_t colon = user_info.find(':');
      const std::string_view secret = colon == std::string_view::npos ? user_info : user_info.substr(colon + 1);
      // A user name alone (`git@`, `postgres://app@db`) is no credential; a token as the user
      // (Sentry's DSN key, `https://ghp_…@github.com`) is.
      if (colon != std::string_view::npos ? !holdsNoSecret(secret) : secret.size() >= 16) return true;
    }
  }
  // Parameters of key=value connection strings, DSNs and query strings.
  static constexpr std::string_view kNames[] = {"password", "pwd", "passwd", "secret", "accountkey",
                                                "sharedaccesskey", "token", "apikey", "api_key", "sig"};
  for (size_t i = 0; i < value.size(); ++i) {
    // `Pwd=…`, and `AWS_SESSION_TOKEN:…` in MongoDB's authMechanismProperties.
    if (value[i] != '=' && value[i] != ':') continue;
    size_t begin = i;
    while (begin > 0 && (isNameChar(value[begin - 1]) || value[begin - 1] == ' ')) --begin;
    std::string_view name = value.substr(begin, i - begin);
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
    for (std::string_view known : kNames) {
      if (name.size() >= known.size() && equalsFolded(name.substr(name.size() - known.size()), known)) {
        size_t end = i + 1;
        while (end < value.size() && value[end] != ';' && value[end] != '&' && value[end] != ' ' && value[end] != ',') ++end;
        std::string_view secret = value.substr(i + 1, end - i - 1);
        // ODBC braces quote a value (`Pwd={Summer-Breeze}`): not a `{name}` template.
        if (secret.size() > 2 && secret.front() == '{' && secret.back() == '}') secret = secret.substr(1, secret.size() - 2);
        if (!holdsNoSecret(secret)) return true;
      }
    }
  }
  return false;
}

bool isAuthScheme(std::string_view word) noexcept {
  for (std::string_view scheme : {"bearer", "basic", "digest", "token", "negotiate", "ntlm",
                                  "apikey", "aws4-hmac-sha256", "hoba", "mutual"}) {
    if (equalsFolded(word, scheme)) return true;
  }
  return false;
}

bool equalsFolded(std::string_view text, std::string_view lower) noexcept {
  if (text.size() != lower.size()) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (((c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c) != lower[i]) return false;
  }
  return true;
}

}  // namespace veil::core
