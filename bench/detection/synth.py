"""Synthetic secrets, PII and look-alikes for the detection benchmark.

A *plant* is one synthetic value with the ways it can appear in a log line:
    {"needles": [...], "forms": {context: form}}
`needles` are the parts that must not survive redaction (a password, not its key name; a JWT's
payload and signature, not its standard header). Contexts and their forms:
    text    snippet inside a free-text message
    kv      (key, value) in a logfmt line
    json    (key, value) as a field of an NDJSON record; key "msg" embeds a snippet instead
    header  (name, value) in an HTTP header dump or curl command line
    url     request target (path?query) or absolute URL in an access-log line

Values come from generators written from public format descriptions (card IIN ranges and Luhn,
IBAN country lengths and mod 97, SSN area rules, provider token layouts), never from the rule
packs' examples. Rules without a generator here get one derived from their regex
(regex_sample.py), which only tests the engine, boundaries and contexts, not the pattern itself.
"""
import base64
import json
import math
import os
import random
import re
import string
from urllib.parse import quote

from regex_sample import sample as regex_sample

LOWER, UPPER, DIGITS = string.ascii_lowercase, string.ascii_uppercase, string.digits
ALNUM = LOWER + UPPER + DIGITS
URLSAFE = ALNUM + "_-"
HEX = "0123456789abcdef"
NEUTRAL_KEYS = ["value", "ref", "arg", "payload", "detail", "cfg"]  # name no secret


# ---- building blocks ---------------------------------------------------------------------------

def rs(rng, chars, n):
    return "".join(rng.choice(chars) for _ in range(n))


def mixed(rng, chars, n):
    """Random string of `chars` with at least one digit and one letter (like real tokens)."""
    while True:
        s = rs(rng, chars, n)
        if any(c.isdigit() for c in s) and any(c.isalpha() for c in s):
            return s


def b64(rng, nbytes):
    return base64.b64encode(rng.randbytes(nbytes)).decode()


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def word(rng, syllables=None):
    """Pronounceable made-up word: not in any dictionary, so it is unique in a line."""
    n = syllables or rng.randint(2, 3)
    return "".join(rng.choice("bdfgklmnprstvz") + rng.choice("aeiou") for _ in range(n))


def entropy(s):
    return -sum(s.count(c) / len(s) * math.log2(s.count(c) / len(s)) for c in set(s)) if s else 0.0


def password(rng):
    style = rng.randrange(4)
    if style == 0:  # Word + year + symbol
        return word(rng).capitalize() + str(rng.randint(1990, 2030)) + rng.choice("!#?*.+")
    if style == 1:  # generated
        return rng.choice(ALNUM) + mixed(rng, ALNUM + "!@#^*_+=.?", rng.randint(11, 23))
    if style == 2:  # passphrase with dashes
        return "-".join(word(rng) for _ in range(3)) + str(rng.randint(1, 99))
    return mixed(rng, ALNUM, rng.randint(10, 20))


def name_style(rng, name, prefix=True):
    """`api_key` as written by different code bases: api_key, API_KEY, apiKey, Api-Key, x.api_key."""
    words = [w for w in name.replace("-", "_").split("_") if w]
    if prefix and rng.random() < 0.3:
        words = [rng.choice(["db", "prod", "upstream", "stripe", "smtp", "app"])] + words
    style = rng.randrange(5)
    if style == 0:
        return "_".join(words).lower()
    if style == 1:
        return "_".join(words).upper()
    if style == 2:
        return words[0].lower() + "".join(w.capitalize() for w in words[1:])
    if style == 3:
        return "-".join(w.capitalize() for w in words)
    return rng.choice(["config.", "env.", "settings."]) + "_".join(words).lower()


def url_encode(rng, value):
    """Query-string encoding as a library does it (urlencode: + / = : all escaped) or as a
    hand-built URL does (only what would break the URL)."""
    return quote(value, safe="") if rng.random() < 0.5 else quote(value, safe="/:=+@!$,;~*'()")


def plant(rng, needles, value, key=None, text=None, header=None, url=None, json_value=None, url_value=None, skip=()):
    """The five standard placements of `value` under field name `key`."""
    key = key or rng.choice(NEUTRAL_KEYS)
    forms = {"text": text if text is not None else value, "kv": (key, value),
             "json": (key, json_value if json_value is not None else value),
             "header": (header or "X-" + "-".join(w.capitalize() for w in key.replace("_", "-").split("-")), value),
             "url": url or f"/api/v2/{word(rng)}?{key}={url_encode(rng, url_value or value)}&page=2"}
    for ctx in skip:
        forms.pop(ctx, None)
    return {"needles": [n for n in (needles if isinstance(needles, list) else [needles]) if n], "forms": forms}


GENERATORS = {}  # rule id -> function(rng) -> plant


def kind(*ids):
    def register(fn):
        for rule_id in ids:
            GENERATORS[rule_id] = fn
        return fn
    return register


# ---- credentials -------------------------------------------------------------------------------

