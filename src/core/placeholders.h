#pragma once

#include <string_view>

namespace veil::core {

// Whether a value standing where a secret would be hides nothing: empty, already masked
// (`********`, `xxxx`, `[REDACTED]`), a placeholder (`${DB_PASSWORD}`, `$TOKEN`, `<api-key>`,
// `{{ .Values.x }}`, `%s`, `:password`, `{password}`, `env:DB_PASSWORD`, also after an auth
// scheme: `Bearer ${TOKEN}`), or a word stating a setting or a state (`none`, `true`, `off`,
// `missing`, `publickey` …) rather than a secret. Also a validator (`not-placeholder`), so that
// rules assigning a value to a password or secret name skip the same values.
bool holdsNoSecret(std::string_view value) noexcept;

// Whether a connection string or URL carries a credential: a password (or a token as the user)
// in a URL's user part that is not a placeholder (`postgres://app:s3cr3t@db/x`,
// `https://<key>@o1.ingest.sentry.io/2`), or a password, key or token parameter
// (`Server=db;Password=…`, `host=db password=…`, `…?sslpassword=…`). `postgres://db:5432/app`
// and `amqp://guest:**@mq` do not.
bool holdsCredential(std::string_view value) noexcept;

// Authorization schemes whose credential is the next token: `Authorization: Bearer abc`.
bool isAuthScheme(std::string_view word) noexcept;

// Whether `text` equals `lower` (lower case) ignoring the case of ASCII letters.
bool equalsFolded(std::string_view text, std::string_view lower) noexcept;

}  // namespace veil::core