def pem_body(rng, label):
    width = 70 if "OPENSSH" in label else 64
    lines = [b64(rng, width * 3 // 4) for _ in range(rng.randint(3, 8))]
    lines.append(b64(rng, rng.randint(10, 40)))
    if "PGP" in label:
        lines.append("=" + b64(rng, 3))
    return lines


def pem_label(rng):
    kind_ = rng.choice(["RSA ", "EC ", "OPENSSH ", "", "ENCRYPTED ", "DSA ", "PGP "])
    return f"{kind_}PRIVATE KEY" + (" BLOCK" if kind_ == "PGP " else "")


@kind("private-key-block")
def private_key_block(rng):
    label = pem_label(rng)
    lines = pem_body(rng, label)
    head = [f"-----BEGIN {label}-----"]
    if label.startswith(("RSA", "EC")) and rng.random() < 0.3:
        head += ["Proc-Type: 4,ENCRYPTED", "DEK-Info: AES-128-CBC," + rs(rng, HEX.upper(), 32), ""]
    block = head + lines + [f"-----END {label}-----"]
    sep = rng.choice(["\\n", " ", "\\r\\n"])
    flat = sep.join(block)
    key = rng.choice(["pem", "key_material", "tls_key_pem", "identity"])
    return plant(rng, lines, flat, key, text=f"loaded identity {flat} for deploy", json_value="\n".join(block) + "\n",
                 skip=("header", "url"))


@kind("private-key-header")
def private_key_header(rng):
    label = pem_label(rng)
    lines = pem_body(rng, label)[: rng.randint(1, 3)]
    cut = lines[-1][: rng.randint(8, len(lines[-1]))]
    lines = lines[:-1] + [cut]
    sep = rng.choice(["\\n", " "])
    flat = sep.join([f"-----BEGIN {label}-----"] + lines) + rng.choice(["...", " (truncated)", ""])
    return plant(rng, lines, flat, "pem", text=f"could not parse key: {flat}",
                 json_value=flat.replace("\\n", "\n"), skip=("header", "url"))


def jwt_token(rng):
    alg = rng.choice(["HS256", "RS256", "ES256", "none"])
    header = {"alg": alg, "typ": "JWT"}
    if rng.random() < 0.5:
        header["kid"] = rs(rng, ALNUM, 12)
    now = rng.randint(1_600_000_000, 1_800_000_000)
    claims = {"sub": f"user-{rng.randint(1, 99999)}", "iat": now, "exp": now + 3600,
              "iss": f"https://auth.{word(rng)}.com", "scope": "read write"}
    seps = rng.choice([(",", ":"), (", ", ": ")])
    head = b64url(json.dumps(header, separators=seps).encode())
    payload = b64url(json.dumps(claims, separators=seps).encode())
    sig = b64url(rng.randbytes({"HS256": 32, "RS256": 256, "ES256": 64, "none": 0}[alg]))
    return f"{head}.{payload}.{sig}", [payload, sig]


@kind("jwt")
def jwt(rng):
    token, needles = jwt_token(rng)
    text = rng.choice(["session {} expired", "verifying assertion {} against jwks", "callback state={}"]).format(token)
    header = rng.choice([("Cookie", f"session={token}"), ("X-Amzn-Oidc-Data", token), ("X-Id-Assertion", token)])
    p = plant(rng, needles, token, rng.choice(["assertion", "jwt", "id_token", "session"]), text=text)
    p["forms"]["header"] = header
    return p


@kind("http-authorization-header")
def http_authorization_header(rng):
    scheme = rng.choice(["Bearer", "Basic", "Token", "Digest", "AWS4", "Negotiate", "ApiKey"])
    if scheme == "Bearer":
        secret = mixed(rng, URLSAFE + ".~", rng.randint(24, 64))
        value = f"Bearer {secret}"
    elif scheme == "Basic":
        secret = base64.b64encode(f"{word(rng)}:{password(rng)}".encode()).decode()
        value = f"Basic {secret}"
    elif scheme == "Token":
        secret = rs(rng, HEX, 40)
        value = f"Token {secret}"
    elif scheme == "Negotiate":
        secret = "YII" + b64(rng, rng.randint(60, 200))
        value = f"Negotiate {secret}"
    elif scheme == "ApiKey":
        secret = mixed(rng, ALNUM, 32)
        value = f"ApiKey {secret}"
    elif scheme == "Digest":
        secret = rs(rng, HEX, 32)
        value = (f'Digest username="{word(rng)}", realm="api@{word(rng)}.org", nonce="{rs(rng, HEX, 32)}", '
                 f'uri="/v1/{word(rng)}", qop=auth, nc=00000001, cnonce="{rs(rng, HEX, 8)}", response="{secret}"')
    else:
        secret = rs(rng, HEX, 64)
        value = (f"AWS4-HMAC-SHA256 Credential=AKIA{rs(rng, UPPER + '234567', 16)}/20240301/eu-west-1/s3/aws4_request, "
                 f"SignedHeaders=host;x-amz-date, Signature={secret}")
    name = rng.choice(["Authorization", "authorization", "Proxy-Authorization"])
    text = rng.choice([f"> {name}: {value}", f"sending headers {{'{name}': '{value}'}}",
                       f"curl -sS -H '{name}: {value}' https://api.{word(rng)}.io/v1/items"])
    return plant(rng, secret, value, name, text=text, header=name, skip=("url",))


@kind("bearer-token")
def bearer_token(rng):
    secret = mixed(rng, URLSAFE + ".~+/", rng.randint(20, 60))
    text = rng.choice(["upstream returned 401 for bearer {}", "retrying request with Bearer {} after refresh",
                       "oauth client got token_type=Bearer bearer={}"]).format(secret)
    p = plant(rng, secret, secret, "bearer", text=text, skip=("header", "url"))
    p["forms"]["json"] = ("msg", text)
    return p


@kind("url-password")
def url_password(rng):
    scheme = rng.choice(["postgres", "postgresql", "mysql", "redis", "amqp", "mongodb+srv", "https", "ftp", "smtp", "sftp"])
    # userinfo allows sub-delims; anything else (# ? / @ ...) is percent-encoded, as a URL builder does
    secret = quote(rng.choice([password(rng), mixed(rng, ALNUM, 16), password(rng) + "@"]), safe="!$&'()*+,;=-._~")
    user = rng.choice([word(rng), f"svc_{word(rng)}", ""]) if scheme == "redis" else word(rng)
    host = f"{word(rng)}-{rng.randint(1, 9):02d}.{word(rng)}.internal"
    url = f"{scheme}://{user}:{secret}@{host}:{rng.randint(1024, 65000)}/{word(rng)}"
    text = rng.choice(["connecting to {}", "dial {} failed: timeout", "broker={} ready"]).format(url)
    return plant(rng, secret, url, rng.choice(["dsn", "target", "broker_url", "upstream"]), text=text,
                 header="Referer", url=url)


@kind("connection-string-password")
def connection_string_password(rng):
    secret = password(rng)
    host, db, user = f"{word(rng)}01", word(rng), f"svc_{word(rng)}"
    style = rng.randrange(5)
    if style == 0:
        conn = f"Server={host}.example.local;Database={db};User Id={user};Password={secret};Encrypt=true"
    elif style == 1:
        conn = f"DRIVER={{ODBC Driver 18 for SQL Server}};SERVER={host};UID={user};PWD={{{secret}}};"
    elif style == 2:
        conn = f"jdbc:postgresql://{host}:5432/{db}?user={user}&password={secret}&ssl=true"
    elif style == 3:
        conn = f"host={host} port=5432 dbname={db} user={user} password='{secret}' sslmode=require"
    else:
        conn = f"jdbc:sqlserver://{host}:1433;databaseName={db};user={user};password={secret};"
    return plant(rng, secret, conn, rng.choice(["conn", "datasource", "connectionString"]),
                 text=f'opening "{conn}"', skip=("header", "url"))


@kind("azure-connection-string-key")
def azure_connection_string_key(rng):
    style = rng.randrange(3)
    if style == 0:
        secret = b64(rng, 64)
        conn = (f"DefaultEndpointsProtocol=https;AccountName={word(rng)}store;AccountKey={secret};"
                "EndpointSuffix=core.windows.net")
    elif style == 1:
        secret = b64(rng, 32)
        conn = (f"Endpoint=sb://{word(rng)}-ns.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;"
                f"SharedAccessKey={secret}")
    else:
        sig = b64(rng, 32)
        secret = quote(sig, safe="")
        conn = (f"BlobEndpoint=https://{word(rng)}.blob.core.windows.net/;SharedAccessSignature=sv=2022-11-02&ss=b"
                f"&srt=sco&sp=rl&se=2030-01-01T00:00:00Z&sig={secret}")
    return plant(rng, secret, conn, rng.choice(["conn", "storage", "AzureWebJobsStorage"]),
                 text=f"blob client init: {conn}", skip=("header", "url"))


PASSWORD_KEYS = ["password", "passwd", "passphrase", "db_password", "DB_PASSWORD", "userPassword", "pass", "pwd",
                 "MYSQL_ROOT_PASSWORD", "smtp.password", "admin_pass", "keystorePassword", "new_password", "DB_PWD"]


@kind("password-assignment")
def password_assignment(rng):
    secret, key = password(rng), rng.choice(PASSWORD_KEYS)
    text = rng.choice([f"login user={word(rng)} {key}={secret}", f"config: {key}: {secret}",
                       f"exec: /usr/bin/{word(rng)} --user=app --{key.lower().replace('_', '-')}={secret} {word(rng)}"])
    return plant(rng, secret, secret, key, text=text, skip=("header",))


SECRET_KEYS = ["client_secret", "secret", "AWS_SECRET_ACCESS_KEY", "secret_key", "app_secret", "webhook_secret",
               "jwtSecret", "SECRET_KEY"]


@kind("secret-assignment")
def secret_assignment(rng):
    secret = rng.choice([mixed(rng, ALNUM, rng.randint(24, 48)), mixed(rng, ALNUM + "/+", 40), password(rng)])
    key = rng.choice(SECRET_KEYS)
    text = rng.choice([f"token request client_id={word(rng)} {key}={secret} grant_type=client_credentials",
                       f"export {key}={secret}", f"argv: ./sync --client-secret={secret} --verbose"])
    return plant(rng, secret, secret, key, text=text, skip=("header",))


TOKEN_KEYS = ["token", "access_token", "refresh_token", "api_key", "apikey", "X-Api-Key", "auth_token",
              "GITHUB_TOKEN", "private_key", "apiKey", "x-auth-token"]


@kind("token-assignment")
def token_assignment(rng):
    secret = mixed(rng, URLSAFE + ".", rng.randint(16, 48))
    key = rng.choice(TOKEN_KEYS)
    text = rng.choice([f"{key}={secret}", f"{key}: {secret}", f"runner registered with --token={secret}"])
    return plant(rng, secret, secret, key, text=text, header=rng.choice(["X-Api-Key", "X-Auth-Token", "Private-Token"]))


@kind("cli-secret-flag")
def cli_secret_flag(rng):
    secret = password(rng)
    flag = rng.choice(["--password", "--db-password", "--client-secret", "--token", "--api-key", "--admin-passwd"])
    value = rng.choice([secret, f'"{secret}"'])
    cmd = f"/usr/local/bin/{word(rng)} --host db01 {flag} {value} --verbose"
    return plant(rng, secret, cmd, "cmdline", text=f"exec: {cmd}", skip=("header", "url"))


@kind("quoted-secret-assignment")
def quoted_secret_assignment(rng):
    words = [word(rng, 3) for _ in range(rng.randint(3, 5))]
    phrase = " ".join(words)
    key = rng.choice(["passphrase", "password", "secret", "api_key", "token"])
    return plant(rng, words, phrase, key, text=f'vault login method=userpass {key}="{phrase}"', skip=("header",))


# ---- PII ---------------------------------------------------------------------------------------

COMMON_TLDS = ["com", "net", "org", "de", "co.uk", "fr", "io", "cn", "edu", "gov", "jp", "info", "nl", "com.au", "ch"]
RARE_TLDS = ["app", "dev", "xyz", "online", "email", "berlin", "photography", "ninja", "cloud", "consulting", "museum"]


def email_address(rng):
    first, last = word(rng), word(rng)
    local = rng.choice([f"{first}.{last}", f"{first}_{last}{rng.randint(1, 99)}", f"{first[0]}{last}",
                        f"{first}+{word(rng)}", str(rng.randint(10**9, 10**11)), f"{first}-{last}"])
    if rng.random() < 0.2:
        local = local.capitalize()
    tld = rng.choice(COMMON_TLDS) if rng.random() < 0.85 else rng.choice(RARE_TLDS)
    sub = rng.choice(["", "", "mail.", f"{word(rng)}."])
    return f"{local}@{sub}{word(rng)}.{tld}"


@kind("email-address")
def email(rng):
    addr = email_address(rng)
    text = rng.choice(["sent receipt to {}", "smtp: 550 5.1.1 <{}>: Recipient address rejected",
                       "user {} logged in", "sync failed for {}"]).format(addr)
    return plant(rng, addr, addr, rng.choice(["email", "user", "recipient", "owner"]), text=text,
                 header=rng.choice(["From", "Reply-To", "X-User"]))


def luhn_complete(prefix_digits):
    """Append the Luhn check digit to a digit string."""
    total = 0
    for i, c in enumerate(reversed(prefix_digits)):
        d = int(c)
        if i % 2 == 0:  # these are doubled once the check digit is appended
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return prefix_digits + str((10 - total % 10) % 10)


# (IIN prefixes, lengths): public ranges per brand
CARD_BRANDS = [
    (["4"], [16, 16, 16, 13, 19]),                                          # Visa
    ([str(p) for p in range(51, 56)] + ["2221", "2500", "2720"], [16]),      # Mastercard
    (["34", "37"], [15]),                                                    # Amex
    (["6011", "65", "644", "649"], [16, 19]),                                # Discover
    (["3528", "3550", "3589"], [16]),                                        # JCB
    (["300", "305", "36", "38"], [14]),                                      # Diners
    (["62"], [16, 17, 18, 19]),                                              # UnionPay
    (["5018", "5020", "6304", "6759"], [12, 13, 16, 19]),                    # Maestro
]


def card_number(rng):
    prefixes, lengths = rng.choice(CARD_BRANDS)
    prefix, length = rng.choice(prefixes), rng.choice(lengths)
    pan = luhn_complete(prefix + rs(rng, DIGITS, length - len(prefix) - 1))
    sep = rng.choice(["", "", " ", "-"])
    if sep and length == 16:
        pan = sep.join(pan[i:i + 4] for i in range(0, 16, 4))
    elif sep and length in (14, 15):
        pan = sep.join([pan[:4], pan[4:10], pan[10:]])
    return pan


@kind("payment-card-number")
def payment_card(rng):
    pan = card_number(rng)
    text = rng.choice(["charging card {} for order {}", "payment declined: {} (code 05) order {}",
                       "tokenize request pan={} merchant={}"]).format(pan, rs(rng, UPPER, 3) + str(rng.randint(100, 999)))
    return plant(rng, pan, pan, rng.choice(["card", "pan", "card_number", "cc"]), text=text,
                 url_value=pan.replace(" ", ""), skip=("header",))


# country: (length, BBAN layout) -- n digit, a upper-case letter, c either
IBAN_FORMATS = {"DE": "18n", "GB": "4a14n", "FR": "23n", "NL": "4a10n", "ES": "20n", "IT": "1a22n", "BE": "12n",
                "CH": "17n", "AT": "16n", "PL": "24n", "SE": "20n", "PT": "21n", "IE": "4a14n", "DK": "14n",
                "NO": "11n", "FI": "14n", "LU": "16n", "TR": "22n", "SA": "20n", "BR": "23n1a1c", "HU": "24n"}


def iban_number(rng, break_check=False):
    country = rng.choice(sorted(IBAN_FORMATS))
    bban, layout = "", IBAN_FORMATS[country]
    for count, cls in re.findall(r"(\d+)([nac])", layout):
        bban += rs(rng, {"n": DIGITS, "a": UPPER, "c": DIGITS + UPPER}[cls], int(count))
    numeric = "".join(str(int(c, 36)) for c in bban + country + "00")
    check = 98 - int(numeric) % 97
    if break_check:
        check = check % 97 + 1 if check < 98 else 2  # any other 2..98
    iban = f"{country}{check:02d}{bban}"
    if rng.random() < 0.5:
        iban = " ".join(iban[i:i + 4] for i in range(0, len(iban), 4))
    return iban


@kind("iban")
def iban(rng):
    value = iban_number(rng)
    text = rng.choice(["SEPA transfer to {} queued", "payout account {} verified", "refund {} EUR to {}"])
    text = text.format(value) if text.count("{}") == 1 else text.format(rng.randint(5, 900), value)
    return plant(rng, value, value, rng.choice(["iban", "account", "beneficiary_account"]), text=text,
                 url_value=value.replace(" ", ""), skip=("header",))


def ssn(rng):
    """Area 001-899 but not 666, group 01-99, serial 0001-9999; not a known advertised number."""
    while True:
        value = f"{rng.randint(1, 899):03d}-{rng.randint(1, 99):02d}-{rng.randint(1, 9999):04d}"
        digits = value.replace("-", "")
        if not value.startswith("666") and len(set(digits)) > 1 and digits not in ("078051120", "219099999", "123456789"):
            return value


@kind("us-ssn")
def us_ssn(rng):
    value = ssn(rng)
    if rng.random() < 0.25:
        value = value.replace("-", " ")
    text = rng.choice(["patient intake ssn {} verified", "W-2 upload: SSN {} ok", "applicant {} matched"]).format(value)
    return plant(rng, value, value, rng.choice(["ssn", "social_security_number", "taxId"]), text=text,
                 url_value=value.replace(" ", "-"), skip=("header",))


# ---- network and phone (opt-in packs) ----------------------------------------------------------

def ipv4(rng):
    first = rng.choice([10, 172, 192, rng.randint(11, 223)])
    return f"{first}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"


@kind("ipv4-address")
def ipv4_address(rng):
    ip = ipv4(rng)
    text = rng.choice(["Invalid user admin from {} port 52211", "connection from {} closed", "upstream {}:8080 timed out"])
    return plant(rng, ip, ip, rng.choice(["client_ip", "remote_addr", "peer"]), text=text.format(ip),
                 header="X-Forwarded-For", url=f"http://{ip}:8080/health")


@kind("ipv6-address")
def ipv6_address(rng):
    groups = [rng.choice(["2001", "2a02", "fd00", "fe80", "2600"])] + [f"{rng.randint(0, 65535):x}" for _ in range(7)]
    if rng.random() < 0.5:
        i = rng.randint(2, 5)
        ip = ":".join(groups[:i]) + "::" + ":".join(groups[i + 2:])
    else:
        ip = ":".join(groups)
    text = rng.choice(["Accepted publickey for deploy from {} port 50122 ssh2", "listening on [{}]:8443"]).format(ip)
    return plant(rng, ip, ip, rng.choice(["client_ip", "remote_addr"]), text=text, header="X-Real-IP",
                 url=f"http://[{ip}]:8080/status")


@kind("mac-address")
def mac_address(rng):
    octets = [rng.randint(0, 255) for _ in range(6)]
    style = rng.randrange(3)
    if style == 2:
        mac = ".".join(f"{octets[i]:02x}{octets[i + 1]:02x}" for i in (0, 2, 4))
    else:
        mac = (":" if style == 0 else "-").join(f"{o:02x}" for o in octets)
        mac = mac.upper() if rng.random() < 0.4 else mac
    text = rng.choice(["DHCPACK to {} via eth0", "wlan0: associated with AP {} (rssi -61)"]).format(mac)
    return plant(rng, mac, mac, rng.choice(["mac", "hwaddr"]), text=text, skip=("header", "url"))


def phone_number(rng):
    def nxx():
        return f"{rng.randint(2, 9)}{rng.randint(0, 9)}{rng.randint(0, 9)}"
    style = rng.randrange(9)
    if style == 0:
        return f"+44 20 {rng.randint(7000, 8999)} {rng.randint(1000, 9999)}"
    if style == 1:
        return f"+49 30 {rng.randint(10000000, 99999999)}"
    if style == 2:
        return f"+33 1 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}"
    if style == 3:
        return f"+1 ({nxx()}) {nxx()}-{rng.randint(1000, 9999)}"
    if style == 4:
        return f"({nxx()}) {nxx()}-{rng.randint(1000, 9999)}"
    if style == 5:
        return f"{nxx()}-{nxx()}-{rng.randint(1000, 9999)}"
    if style == 6:
        return f"+447{rng.randint(100000000, 999999999)}"
    if style == 7:
        return f"020 {rng.randint(7000, 8999)} {rng.randint(1000, 9999)}"
    return f"+81 3-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}"


@kind("phone-number")
def phone(rng):
    number = phone_number(rng)
    text = rng.choice(["sms sent to {} status=delivered", "callback {} requested", "caller {} hung up"]).format(number)
    return plant(rng, number, number, rng.choice(["phone", "msisdn", "caller_id"]), text=text,
                 url_value=re.sub(r"[ ()-]", "", number) if number.startswith("+") else None, skip=("header",))


# ---- entropy (opt-in) --------------------------------------------------------------------------

@kind("high-entropy-base64")
def high_entropy_base64(rng):
    blob = b64(rng, rng.choice([32, 48, 64]))
    return plant(rng, blob, blob, rng.choice(["blob", "material", "sig"]), text=f"cache warmup: blob {blob} stored")


@kind("high-entropy-hex")
def high_entropy_hex(rng):
    h = rs(rng, HEX, rng.choice([40, 64]))
    # not in URLs: the rule leaves query strings alone on purpose (content hashes)
    return plant(rng, h, h, rng.choice(["hmac", "material", "digest_key"]), text=f"using master key {h}", skip=("url",))


# ---- provider tokens (secrets pack), from public format descriptions ---------------------------

def provider(rule_id, make, key=None):
    """A self-identifying token: placed with a neutral key, or a key of the provider's own."""
    def gen(rng):
        token, needles = make(rng)
        text = rng.choice(["using credential {} for upload", "export {}={}", "config loaded: {}",
                           "git remote set-url origin https://{}@git.example.com/team/repo.git"])
        text = text.format(key or "CRED", token) if text.count("{}") == 2 else text.format(token)
        header = rng.choice([("Authorization", f"Bearer {token}"), ("X-Client-Ident", token)])
        p = plant(rng, needles or token, token, rng.choice([key or "value", rng.choice(NEUTRAL_KEYS)]), text=text)
        p["forms"]["header"] = header
        return p
    GENERATORS[rule_id] = gen


def tok(fmt):
    """fmt: list of literal strings and (charset, n) pairs."""
    def make(rng):
        parts = [p if isinstance(p, str) else rs(rng, p[0], p[1] if isinstance(p[1], int) else rng.randint(*p[1]))
                 for p in fmt]
        return "".join(parts), None
    return make


B32 = UPPER + "234567"
provider("aws-access-key-id", lambda rng: (rng.choice(["AKIA", "ASIA"]) + rs(rng, B32, 16), None), "AWS_ACCESS_KEY_ID")
provider("github-pat-classic", tok(["ghp_", (ALNUM, 36)]), "GITHUB_TOKEN")
provider("github-oauth-token", tok(["gho_", (ALNUM, 36)]))
provider("github-server-to-server-token", tok(["ghs_", (ALNUM, 36)]))
provider("github-pat-fine-grained", tok(["github_pat_", (ALNUM, 22), "_", (ALNUM, 59)]), "GH_TOKEN")
provider("gitlab-pat", tok(["glpat-", (URLSAFE, 20)]), "GITLAB_TOKEN")
provider("slack-bot-token", tok(["xoxb-", (DIGITS, (10, 13)), "-", (DIGITS, (10, 13)), "-", (ALNUM, 24)]), "SLACK_BOT_TOKEN")
provider("slack-user-token", tok(["xoxp-", (DIGITS, 12), "-", (DIGITS, 12), "-", (DIGITS, 13), "-", (HEX, 32)]))
provider("slack-app-token", tok(["xapp-1-A", (UPPER + DIGITS, 10), "-", (DIGITS, 13), "-", (HEX, 64)]))
provider("stripe-secret-key", tok(["sk_live_", (ALNUM, (24, 99))]), "STRIPE_SECRET_KEY")
provider("stripe-restricted-key", tok(["rk_live_", (ALNUM, (24, 99))]))
provider("stripe-webhook-secret", tok(["whsec_", (ALNUM, 32)]))
provider("openai-project-key", tok(["sk-proj-", (URLSAFE, (58, 74)), "T3BlbkFJ", (URLSAFE, (58, 74))]), "OPENAI_API_KEY")
provider("anthropic-api-key", tok(["sk-ant-api03-", (URLSAFE, 93), "AA"]), "ANTHROPIC_API_KEY")
provider("gcp-api-key", tok(["AIza", (URLSAFE, 35)]))
provider("sendgrid-api-key", tok(["SG.", (URLSAFE, 22), ".", (URLSAFE, 43)]), "SENDGRID_API_KEY")
provider("twilio-api-key", tok(["SK", (HEX, 32)]))
provider("npm-access-token", tok(["npm_", (ALNUM, 36)]), "NPM_TOKEN")
provider("pypi-upload-token", tok(["pypi-AgEIcHlwaS5vcmc", (URLSAFE, (70, 180))]))
provider("dockerhub-access-token", tok(["dckr_pat_", (URLSAFE, 27)]))
provider("digitalocean-pat", tok(["dop_v1_", (HEX, 64)]))
provider("vault-service-token", tok(["hvs.", (URLSAFE, (90, 100))]), "VAULT_TOKEN")
provider("huggingface-access-token", tok(["hf_", (LOWER + UPPER, 34)]), "HF_TOKEN")
provider("shopify-access-token", tok(["shpat_", (HEX, 32)]))
provider("telegram-bot-token", tok([(DIGITS[1:], 1), (DIGITS, (7, 9)), ":AA", (URLSAFE, 33)]))
provider("databricks-token", tok(["dapi", (HEX, 32)]), "DATABRICKS_TOKEN")
provider("newrelic-user-api-key", tok(["NRAK-", (UPPER + DIGITS, 27)]))
provider("age-secret-key", tok(["AGE-SECRET-KEY-1", ("QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L", 58)]))
provider("grafana-service-account-token", tok(["glsa_", (ALNUM, 32), "_", (HEX, 8)]))
provider("square-access-token", tok(["EAAA", (URLSAFE, 60)]))
provider("doppler-token", tok(["dp.pt.", (ALNUM, 43)]))
provider("pulumi-access-token", tok(["pul-", (HEX, 40)]))
provider("linear-api-key", tok(["lin_api_", (ALNUM, 40)]))
provider("postman-api-key", tok(["PMAK-", (HEX, 24), "-", (HEX, 34)]))


@kind("aws-secret-access-key")
def aws_secret(rng):
    secret = mixed(rng, ALNUM + "/+", 40)
    key = rng.choice(["aws_secret_access_key", "AWS_SECRET_ACCESS_KEY", "SecretAccessKey", "secretAccessKey"])
    return plant(rng, secret, secret, key, text=rng.choice([f"{key} = {secret}", f'"{key}": "{secret}"']),
                 skip=("header",))


@kind("slack-webhook-url")
def slack_webhook(rng):
    secret = rs(rng, ALNUM, 24)
    url = f"https://hooks.slack.com/services/T{rs(rng, UPPER + DIGITS, 9)}/B{rs(rng, UPPER + DIGITS, 10)}/{secret}"
    return plant(rng, secret, url, rng.choice(["webhook", "SLACK_WEBHOOK_URL"]), text=f"posting alert to {url}",
                 url=url, skip=("header",))


@kind("discord-webhook-url")
def discord_webhook(rng):
    secret = rs(rng, URLSAFE, 68)
    url = f"https://discord.com/api/webhooks/{rng.randint(10**17, 10**19 - 1)}/{secret}"
    return plant(rng, secret, url, "webhook", text=f"POST {url} -> 204", url=url, skip=("header",))


@kind("sentry-dsn")
def sentry_dsn(rng):
    secret = rs(rng, HEX, 32)
    dsn = f"https://{secret}@o{rng.randint(100000, 999999)}.ingest.sentry.io/{rng.randint(1000000, 9999999)}"
    return plant(rng, secret, dsn, rng.choice(["SENTRY_DSN", "dsn"]), text=f"sentry init dsn={dsn}", skip=("header", "url"))


@kind("datadog-api-key")
def datadog_api_key(rng):
    secret = rs(rng, HEX, 32)
    key = rng.choice(["DD_API_KEY", "datadog_api_key", "dd-api-key"])
    return plant(rng, secret, secret, key, text=f"{key}={secret}", header="DD-API-KEY")


@kind("heroku-api-key")
def heroku_api_key(rng):
    h = rs(rng, HEX, 32)
    secret = f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{rng.choice('89ab')}{h[17:20]}-{h[20:]}"
    return plant(rng, secret, secret, "HEROKU_API_KEY", text=f"export HEROKU_API_KEY={secret}", skip=("header",))


# ---- field-name rules (keys pack) --------------------------------------------------------------

def field_value(rng, name):
    """A plausible value for a field called `name`; -> (value, needles)."""
    n = name.lower()
    if any(w in n for w in ("pin", "otp", "mfa", "code")) and "verifier" not in n:
        v = str(rng.randint(10**5, 10**8))
        return (f"{v[:4]}-{v[4:]}" if "recovery" in n else v), None
    if "cookie" in n:
        sid = rs(rng, ALNUM, 32)
        return f"sid={sid}; Path=/; HttpOnly", [sid]
    if "session" in n or "sid" in n or "sess" in n:
        return rs(rng, HEX, 32).upper() if "jsession" in n else rs(rng, HEX, 32), None
    if "authorization" in n:
        t = mixed(rng, URLSAFE, 40)
        return f"Bearer {t}", [t]
    if any(w in n for w in ("dsn", "url", "uri", "conn")):
        pw = password(rng)
        return f"postgres://{word(rng)}:{pw}@{word(rng)}.internal:5432/{word(rng)}", [pw]
    if any(w in n for w in ("pass", "pwd", "secret", "credential")):
        return password(rng), None
    if "verifier" in n:
        return rs(rng, URLSAFE, 64), None
    return mixed(rng, ALNUM, rng.randint(16, 40)), None


def field_generator(rule):
    names, suffix = rule["names"], rule.get("match") == "suffix"

    def gen(rng):
        name = rng.choice(names)
        key = name_style(rng, name, prefix=suffix)
        value, needles = field_value(rng, name)
        headerish = any(w in name for w in ("authorization", "cookie", "x_", "api_key", "apikey", "auth_token", "csrf"))
        p = plant(rng, needles or value, value, key, skip=("text", "url") if headerish else ("text", "url", "header"))
        if headerish:
            p["forms"]["header"] = ("-".join(w.capitalize() for w in name.replace(".", "_").split("_")), value)
        return p
    return gen


# ---- regex-derived generators ------------------------------------------------------------------

def validator_check(rule):
    v = (rule.get("validator") or "").strip()
    if v.startswith("entropy(") and v.endswith(")"):
        bits = float(v[len("entropy("):-1])
        return lambda s: entropy(s) >= bits
    return None  # other validators have dedicated generators above


def regex_generator(rule):
    """None when the pattern cannot be sampled."""
    accept = validator_check(rule)
    probe = regex_sample(rule["pattern"], random.Random(0), accept=accept)
    if probe is None:
        return None

    def gen(rng):
        got = regex_sample(rule["pattern"], rng, accept=accept)
        if got is None:
            return None
        whole, secret = got
        rest = whole.replace(secret, "", 1)
        if len(rest) <= 1 and not rest.strip(string.punctuation + " "):  # self-contained token
            return plant(rng, secret, secret, text=f"using credential {secret} for upload")
        p = plant(rng, secret, whole, text=f"config loaded: {whole}", skip=("kv", "header", "url"))
        p["forms"]["json"] = ("msg", f"config loaded: {whole}")
        return p
    return gen


def generator_for(rule):
    """-> (generator, how) for a rule dict from a pack (pattern rule or field rule)."""
    if rule["id"] in GENERATORS:
        return GENERATORS[rule["id"]], "dedicated"
    if "names" in rule:
        return field_generator(rule), "field names"
    gen = regex_generator(rule) if rule.get("pattern") else None
    return gen, ("from regex" if gen else "none")


# ---- look-alikes: lines that must come out unchanged -------------------------------------------

def lookalikes(rng, rule_id):
    """Near misses for a dedicated kind: (what, line) pairs."""
    out = []
    if rule_id == "payment-card-number":
        pan = card_number(rng).replace(" ", "").replace("-", "")
        bad = pan[:-1] + str((int(pan[-1]) + rng.randint(1, 9)) % 10)
        out += [("bad Luhn", f"payment declined card={bad} amount=12.00"),
                ("11 digits", f"order {luhn_complete('4' + rs(rng, DIGITS, 9))} shipped"),
                ("20-digit id", f"txn id {luhn_complete('4' + rs(rng, DIGITS, 18))} committed"),
                ("epoch ms", f"event ts={rng.randint(1_600_000_000_000, 1_800_000_000_000)} processed"),
                ("decimal", f"ratio 0.{luhn_complete('4' + rs(rng, DIGITS, 14))} converged"),
                ("counter list", "fan speeds ( " + " ".join(str(rng.randint(3000, 4999)) for _ in range(6)) + " )")]
    elif rule_id == "iban":
        good = iban_number(rng).replace(" ", "")
        out += [("bad check digits", f"SEPA transfer to {iban_number(rng, break_check=True)} rejected"),
                ("wrong length", f"iban={good[:-1]} too short"),
                ("unknown country", f"reference XQ{rs(rng, DIGITS, 18)} filed")]
    elif rule_id == "us-ssn":
        a = rng.choice(["000", "666", str(rng.randint(900, 999))])
        out += [("bad area", f"ssn={a}-{rng.randint(10, 99)}-{rng.randint(1000, 9999)} rejected"),
                ("group 00", f"ssn={rng.randint(100, 599)}-00-{rng.randint(1000, 9999)} rejected"),
                ("date", f"build 2024-{rng.randint(10, 12)}-{rng.randint(10, 28)} released"),
                ("longer id", f"part {ssn(rng)}{rng.randint(0, 9)} of batch"),
                ("dotted version", f"kernel 4.{rng.randint(10, 99)}.{rng.randint(1000, 9999)}-generic")]
    elif rule_id == "email-address":
        out += [("java object", f"java.lang.Object@{rs(rng, HEX, 8)} handled by worker@pool-{rng.randint(1, 9)}"),
                ("systemd unit", f"Started getty@tty{rng.randint(1, 6)}.service and user@{rng.randint(1000, 2000)}.service"),
                ("no TLD", f"root@localhost login from console; {word(rng)}@{word(rng)} ok"),
                ("scp target", f"scp build.tar {word(rng)}@{word(rng)}-{rng.randint(1, 9)}:/srv/"),
                ("mention", f"ping @{word(rng)} about the outage")]
    elif rule_id == "jwt":
        out += [("one segment", "base64 of {\"a\":1} is " + b64url(b'{"a":%d}' % rng.randint(1, 99))),
                ("short segments", "version eyJ.eyJ.sig"),
                ("header only", "header " + b64url(b'{"alg":"HS256"}'))]
    elif rule_id == "password-assignment":
        ip, port, user = ipv4(rng), rng.randint(1024, 65535), word(rng)
        out += [("sshd failure", f"sshd[{rng.randint(1000, 30000)}]: Failed password for root from {ip} port {port} ssh2"),
                ("sshd accept", f"sshd[{rng.randint(1000, 30000)}]: Accepted password for {user} from {ip} port {port} ssh2"),
                ("sshd invalid", f"sshd[{rng.randint(1000, 30000)}]: Failed password for invalid user {user} from {ip} port {port} ssh2"),
                ("policy", f"auth config password_policy=strict password_min_length={rng.randint(8, 16)}"),
                ("masked", "password: ********"), ("variable", "DB_PASSWORD=${DB_PASSWORD}"),
                ("pam", f"pam_unix(passwd:chauthtok): password changed for {user}"),
                ("empty json", '{"password": "", "user": "%s"}' % user),
                ("prose", f"user {user} requested a password reset"),
                ("bypass", f"filter bypass=true compass=north first_pass={rng.choice(['ok', 'done'])}")]
    elif rule_id == "token-assignment":
        out += [("count", f"tokenizer: token_count={rng.randint(1, 999)} max_tokens: {rng.choice([256, 1024, 4096])}"),
                ("usage", f'{{"prompt_tokens": {rng.randint(10, 999)}, "completion_tokens": {rng.randint(10, 999)}}}'),
                ("prose", "csrf token: missing"), ("variable", "api_key=${API_KEY}"),
                ("error", "ERROR Invalid token: signature verification failed"),
                ("path", "mounted token: /var/run/secrets/kubernetes.io/serviceaccount/token"),
                ("page token", f'{{"items": 20, "next_page_token": "{b64url(rng.randbytes(24))}"}}'),
                ("token type", '{"token_type": "Bearer", "expires_in": 3600}')]
    elif rule_id == "secret-assignment":
        out += [("k8s", f"kube: created secret/{word(rng)}-credentials in namespace prod"),
                ("count", f"secrets: {rng.randint(1, 9)} mounted, 0 pending"),
                ("name", f"secretName={word(rng)}-tls"), ("redacted", "client_secret=<redacted>")]
    elif rule_id == "http-authorization-header":
        out += [("placeholder", "Authorization: Bearer <token>"), ("variable", "Authorization: Bearer ${API_TOKEN}"),
                ("prose", f"authorization failed for user {word(rng)}: Bearer token expired"),
                ("challenge", 'WWW-Authenticate: Bearer realm="api", error="invalid_token"')]
    elif rule_id == "url-password":
        out += [("no password", f"connecting to postgres://{word(rng)}@db-01.internal:5432/orders"),
                ("port only", f"listening on http://0.0.0.0:{rng.randint(1024, 9999)}/health"),
                ("variable", "DATABASE_URL=postgres://app:${DB_PASSWORD}@db:5432/orders")]
    elif rule_id in ("private-key-block", "private-key-header"):
        out += [("public key", "-----BEGIN PUBLIC KEY-----\\n" + b64(rng, 48) + "\\n-----END PUBLIC KEY-----"),
                ("certificate", "-----BEGIN CERTIFICATE----- " + b64(rng, 48) + " -----END CERTIFICATE-----"),
                ("prose", "expected a file starting with BEGIN RSA PRIVATE KEY")]
    elif rule_id == "ipv4-address":
        out += [("version", f"Loaded Servicing Stack v6.1.{rng.randint(7000, 7999)}.{rng.randint(10000, 29999)}"),
                ("out of range", f"bogus {rng.randint(256, 999)}.1.1.{rng.randint(256, 999)}")]
    elif rule_id == "phone-number":
        out += [("placeholder", "call 123-456-7890 or 000-000-0000"),
                ("timestamp", f"2024-03-01 10:{rng.randint(10, 59)}:{rng.randint(10, 59)}.{rng.randint(100, 999)} job done"),
                ("block id", f"blk_{rng.randint(10**17, 10**18)} replicated")]
    return out


def regex_lookalikes(rng, rule, gen):
    """Generic near misses for a self-contained token rule: one character short, and the same
    shape with every random character replaced by x (a placeholder; rules with an entropy
    validator must reject it). Kept only when Python's re agrees the rule should not match."""
    samples = [gen(rng) for _ in range(4)]
    samples = [s for s in samples if s and "kv" in s["forms"]]
    if len(samples) < 4:
        return []
    secrets = [s["needles"][0] for s in samples]
    out, pattern = [], re.compile(rule["pattern"])
    short = secrets[0][:-1]
    if not pattern.search(f"using credential {short} for upload"):
        out.append(("one char short", f"using credential {short} for upload"))
    common = len(os.path.commonprefix(secrets))
    if rule.get("validator", "").startswith("entropy") and common >= 2:
        fake = secrets[1][:common] + "".join("x" if c.isalnum() else c for c in secrets[1][common:])
        if pattern.search(f"using credential {fake} for upload"):
            out.append(("placeholder", f"example: using credential {fake} for upload"))
    return out


# Prose that mentions secrets without containing one (written for this benchmark).
PROSE = [
    "Failed password for root from 183.62.140.253 port 55138 ssh2",
    "tokenizer stats token_count=12 vocab=32000",
    "Accepted publickey for git from 10.4.0.12 port 40022 ssh2: RSA SHA256:3c2f9d",
    "pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=10.1.2.3",
    "password reset email queued for user id 48213",
    "The secret to fast builds is caching; see docs/ci.md",
    "Refreshing OAuth token (expires_in=3599, token_type=Bearer)",
    "api_key_id=key_7f3a rotated; old key disabled",
    "session_count=4 session_duration_ms=1800000",
    "cookie_consent=accepted cookie_policy=v2",
    "bearer authentication enabled for /api/*",
    "Private key file /etc/ssl/private/server.key loaded (2048 bit)",
    "JWT validation failed: exp claim in the past",
    "password_min_length=12 password_max_age_days=90",
    "warn: --password on the command line is insecure, use --password-file",
    "usage: deploy --token <TOKEN> --api-key KEY",
    "build 2024.03.01.1200 sha=4f1c2ab9 tag=v1.8.3",
    "GET /healthz HTTP/1.1 200 3 ms",
    "Card ending in 4242 charged 19.99 EUR",
    "Order 2024-000123-77 shipped to warehouse 17",
    "thread pool worker@pool-4 started",
    "credentials provider chain: env, profile, instance-metadata",
    "Secret rotation scheduled for 2024-04-01",
    "vault: token lookup-self ok, ttl 767h59m",
    "kubelet: MountVolume.SetUp succeeded for volume \"default-token-x7k2p\"",
    "Accepted keyboard-interactive/pam for admin from 192.168.7.20 port 51234 ssh2",
    "redis: AUTH failed: WRONGPASS invalid username-password pair",
    "mysql: Access denied for user 'app'@'10.0.0.8' (using password: YES)",
]
