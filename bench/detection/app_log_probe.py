#!/usr/bin/env python3
"""Independent detection probe for veil: realistic application logs.

Written from general knowledge of how software writes logs and of public credential
formats, WITHOUT looking at veil's rule packs, sources or tests, so that it is an
independent second opinion.

  python3 bench/detection/app_log_probe.py [--out DIR] [--seed N] [--veil build/veil]

It generates, deterministically from --seed:
  * a LEAK set: whole log lines (Spring, Python, Go, Node, Rails, nginx, Apache, kubelet,
    Docker, journald, sudo/auditd, PostgreSQL, MySQL, Redis, MongoDB, Terraform, Ansible,
    Helm, CI logs, HTTP header dumps, env dumps, cloud SDK debug logs, crash reports), each
    with exactly one planted synthetic secret whose exact string is kept in a manifest;
    a few items are multi-line (a PEM private key printed line by line; a Kubernetes env
    entry split over `- name:` / `value:` lines);
  * a LOOK-ALIKE set: realistic lines with no secret in them but things that resemble one;
then writes both as plain text and as NDJSON (docker json-file / JSON-logger wrappers and
structured fields), runs veil with default options on each file and scores it.

Scoring rules (exact):
  * Output must have as many lines as the input (checked; reported as an error otherwise).
  * LEAK item: for each planted secret we take its "needle", i.e. the exact string as it
    appears in that file (JSON-escaped for the NDJSON variant).
      - WHOLE leak:   the needle occurs more often in the item's output lines than in the
                      item's input lines with the planted occurrences removed.
      - PARTIAL leak: not whole, but some 8-character window of the needle occurs more often
                      in the output than in the input-without-secret. Windows lying entirely
                      inside a documented public prefix of the format (e.g. `ghp_`,
                      `sk_live_`, `xoxb-`, `AKIA`, a JWT's header segment, the fixed DER
                      prefix of a PEM body, `https://hooks.slack.com/services/`) are ignored,
                      so masks that keep a format prefix are not penalised. Needles shorter
                      than 8 characters are judged by the WHOLE rule only.
      - caught = neither. Recall = caught / items. Both kinds of leak count as misses; the
        report shows them separately.
  * LOOK-ALIKE item: a false positive if any output line differs from its input line.
  * IPv4 addresses are planted as an informational kind (tier "info"); they are reported
    separately and never count as misses.
"""
import argparse
import base64
import collections
import datetime
import difflib
import json
import os
import random
import re
import string
import subprocess
import sys
import time
import urllib.parse
import uuid
import zlib

R = random.Random(0)

UP = string.ascii_uppercase
LO = string.ascii_lowercase
DIG = string.digits
LET = UP + LO
ALNUM = UP + LO + DIG
HEX = '0123456789abcdef'
HEXU = '0123456789ABCDEF'
B64 = ALNUM + '+/'
B64URL = ALNUM + '-_'
B32 = UP + '234567'
B62 = DIG + UP + LO
K8S_ALPHA = 'bcdfghjklmnpqrstvwxz2456789'


def rs(alpha, n):
    return ''.join(R.choice(alpha) for _ in range(n))


def pick(seq):
    return R.choice(seq)


def chance(p):
    return R.random() < p


def b64url(b):
    return base64.urlsafe_b64encode(b).rstrip(b'=').decode()


def b64(b):
    return base64.b64encode(b).decode()


def q(s):
    return urllib.parse.quote(s, safe='')


# --------------------------------------------------------------------------------------
# time stamps and common names
# --------------------------------------------------------------------------------------
BASE = datetime.datetime(2024, 3, 14, 9, 0, 0, tzinfo=datetime.timezone.utc)


def now():
    return BASE + datetime.timedelta(seconds=R.randint(0, 3 * 86400),
                                     microseconds=R.randint(0, 999999))


def ts_iso(digits=3):
    t = now()
    frac = f'{t.microsecond:06d}'
    if digits > 6:
        frac += rs(DIG, digits - 6)
    return t.strftime('%Y-%m-%dT%H:%M:%S.') + frac[:digits] + 'Z'


def ts_logback():
    t = now()
    return t.strftime('%Y-%m-%d %H:%M:%S.') + f'{t.microsecond // 1000:03d}'


def ts_py():
    t = now()
    return t.strftime('%Y-%m-%d %H:%M:%S,') + f'{t.microsecond // 1000:03d}'


def ts_clf():
    return now().strftime('%d/%b/%Y:%H:%M:%S +0000')


def ts_syslog():
    return now().strftime('%b %d %H:%M:%S')


def ts_klog(level='I'):
    t = now()
    return f'{level}{t:%m%d %H:%M:%S}.{t.microsecond:06d}'


def ts_epoch(ms=False):
    t = now()
    return f'{int(t.timestamp() * 1000)}' if ms else f'{t.timestamp():.3f}'


SVCS = ['api', 'billing', 'checkout', 'auth', 'orders', 'notifier', 'search', 'ledger',
        'gateway', 'worker', 'scheduler', 'inventory', 'payments', 'accounts']
HOSTS = ['web-01', 'web-02', 'app-3', 'ip-10-12-3-45', 'node-7', 'db-01', 'ci-runner-04',
         'bastion', 'k8s-worker-2', 'prod-eu-1a-app7']
USERS = ['alice', 'bob', 'carol', 'dmitri', 'frank', 'grace', 'hiro', 'ines', 'jamal',
         'deploy', 'svc_billing', 'app', 'reporting', 'etl', 'admin', 'ci']
DBHOSTS = ['db-primary.internal', 'pg-prod-01.c1a2b3d4e5f6.eu-west-1.rds.amazonaws.com',
           'mysql.payments.svc.cluster.local', 'postgres.prod.svc', 'orders-db', '10.12.3.45',
           'db.acme.io']
APIHOSTS = ['api.acme.io', 'payments.globex.net', 'internal-gw.initech.dev', 'api.hooli.xyz',
            'svc.umbrella.co']
PATHS = ['/v1/orders', '/api/v2/users/4812', '/v1/invoices', '/api/export', '/v2/search',
         '/oauth/callback', '/api/v1/reports/daily', '/webhooks/stripe', '/graphql', '/v1/me']
UAS = ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) '
       'Chrome/122.0.0.0 Safari/537.36', 'curl/8.5.0', 'okhttp/4.12.0',
       'python-requests/2.31.0', 'Go-http-client/2.0', 'kube-probe/1.29',
       'Mozilla/5.0 (iPhone; CPU iPhone OS 17_3 like Mac OS X) AppleWebKit/605.1.15']
LEVELS = ['INFO', 'WARN', 'ERROR', 'DEBUG']
JAVA_LOGGERS = ['c.a.billing.PaymentService', 'c.a.orders.web.OrderController',
                'o.s.web.client.RestTemplate', 'com.zaxxer.hikari.HikariDataSource',
                'c.a.config.DataSourceConfig', 'o.s.b.w.embedded.tomcat.TomcatWebServer',
                'c.a.integration.StripeClient', 'c.a.auth.TokenService']
PY_LOGGERS = ['app.db', 'app.services.billing', 'app.clients.http', 'app.settings',
              'app.tasks', 'app.auth', 'integrations.slack']
FIRST = ['alice', 'bob', 'maria', 'jose', 'wei', 'fatima', 'olga', 'liam', 'noah', 'emma',
         'sofia', 'lukas', 'chloe', 'arjun', 'yuki', 'omar', 'ana', 'piotr']
LAST = ['smith', 'garcia', 'mueller', 'chen', 'kowalski', 'dubois', 'rossi', 'novak',
        'tanaka', 'silva', 'haddad', 'johansson', 'obrien', 'patel', 'kim']
MAILDOMS = ['gmail.com', 'outlook.com', 'yahoo.com', 'proton.me', 'icloud.com', 'web.de',
            'gmx.de', 'orange.fr', 'mail.ru', 'acme-corp.com', 'globex.net', 'initech.io',
            'hooli.co.uk', 'yahoo.co.jp', 'uni-heidelberg.de', 'company.com.au',
            'eng.piedpiper.dev', 'fastmail.fm']


def pod_name(svc=None):
    return f'{svc or pick(SVCS)}-{rs(K8S_ALPHA, pick([9, 10]))}-{rs(K8S_ALPHA, 5)}'


def a_uuid():
    return str(uuid.UUID(int=R.getrandbits(128), version=4))


def ip_private():
    return pick([f'10.{R.randint(0, 255)}.{R.randint(0, 255)}.{R.randint(1, 254)}',
                 f'192.168.{R.randint(0, 255)}.{R.randint(1, 254)}',
                 f'172.{R.randint(16, 31)}.{R.randint(0, 255)}.{R.randint(1, 254)}'])


def ip_public():
    while True:
        a = R.randint(1, 223)
        if a not in (10, 127, 172, 192, 100, 169):
            return f'{a}.{R.randint(0, 255)}.{R.randint(0, 255)}.{R.randint(1, 254)}'


# --------------------------------------------------------------------------------------
# secret value generators: each returns (value, public_prefix_len)
# --------------------------------------------------------------------------------------
def b62enc(n, width=6):
    s = ''
    while n:
        n, r = divmod(n, 62)
        s = B62[r] + s
    return s.rjust(width, '0')


def gh_style(prefix, n=30):
    body = rs(ALNUM, n)
    return prefix + body + b62enc(zlib.crc32(body.encode()) & 0xffffffff), len(prefix)


def g_akia():
    return 'AKIA' + rs(B32, 16), 4


def g_asia():
    return 'ASIA' + rs(B32, 16), 4


def g_aws_secret():
    return rs(ALNUM + '+/', 40), 0


def g_aws_session():
    p = 'IQoJb3JpZ2luX2Vj'
    return p + rs(B64, R.randint(300, 640)) + pick(['', '=', '==']), len(p)


def g_gcp_key():
    return 'AIza' + rs(B64URL, 35), 4


def g_ya29():
    return 'ya29.' + rs(B64URL, R.randint(120, 200)), 5


def g_google_refresh():
    return '1//0' + rs(B64URL, R.randint(90, 110)), 4


def g_azure_storage_key():
    return b64(R.randbytes(64)), 0


def g_azure_sas_sig():
    return q(b64(R.randbytes(32))), 0


def g_azure_sb_key():
    return b64(R.randbytes(32)), 0


def g_ghp():
    return gh_style('ghp_')


def g_gho():
    return gh_style('gho_')


def g_ghs():
    return gh_style('ghs_')


def g_github_pat():
    p = 'github_pat_'
    return p + rs(ALNUM, 22) + '_' + rs(ALNUM, 59), len(p)


def g_glpat():
    return 'glpat-' + rs(ALNUM + '-_', 20), 6


def g_glptt():
    return 'glptt-' + rs(HEX, 40), 6


def g_glrt():
    return 'glrt-' + rs(ALNUM + '-_', 20), 5


def g_gldt():
    return 'gldt-' + rs(ALNUM + '-_', 20), 5


def g_npm():
    return gh_style('npm_')


def g_pypi():
    p = 'pypi-AgEIcHlwaS5vcmc'
    return p + rs(B64URL, R.randint(60, 160)), len(p)


def g_xoxb():
    return f'xoxb-{rs(DIG, R.randint(10, 13))}-{rs(DIG, R.randint(10, 13))}-{rs(ALNUM, 24)}', 5


def g_xoxp():
    return (f'xoxp-{rs(DIG, 12)}-{rs(DIG, 12)}-{rs(DIG, 13)}-{rs(HEX, 32)}', 5)


def g_slack_hook():
    p = 'https://hooks.slack.com/services/'
    return p + f'T{rs(UP + DIG, 10)}/B{rs(UP + DIG, 10)}/{rs(ALNUM, 24)}', len(p)


def g_sk_live():
    return 'sk_live_' + rs(ALNUM, pick([24, 99])), 8


def g_rk_live():
    return 'rk_live_' + rs(ALNUM, pick([24, 99])), 8


def g_whsec():
    return 'whsec_' + rs(ALNUM, 32), 6


def g_twilio_token():
    return rs(HEX, 32), 0


def g_sendgrid():
    return 'SG.' + rs(B64URL, 22) + '.' + rs(B64URL, 43), 3


def g_mailgun():
    return 'key-' + rs(HEX, 32), 4


def g_openai():
    if chance(0.6):
        return 'sk-proj-' + rs(B64URL, 74) + 'T3BlbkFJ' + rs(B64URL, 74), 8
    return 'sk-' + rs(ALNUM, 20) + 'T3BlbkFJ' + rs(ALNUM, 20), 3


def g_anthropic():
    p = 'sk-ant-api03-'
    return p + rs(B64URL, 93) + 'AA', len(p)


def g_hf():
    return 'hf_' + rs(LET, 34), 3


def g_dd_api():
    return rs(HEX, 32), 0


def g_sentry_key():
    return rs(HEX, 32), 0


def g_shopify():
    return pick(['shpat_', 'shpca_', 'shppa_']) + rs(HEX, 32), 6


def g_atlassian():
    p = 'ATATT3xFfGF0'
    return p + rs(ALNUM + '-_', 171) + '=' + rs(HEXU, 8), len(p)


def g_okta():
    return '00' + rs(B64URL, 40), 2


def g_jwt():
    alg = pick(['HS256', 'RS256', 'ES256'])
    hdr = {'alg': alg, 'typ': 'JWT'}
    if alg != 'HS256' and chance(0.5):
        hdr['kid'] = rs(B64URL, 27)
    iat = int(now().timestamp())
    payload = {'sub': pick([str(R.randint(1000, 999999)), a_uuid()]),
               'iss': pick(['https://auth.acme.io/', 'https://login.globex.net/oauth2',
                            'accounts.initech.dev']),
               'aud': pick(['api', 'orders-service', 'https://api.acme.io']),
               'iat': iat, 'exp': iat + pick([300, 900, 3600, 86400])}
    if chance(0.5):
        payload['scope'] = pick(['read:orders', 'openid profile', 'admin', 'orders:write'])
    h = b64url(json.dumps(hdr, separators=(',', ':')).encode())
    p = b64url(json.dumps(payload, separators=(',', ':')).encode())
    sig = b64url(R.randbytes({'HS256': 32, 'RS256': 256, 'ES256': 64}[alg]))
    return f'{h}.{p}.{sig}', len(h) + 1


def g_opaque_access():
    return pick([rs(ALNUM, 40), rs(ALNUM + '-._~', 64), rs(ALNUM, 32), rs(B64URL, 43)]), 0


def g_opaque_refresh():
    return pick([rs(ALNUM, 48), rs(B64URL, 64), 'rt_' + rs(ALNUM, 40)]), 0


def g_basic():
    user = pick(USERS + ['api', 'jenkins', 'grafana', 'metrics'])
    return b64(f'{user}:{gen_password()}'.encode()), 0


def g_digest_resp():
    return rs(HEX, 32), 0


WORDS = ['Summer', 'Winter', 'Dragon', 'Monkey', 'Falcon', 'Orange', 'Purple', 'Tiger',
         'Rocket', 'Coffee', 'Sunset', 'Maple', 'Silver', 'Thunder', 'Pepper', 'Cobalt',
         'Harbor', 'Velvet']


def gen_password(url_safe=False, maxlen=None):
    while True:
        t = R.random()
        if t < 0.35:
            p = (pick(WORDS) + pick(WORDS).lower() + str(R.randint(10, 9999))
                 + pick('!*-_.~' if url_safe else '!#%*?@^+'))
        elif t < 0.75:
            extra = '-_.~!*' if url_safe else '!#%^*-_+@?'
            p = rs(ALNUM + extra, R.randint(12, 24))
        else:
            p = rs(ALNUM, R.randint(14, 32))
        if maxlen:
            p = p[:maxlen]
        if len(p) >= 8 and any(c.isdigit() for c in p) and any(c.isalpha() for c in p):
            return p


def g_password():
    return gen_password(), 0


def g_password_url():
    if chance(0.15):
        raw = gen_password()[:12] + pick(['@', '#', '/', ':'])
        return q(raw) + rs(DIG, 2), 0
    return gen_password(url_safe=True), 0


# PII
def luhn_digit(body):
    s = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        s += d
    return str((10 - s % 10) % 10)


def luhn_ok(num):
    return luhn_digit(num[:-1]) == num[-1]


CARD_BRANDS = [('visa', ['4'], 16), ('mc', ['51', '52', '53', '54', '55', '2221', '2720', '2300'], 16),
               ('amex', ['34', '37'], 15), ('discover', ['6011', '65'], 16),
               ('jcb', ['3530', '3566'], 16), ('visa', ['4'], 13 + 3)]


def card_digits():
    _, prefixes, n = pick(CARD_BRANDS)
    pre = pick(prefixes)
    body = pre + rs(DIG, n - 1 - len(pre))
    return body + luhn_digit(body)


def fmt_card(num):
    f = R.random()
    if f < 0.35:
        return num
    sep = ' ' if f < 0.7 else '-'
    if len(num) == 15:
        return sep.join([num[:4], num[4:10], num[10:]])
    return sep.join(num[i:i + 4] for i in range(0, len(num), 4))


def g_card():
    return fmt_card(card_digits()), 0


IBAN_SPECS = {'DE': 'n18', 'GB': 'a4n14', 'FR': 'n10c11n2', 'NL': 'a4n10', 'ES': 'n20',
              'IT': 'a1n10c12', 'BE': 'n12', 'CH': 'n5c12', 'PL': 'n24', 'AT': 'n16',
              'SE': 'n20', 'NO': 'n11', 'IE': 'a4n14', 'FI': 'n14', 'PT': 'n21'}


def bban(cc):
    out = ''
    for kind, n in re.findall(r'([anc])(\d+)', IBAN_SPECS[cc]):
        out += rs({'a': UP, 'n': DIG, 'c': UP + DIG}[kind], int(n))
    return out


def iban_num(s):
    return int(''.join(str(int(ch, 36)) for ch in s))


def iban_check(cc, bb):
    return f'{98 - iban_num(bb + cc + "00") % 97:02d}'


def iban_valid(ib):
    ib = ib.replace(' ', '')
    return iban_num(ib[4:] + ib[:4]) % 97 == 1


def fmt_iban(ib):
    if chance(0.5):
        return ' '.join(ib[i:i + 4] for i in range(0, len(ib), 4))
    return ib


def g_iban():
    cc = pick(list(IBAN_SPECS))
    bb = bban(cc)
    ib = cc + iban_check(cc, bb) + bb
    assert iban_valid(ib)
    return fmt_iban(ib), 0


def g_ssn():
    while True:
        a = R.randint(1, 899)
        if a != 666:
            break
    sep = pick(['-', '-', '-', ' '])
    return f'{a:03d}{sep}{R.randint(1, 99):02d}{sep}{R.randint(1, 9999):04d}', 0


def us_nxx():
    while True:
        n = f'{R.randint(2, 9)}{R.randint(0, 9)}{R.randint(0, 9)}'
        if n[1:] != '11' and n != '555':
            return n


def g_phone():
    f = R.randint(0, 11)
    a, b, c = us_nxx(), us_nxx(), rs(DIG, 4)
    if f == 0:
        return f'+1{a}{b}{c}', 0
    if f == 1:
        return f'+1 {a} {b} {c}', 0
    if f == 2:
        return f'({a}) {b}-{c}', 0
    if f == 3:
        return f'{a}-{b}-{c}', 0
    if f == 4:
        return f'+1-{a}-{b}-{c}', 0
    if f == 5:
        return f'+44 7{rs(DIG, 3)} {rs(DIG, 6)}', 0
    if f == 6:
        return f'+447{rs(DIG, 9)}', 0
    if f == 7:
        return f'07{rs(DIG, 3)} {rs(DIG, 6)}', 0
    if f == 8:
        return f'+49 15{R.randint(1, 9)} {rs(DIG, 8)}', 0
    if f == 9:
        return f'+33 6 {rs(DIG, 2)} {rs(DIG, 2)} {rs(DIG, 2)} {rs(DIG, 2)}', 0
    if f == 10:
        return f'+91 9{rs(DIG, 4)} {rs(DIG, 5)}', 0
    return f'+61 4{rs(DIG, 2)} {rs(DIG, 3)} {rs(DIG, 3)}', 0


def g_email():
    fi, la = pick(FIRST), pick(LAST)
    local = pick([f'{fi}.{la}', f'{fi[0]}{la}', f'{fi}{R.randint(1, 99)}', f'{fi}_{la}',
                  f'{fi}.{la}+{pick(["shop", "news", "test"])}', f'{la}.{fi[0]}'])
    return f'{local}@{pick(MAILDOMS)}', 0


def g_ipv4():
    return ip_public(), 0


# PEM
PEM_TYPES = {  # type: (DER/armor prefix of the body, body length, line width)
    'RSA PRIVATE KEY': ('MIIEpAIBAAKCAQEA', 1588, 64),
    'PRIVATE KEY': ('MIIEvQIBADANBgkqhkiG9w0BAQEFAASC', 1624, 64),
    'EC PRIVATE KEY': ('MHcCAQEEI', 164, 64),
    'OPENSSH PRIVATE KEY': ('b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW', 396, 70),
    'ENCRYPTED PRIVATE KEY': ('MIIFHDBOBgkqhkiG9w0BBQ0wQTApBgkqhkiG9w0BBQwwHAQI', 1752, 64),
}


def pem_lines(typ):
    pre, n, w = PEM_TYPES[typ]
    pad = pick(['', '=', '=='])
    body = pre + rs(B64, n - len(pre) - len(pad)) + pad
    return [body[i:i + w] for i in range(0, len(body), w)], len(pre)


# --------------------------------------------------------------------------------------
# phrases: a secret (or a look-alike) in a context; rendered by a log source
# --------------------------------------------------------------------------------------
class Ph:
    __slots__ = ('style', 'key', 'value', 'text', 'hint', 'secret', 'ctx', 'pub')

    def __init__(self, style, secret, key=None, value=None, text=None, hint=None):
        self.style, self.secret, self.key, self.value = style, secret, key, value
        self.text, self.hint, self.ctx, self.pub = text, hint, None, None


def KV(key, value, secret=None, hint=None):
    return Ph('kv', secret, key=key, value=value, hint=hint)


def HDR(name, value, secret=None):
    return Ph('header', secret, key=name, value=value)


def QRY(param, value, secret=None):
    return Ph('query', secret, key=param, value=value)


def URLP(url, secret=None, key='DATABASE_URL', hint=None):
    return Ph('url', secret, key=key, value=url, text=url, hint=hint)


def PROSE(text, secret=None):
    return Ph('prose', secret, text=text)


def CLI(text, secret=None):
    return Ph('cli', secret, text=text)


def SQLP(text, secret=None):
    return Ph('sql', secret, text=text)


def REDIS(text, secret=None):
    return Ph('rediscmd', secret, text=text)


def LINE(text):
    return Ph('line', None, text=text)


# --------------------------------------------------------------------------------------
# LEAK kinds: name, tier, generator, contexts (ctx-name, fn(secret) -> Ph)
# --------------------------------------------------------------------------------------
KINDS = []


def kind(name, tier, gen, ctxs):
    KINDS.append({'name': name, 'tier': tier, 'gen': gen, 'ctxs': ctxs})


TOKEN_PROSE = [
    'request rejected: credential {s} has been revoked',
    'loaded credential {s} from the OS keychain',
    'retrying with fallback credential {s} after 401',
    'rate limit exceeded for {s} (remaining=0, reset=1710409000)',
    'upstream answered 403 Forbidden for {s}',
    'rotated {s} -> new credential stored in vault',
]


def token_prose(s):
    return PROSE(pick(TOKEN_PROSE).format(s=s), s)


def ctx_kv(keys, hint=None):
    return ('kv', lambda s: KV(pick(keys), s, s, hint))


def ctx_bearer(scheme='Bearer', name='Authorization'):
    return ('auth-header', lambda s: HDR(name, f'{scheme} {s}' if scheme else s, s))


def aws_date():
    return now().strftime('%Y%m%d')


def sigv4(akid):
    return (f'AWS4-HMAC-SHA256 Credential={akid}/{aws_date()}/{pick(["us-east-1", "eu-west-1", "eu-central-1"])}/'
            f'{pick(["s3", "sts", "dynamodb", "sqs"])}/aws4_request, SignedHeaders=host;x-amz-content-sha256;'
            f'x-amz-date, Signature={rs(HEX, 64)}')


def presign_tail():
    return (f'&X-Amz-Date={now():%Y%m%dT%H%M%SZ}&X-Amz-Expires={pick([300, 900, 3600])}'
            f'&X-Amz-SignedHeaders=host&X-Amz-Signature={rs(HEX, 64)}')


AKID_CTXS = [
    ctx_kv(['aws_access_key_id', 'AWS_ACCESS_KEY_ID', 'accessKeyId', 'access_key', 'aws.accessKeyId'],
           'loaded AWS credentials'),
    ('sigv4-header', lambda s: HDR('Authorization', sigv4(s), s)),
    ('presigned-query', lambda s: QRY('X-Amz-Credential',
                                      f'{s}%2F{aws_date()}%2Fus-east-1%2Fs3%2Faws4_request' + presign_tail(), s)),
    ('s3-error-xml', lambda s: PROSE(
        '<Error><Code>InvalidAccessKeyId</Code><Message>The AWS Access Key Id you provided does not exist '
        f'in our records.</Message><AWSAccessKeyId>{s}</AWSAccessKeyId><RequestId>{rs(HEXU, 16)}</RequestId></Error>', s)),
    ('aws-configure', lambda s: CLI(f'aws configure set aws_access_key_id {s} --profile {pick(["ci", "prod", "default"])}', s)),
]
kind('aws-access-key-id', 'secret', g_akia, AKID_CTXS)
kind('aws-temp-access-key-id', 'secret', g_asia, AKID_CTXS)
kind('aws-secret-access-key', 'secret', g_aws_secret, [
    ctx_kv(['aws_secret_access_key', 'AWS_SECRET_ACCESS_KEY', 'secretAccessKey', 'SecretAccessKey',
            'secret_key', 'aws.secretKey'], 'loaded AWS credentials'),
    ('aws-configure', lambda s: CLI(f'aws configure set aws_secret_access_key {s}', s)),
    ('sts-xml', lambda s: PROSE(f'Response body: <Credentials><SecretAccessKey>{s}</SecretAccessKey>'
                                f'<Expiration>2024-03-14T10:21:07Z</Expiration></Credentials>', s)),
    ('sts-json', lambda s: PROSE(f'assume-role output: {{"Credentials": {{"SecretAccessKey": "{s}", '
                                 f'"Expiration": "2024-03-14T10:21:07+00:00"}}}}', s)),
])
kind('aws-session-token', 'secret', g_aws_session, [
    ('amz-header', lambda s: HDR('X-Amz-Security-Token', s, s)),
    ctx_kv(['AWS_SESSION_TOKEN', 'aws_session_token', 'SessionToken', 'sessionToken']),
    ('presigned-query', lambda s: (lambda e: QRY('X-Amz-Security-Token', e + presign_tail(), e))(q(s))),
])
kind('gcp-api-key', 'secret', g_gcp_key, [
    ('key-query', lambda s: QRY('key', s, s)),
    ctx_kv(['GOOGLE_API_KEY', 'apiKey', 'api_key', 'MAPS_API_KEY', 'firebase.apiKey', 'GEMINI_API_KEY']),
    ('goog-header', lambda s: HDR('X-Goog-Api-Key', s, s)),
    ('prose', lambda s: PROSE(f'Firebase app initialised with apiKey {s} (project acme-prod-4812)', s)),
])
kind('google-oauth-token', 'secret', lambda: pick([g_ya29, g_google_refresh])(), [
    ctx_bearer(),
    ctx_kv(['access_token', 'refresh_token', 'GOOGLE_OAUTH_TOKEN', 'token']),
    ('gcloud-json', lambda s: PROSE(f'DEBUG: token response {{"access_token": "{s}", "expires_in": 3599, '
                                    f'"token_type": "Bearer"}}', s)),
])


def pem_body_escaped(typ, sep='\\n'):
    lines, pub = pem_lines(typ)
    return sep.join(lines), pub


def ctx_gcp_sa(_):
    body, pub = pem_body_escaped('PRIVATE KEY')
    ph = PROSE('credentials loaded from GOOGLE_CREDENTIALS: {"type": "service_account", "project_id": '
               f'"acme-prod-{R.randint(1000, 9999)}", "private_key": "-----BEGIN PRIVATE KEY-----\\n{body}'
               '\\n-----END PRIVATE KEY-----\\n", "token_uri": "https://oauth2.googleapis.com/token"}', body)
    ph.pub = pub
    return ph


def ctx_sa_kv(_):
    body, pub = pem_body_escaped('PRIVATE KEY')
    ph = KV(pick(['private_key', 'privateKey', 'GCP_PRIVATE_KEY']),
            f'-----BEGIN PRIVATE KEY-----\\n{body}\\n-----END PRIVATE KEY-----\\n', body)
    ph.pub = pub
    return ph


kind('gcp-sa-private-key', 'secret', None, [('sa-json', ctx_gcp_sa), ('sa-kv', ctx_sa_kv)])


def ctx_pem_env(_):
    typ = pick(['RSA PRIVATE KEY', 'EC PRIVATE KEY', 'OPENSSH PRIVATE KEY', 'PRIVATE KEY'])
    body, pub = pem_body_escaped(typ)
    ph = KV(pick(['TLS_KEY', 'SSH_PRIVATE_KEY', 'JWT_PRIVATE_KEY', 'private_key', 'signing_key']),
            f'-----BEGIN {typ}-----\\n{body}\\n-----END {typ}-----', body)
    ph.pub = pub
    return ph


def ctx_pem_spaces(_):
    typ = pick(['RSA PRIVATE KEY', 'EC PRIVATE KEY', 'PRIVATE KEY'])
    body, pub = pem_body_escaped(typ, ' ')
    ph = PROSE(f'{pick(["loaded signing key:", "key material:", "tls.key ="])} -----BEGIN {typ}----- {body} '
               f'-----END {typ}-----', body)
    ph.pub = pub
    return ph


def ctx_pem_truncated(_):
    typ = pick(['RSA PRIVATE KEY', 'PRIVATE KEY', 'OPENSSH PRIVATE KEY'])
    lines, pub = pem_lines(typ)
    body = '\\n'.join(lines[:3])
    ph = PROSE(f'failed to parse key "-----BEGIN {typ}-----\\n{body}...": asn1: structure error', body)
    ph.pub = pub
    return ph


kind('private-key-inline', 'secret', None, [('pem-escaped-kv', ctx_pem_env),
                                             ('pem-spaces', ctx_pem_spaces),
                                             ('pem-truncated', ctx_pem_truncated)])

kind('azure-storage-key', 'secret', g_azure_storage_key, [
    ('conn-string', lambda s: URLP(f'DefaultEndpointsProtocol=https;AccountName=acme{pick(SVCS)}store;'
                                   f'AccountKey={s};EndpointSuffix=core.windows.net', s,
                                   key='AZURE_STORAGE_CONNECTION_STRING')),
    ctx_kv(['AZURE_STORAGE_KEY', 'accountKey', 'AZURE_STORAGE_ACCESS_KEY', 'storage_account_key']),
    ('az-cli', lambda s: CLI(f'az storage blob upload --account-name acmebackups --account-key {s} '
                             f'--container-name db --file orders-2024-03-14.dump --name orders.dump', s)),
])


def sas_query(sig):
    return (f'sv=2022-11-02&ss=b&srt=co&sp={pick(["r", "rl", "rwdlac"])}&se=2024-03-15T09:21:07Z'
            f'&st=2024-03-14T01:21:07Z&spr=https&sig={sig}')


kind('azure-sas-signature', 'secret', g_azure_sas_sig, [
    ('sas-url', lambda s: URLP(f'https://acme{pick(SVCS)}store.blob.core.windows.net/backups/'
                               f'db-{R.randint(1, 28):02d}.dump?{sas_query(s)}', s, key='BLOB_SAS_URL')),
    ctx_kv(['AZURE_STORAGE_SAS_TOKEN', 'sasToken', 'sas_token'], None),
])
KINDS[-1]['ctxs'][1] = ('kv', lambda s: KV(pick(['AZURE_STORAGE_SAS_TOKEN', 'sasToken', 'sas_token']),
                                           '?' + sas_query(s), s))
kind('azure-servicebus-key', 'secret', g_azure_sb_key, [
    ('conn-string', lambda s: pick([
        URLP(f'Endpoint=sb://acme-{pick(SVCS)}.servicebus.windows.net/;SharedAccessKeyName='
             f'RootManageSharedAccessKey;SharedAccessKey={s}', s, key='SERVICEBUS_CONNECTION_STRING'),
        URLP(f'Endpoint=sb://acme-events.servicebus.windows.net/;SharedAccessKeyName=send;'
             f'SharedAccessKey={s};EntityPath=orders', s, key='EVENTHUB_CONNECTION_STRING'),
        URLP(f'HostName=acme-iot.azure-devices.net;SharedAccessKeyName=iothubowner;SharedAccessKey={s}', s,
             key='IOTHUB_CONNECTION_STRING')])),
])


def gh_ctxs(envkeys):
    return [
        ('auth-header', lambda s: HDR('Authorization', f'{pick(["token", "Bearer"])} {s}', s)),
        ctx_kv(envkeys),
        ('git-url', lambda s: URLP(pick([f'https://{s}@github.com/acme/{pick(SVCS)}.git',
                                         f'https://x-access-token:{s}@github.com/acme/{pick(SVCS)}.git']),
                                   s, key='REPO_URL')),
        ('cli', lambda s: CLI(pick([f'echo {s} | gh auth login --with-token',
                                    f'curl -sSf -H "Authorization: token {s}" https://api.github.com/repos/acme/api/releases/latest',
                                    f'git clone https://oauth2:{s}@github.com/acme/infra.git']), s)),
        ('prose', token_prose),
    ]


kind('github-pat-classic', 'secret', g_ghp, gh_ctxs(['GITHUB_TOKEN', 'GH_TOKEN', 'github.token',
                                                     'HOMEBREW_GITHUB_API_TOKEN']))
kind('github-oauth-token', 'secret', g_gho, gh_ctxs(['GITHUB_TOKEN', 'oauth_token', 'github_token']))
kind('github-app-token', 'secret', g_ghs, gh_ctxs(['GITHUB_TOKEN', 'INSTALLATION_TOKEN', 'token']))
kind('github-pat-fine-grained', 'secret', g_github_pat, gh_ctxs(['GITHUB_TOKEN', 'GH_PAT', 'github_pat']))
kind('gitlab-pat', 'secret', g_glpat, [
    ('private-token-header', lambda s: HDR('PRIVATE-TOKEN', s, s)),
    ctx_kv(['GITLAB_TOKEN', 'GITLAB_PRIVATE_TOKEN', 'gitlab.token', 'DANGER_GITLAB_API_TOKEN']),
    ('git-url', lambda s: URLP(f'https://oauth2:{s}@gitlab.acme.io/acme/{pick(SVCS)}.git', s, key='REPO_URL')),
    ('cli', lambda s: CLI(f'curl --fail --header "PRIVATE-TOKEN: {s}" "https://gitlab.acme.io/api/v4/projects/42/jobs?scope=failed"', s)),
    ('prose', token_prose),
])
kind('gitlab-trigger-token', 'secret', g_glptt, [
    ('cli', lambda s: CLI(f'curl -X POST --fail -F token={s} -F ref=main '
                          f'https://gitlab.acme.io/api/v4/projects/42/trigger/pipeline', s)),
    ('query', lambda s: QRY('token', f'{s}&ref=main', s)),
    ctx_kv(['TRIGGER_TOKEN', 'trigger_token']),
])
kind('gitlab-runner-token', 'secret', g_glrt, [
    ('cli', lambda s: CLI(f'gitlab-runner register --non-interactive --url https://gitlab.acme.io '
                          f'--token {s} --executor docker --docker-image alpine:3.19', s)),
    ctx_kv(['token', 'RUNNER_TOKEN', 'CI_SERVER_TOKEN']),
    ('prose', token_prose),
])
kind('gitlab-deploy-token', 'secret', g_gldt, [
    ('git-url', lambda s: URLP(f'https://gitlab+deploy-token-{R.randint(1, 99)}:{s}@gitlab.acme.io/acme/api.git',
                               s, key='REPO_URL')),
    ('docker-login', lambda s: CLI(f'docker login -u gitlab+deploy-token-{R.randint(1, 99)} -p {s} '
                                   f'registry.gitlab.acme.io', s)),
    ctx_kv(['DEPLOY_TOKEN', 'CI_DEPLOY_PASSWORD']),
])
kind('npm-token', 'secret', g_npm, [
    ctx_kv(['NPM_TOKEN', 'NODE_AUTH_TOKEN', 'npm_token']),
    ('npmrc', lambda s: PROSE(f'//registry.npmjs.org/:_authToken={s}', s)),
    ctx_bearer(),
])
kind('pypi-token', 'secret', g_pypi, [
    ctx_kv(['TWINE_PASSWORD', 'PYPI_API_TOKEN', 'UV_PUBLISH_TOKEN', 'password']),
    ('twine', lambda s: CLI(f'twine upload --non-interactive -u __token__ -p {s} dist/*', s)),
])
SLACK_CTXS = [
    ctx_bearer(),
    ctx_kv(['SLACK_BOT_TOKEN', 'SLACK_TOKEN', 'slack.token', 'slack_api_token']),
    ('query', lambda s: QRY('token', f'{s}&channel=C0{rs(UP + DIG, 8)}', s)),
    ('prose', token_prose),
]
kind('slack-bot-token', 'secret', g_xoxb, SLACK_CTXS)
kind('slack-user-token', 'secret', g_xoxp, SLACK_CTXS)
kind('slack-webhook', 'secret', g_slack_hook, [
    ('url', lambda s: URLP(s, s, key='SLACK_WEBHOOK_URL', hint='posting alert to')),
    ('curl', lambda s: CLI(f"curl -X POST -H 'Content-type: application/json' --data '{{\"text\":\"Deploy "
                           f"finished\"}}' {s}", s)),
    ('prose', lambda s: PROSE(f'notifier: POST {s} -> 200 OK (12ms)', s)),
])
STRIPE_CTXS = [
    ctx_bearer(),
    ctx_kv(['STRIPE_SECRET_KEY', 'stripe.api_key', 'STRIPE_API_KEY', 'stripeSecretKey']),
    ('curl', lambda s: CLI(f'curl https://api.stripe.com/v1/charges -u {s}: -d amount=2000 -d currency=eur', s)),
    ('prose', token_prose),
]
kind('stripe-secret-key', 'secret', g_sk_live, STRIPE_CTXS)
kind('stripe-restricted-key', 'secret', g_rk_live, STRIPE_CTXS)
kind('stripe-webhook-secret', 'secret', g_whsec, [
    ctx_kv(['STRIPE_WEBHOOK_SECRET', 'endpoint_secret', 'webhookSecret']),
    ('prose', lambda s: PROSE(f'stripe listen: Ready! Your webhook signing secret is {s} (^C to quit)', s)),
])


def ac_sid():
    return 'AC' + rs(HEX, 32)


kind('twilio-auth-token', 'secret', g_twilio_token, [
    ctx_kv(['TWILIO_AUTH_TOKEN', 'twilio.auth_token', 'authToken']),
    ('curl', lambda s: (lambda a: CLI(f'curl -X POST https://api.twilio.com/2010-04-01/Accounts/{a}/Messages.json '
                                      f'--data-urlencode "Body=Your order shipped" -u {a}:{s}', s))(ac_sid())),
    ('url', lambda s: (lambda a: URLP(f'https://{a}:{s}@api.twilio.com/2010-04-01/Accounts/{a}/Calls.json', s,
                                      key='TWILIO_CALLBACK_URL'))(ac_sid())),
])
kind('sendgrid-api-key', 'secret', g_sendgrid, [ctx_bearer(), ctx_kv(['SENDGRID_API_KEY', 'sendgrid.apiKey']),
                                               ('prose', token_prose)])
kind('mailgun-api-key', 'secret', g_mailgun, [
    ('curl', lambda s: CLI(f"curl -s --user 'api:{s}' https://api.mailgun.net/v3/mg.acme.io/messages "
                           f"-F subject='Weekly report' -F text='see attachment'", s)),
    ctx_kv(['MAILGUN_API_KEY', 'mailgun_key']),
    ('url', lambda s: URLP(f'https://api:{s}@api.mailgun.net/v3/mg.acme.io/messages', s, key='MAILGUN_URL')),
])
kind('openai-api-key', 'secret', g_openai, [ctx_bearer(), ctx_kv(['OPENAI_API_KEY', 'openai.api_key', 'openaiKey']),
                                           ('prose', token_prose)])
kind('anthropic-api-key', 'secret', g_anthropic, [ctx_bearer('', 'x-api-key'),
                                                 ctx_kv(['ANTHROPIC_API_KEY', 'anthropic_api_key']),
                                                 ('prose', token_prose)])
kind('huggingface-token', 'secret', g_hf, [
    ctx_bearer(), ctx_kv(['HF_TOKEN', 'HUGGING_FACE_HUB_TOKEN']),
    ('cli', lambda s: CLI(f'huggingface-cli login --token {s} --add-to-git-credential', s)),
])
kind('datadog-api-key', 'secret', g_dd_api, [
    ('dd-header', lambda s: HDR('DD-API-KEY', s, s)),
    ctx_kv(['DD_API_KEY', 'api_key', 'datadog.apiKey']),
    ('query', lambda s: QRY('dd-api-key', s, s)),
    ('docker-run', lambda s: CLI(f'docker run -d --name dd-agent -e DD_API_KEY={s} -e DD_SITE=datadoghq.eu '
                                 f'-v /var/run/docker.sock:/var/run/docker.sock:ro gcr.io/datadoghq/agent:7', s)),
])
kind('sentry-dsn-key', 'secret', g_sentry_key, [
    ('dsn', lambda s: URLP(f'https://{s}@o{rs(DIG, 6)}.ingest.sentry.io/{rs(DIG, 7)}', s, key='SENTRY_DSN',
                           hint='Sentry initialised with DSN')),
    ('auth-header', lambda s: HDR('X-Sentry-Auth', f'Sentry sentry_version=7, sentry_client=sentry.python/1.40.6, '
                                                   f'sentry_key={s}', s)),
    ('query', lambda s: QRY('sentry_key', f'{s}&sentry_version=7&sentry_client=sentry.javascript.react%2F7.105.0', s)),
])
kind('shopify-token', 'secret', g_shopify, [
    ('header', lambda s: HDR('X-Shopify-Access-Token', s, s)),
    ctx_kv(['SHOPIFY_ACCESS_TOKEN', 'shopify.accessToken']),
])
kind('atlassian-api-token', 'secret', g_atlassian, [
    ctx_kv(['JIRA_API_TOKEN', 'CONFLUENCE_API_TOKEN', 'atlassian.token']),
    ('curl', lambda s: CLI(f'curl -s -u svc-jira:{s} -H "Accept: application/json" '
                           f'https://acme.atlassian.net/rest/api/3/issue/OPS-{R.randint(100, 999)}', s)),
])
kind('okta-api-token', 'secret', g_okta, [
    ('ssws-header', lambda s: HDR('Authorization', f'SSWS {s}', s)),
    ctx_kv(['OKTA_API_TOKEN', 'okta.client.token']),
])
kind('jwt', 'secret', g_jwt, [
    ctx_bearer(),
    ('cookie', lambda s: HDR('Cookie', f'{pick(["access_token", "auth", "jwt"])}={s}; theme=dark; lang=en', s)),
    ('set-cookie', lambda s: HDR('Set-Cookie', f'id_token={s}; Path=/; Secure; HttpOnly; SameSite=Lax', s)),
    ('query', lambda s: QRY(pick(['token', 'id_token', 'access_token', 'jwt']), s, s)),
    ctx_kv(['id_token', 'access_token', 'jwt', 'idToken']),
    ('prose', lambda s: PROSE(f'JWT verification failed: token is expired: {s}', s)),
])
kind('oauth-access-token', 'secret', g_opaque_access, [
    ('token-response', lambda s: PROSE(f'token endpoint returned {{"access_token":"{s}","token_type":"Bearer",'
                                       f'"expires_in":3599,"scope":"read write"}}', s)),
    ('query', lambda s: QRY('access_token', s, s)),
    ctx_bearer(),
    ctx_kv(['access_token', 'accessToken', 'oauth_token']),
])
kind('oauth-refresh-token', 'secret', g_opaque_refresh, [
    ('form-body', lambda s: PROSE(f'POST /oauth/token body=grant_type=refresh_token&refresh_token={s}'
                                  f'&client_id=web-app', s)),
    ctx_kv(['refresh_token', 'refreshToken']),
    ('token-response', lambda s: PROSE(f'refreshed session: {{"refresh_token": "{s}", "expires_in": 0}}', s)),
])


def gen_cookie():
    c = R.randint(0, 7)
    if c == 0:
        return 'sessionid', rs(LO + DIG, 32), 0
    if c == 1:
        return 'JSESSIONID', rs(HEXU, 32) + pick(['', '.node0', '.worker1']), 0
    if c == 2:
        return 'PHPSESSID', rs(LO + DIG, 26), 0
    if c == 3:
        return 'connect.sid', 's%3A' + rs(B64URL, 32) + '.' + q(b64(R.randbytes(32)).rstrip('=')), 4
    if c == 4:
        return f'_{pick(SVCS)}_session', (q(b64(R.randbytes(150))) + '--' + q(b64(R.randbytes(12)))
                                          + '--' + q(b64(R.randbytes(16)))), 0
    if c == 5:
        iv = b64(R.randbytes(16))
        v = b64(json.dumps({'iv': iv, 'value': b64(R.randbytes(96)), 'mac': rs(HEX, 64), 'tag': ''},
                           separators=(',', ':')).encode())
        return 'laravel_session', q(v), 8
    if c == 6:
        return 'ASP.NET_SessionId', rs(LO + DIG, 24), 0
    return '__Secure-next-auth.session-token', ('eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..' + rs(B64URL, 22) + '.'
                                                + rs(B64URL, 300) + '.' + rs(B64URL, 22)), 40


def cookie_ctx(fmt):
    def f(_):
        name, v, pub = gen_cookie()
        ph = fmt(name, v)
        ph.secret, ph.pub = v, pub
        return ph
    return f


kind('session-cookie', 'secret', None, [
    ('set-cookie', cookie_ctx(lambda n, v: HDR('Set-Cookie', f'{n}={v}; Path=/; HttpOnly; Secure; SameSite=Lax'))),
    ('cookie', cookie_ctx(lambda n, v: HDR('Cookie', f'_ga=GA1.2.{rs(DIG, 9)}.{rs(DIG, 10)}; {n}={v}'))),
    ('prose', cookie_ctx(lambda n, v: PROSE(f'restored session {n}={v} for user_id={R.randint(1000, 99999)}'))),
])
kind('http-basic-auth', 'secret', g_basic, [
    ('auth-header', lambda s: HDR('Authorization', f'Basic {s}', s)),
    ('proxy-auth', lambda s: HDR('Proxy-Authorization', f'Basic {s}', s)),
    ('curl', lambda s: CLI(f'curl -sS -H "Authorization: Basic {s}" https://{pick(APIHOSTS)}{pick(PATHS)}', s)),
])
kind('http-digest-response', 'secret', g_digest_resp, [
    ('auth-header', lambda s: HDR('Authorization', f'Digest username="{pick(USERS)}", realm="api@acme.io", '
                                                   f'nonce="{rs(HEX, 32)}", uri="{pick(PATHS)}", qop=auth, '
                                                   f'nc=00000001, cnonce="{rs(HEX, 8)}", response="{s}", '
                                                   f'opaque="{rs(HEX, 32)}"', s)),
])


def pw_url(s):
    u = pick(USERS)
    h = pick(DBHOSTS)
    c = R.randint(0, 11)
    if c == 0:
        return URLP(f'postgres://{u}:{s}@{h}:5432/{pick(SVCS)}', s, key='DATABASE_URL')
    if c == 1:
        return URLP(f'postgresql+psycopg2://{u}:{s}@{h}/{pick(SVCS)}?sslmode=require', s,
                    key='SQLALCHEMY_DATABASE_URI')
    if c == 2:
        return URLP(f'mysql://{u}:{s}@{h}:3306/{pick(SVCS)}', s, key='DATABASE_URL')
    if c == 3:
        return URLP(f'amqp://{u}:{s}@rabbitmq.prod.internal:5672/{pick(["%2F", "orders", ""])}', s,
                    key='CELERY_BROKER_URL')
    if c == 4:
        return URLP(f'amqps://{u}:{s}@b-{a_uuid()}.mq.eu-west-1.amazonaws.com:5671', s, key='BROKER_URL')
    if c == 5:
        return URLP(f'redis://:{s}@redis-master.cache.svc:6379/0', s, key='REDIS_URL')
    if c == 6:
        return URLP(f'rediss://default:{s}@{pick(SVCS)}-cache.abc123.ng.0001.euw1.cache.amazonaws.com:6379', s,
                    key='REDIS_URL')
    if c == 7:
        return URLP(f'mongodb+srv://{u}:{s}@cluster0.{rs(LO + DIG, 5)}.mongodb.net/{pick(SVCS)}'
                    f'?retryWrites=true&w=majority', s, key='MONGODB_URI')
    if c == 8:
        return URLP(f'mongodb://{u}:{s}@mongo-0.mongo:27017,mongo-1.mongo:27017/admin?replicaSet=rs0', s,
                    key='MONGO_URL')
    if c == 9:
        return URLP(f'https://{u}:{s}@git.acme.io/acme/{pick(SVCS)}.git', s, key='GIT_REMOTE')
    if c == 10:
        return URLP(f'smtp://{u}:{s}@smtp.mailgun.org:587', s, key='EMAIL_URL')
    return URLP(f'ftp://{u}:{s}@ftp.partner-bank.example:21/outgoing/', s, key='SFTP_URL')


kind('password-in-url', 'secret', g_password_url, [('url', pw_url)])


def pw_connstr(_):
    s = gen_password(url_safe=True)
    h = pick(DBHOSTS)
    u = pick(USERS)
    c = R.randint(0, 6)
    if c == 0:
        t = (f'Server=tcp:acme-sql.database.windows.net,1433;Initial Catalog={pick(SVCS)};Persist Security Info=False;'
             f'User ID={u};Password={s};MultipleActiveResultSets=False;Encrypt=True;')
    elif c == 1:
        t = f'host={h} port=5432 dbname={pick(SVCS)} user={u} password={s} sslmode=require'
    elif c == 2:
        t = f'jdbc:mysql://{h}:3306/{pick(SVCS)}?user={u}&password={s}&useSSL=true'
    elif c == 3:
        t = f'jdbc:postgresql://{h}:5432/{pick(SVCS)}?user={u}&password={s}&ssl=true'
    elif c == 4:
        t = f'jdbc:sqlserver://{h}:1433;databaseName={pick(SVCS)};user={u};password={s};encrypt=true'
    elif c == 5:
        t = f'Driver={{ODBC Driver 18 for SQL Server}};Server={h};Database={pick(SVCS)};Uid={u};Pwd={s};'
    else:
        t = f'jdbc:oracle:thin:{u}/{s}@//{h}:1521/ORCLPDB1'
    return URLP(t, s, key=pick(['ConnectionStrings__Default', 'DB_DSN', 'spring.datasource.url', 'JDBC_URL']))


kind('password-connection-string', 'secret', None, [('connstr', pw_connstr)])
PW_KEYS = ['password', 'passwd', 'db_password', 'DB_PASSWORD', 'spring.datasource.password', 'POSTGRES_PASSWORD',
           'MYSQL_ROOT_PASSWORD', 'redis_password', 'SMTP_PASSWORD', 'pwd', 'PGPASSWORD', 'userPassword',
           'admin_password', 'keystore.password', 'RABBITMQ_DEFAULT_PASS', 'ldap_bind_password', 'passphrase',
           'KEYCLOAK_ADMIN_PASSWORD', 'GF_SECURITY_ADMIN_PASSWORD']
def pw_k8s_b64(_):
    v = b64(gen_password().encode())
    k = pick(['password', 'db-password', 'POSTGRES_PASSWORD'])
    return PROSE(pick([f'  {k}: {v}',
                       f'{{"apiVersion":"v1","data":{{"{k}":"{v}","username":"{b64(pick(USERS).encode())}"}},'
                       f'"kind":"Secret","metadata":{{"name":"db-creds","namespace":"prod"}},"type":"Opaque"}}',
                       f'kubectl.kubernetes.io/last-applied-configuration: {{"apiVersion":"v1","data":{{"{k}":"{v}"}},'
                       f'"kind":"Secret","metadata":{{"annotations":{{}},"name":"db-creds","namespace":"prod"}}}}']), v)


kind('password-assignment', 'secret', g_password, [
    ('kv', lambda s: KV(pick(PW_KEYS), s, s, pick([None, 'effective configuration', 'starting with settings',
                                                   'db config']))),
    ('k8s-secret-base64', pw_k8s_b64)])


def pw_cli(s):
    h = pick(DBHOSTS)
    c = R.randint(0, 16)
    sq = "'"
    return CLI([
        f"mysql -h {h} -u root -p'{s}' {pick(SVCS)} -e 'SHOW PROCESSLIST'",
        f'mysql -uroot -p{s} -h {h} --batch',
        f'PGPASSWORD={s} pg_dump -h {h} -U {pick(USERS)} -Fc {pick(SVCS)} -f /backups/db.dump',
        f"sshpass -p '{s}' ssh -o StrictHostKeyChecking=no deploy@{pick(HOSTS)}",
        f'redis-cli -h redis-master -a {s} --no-auth-warning INFO replication',
        f'docker login -u ci -p {s} registry.acme.io',
        f'mongosh --username admin --password {s} --authenticationDatabase admin',
        f'{pick(["./manage.py createsuperuser", "java -jar app.jar", "./bin/app"])} --password={s}',
        f'./deploy.sh --env prod --db-password {s}',
        f'htpasswd -b -c /etc/nginx/.htpasswd admin {s}',
        f'curl -sS -u admin:{s} https://{pick(["grafana", "jenkins", "nexus"])}.acme.io/api/health',
        f'net user svc_backup {s} /add',
        f'openssl pkcs12 -export -in tls.crt -inkey tls.key -out keystore.p12 -passout pass:{s}',
        f'keytool -importkeystore -srckeystore keystore.p12 -destkeystore app.jks -deststorepass {s}',
        f'ldapsearch -x -H ldaps://ldap.acme.io -D "cn=admin,dc=acme,dc=io" -w {s} "(uid=bob)"',
        f'wget --user=deploy --password={s} https://artifacts.acme.io/releases/app-1.4.2.tar.gz',
        f'mysqladmin -u root password {s}',
    ][c], s)


def pw_redis(s):
    return REDIS(pick([f'"AUTH" "{s}"', f'"AUTH" "default" "{s}"', f'"CONFIG" "SET" "requirepass" "{s}"',
                       f'"HELLO" "3" "AUTH" "default" "{s}"']), s)


def g_password_cli():
    return gen_password(url_safe=True), 0


kind('password-cli', 'secret', g_password_cli, [('cli', pw_cli), ('redis-cmd', pw_redis)])


def pw_sql(s):
    u = pick(USERS)
    return SQLP(pick([
        f"ALTER USER {u} WITH PASSWORD '{s}'",
        f"ALTER ROLE {u} WITH LOGIN ENCRYPTED PASSWORD '{s}' VALID UNTIL '2025-01-01'",
        f"CREATE ROLE {u} LOGIN PASSWORD '{s}'",
        f"CREATE USER '{u}'@'%' IDENTIFIED BY '{s}'",
        f"ALTER USER 'root'@'localhost' IDENTIFIED WITH mysql_native_password BY '{s}'",
        f"GRANT ALL PRIVILEGES ON {pick(SVCS)}.* TO '{u}'@'10.%' IDENTIFIED BY '{s}'",
        f"CREATE LOGIN {u} WITH PASSWORD = '{s}', CHECK_POLICY = OFF",
        f"SET PASSWORD FOR '{u}'@'%' = '{s}'",
        f"CREATE USER {u} IDENTIFIED BY \"{s}\" DEFAULT TABLESPACE users",
    ]), s)


kind('password-sql', 'secret', g_password, [('sql', pw_sql)])


def pw_prose(s):
    u = pick(USERS)
    return PROSE(pick([
        f'Your temporary password is {s}',
        f'Generated password for the elastic user: {s}',
        f'argocd: initial admin password is {s}',
        f'password for user {u} reset to {s} by admin',
        f'login failed for user {u} with password {s}',
        f'credentials for {u}: pwd: {s}',
        f'unlocking keystore with passphrase {s}',
        f'new user {u} created, password: {s}',
    ]), s)


def pw_jenkins_initial(_):
    s = rs(HEX, 32)
    return PROSE(f'Please use the following password to proceed to installation: {s}', s)


def pw_php_trace(_):
    s = gen_password(maxlen=15)
    return PROSE(f"#0 /var/www/html/lib/Db.php(42): PDO->__construct('mysql:host=db;d...', '{pick(USERS)}', '{s}')", s)


def pw_passphrase(_):
    s = ' '.join(pick(['correct', 'horse', 'battery', 'staple', 'purple', 'monkey', 'dishwasher', 'orbit',
                       'lantern', 'quartz', 'meadow', 'violin']) for _ in range(4)) + f' {R.randint(10, 99)}'
    return Ph('kv', s, key=pick(['passphrase', 'password', 'ssh_passphrase']), value=s)


kind('password-prose', 'secret', g_password, [('prose', pw_prose), ('jenkins-initial', pw_jenkins_initial),
                                             ('php-pdo-trace', pw_php_trace), ('passphrase-spaces', pw_passphrase)])

# ---- PII
kind('email', 'pii', g_email, [
    ('prose', lambda s: PROSE(pick([f'sending password reset email to {s}', f'user {s} logged in via SSO',
                                    f'invitation sent to {s} by admin',
                                    f'bounce: 550 5.1.1 <{s}>: Recipient address rejected: User unknown',
                                    f'Author: {pick(FIRST).title()} {pick(LAST).title()} <{s}>',
                                    f'to=<{s}>, relay=gmail-smtp-in.l.google.com[142.250.1.26]:25, delay=0.92, '
                                    f'dsn=2.0.0, status=sent (250 2.0.0 OK)']), s)),
    ctx_kv(['email', 'user_email', 'customer.email', 'recipient', 'login'], 'updating customer record'),
    ('query', lambda s: (lambda e: QRY('email', e, e))(pick([s, q(s)]))),
    ('sql', lambda s: SQLP(f"SELECT id, name, created_at FROM customers WHERE email = '{s}' LIMIT 1", s)),
])
kind('payment-card', 'pii', g_card, [
    ctx_kv(['card_number', 'pan', 'cc_number', 'cardNumber'], 'payment request'),
    ('prose', lambda s: PROSE(pick([f'charging card {s} amount=49.99 currency=EUR',
                                    f'payment declined for card {s}: insufficient_funds',
                                    f'tokenizing PAN {s} for merchant 4471']), s)),
    ('sql', lambda s: SQLP(f"INSERT INTO payment_methods (user_id, card_number, exp_month, exp_year) "
                           f"VALUES ({R.randint(1000, 99999)}, '{s}', 4, 2027)", s)),
    ('query', lambda s: (lambda e: QRY('card', e, e))(s.replace(' ', '+'))),
])
kind('iban', 'pii', g_iban, [
    ctx_kv(['iban', 'debtor_iban', 'payout.iban', 'IBAN'], 'payout account'),
    ('prose', lambda s: PROSE(pick([f'SEPA credit transfer to {s} amount=120.00 EUR ref=INV-2024-0412',
                                    f'payout account updated: {s}',
                                    f'direct debit mandate created for IBAN {s}']), s)),
    ('sql', lambda s: SQLP(f"UPDATE accounts SET iban = '{s}', updated_at = now() WHERE id = {R.randint(1, 99999)}", s)),
])
kind('us-ssn', 'pii', g_ssn, [
    ctx_kv(['ssn', 'social_security_number', 'taxpayer_ssn', 'SSN'], 'applicant'),
    ('prose', lambda s: PROSE(pick([f'SSN {s} verified for applicant 88123',
                                    f'identity check passed (social security number {s})',
                                    f'duplicate applicant detected with SSN {s}']), s)),
    ('sql', lambda s: SQLP(f"INSERT INTO employees (first_name, last_name, ssn) VALUES "
                           f"('{pick(FIRST).title()}', '{pick(LAST).title()}', '{s}')", s)),
])
kind('phone', 'pii', g_phone, [
    ctx_kv(['phone', 'phone_number', 'msisdn', 'mobile'], 'user profile updated'),
    ('prose', lambda s: PROSE(pick([f'SMS verification code sent to {s}', f'calling {s} (attempt 2 of 3)',
                                    f'customer callback requested at {s}']), s)),
    ('query', lambda s: (lambda e: QRY('to', e, e))(q(s))),
])
kind('ipv4', 'info', g_ipv4, [
    ('prose', lambda s: PROSE(pick([f'client {s} connected', f'Failed login from {s}',
                                    f'blocked {s} after 5 failed attempts']), s)),
    ctx_kv(['remote_addr', 'client_ip', 'x_forwarded_for'], 'request'),
])


# --------------------------------------------------------------------------------------
# rendering helpers
# --------------------------------------------------------------------------------------
def words(key):
    key = re.sub(r'([a-z0-9])([A-Z])', r'\1_\2', key)
    return [w.lower() for w in re.split(r'[._\-/:]+', key) if w]


def to_env(k):
    return '_'.join(w.upper() for w in words(k))


def to_pascal(k):
    return ''.join(w.capitalize() for w in words(k))


def to_camel(k):
    ws = words(k)
    return ws[0] + ''.join(w.capitalize() for w in ws[1:])


def to_snake(k):
    return '_'.join(words(k))


def jq(v):
    return json.dumps(v, ensure_ascii=False)


def needs_quote(v):
    return any(c in v for c in ' "\'=')


def rkv(k, v, syn):
    if syn == 'eq':
        return f'{k}={jq(v) if " " in v else v}'
    if syn == 'logfmt':
        return f'{k}={jq(v) if needs_quote(v) else v}'
    if syn == 'colon':
        return f'{k}: {v}'
    if syn == 'json':
        return f'"{k}":{jq(v)}'
    if syn == 'jsonsp':
        return f'"{k}": {jq(v)}'
    if syn == 'pyrepr':
        return f'{k!r}: {v!r}'
    if syn == 'ruby':
        return f'"{k}"=>{jq(v)}'
    if syn == 'gostruct':
        return f'{to_pascal(k)}:{v}'
    if syn == 'env':
        return f"{to_env(k)}={repr(v) if ' ' in v else v}"
    if syn == 'yaml':
        return f'{k}: {jq(v) if needs_quote(v) or v[:1] in "*&!%@" else v}'
    if syn == 'jsobj':
        return f"{to_camel(k)}: '{v}'"
    if syn == 'xml':
        return f'<{to_pascal(k)}>{v}</{to_pascal(k)}>'
    if syn == 'tf':
        return f'{to_snake(k)} = "{v}"'
    if syn == 'javats':
        return f"{to_camel(k)}='{v}'"
    if syn == 'k8senv':
        return f'EnvVar{{Name:{to_env(k)},Value:{v},ValueFrom:nil,}}'
    raise ValueError(syn)


def canon_hdr(n):
    return '-'.join(w.capitalize() for w in n.split('-'))


def rhdr(n, v, syn):
    if syn == 'raw':
        return f'{n}: {v}'
    if syn == 'pyrepr':
        return f'{n!r}: {v!r}'
    if syn == 'pybytes':
        return f"'{n}': b'{v}'"
    if syn == 'json':
        return f'"{n.lower()}":{jq(v)}'
    if syn == 'gohdr':
        return f'"{canon_hdr(n)}":[{jq(v)}]'
    if syn == 'jsobj':
        return f"{n if n.replace('-', '').isalpha() and '-' not in n else repr(n)}: '{v}'"
    if syn == 'spring':
        return f'{n}:"{v}"'
    raise ValueError(syn)


NEIGHBOURS = [('host', lambda: pick(DBHOSTS)), ('port', lambda: pick(['5432', '3306', '6379', '443'])),
              ('timeout', lambda: pick(['30s', '5000', '2m'])), ('region', lambda: pick(['eu-west-1', 'us-east-1'])),
              ('retries', lambda: str(R.randint(1, 5))), ('debug', lambda: 'false'),
              ('pool_size', lambda: str(R.randint(5, 50)))]


def kv_list(ph, syn, sep=' '):
    items = [rkv(k, f(), syn) for k, f in R.sample(NEIGHBOURS, R.randint(0, 2))]
    items.insert(R.randint(0, len(items)), rkv(ph.key, ph.value, syn))
    return sep.join(items)


KV_HINTS = ['loaded configuration', 'effective settings', 'initialising client with', 'environment',
            'config reloaded', 'client options', 'connecting with']
URL_HINTS = ['connecting to', 'dialing', 'opening connection to', 'using', 'retrying connection to']


def qpath(ph):
    pre = pick(['', f'page={R.randint(1, 9)}&', 'lang=en&', 'utm_source=newsletter&', 'format=json&'])
    return f'{pick(PATHS)}?{pre}{ph.key}={ph.value}'


def app_msg(ph, kvsyn='eq', hdrsyn='raw'):
    st = ph.style
    if st == 'kv':
        sep = ', ' if kvsyn in ('json', 'jsonsp', 'pyrepr', 'ruby', 'jsobj') else ' '
        body = kv_list(ph, kvsyn, sep)
        if kvsyn in ('json', 'jsonsp', 'pyrepr', 'ruby', 'jsobj'):
            body = '{' + body + '}'
        return f'{ph.hint or pick(KV_HINTS)}: {body}'
    if st == 'header':
        return f'{pick(["request headers:", "sending request with", "upstream request header"])} {rhdr(ph.key, ph.value, hdrsyn)}'
    if st == 'url':
        return f'{ph.hint or pick(URL_HINTS)} {ph.text}'
    if st == 'query':
        return f'{pick(["GET", "POST"])} https://{pick(APIHOSTS)}{qpath(ph)} -> {pick([200, 401, 403, 500])}'
    if st == 'cli':
        return f'{pick(["executing:", "running command", "exec"])} {ph.text}'
    if st == 'sql':
        return f'executing query: {ph.text}'
    return ph.text


# --------------------------------------------------------------------------------------
# log sources: name, styles they can carry, renderer(ph) -> line
# --------------------------------------------------------------------------------------
SOURCES = []


def source(name, styles):
    def deco(fn):
        SOURCES.append((name, set(styles.split()), fn))
        return fn
    return deco


def lvl():
    return pick(LEVELS)


@source('spring-boot', 'kv header url prose sql query')
def s_spring(ph):
    thread = pick(['nio-8080-exec-3', 'main', 'task-2', 'http-nio-8443-exec-10', 'scheduling-1', 'restartedMain'])
    pre = f'{ts_logback()} {lvl():>5} {R.randint(1, 99999)} --- [{thread:>15}] {pick(JAVA_LOGGERS):<40} : '
    st = ph.style
    if st == 'kv' and chance(0.5):
        cls = pick(['DataSourceProperties', 'StripeProperties', 'ClientConfig', 'AppSettings', 'MailProperties'])
        msg = f'{ph.hint or "Bound properties"}: {cls}{{{kv_list(ph, "javats", ", ")}}}'
    elif st == 'header':
        msg = (f'HTTP {pick(["GET", "POST"])} https://{pick(APIHOSTS)}{pick(PATHS)}, headers=[Accept:"application/json", '
               f'{rhdr(ph.key, ph.value, "spring")}, Content-Type:"application/json"]')
    elif st == 'sql':
        msg = f'Executing prepared SQL statement [{ph.text}]'
    elif st == 'query':
        msg = f'Response 401 UNAUTHORIZED for GET https://{pick(APIHOSTS)}{qpath(ph)}'
    else:
        msg = app_msg(ph, 'eq')
    return pre + msg


@source('java-stacktrace', 'url kv prose query')
def s_javatrace(ph):
    st = ph.style
    if st == 'url':
        return pick([
            f'Caused by: java.sql.SQLException: Cannot create PoolableConnectionFactory (Communications link failure) [url={ph.text}]',
            f'com.mongodb.MongoSocketOpenException: Exception opening socket to {ph.text}',
            f"org.springframework.beans.factory.BeanCreationException: Error creating bean with name 'dataSource': invalid url {ph.text}",
            f'Caused by: redis.clients.jedis.exceptions.JedisConnectionException: Failed to connect to {ph.text}',
            f'java.net.MalformedURLException: no protocol: {ph.text}'])
    if st == 'kv':
        if chance(0.5):
            return (f"Caused by: org.springframework.boot.context.properties.bind.BindException: Failed to bind properties "
                    f"under 'app.{to_camel(ph.key)}' to java.lang.String: Property: app.{to_camel(ph.key)} Value: "
                    f"\"{ph.value}\" Origin: System Environment Property \"{to_env(ph.key)}\"")
        return (f'java.lang.IllegalArgumentException: invalid client configuration '
                f'ClientConfig{{{kv_list(ph, "javats", ", ")}}}')
    if st == 'query':
        return (f'feign.FeignException$Unauthorized: [401 Unauthorized] during [GET] to [https://{pick(APIHOSTS)}'
                f'{qpath(ph)}] [OrdersClient#list(String)]: [{{"error":"invalid_token"}}]')
    return f'{pick(["Caused by: com.acme.client.ClientException", "java.lang.IllegalStateException"])}: {ph.text}'


@source('python-logging', 'kv url prose cli header')
def s_pylog(ph):
    lg = pick(PY_LOGGERS)
    lv = pick(['INFO', 'WARNING', 'ERROR', 'DEBUG'])
    st = ph.style
    if st == 'kv' and chance(0.6):
        msg = app_msg(ph, 'pyrepr')
    elif st == 'cli':
        msg = pick([f"Command '{ph.text}' returned non-zero exit status 1.", f'running: {ph.text}'])
    elif st == 'header':
        msg = (f"request headers: {{'User-Agent': 'python-requests/2.31.0', 'Accept-Encoding': 'gzip, deflate', "
               f"'Accept': '*/*', 'Connection': 'keep-alive', {rhdr(ph.key, ph.value, 'pyrepr')}}}")
    else:
        msg = app_msg(ph, 'eq')
    f = R.randint(0, 3)
    if f == 0:
        return f'{ts_py()} - {lg} - {lv} - {msg}'
    if f == 1:
        return f'{ts_py()} {lv} [{lg}] {msg}'
    if f == 2:
        return f'{lv}:{lg}:{msg}'
    return f'[{ts_py()}] {lv} in {lg.split(".")[-1]}: {msg}'


def ts_django():
    return now().strftime('%d/%b/%Y %H:%M:%S')


@source('django', 'query kv sql')
def s_django(ph):
    st = ph.style
    if st == 'query':
        return f'[{ts_django()}] "{pick(["GET", "POST"])} {qpath(ph)} HTTP/1.1" {pick([200, 302, 400])} {R.randint(0, 9999)}'
    if st == 'kv':
        return (f"[{ts_py()}] ERROR [django.request:241] Internal Server Error: /api/v1/{pick(SVCS)}/ "
                f"POST: <QueryDict: {{{ph.key!r}: [{ph.value!r}], 'amount': ['49.99']}}>")
    return (f'[{ts_py()}] DEBUG [django.db.backends:123] ({R.random():.3f}) {ph.text}; args=None; '
            f'alias=default')


@source('flask-werkzeug', 'query prose')
def s_flask(ph):
    if ph.style == 'query':
        return f'{ip_private()} - - [{ts_django()}] "GET {qpath(ph)} HTTP/1.1" {pick([200, 302, 401])} -'
    return f'[{ts_py()}] ERROR in app: {ph.text}'


@source('celery', 'kv url query')
def s_celery(ph):
    t = f'[{ts_py()}: {pick(["INFO", "ERROR", "WARNING"])}/{pick(["MainProcess", "ForkPoolWorker-2", "ForkPoolWorker-7"])}]'
    task = f'app.tasks.{pick(["sync_account", "send_invoice", "charge_customer", "refresh_tokens"])}[{a_uuid()}]'
    if ph.style == 'kv':
        return f"{t} Task {task} succeeded in {R.random() * 3:.6f}s: {{{ph.key!r}: {ph.value!r}, 'status': 'ok'}}"
    if ph.style == 'url':
        return f'{t} {pick(["Connected to", "consumer: Cannot connect to"])} {ph.text}'
    return (f"{t} Task {task} raised unexpected: HTTPError('401 Client Error: Unauthorized for url: "
            f"https://{pick(APIHOSTS)}{qpath(ph)}')")


@source('requests-debug', 'header query')
def s_requests(ph):
    if ph.style == 'header':
        if ph.key == 'Set-Cookie':
            return f'header: {ph.key}: {ph.value}'
        return (f"send: b'{pick(['GET', 'POST'])} {pick(PATHS)} HTTP/1.1\\r\\nHost: {pick(APIHOSTS)}\\r\\n"
                f"User-Agent: python-requests/2.31.0\\r\\nAccept-Encoding: gzip, deflate\\r\\nAccept: */*\\r\\n"
                f"Connection: keep-alive\\r\\n{ph.key}: {ph.value}\\r\\n\\r\\n'")
    return (f'DEBUG:urllib3.connectionpool:https://{pick(APIHOSTS)}:443 "GET {qpath(ph)} HTTP/1.1" '
            f'{pick([200, 401, 404])} {R.randint(0, 9999)}')


@source('go-logrus', 'kv url prose')
def s_logrus(ph):
    t = now().strftime('%Y-%m-%dT%H:%M:%SZ')
    lv = pick(['info', 'warning', 'error', 'debug'])
    if ph.style == 'kv':
        return f'time="{t}" level={lv} msg="{ph.hint or pick(KV_HINTS)}" {kv_list(ph, "logfmt")}'
    if ph.style == 'url':
        return f'time="{t}" level={lv} msg="connecting to database" dsn={jq(ph.text)} attempt={R.randint(1, 5)}'
    return f'time="{t}" level={lv} msg={jq(ph.text)}'


@source('go-zap-json', 'kv header url prose query')
def s_zap(ph):
    st = ph.style
    caller = f'{pick(["config", "db", "httpx", "auth"])}/{pick(["load", "client", "pool"])}.go:{R.randint(20, 400)}'
    if st == 'kv' and chance(0.35):
        return (f'{ts_iso()}\t{pick(["INFO", "DEBUG", "WARN"])}\t{caller}\t{ph.hint or pick(KV_HINTS)}\t'
                f'{json.dumps({ph.key: ph.value, "timeout": "30s"})}')
    d = {'level': pick(['info', 'debug', 'error']), 'ts': float(ts_epoch()), 'caller': caller}
    if st == 'kv':
        d['msg'] = ph.hint or pick(KV_HINTS)
        d[ph.key] = ph.value
    elif st == 'header':
        d['msg'] = 'outgoing request'
        d['method'] = 'GET'
        d['url'] = f'https://{pick(APIHOSTS)}{pick(PATHS)}'
        d['headers'] = {'Accept': ['application/json'], canon_hdr(ph.key): [ph.value],
                        'User-Agent': ['Go-http-client/2.0']}
    elif st == 'url':
        d['msg'] = 'connecting'
        d['dsn'] = ph.text
    elif st == 'query':
        d['msg'] = 'request completed'
        d['url'] = qpath(ph)
        d['status'] = 200
    else:
        d['msg'] = ph.text
    return json.dumps(d, ensure_ascii=False)


@source('go-struct-dump', 'kv')
def s_gostruct(ph):
    inner = kv_list(ph, 'gostruct')
    if chance(0.5):
        return f'{now():%Y/%m/%d %H:%M:%S} config: &{{Addr:redis-master:6379 {inner} DB:0 PoolSize:10}}'
    return f'time={ts_iso()} level=INFO msg="loaded config" cfg="{{Host:db Port:5432 {inner} SSLMode:require}}"'


@source('node-pino', 'kv header query prose')
def s_pino(ph):
    d = {'level': pick([30, 40, 50]), 'time': int(ts_epoch(True)), 'pid': 1, 'hostname': pod_name()}
    st = ph.style
    if st == 'kv':
        d[ph.key] = ph.value
        d['msg'] = ph.hint or pick(KV_HINTS)
    elif st in ('header', 'query'):
        hdrs = {'host': pick(APIHOSTS), 'user-agent': pick(UAS)}
        if st == 'header':
            hdrs[ph.key.lower()] = ph.value
        d['req'] = {'id': R.randint(1, 99999), 'method': 'GET', 'url': qpath(ph) if st == 'query' else pick(PATHS),
                    'headers': hdrs}
        d['res'] = {'statusCode': pick([200, 401])}
        d['responseTime'] = R.randint(1, 900)
        d['msg'] = 'request completed'
    else:
        d['msg'] = ph.text
    return json.dumps(d, ensure_ascii=False, separators=(',', ':'))


@source('node-winston', 'header kv url prose')
def s_winston(ph):
    st = ph.style
    if st == 'header':
        return (f"{ts_iso()} error: Request failed with status code 401 {{ config: {{ url: "
                f"'https://{pick(APIHOSTS)}{pick(PATHS)}', method: 'get', headers: {{ Accept: 'application/json, "
                f"text/plain, */*', {rhdr(ph.key, ph.value, 'jsobj')}, 'User-Agent': 'axios/1.6.7' }} }} }}")
    if st == 'kv':
        return f'{ts_iso()} [{pick(SVCS)}] info: {ph.hint or pick(KV_HINTS)} {json.dumps({ph.key: ph.value})}'
    if st == 'url':
        return f'{ts_iso()} [{pick(SVCS)}] error: connect ECONNREFUSED {ph.text}'
    return f'{ts_iso()} [{pick(SVCS)}] error: {ph.text}'


@source('morgan', 'query')
def s_morgan(ph):
    if chance(0.5):
        return (f'::ffff:{ip_private()} - - [{ts_clf()}] "GET {qpath(ph)} HTTP/1.1" {pick([200, 304, 401])} '
                f'{R.randint(0, 9999)} "-" "{pick(UAS)}"')
    return f'GET {qpath(ph)} {pick([200, 401])} {R.random() * 90:.3f} ms - {R.randint(10, 9999)}'


@source('rails', 'query kv sql')
def s_rails(ph):
    pre = pick(['', f'I, [{ts_iso(6)[:-1]} #{R.randint(1, 9999)}]  INFO -- : [{a_uuid()}] '])
    if ph.style == 'query':
        return f'{pre}Started GET "{qpath(ph)}" for {ip_private()} at {now():%Y-%m-%d %H:%M:%S} +0000'
    if ph.style == 'kv':
        return (f'{pre}  Parameters: {{"authenticity_token"=>"[FILTERED]", {rkv(ph.key, ph.value, "ruby")}, '
                f'"commit"=>"Save"}}')
    return f'{pre}  {pick(["", "User Load "])}({R.random() * 9:.1f}ms)  {ph.text}'


@source('nginx-access', 'query')
def s_nginx(ph):
    line = f'{ip_public()} - - [{ts_clf()}] '
    if chance(0.75):
        line += (f'"{pick(["GET", "POST"])} {qpath(ph)} HTTP/1.1" {pick([200, 301, 401, 499])} {R.randint(0, 99999)} '
                 f'"-" "{pick(UAS)}"')
    else:
        line += (f'"GET /assets/app.{rs(HEX, 8)}.js HTTP/1.1" 200 {R.randint(1000, 99999)} '
                 f'"https://app.acme.io{qpath(ph)}" "{pick(UAS)}"')
    if chance(0.3):
        line += f' rt={R.random():.3f} uct="0.000" uht="{R.random():.3f}" urt="{R.random():.3f}"'
    return line


@source('nginx-error', 'query')
def s_nginx_err(ph):
    p = qpath(ph)
    return (f'{now():%Y/%m/%d %H:%M:%S} [error] 31#31: *{R.randint(1, 99999)} upstream timed out (110: Connection '
            f'timed out) while reading response header from upstream, client: {ip_public()}, server: {pick(APIHOSTS)}, '
            f'request: "GET {p} HTTP/1.1", upstream: "http://{ip_private()}:8080{p}", host: "{pick(APIHOSTS)}"')


def ts_apache():
    t = now()
    return t.strftime('[%a %b %d %H:%M:%S.') + f'{t.microsecond:06d}' + t.strftime(' %Y]')


@source('apache', 'query prose')
def s_apache(ph):
    if ph.style == 'query':
        if chance(0.6):
            return (f'{ip_public()} - - [{ts_clf()}] "GET {qpath(ph)} HTTP/1.1" {pick([200, 404])} '
                    f'{R.randint(100, 9999)} "-" "{pick(UAS)}"')
        return (f'{ts_apache()} [proxy:error] [pid {R.randint(100, 9999)}:tid {R.randint(1000, 99999)}] [client '
                f'{ip_public()}:{R.randint(1024, 65535)}] AH01114: HTTP: failed to make connection to backend: '
                f'{ip_private()}, referer: https://app.acme.io{qpath(ph)}')
    if ph.text.startswith('#0 '):
        return (f'{ts_apache()} [php:error] [pid {R.randint(100, 9999)}] [client {ip_public()}:{R.randint(1024, 65535)}] '
                f'PHP Fatal error:  Uncaught PDOException: SQLSTATE[HY000] [2002] Connection refused in '
                f'/var/www/html/lib/Db.php:42\\nStack trace:\\n{ph.text}\\n#1 {{main}}\\n  thrown in '
                f'/var/www/html/lib/Db.php on line 42')
    return (f'{ts_apache()} [php:warn] [pid {R.randint(100, 9999)}] [client {ip_public()}:{R.randint(1024, 65535)}] '
            f'PHP Warning:  {ph.text} in /var/www/html/index.php on line {R.randint(2, 300)}')


@source('k8s-kubelet', 'kv cli')
def s_kubelet(ph):
    svc = pick(SVCS)
    pre = f'{ts_syslog()} {pick(HOSTS)} kubelet[{R.randint(100, 9999)}]: {ts_klog(pick("IE"))}    {R.randint(100, 9999)} '
    if ph.style == 'kv':
        spec = (f'&Container{{Name:{svc},Image:registry.acme.io/{svc}:1.{R.randint(0, 9)}.{R.randint(0, 20)},'
                f'Command:[],Args:[],WorkingDir:,Ports:[]ContainerPort{{}},Env:[]EnvVar{{EnvVar{{Name:LOG_LEVEL,'
                f'Value:info,ValueFrom:nil,}},{rkv(ph.key, ph.value, "k8senv")},}},}}')
    else:
        spec = (f'&Container{{Name:{svc},Image:registry.acme.io/{svc}:1.4.2,Command:[/bin/sh -c],Args:[{ph.text}],'
                f'WorkingDir:/app,}}')
    return (pre + f'kuberuntime_manager.go:1256] "Creating container in pod" container={jq(spec)} '
            f'pod="prod/{pod_name(svc)}"')


@source('k8s-describe', 'kv')
def s_describe(ph):
    if chance(0.5):
        return f'      {to_env(ph.key)}:  {ph.value}'
    return f'      {to_env(ph.key)}:{" " * R.randint(2, 12)}{ph.value}'


@source('docker-daemon', 'kv prose')
def s_dockerd(ph):
    t = ts_iso(9)
    if ph.style == 'kv':
        form = json.dumps({'Env': [f'{to_env(ph.key)}={ph.value}', 'TZ=UTC'], 'Image': f'{pick(SVCS)}:1.4.2',
                           'HostConfig': {'NetworkMode': 'bridge'}}, separators=(',', ':'))
        return f'time="{t}" level=debug msg="form data: {form.replace(chr(34), chr(92) + chr(34))}"'
    return f'time="{t}" level=error msg={jq("Handler for POST /v1.44/containers/create returned error: " + ph.text)}'


@source('docker-inspect', 'kv')
def s_inspect(ph):
    if chance(0.7):
        return f'{" " * 16}"{to_env(ph.key)}={ph.value}",'
    return f'      {to_env(ph.key)}: {jq(ph.value) if needs_quote(ph.value) else ph.value}'


@source('systemd-journal', 'prose kv url cli')
def s_journal(ph):
    proc = pick(['gunicorn', 'node', 'java', 'python3', 'app', pick(SVCS), 'postfix/smtp', 'cron'])
    if proc == 'postfix/smtp':
        if ph.style != 'prose' or 'to=<' not in ph.text:
            proc = 'app'
        else:
            return f'{ts_syslog()} {pick(HOSTS)} postfix/smtp[{R.randint(100, 99999)}]: {rs(HEXU, 10)}: {ph.text}'
    if proc == 'cron' and ph.style == 'cli':
        return f'{ts_syslog()} {pick(HOSTS)} CRON[{R.randint(100, 99999)}]: ({pick(USERS)}) CMD ({ph.text})'
    if proc == 'cron':
        proc = 'app'
    return f'{ts_syslog()} {pick(HOSTS)} {proc}[{R.randint(100, 99999)}]: {app_msg(ph, pick(["eq", "logfmt"]))}'


def audit_arg(a):
    if re.fullmatch(r'[!#-~]+', a) and '"' not in a:
        return f'"{a}"'
    return a.encode().hex().upper()


@source('sudo-auditd', 'cli')
def s_sudo(ph):
    f = R.randint(0, 2)
    if f == 0:
        cmd = ph.text
        cmd = ('/usr/bin/env ' + cmd) if '=' in cmd.split()[0] else '/usr/bin/' + cmd
        u = pick(USERS)
        return (f'{ts_syslog()} {pick(HOSTS)} sudo[{R.randint(100, 99999)}]:   {u} : TTY=pts/{R.randint(0, 5)} ; '
                f'PWD=/home/{u} ; USER=root ; COMMAND={cmd}')
    if f == 1:
        import shlex
        try:
            args = shlex.split(ph.text)
        except ValueError:
            return None
        return (f'type=EXECVE msg=audit({ts_epoch()}:{R.randint(100, 99999)}): argc={len(args)} '
                + ' '.join(f'a{i}={audit_arg(a)}' for i, a in enumerate(args)))
    return f'{ts_syslog()} {pick(HOSTS)} bash[{R.randint(100, 99999)}]: HISTORY: PID={R.randint(100, 99999)} UID=0 {ph.text}'


@source('postgres', 'sql')
def s_postgres(ph):
    pre = f'{ts_logback()} UTC [{R.randint(100, 99999)}] {pick(USERS)}@{pick(SVCS)} '
    return pre + pick([f'LOG:  statement: {ph.text};',
                       f'LOG:  duration: {R.random() * 90:.3f} ms  statement: {ph.text}',
                       f'STATEMENT:  {ph.text}',
                       f'LOG:  AUDIT: SESSION,1,1,ROLE,ALTER ROLE,,,"{ph.text}",<not logged>'])


@source('mysql', 'sql')
def s_mysql(ph):
    f = R.randint(0, 2)
    if f == 0:
        return f'{ts_iso(6)}\t   {R.randint(5, 999)} Query\t{ph.text}'
    if f == 1:
        return f'{now():%y%m%d %k:%M:%S}\t   {R.randint(5, 999)} Query\t{ph.text}'
    return f'{ph.text};'


@source('redis-monitor', 'rediscmd')
def s_redis(ph):
    return f'{now().timestamp():.6f} [0 {ip_private()}:{R.randint(1024, 65535)}] {ph.text}'


@source('mongodb', 'kv')
def s_mongo(ph):
    cmd = {'update': pick(['users', 'settings', 'integrations']),
           'updates': [{'q': {'_id': rs(HEX, 24)}, 'u': {'$set': {to_camel(ph.key): ph.value}}}], '$db': pick(SVCS)}
    if chance(0.5):
        cmd = {'find': pick(['users', 'customers']), 'filter': {to_camel(ph.key): ph.value}, '$db': pick(SVCS)}
    d = {'t': {'$date': ts_iso()[:-1] + '+00:00'}, 's': 'I', 'c': 'COMMAND', 'id': 51803,
         'ctx': f'conn{R.randint(1, 9999)}', 'msg': 'Slow query',
         'attr': {'type': 'command', 'ns': f'{cmd["$db"]}.x', 'command': cmd, 'durationMillis': R.randint(100, 5000)}}
    return json.dumps(d, separators=(',', ':'))


@source('terraform', 'kv header url')
def s_terraform(ph):
    if ph.style == 'kv':
        return f'      + {to_snake(ph.key):<24} = "{ph.value}"'
    if ph.style == 'header':
        return (f'{ts_iso()} [DEBUG] provider.terraform-provider-aws_v5.40.0_x5: [aws-sdk-go] {ph.key}: {ph.value}: '
                f'tf_req_id={a_uuid()} @module=aws')
    return f'{to_snake(ph.key)} = "{ph.text}"'


@source('ansible', 'kv cli')
def s_ansible(ph):
    h = pick(HOSTS)
    if ph.style == 'kv':
        return f"ok: [{h}] => (item={{'name': '{pick(SVCS)}', {rkv(ph.key, ph.value, 'pyrepr')}, 'state': 'present'}})"
    return (f'changed: [{h}] => {{"changed": true, "cmd": {jq(ph.text)}, "delta": "0:00:00.{R.randint(1, 999999):06d}", '
            f'"rc": 0}}')


@source('helm', 'kv')
def s_helm(ph):
    key = '.'.join([pick(['secrets', 'auth', 'config', 'env'])] + [to_camel(ph.key)])
    if chance(0.5):
        return (f'helm upgrade --install {pick(SVCS)} ./charts/{pick(SVCS)} --namespace prod --set image.tag=1.4.2 '
                f'--set {key}={ph.value} --wait')
    return f'  {to_camel(ph.key)}: {ph.value}'


@source('github-actions', 'cli kv prose')
def s_gha(ph):
    t = ts_iso(7)
    if ph.style == 'cli':
        return f'{t} {pick(["##[group]Run ", "[command]", ""])}{ph.text}'
    if ph.style == 'kv':
        return f'{t}   {to_env(ph.key)}: {ph.value}'
    return f'{t} {ph.text}'


@source('gitlab-ci', 'cli prose')
def s_gitlab(ph):
    if ph.style == 'cli':
        return pick([f'\x1b[32;1m$ {ph.text}\x1b[0;m', f'$ {ph.text}'])
    return ph.text


@source('jenkins', 'cli prose kv')
def s_jenkins(ph):
    pre = pick(['', f'[{ts_iso()}] '])
    if ph.style == 'cli':
        return f'{pre}+ {ph.text}'
    if ph.style == 'kv':
        kv = f'{to_env(ph.key)}={ph.value}'
        return f"{pre}+ export {repr(kv) if ' ' in kv else kv}"
    return f'{pre}{ph.text}'


@source('curl-verbose', 'header query')
def s_curl(ph):
    if ph.style == 'header':
        d = '<' if ph.key == 'Set-Cookie' else '>'
        return f'{d} {ph.key}: {ph.value}'
    return pick([f'> GET {qpath(ph)} HTTP/2', f"* Issue another request to this URL: 'https://{pick(APIHOSTS)}{qpath(ph)}'"])


@source('okhttp', 'header query')
def s_okhttp(ph):
    pre = pick([f'{now():%m-%d %H:%M:%S}.{R.randint(0, 999):03d} {R.randint(1000, 32000)}-{R.randint(1000, 32000)}/'
                f'com.acme.app I/okhttp.OkHttpClient: ',
                f'{ts_logback()} INFO  [OkHttp https://{pick(APIHOSTS)}/...] okhttp3.OkHttpClient - '])
    if ph.style == 'header':
        return pre + f'{ph.key}: {ph.value}'
    return pre + f'--> GET https://{pick(APIHOSTS)}{qpath(ph)}'


@source('env-dump', 'kv url')
def s_env(ph):
    k = to_env(ph.key)
    v = ph.value
    f = R.randint(0, 2)
    if f == 0:
        return f"{k}={repr(v) if ' ' in v else v}"
    if f == 1:
        return f'declare -x {k}="{v}"'
    return f"export {k}='{v}'"


@source('aws-sdk-debug', 'header kv query')
def s_awsdebug(ph):
    pre = f'{ts_py()} - MainThread - botocore.{pick(["endpoint", "parsers", "hooks"])} - DEBUG - '
    if ph.style == 'header':
        return (pre + f"Sending http request: <AWSPreparedRequest stream_output=False, method=POST, "
                f"url=https://sts.amazonaws.com/, headers={{'Content-Type': b'application/x-www-form-urlencoded; "
                f"charset=utf-8', 'User-Agent': b'Boto3/1.34.61 md/Botocore#1.34.61 ua/2.0 os/linux#6.1.0', "
                f"'X-Amz-Date': b'{now():%Y%m%dT%H%M%SZ}', {rhdr(ph.key, ph.value, 'pybytes')}, 'Content-Length': '43'}}>")
    if ph.style == 'kv':
        return (pre + f"Response body: b'<GetSessionTokenResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
                f"<GetSessionTokenResult><Credentials>{rkv(ph.key, ph.value, 'xml')}</Credentials>'")
    return (f'{ts_logback()} DEBUG [main] software.amazon.awssdk.request - Sending Request: DefaultSdkHttpFullRequest('
            f'httpMethod=GET, protocol=https, host=acme-backups.s3.eu-west-1.amazonaws.com, encodedPath=/db.dump, '
            f'headers=[amz-sdk-invocation-id, User-Agent], queryParameters=[{ph.key}={ph.value}])')


@source('gcloud-az-debug', 'header url prose')
def s_clouddebug(ph):
    if ph.style == 'header':
        return f"DEBUG: cli.azure.cli.core.sdk.policies:     {ph.key!r}: {ph.value!r}"
    if ph.style == 'url':
        return f"DEBUG: cli.azure.cli.core.sdk.policies: Request URL: '{ph.text}'"
    return f'DEBUG: {ph.text}'


@source('crash-report', 'kv url prose cli')
def s_crash(ph):
    st = ph.style
    if st == 'kv':
        return pick([f'    {to_snake(ph.key)} = {ph.value!r}',
                     f'│ {to_snake(ph.key):>16} = {ph.value!r}',
                     f'    client = Client({to_snake(ph.key)}="{ph.value}", timeout=30)'])
    if st == 'url':
        return pick([f'    engine = create_engine("{ph.text}")',
                     f'panic: failed to connect to {ph.text}: dial tcp {ip_private()}:5432: connect: connection refused',
                     f'Error: getaddrinfo ENOTFOUND while connecting to {ph.text}'])
    if st == 'cli':
        return pick([f'Command Line: {ph.text}', f'Process {R.randint(100, 99999)} ({ph.text}) terminated by SIGSEGV'])
    return f'RuntimeError: {ph.text}'


# --------------------------------------------------------------------------------------
# multi-line LEAK items
# --------------------------------------------------------------------------------------
def ml_prefix(frame):
    t = [now()]

    def tick():
        t[0] += datetime.timedelta(microseconds=R.randint(1, 900))
        return t[0].strftime('%Y-%m-%dT%H:%M:%S.') + f'{t[0].microsecond:06d}'
    if frame == 'github-actions':
        return lambda: tick() + '0Z '
    if frame == 'journald':
        p = f'{ts_syslog()} {pick(HOSTS)} {pick(SVCS)}[{R.randint(100, 99999)}]: '
        return lambda: p
    if frame == 'cri':
        return lambda: tick() + '123Z stdout F '
    return lambda: ''


def item_pem_multiline():
    typ = pick(list(PEM_TYPES))
    body, pub = pem_lines(typ)
    frame = pick(['raw', 'github-actions', 'journald', 'cri', 'python-multiline'])
    pre = ml_prefix(frame)
    first = f'-----BEGIN {typ}-----'
    if frame == 'python-multiline':
        first = f'{ts_py()} - app.tls - DEBUG - loaded private key: {first}'
    lines = [pre() + first] + [pre() + b for b in body] + [pre() + f'-----END {typ}-----']
    needles = [(b, pub if i == 0 else 0) for i, b in enumerate(body)]
    return dict(kind='private-key-multiline', tier='secret', template=f'pem-multiline/{frame}', ctx=typ,
                lines=lines, needles=needles, secret=body[0])


def item_k8s_yaml():
    c = R.randint(0, 3)
    if c == 0:
        k, v, kd = pick(['DB_PASSWORD', 'POSTGRES_PASSWORD', 'REDIS_PASSWORD']), gen_password(), 'password-assignment'
    elif c == 1:
        k, (v, _), kd = 'AWS_SECRET_ACCESS_KEY', g_aws_secret(), 'aws-secret-access-key'
    elif c == 2:
        k, (v, _), kd = 'STRIPE_SECRET_KEY', g_sk_live(), 'stripe-secret-key'
    else:
        k, v, kd = pick(['API_TOKEN', 'INTERNAL_API_KEY', 'WEBHOOK_SECRET']), rs(HEX, 40), 'token-assignment-hex'
    ind = pick(['    ', '      ', '        '])
    frame = pick(['raw', 'github-actions'])
    pre = ml_prefix(frame)
    val = pick([v, f'"{v}"'])
    lines = [f'{pre()}{ind}- name: {k}', f'{pre()}{ind}  value: {val}']
    return dict(kind=kd, tier='secret', template=f'k8s-yaml-env-2-lines/{frame}', ctx='name/value', lines=lines,
                needles=[(v, 8 if v.startswith('sk_live_') else 0)], secret=v)


# --------------------------------------------------------------------------------------
# LOOK-ALIKE kinds
# --------------------------------------------------------------------------------------
LOOKS = []


def look(name, builders, note=''):
    LOOKS.append({'name': name, 'builders': builders, 'note': note})


def card_like_fail():
    while True:
        n = card_digits()
        n = n[:-1] + str((int(n[-1]) + R.randint(1, 9)) % 10)
        if not luhn_ok(n):
            return n


def bad_iban():
    cc = pick(list(IBAN_SPECS))
    bb = bban(cc)
    good = iban_check(cc, bb)
    while True:
        ck = f'{R.randint(2, 98):02d}'
        if ck != good:
            ib = cc + ck + bb
            assert not iban_valid(ib)
            return fmt_iban(ib)


def bad_ssn():
    c = R.randint(0, 4)
    g, s = R.randint(1, 99), R.randint(1, 9999)
    if c == 0:
        return f'000-{g:02d}-{s:04d}'
    if c == 1:
        return f'666-{g:02d}-{s:04d}'
    if c == 2:
        return f'9{R.randint(0, 99):02d}-{R.randint(1, 49):02d}-{s:04d}'
    if c == 3:
        return f'{R.randint(1, 665):03d}-00-{s:04d}'
    return f'{R.randint(1, 665):03d}-{g:02d}-0000'


def semver():
    return f'{R.randint(0, 9)}.{R.randint(0, 40)}.{R.randint(0, 30)}'


def ulid():
    return rs('0123456789ABCDEFGHJKMNPQRSTVWXYZ', 26)


look('uuid', [
    lambda: KV(pick(['request_id', 'correlation_id', 'tenant_id', 'user_id', 'idempotency_key', 'order_id']), a_uuid()),
    lambda: HDR(pick(['X-Request-Id', 'Idempotency-Key', 'X-Correlation-ID']), a_uuid()),
    lambda: QRY('id', a_uuid()),
    lambda: PROSE(f'job {a_uuid()} finished in {R.random() * 9:.2f}s'),
])
look('git-sha', [
    lambda: KV(pick(['commit', 'sha', 'revision', 'GIT_COMMIT', 'head_sha', 'vcs.revision']), rs(HEX, 40)),
    lambda: PROSE(f'HEAD is now at {rs(HEX, 7)} Merge pull request #{R.randint(100, 9999)} from acme/fix-retry'),
    lambda: CLI(f'git checkout --detach {rs(HEX, 40)}'),
    lambda: PROSE(f'deploying {pick(SVCS)}@{rs(HEX, 12)} to prod (previous {rs(HEX, 12)})'),
])
look('digest-checksum', [
    lambda: KV('image', f'registry.acme.io/{pick(SVCS)}@sha256:{rs(HEX, 64)}'),
    lambda: PROSE(f'Digest: sha256:{rs(HEX, 64)}'),
    lambda: PROSE(f'Successfully pulled image "nginx@sha256:{rs(HEX, 64)}" in {R.random() * 9:.3f}s'),
    lambda: KV('container_id', f'containerd://{rs(HEX, 64)}'),
    lambda: KV('checksum', f'sha256:{rs(HEX, 64)}'),
    lambda: PROSE(f'{rs(HEX, 64)}  {pick(SVCS)}-{semver()}-linux-amd64.tar.gz'),
    lambda: KV('integrity', 'sha512-' + b64(R.randbytes(64))),
    lambda: HDR('ETag', f'"{rs(HEX, 32)}"'),
    lambda: KV(pick(['md5', 'content_md5', 'file_hash']), rs(HEX, 32)),
    lambda: KV('sha1', rs(HEX, 40)),
])
look('trace-ids', [
    lambda: HDR('traceparent', f'00-{rs(HEX, 32)}-{rs(HEX, 16)}-01'),
    lambda: KV(pick(['trace_id', 'traceId', 'otel.trace_id']), rs(HEX, 32)),
    lambda: KV(pick(['span_id', 'spanId', 'parent_span_id']), rs(HEX, 16)),
    lambda: HDR('X-Amzn-Trace-Id', f'Root=1-{rs(HEX, 8)}-{rs(HEX, 24)};Parent={rs(HEX, 16)};Sampled=1'),
    lambda: HDR('X-B3-TraceId', rs(HEX, 16)),
    lambda: HDR('X-Cloud-Trace-Context', f'{rs(HEX, 32)}/{R.randint(1, 2 ** 63)};o=1'),
    lambda: HDR('x-amz-request-id', rs(HEXU, 16)),
    lambda: HDR('x-amz-id-2', b64(R.randbytes(57))),
    lambda: HDR('cf-ray', f'{rs(HEX, 16)}-{pick(["FRA", "AMS", "IAD"])}'),
    lambda: HDR('X-GitHub-Request-Id', f'{rs(HEXU, 4)}:{rs(HEXU, 5)}:{rs(HEXU, 7)}:{rs(HEXU, 7)}:{rs(HEXU, 8)}'),
])
look('k8s-names', [
    lambda: PROSE(f'Successfully assigned prod/{pod_name()} to {pick(HOSTS)}'),
    lambda: KV('pod', pod_name()),
    lambda: PROSE(f'Created pod: {pod_name()}'),
    lambda: KV('replicaset', f'{pick(SVCS)}-{rs(K8S_ALPHA, 10)}'),
    lambda: KV('job', f'backup-{R.randint(28000000, 29000000)}-{rs(K8S_ALPHA, 5)}'),
    lambda: KV('uid', a_uuid()),
    lambda: KV('node', f'ip-10-{R.randint(0, 255)}-{R.randint(0, 255)}-{R.randint(0, 255)}.eu-west-1.compute.internal'),
])


def page_cursor():
    return b64url(json.dumps({'offset': R.randint(0, 5000), 'sort': 'created_at'}, separators=(',', ':')).encode())


look('base64-non-secret', [
    lambda: KV(pick(['cursor', 'next_cursor', 'after', 'continue']), page_cursor()),
    lambda: KV(pick(['page_token', 'next_page_token', 'pageToken']), page_cursor()),
    lambda: HDR('Sec-WebSocket-Key', b64(R.randbytes(16))),
    lambda: HDR('Sec-WebSocket-Accept', b64(R.randbytes(20))),
    lambda: HDR('Content-MD5', b64(R.randbytes(16))),
    lambda: KV('payload', b64(json.dumps({'event': 'order.created', 'id': R.randint(1, 99999)}).encode())),
    lambda: PROSE(f'github.com/acme/{pick(SVCS)} v{semver()} h1:{b64(R.randbytes(32))}'),
    lambda: KV('state', b64url(json.dumps({'returnTo': '/dashboard'}).encode())),
], note='pagination tokens carry the word "token" but are not credentials')
look('luhn-failing-number', [
    lambda: KV(pick(['order_id', 'tracking_number', 'invoice_no', 'account_ref', 'shipment_id']), card_like_fail()),
    lambda: PROSE(f'shipment {card_like_fail()} dispatched via DHL'),
    lambda: PROSE(f'reference {fmt_card(card_like_fail())} not found'),
    lambda: QRY('order', card_like_fail()),
])


def dec_id():
    return str(R.getrandbits(63))


look('long-decimal-ids', [
    lambda: KV(pick(['dd.trace_id', 'dd.span_id']), dec_id()),
    lambda: KV(pick(['message_id', 'snowflake', 'tweet_id', 'guild_id']), str(R.randint(10 ** 17, 2 ** 63))),
    lambda: KV('ts_ns', str(int(now().timestamp() * 1e9))),
    lambda: PROSE(f'processed batch {dec_id()} ({R.randint(1, 999)} records)'),
], note='random decimals, not forced to fail Luhn: some pass by chance and start with a card IIN')
look('iban-bad-checksum', [
    lambda: KV(pick(['reference', 'payee_ref', 'input']), bad_iban()),
    lambda: PROSE(f'IBAN validation failed for {bad_iban()}: checksum mismatch'),
])
look('ssn-invalid', [
    lambda: KV(pick(['case_ref', 'ticket', 'ref', 'part_no']), bad_ssn()),
    lambda: PROSE(f'case number {bad_ssn()} opened'),
    lambda: PROSE(f'rejected test record with ssn {bad_ssn()} (invalid area/group/serial)'),
])
look('version-strings', [
    lambda: PROSE(pick([f'nginx/1.{R.randint(18, 27)}.{R.randint(0, 9)}', f'go{semver()}', f'Build 10.0.19045.{R.randint(1000, 9999)}',
                        'OpenJDK 64-Bit Server VM (build 17.0.10+7-Debian-1deb12u1, mixed mode, sharing)',
                        f'kubelet version v1.29.{R.randint(0, 9)}-eks-{rs(HEX, 7)}',
                        'Python 3.11.7 (main, Dec  8 2023, 14:22:46) [GCC 12.2.0]', 'OpenSSL 3.0.13 30 Jan 2024',
                        f'Starting {pick(SVCS)} v{semver()}-rc.{R.randint(1, 5)}+build.{R.randint(100, 9999)}'])),
    lambda: KV('version', pick([semver(), f'v{semver()}', f'{semver()}-1ubuntu0.{R.randint(1, 9)}', f'{semver()}+incompatible'])),
])
look('numbers-timestamps', [
    lambda: KV(pick(['latency_ms', 'duration_ms', 'bytes', 'size', 'pid', 'offset', 'inode', 'rss_kb']),
               str(R.randint(0, 10 ** R.randint(1, 10)))),
    lambda: KV(pick(['epoch', 'ts', 'timestamp', 'created']), pick([str(int(now().timestamp())), ts_epoch(True)])),
    lambda: PROSE(f'took {R.random() * 9:.6f}s ({R.randint(1, 99999)} rows)'),
    lambda: KV('expires', now().strftime('%a, %d %b %Y %H:%M:%S GMT')),
    lambda: PROSE(f'listening on 0.0.0.0:{pick([8080, 8443, 9090, 5432, 6379])}'),
    lambda: PROSE(f'uptime {R.randint(1, 400)} days, {R.randint(0, 23)}:{R.randint(0, 59):02d}, load average: 0.42, 0.37, 0.30'),
    lambda: HDR('Content-Length', str(R.randint(0, 10 ** 9))),
    lambda: KV('lsn', f'{R.randint(0, 9)}/{rs(HEXU, 8)}'),
])
look('paths', [
    lambda: PROSE(f'mounted volume /var/lib/kubelet/pods/{a_uuid()}/volumes/kubernetes.io~secret/default-token-{rs(K8S_ALPHA, 5)}'),
    lambda: PROSE(f'loading TLS key from /etc/ssl/private/{pick(SVCS)}.key'),
    lambda: KV(pick(['password_file', 'passwordFile', 'DB_PASSWORD_FILE']), f'/run/secrets/{pick(["db_password", "postgres-password"])}'),
    lambda: KV('GOOGLE_APPLICATION_CREDENTIALS', '/var/secrets/google/key.json'),
    lambda: KV('AWS_SHARED_CREDENTIALS_FILE', f'/home/{pick(USERS)}/.aws/credentials'),
    lambda: KV('token_path', '/var/run/secrets/kubernetes.io/serviceaccount/token'),
    lambda: KV('PGPASSFILE', '/home/app/.pgpass'),
    lambda: KV('ssl_key', f'/etc/nginx/certs/{pick(APIHOSTS)}.key'),
    lambda: PROSE(f'C:\\Users\\{pick(USERS)}\\AppData\\Local\\Temp\\{rs(HEX, 8)}.tmp written'),
    lambda: PROSE(f'Identity file /home/{pick(USERS)}/.ssh/id_ed25519 type 3'),
])
look('hex-addresses-macs', [
    lambda: LINE(f'[{R.randint(1000, 99999)}.{R.randint(0, 999999):06d}] {pick(SVCS)}[{R.randint(100, 99999)}]: segfault at '
                 f'{rs(HEX, 12)} ip 0000{rs(HEX, 12)} sp 00007ff{rs(HEX, 9)} error 4 in libc.so.6[7f{rs(HEX, 10)}+195000]'),
    lambda: LINE(f'[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x{rs(HEX, 6)}]'),
    lambda: PROSE(f'com.acme.cache.LruCache@{rs(HEX, 8)} evicted {R.randint(1, 999)} entries'),
    lambda: PROSE(f'<app.models.Order object at 0x7f{rs(HEX, 10)}> saved'),
    lambda: PROSE(f'eth0: link up, {":".join(rs(HEX, 2) for _ in range(6))}'),
    lambda: PROSE(f'DHCPACK on {ip_private()} to 52:54:00:{rs(HEX, 2)}:{rs(HEX, 2)}:{rs(HEX, 2)} via eth0'),
    lambda: PROSE(f'neighbor fe80::{rs(HEX, 4)}:{rs(HEX, 2)}ff:fe{rs(HEX, 2)}:{rs(HEX, 4)} reachable'),
])
PLACEHOLDERS = ['***', '******', '********', '<redacted>', '[FILTERED]', '[REDACTED]', '${DB_PASSWORD}', '${TOKEN}',
                '{{ .Values.db.password }}', '%(db_password)s', '<YOUR_API_KEY>', '(sensitive value)', 'null', '""',
                'None', 'REDACTED', '<nil>', '{{ secrets.NPM_TOKEN }}', '$(cat /run/secrets/db_password)',
                'process.env.STRIPE_KEY', '********************']
look('placeholders', [
    lambda: KV(pick(['password', 'db_password', 'api_key', 'token', 'secret', 'client_secret', 'NPM_TOKEN']), pick(PLACEHOLDERS)),
    lambda: HDR('Authorization', pick(['Bearer <token>', 'Bearer ${TOKEN}', '***', 'Basic ********', '[REDACTED]', 'Bearer ***'])),
    lambda: URLP(pick([f'postgres://{pick(USERS)}:****@{pick(DBHOSTS)}:5432/orders',
                       f'postgres://{pick(USERS)}:${{DB_PASSWORD}}@{pick(DBHOSTS)}/orders',
                       'amqp://guest:**@rabbitmq:5672//', f'redis://:<redacted>@redis-master:6379/0'])),
    lambda: LINE('      + password                 = (sensitive value)'),
    lambda: LINE(f'+ docker login -u ci -p **** registry.acme.io'),
    lambda: LINE(f'{ts_iso(7)}   NPM_TOKEN: ***'),
    lambda: LINE(f"DEBUG: cli.azure.cli.core.sdk.policies:     'Authorization': '*****'"),
    lambda: LINE("b'authorization': b'--- Token Redacted ---'"),
], note='masking a placeholder loses no secret, but it does change the line')
look('field-names-no-value', [
    lambda: PROSE(pick([f'password reset email sent for user_id={R.randint(1, 99999)}',
                        f'token expired at {ts_iso()} (exp={int(now().timestamp())})',
                        f'invalid password for user {pick(USERS)}',
                        'Bearer token missing in request',
                        f'API key rotation scheduled for tenant {pick(SVCS)}',
                        f'secret db-creds updated (resourceVersion {R.randint(10000, 999999)})',
                        'password must be at least 12 characters',
                        'authentication token could not be refreshed: invalid_grant',
                        f"Access denied for user '{pick(USERS)}'@'{ip_private()}' (using password: YES)",
                        'password_policy=strict min_length=12 require_symbols=true',
                        f'token_ttl=3600s refresh_token_ttl=30d',
                        f'prompt_tokens={R.randint(10, 4000)} completion_tokens={R.randint(1, 900)} total_tokens={R.randint(100, 5000)}',
                        'max_tokens=1024 temperature=0.2', 'tokenizer=cl100k_base',
                        f'secret_ref=projects/acme-prod/secrets/db-password/versions/{R.randint(1, 9)}',
                        f'vault: read secret/data/prod/{pick(SVCS)} (version {R.randint(1, 30)})',
                        'PasswordAuthentication no', 'session expired, redirecting to /login',
                        'auth=oauth2 grant_type=client_credentials', 'no api key configured, running in anonymous mode',
                        'WWW-Authenticate: Bearer realm="api", error="invalid_token", error_description="The access token expired"',
                        f'Failed password for invalid user {pick(USERS)} from {ip_public()} port {R.randint(1024, 65535)} ssh2',
                        f'pam_unix(sudo:auth): authentication failure; logname={pick(USERS)} uid=1001 euid=0 tty=/dev/pts/0 ruser=deploy rhost=  user=deploy',
                        'password change required at next login', 'credentials: using instance profile',
                        'Found credentials in environment variables.', 'TokenBucket refill rate=100/s burst=200'])),
])
look('urls-without-credentials', [
    lambda: URLP(key=pick(['url', 'endpoint', 'upstream', 'remote', 'target', 'callback_url']), url=pick([f'https://api.github.com/repos/acme/{pick(SVCS)}/pulls?state=open&per_page=100',
                       f'postgres://{pick(DBHOSTS)}:5432/orders?sslmode=require',
                       'redis://redis-master:6379/0', f'https://{pick(USERS)}@git.acme.io/acme/api.git',
                       'ssh://git@github.com/acme/api.git', f's3://acme-backups/db/{now():%Y-%m-%d}.dump',
                       f'http://{ip_private()}:8080/healthz',
                       'mongodb://mongo-0.mongo:27017,mongo-1.mongo:27017/?replicaSet=rs0',
                       'amqp://rabbitmq:5672/%2F', f'https://{pick(APIHOSTS)}/v1/orders?page=2&limit=50&sort=-created_at',
                       'jdbc:postgresql://db-primary.internal:5432/orders?ssl=true&sslmode=verify-full'])),
])
look('connection-url-field-no-password', [
    lambda: URLP(key=pick(['DATABASE_URL', 'REDIS_URL', 'MONGO_URL', 'BROKER_URL', 'database_url']),
                 url=pick([f'postgres://{pick(DBHOSTS)}:5432/orders?sslmode=require', 'redis://redis-master:6379/0',
                           'mongodb://mongo-0.mongo:27017,mongo-1.mongo:27017/?replicaSet=rs0', 'amqp://rabbitmq:5672/%2F',
                           f'postgres://{pick(USERS)}@{pick(DBHOSTS)}:5432/orders'])),
], note='a value under a connection-string field name that holds no password')
look('cloud-and-app-ids', [
    lambda: KV('role_arn', f'arn:aws:iam::{rs(DIG, 12)}:role/{pick(["deploy", "ci", "eks-node"])}'),
    lambda: KV('account_id', rs(DIG, 12)),
    lambda: KV('instance_id', f'i-0{rs(HEX, 16)}'),
    lambda: KV(pick(['ami', 'sg', 'vpc', 'subnet']), f'{pick(["ami", "sg", "vpc", "subnet"])}-0{rs(HEX, 16)}'),
    lambda: PROSE(f"_id: ObjectId('{rs(HEX, 24)}') updated"),
    lambda: KV(pick(['customer', 'payment_intent', 'charge', 'event', 'request_id']),
               pick(['cus_', 'pi_', 'ch_', 'evt_', 'req_']) + rs(ALNUM, pick([14, 24]))),
    lambda: KV('ulid', ulid()),
    lambda: KV('ksuid', rs(ALNUM, 27)),
    lambda: KV('subscription_id', a_uuid()),
    lambda: KV('kms_key_id', f'arn:aws:kms:eu-west-1:{rs(DIG, 12)}:key/{a_uuid()}'),
])
look('email-lookalikes', [
    lambda: CLI(f'git clone git@github.com:acme/{pick(SVCS)}.git'),
    lambda: PROSE(f'npm ERR! notarget No matching version found for @acme/ui@^{semver()}'),
    lambda: PROSE(f'Started getty@tty{R.randint(1, 6)}.service - Getty on tty{R.randint(1, 6)}.'),
    lambda: PROSE(f'Started user@{R.randint(1000, 1010)}.service - User Manager for UID {R.randint(1000, 1010)}.'),
    lambda: CLI(f'ssh -i ~/.ssh/id_ed25519 {pick(USERS)}@{ip_private()} uptime'),
    lambda: LINE(f'# User@Host: {pick(USERS)}[{pick(USERS)}] @  [{ip_private()}]  Id: {R.randint(1, 99999)}'),
    lambda: PROSE(f'pulling {pick(SVCS)}@sha256:{rs(HEX, 64)}'),
    lambda: LINE(f'{pick(USERS)}@{pick(HOSTS)}:~$ systemctl status {pick(SVCS)}'),
])


def pub_pem_escaped(typ, pre, n):
    body = pre + rs(B64, n - len(pre))
    return '\\n'.join(body[i:i + 64] for i in range(0, len(body), 64))


look('public-key-material', [
    lambda: LINE(f'{ts_syslog()} {pick(HOSTS)} sshd[{R.randint(100, 99999)}]: Accepted publickey for {pick(USERS)} from '
                 f'{ip_private()} port {R.randint(1024, 65535)} ssh2: ED25519 SHA256:{b64(R.randbytes(32)).rstrip("=")}'),
    lambda: PROSE(f'authorized key added: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI{b64(R.randbytes(32))[:43]} deploy@ci'),
    lambda: KV('public_key', '-----BEGIN PUBLIC KEY-----\\n' + pub_pem_escaped('PUBLIC KEY', 'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA', 392)
               + '\\n-----END PUBLIC KEY-----'),
    lambda: KV('ca_cert', '-----BEGIN CERTIFICATE-----\\n' + pub_pem_escaped('CERTIFICATE', 'MIIDdzCCAl+gAwIBAgIU', 900)
               + '\\n-----END CERTIFICATE-----'),
    lambda: PROSE(f'gpg: key {rs(HEXU, 16)}: public key "Acme Release Signing" imported'),
    lambda: PROSE(f'certificate fingerprint SHA256:{":".join(rs(HEXU, 2) for _ in range(32))}'),
])
look('public-identifiers', [
    lambda: KV(pick(['STRIPE_PUBLISHABLE_KEY', 'publishableKey']), 'pk_live_' + rs(ALNUM, 99)),
    lambda: KV('account_sid', ac_sid()),
    lambda: KV('client_id', f'{rs(DIG, 12)}-{rs(LO + DIG, 32)}.apps.googleusercontent.com'),
    lambda: KV('appId', f'1:{rs(DIG, 12)}:web:{rs(HEX, 22)}'),
    lambda: KV('channel', f'C0{rs(UP + DIG, 8)}'),
    lambda: KV('kms_alias', f'alias/{pick(SVCS)}-prod'),
], note='publishable / public identifiers: masking them is arguably over-redaction, but debatable')
look('cli-no-secret', [
    lambda: CLI(pick(['docker login -u ci --password-stdin registry.acme.io', f'mysql -u root -p -h {pick(DBHOSTS)} orders',
                      f'psql -h {pick(DBHOSTS)} -U app -d orders -W',
                      'kubectl create secret generic db-creds --from-file=password=./pw.txt --dry-run=client -o yaml',
                      'aws sts get-caller-identity --profile prod', 'gh auth status',
                      'vault kv get -field=password secret/prod/db > /dev/null',
                      'openssl req -new -key server.key -out server.csr -subj "/CN=api.acme.io"',
                      f'helm upgrade --install api ./chart --set image.tag={semver()} --set replicaCount=3',
                      'terraform apply -var-file=prod.tfvars -auto-approve',
                      'ssh-keygen -t ed25519 -N "" -f /tmp/deploy_key', 'npm ci --ignore-scripts',
                      'pg_dump -h db -U app -Fc orders -f /backups/orders.dump'])),
])
look('sql-no-secret', [
    lambda: SQLP(pick([f"ALTER USER app VALID UNTIL '2025-01-01'", 'CREATE USER reporting WITH LOGIN',
                       'GRANT SELECT ON ALL TABLES IN SCHEMA public TO reporting',
                       f'SELECT id, status FROM orders WHERE id = {R.randint(1, 99999)}',
                       'UPDATE users SET password_hash = $1, updated_at = now() WHERE id = $2',
                       'SELECT * FROM users WHERE email = $1 LIMIT 1',
                       "ALTER USER 'app'@'%' PASSWORD EXPIRE INTERVAL 90 DAY",
                       'SELECT count(*) FROM sessions WHERE token_hash = ? AND expires_at > NOW()',
                       f"DELETE FROM password_resets WHERE created_at < now() - interval '1 day'",
                       "UPDATE api_keys SET revoked = true WHERE id = 'key_42'"])),
])


def benign_line():
    c = R.randint(0, 17)
    svc = pick(SVCS)
    if c == 0:
        return f'[{R.randint(1, 9999)}.{R.randint(0, 999):03d}s][info][gc] GC({R.randint(1, 999)}) Pause Young (Normal) (G1 Evacuation Pause) {R.randint(100, 900)}M->{R.randint(50, 99)}M(2048M) {R.random() * 20:.3f}ms'
    if c == 1:
        return (f'{ts_logback()} UTC [{R.randint(10, 99)}] LOG:  checkpoint complete: wrote {R.randint(1, 9999)} buffers '
                f'({R.random() * 10:.1f}%); 0 WAL file(s) added, 0 removed, 1 recycled; write={R.random() * 200:.3f} s, '
                f'sync=0.012 s, total={R.random() * 200:.3f} s; sync files={R.randint(1, 99)}, longest=0.005 s, average=0.001 s; '
                f'distance={R.randint(1, 99999)} kB, estimate={R.randint(1, 99999)} kB; lsn=0/{rs(HEXU, 7)}, redo lsn=0/{rs(HEXU, 7)}')
    if c == 2:
        return f'1:M {now():%d %b %Y %H:%M:%S}.{R.randint(0, 999):03d} * Background saving terminated with success'
    if c == 3:
        return f'# Query_time: {R.random() * 9:.6f}  Lock_time: 0.000{R.randint(10, 99)} Rows_sent: {R.randint(0, 99)}  Rows_examined: {R.randint(0, 999999)}'
    if c == 4:
        return f'{ts_syslog()} {pick(HOSTS)} systemd[1]: Started {svc}.service - Acme {svc.title()} API.'
    if c == 5:
        return f'{R.randint(1, 59)}s   Normal   Pulled   pod/{pod_name(svc)}   Container image "registry.acme.io/{svc}:{semver()}" already present on machine'
    if c == 6:
        return f'\tat com.acme.{svc}.{pick(["TokenService", "PaymentService", "PasswordPolicy"])}.{pick(["refreshAccessToken", "validate", "charge"])}({pick(["TokenService", "PaymentService"])}.java:{R.randint(20, 400)}) ~[app.jar:{semver()}]'
    if c == 7:
        return f'goroutine {R.randint(1, 999)} [running]:'
    if c == 8:
        return f'    at Object.<anonymous> (/app/src/{pick(["auth", "db", "index"])}.js:{R.randint(1, 300)}:{R.randint(1, 40)})'
    if c == 9:
        return f'{ip_public()} - - [{ts_clf()}] "GET /api/v1/orders?page={R.randint(1, 9)}&limit=50 HTTP/1.1" 200 {R.randint(100, 99999)} "-" "{pick(UAS)}"'
    if c == 10:
        return f'{ts_iso(7)} ##[group]Run actions/checkout@{pick(["v4", rs(HEX, 40)])}'
    if c == 11:
        return f'section_start:{int(now().timestamp())}:step_script\r\x1b[0K\x1b[0K\x1b[36;1mExecuting "step_script" stage of the job script\x1b[0;m'
    if c == 12:
        return f'{ts_syslog()} {pick(HOSTS)} sshd[{R.randint(100, 99999)}]: Connection closed by authenticating user root {ip_public()} port {R.randint(1024, 65535)} [preauth]'
    if c == 13:
        return f'{R.randint(1, 59)}m   Warning   FailedMount   pod/{pod_name(svc)}   MountVolume.SetUp failed for volume "db-creds" : secret "db-creds" not found'
    if c == 14:
        return f'{ts_logback()}  INFO 1 --- [           main] o.s.b.w.embedded.tomcat.TomcatWebServer  : Tomcat started on port 8080 (http) with context path \'\''
    if c == 15:
        return f'[{ts_py()}: INFO/MainProcess] Task app.tasks.send_invoice[{a_uuid()}] received'
    if c == 16:
        return f'Plan: {R.randint(0, 9)} to add, {R.randint(0, 9)} to change, 0 to destroy.'
    return f'Traceback (most recent call last):'


look('benign-source-lines', [lambda: LINE(benign_line())])
look('code-identifiers', [
    lambda: PROSE(pick(['org.springframework.security.authentication.BadCredentialsException: Bad credentials',
                        "KeyError: 'api_key'", "AttributeError: 'NoneType' object has no attribute 'access_token'",
                        'panic: runtime error: invalid memory address or nil pointer dereference in auth.(*TokenSource).Token',
                        'PasswordEncoderFactories.createDelegatingPasswordEncoder() returned DelegatingPasswordEncoder',
                        'SecretsManagerClient initialised for region eu-west-1',
                        'calling get_api_key() for integration slack', 'TypeError: Cannot read properties of undefined (reading \'refreshToken\')',
                        'io.jsonwebtoken.ExpiredJwtException: JWT expired at 2024-03-14T09:21:07Z. Current time: 2024-03-14T09:22:11Z',
                        'AuthenticationError: No API key provided. You can set your API key using openai.api_key = <API-KEY>'])),
])


def item_cert_multiline():
    body = 'MIIDdzCCAl+gAwIBAgIU' + rs(B64, 1180)
    lines = [body[i:i + 64] for i in range(0, len(body), 64)]
    frame = pick(['raw', 'github-actions', 'cri'])
    pre = ml_prefix(frame)
    return dict(kind='public-key-material', template=f'cert-multiline/{frame}', ctx='CERTIFICATE',
                lines=[pre() + '-----BEGIN CERTIFICATE-----'] + [pre() + b for b in lines] +
                      [pre() + '-----END CERTIFICATE-----'])


# --------------------------------------------------------------------------------------
# building items (text + NDJSON variant of the same content)
# --------------------------------------------------------------------------------------
def jesc(s):
    return json.dumps(s, ensure_ascii=False)[1:-1]


def wrap_json(lines, wrapper=None):
    wrapper = wrapper or pick(['docker-json-file', 'json-logger'])
    out = []
    svc = pick(SVCS)
    for ln in lines:
        if wrapper == 'docker-json-file':
            out.append(json.dumps({'log': ln + '\n', 'stream': pick(['stdout', 'stderr']), 'time': ts_iso(9)},
                                  ensure_ascii=False))
        else:
            out.append(json.dumps({'@timestamp': ts_iso(), 'level': pick(['INFO', 'WARN', 'ERROR']), 'message': ln,
                                   'service.name': svc}, ensure_ascii=False))
    return out, wrapper


def structured_json(ph):
    """One JSON record with the phrase as structured fields; returns (line, secret_as_in_json_value)."""
    base = {'time': ts_iso(), 'level': pick(['info', 'debug', 'warn', 'error'])}
    st = ph.style
    if st == 'kv':
        key = pick([ph.key, to_snake(ph.key), to_camel(ph.key)])
        val = ph.value.replace('\\n', '\n')
        base.update({'logger': pick(PY_LOGGERS), 'msg': ph.hint or pick(KV_HINTS), key: val})
    elif st == 'header':
        if chance(0.5):
            base.update({'msg': 'outgoing request', 'http': {'method': 'GET', 'url': f'https://{pick(APIHOSTS)}{pick(PATHS)}',
                                                              'request': {'headers': {ph.key.lower(): ph.value}}}})
        else:
            base.update({'msg': 'HTTP request', f'http.request.header.{ph.key.lower()}': [ph.value],
                         'http.request.method': 'POST', 'url.path': pick(PATHS)})
    elif st == 'query':
        base.update({'msg': 'request completed', 'method': 'GET', 'path': qpath(ph), 'status': pick([200, 401]),
                     'duration_ms': R.randint(1, 900)})
    elif st == 'url':
        base.update({'msg': ph.hint or pick(URL_HINTS), to_snake(ph.key): ph.text})
    else:
        return None
    return json.dumps(base, ensure_ascii=False)


# sources whose key/value form is configuration or credentials (env, container specs, IaC): no PII there
CONFIG_ONLY_SOURCES = {'aws-sdk-debug', 'terraform', 'helm', 'k8s-kubelet', 'k8s-describe', 'docker-inspect', 'env-dump',
                       'go-struct-dump', 'docker-daemon'}


def make_leak_item(kd):
    for _ in range(60):
        if kd['gen']:
            s, pub = kd['gen']()
        else:
            s, pub = None, 0
        ctx_name, fn = pick(kd['ctxs'])
        ph = fn(s)
        if ph.pub is not None:
            pub = ph.pub
        secret = ph.secret
        srcs = [x for x in SOURCES if ph.style in x[1]
                and not (kd['tier'] != 'secret' and ph.style == 'kv' and x[0] in CONFIG_ONLY_SOURCES)]
        if not srcs or not secret:
            continue
        name, _, render = pick(srcs)
        line = render(ph)
        if not line or secret not in line or '\n' in line or '\r' in line:
            continue
        text = dict(kind=kd['name'], tier=kd['tier'], template=name, ctx=ctx_name, lines=[line],
                    needles=[(secret, pub)], secret=secret)
        nd = None
        if ph.style in ('kv', 'header', 'query', 'url') and chance(0.5):
            js = structured_json(ph)
            sec_j = secret.replace('\\n', '\n') if ph.style == 'kv' else secret
            needle = jesc(sec_j)
            if js and needle in js:
                nd = dict(text, template=f'json-fields:{ph.style}', lines=[js], needles=[(needle, pub)])
        if nd is None:
            wl, wrapper = wrap_json([line])
            needle = jesc(secret)
            if needle not in wl[0]:
                continue
            nd = dict(text, template=name, ctx=f'{ctx_name} [{wrapper}]', lines=wl, needles=[(needle, pub)])
        return text, nd
    raise RuntimeError(f'could not render kind {kd["name"]}')


def ml_ndjson(item):
    wl, wrapper = wrap_json(item['lines'], 'docker-json-file')
    nd = dict(item, lines=wl, ctx=f'{item["ctx"]} [{wrapper}]')
    if 'needles' in item:
        nd['needles'] = [(jesc(n), p) for n, p in item['needles']]
    return nd


def make_look_item(lk):
    for _ in range(60):
        ph = pick(lk['builders'])()
        if ph.style == 'line':
            line, name = ph.text, 'native-line'
        else:
            srcs = [x for x in SOURCES if ph.style in x[1]]
            name, _, render = pick(srcs)
            line = render(ph)
        if not line or '\n' in line:
            continue
        text = dict(kind=lk['name'], template=name, ctx=ph.style, lines=[line])
        js = structured_json(ph) if ph.style in ('kv', 'header', 'query', 'url') and chance(0.5) else None
        if js:
            nd = dict(text, template=f'json-fields:{ph.style}', lines=[js])
        else:
            wl, wrapper = wrap_json([line])
            nd = dict(text, ctx=f'{ph.style} [{wrapper}]', lines=wl)
        return text, nd
    raise RuntimeError(f'could not render look-alike {lk["name"]}')


def generate(n_leak, n_look):
    leak_t, leak_j, look_t, look_j = [], [], [], []
    n_ml_pem = max(10, n_leak // 50)
    n_ml_yaml = max(10, n_leak // 80)
    n_single = n_leak - n_ml_pem - n_ml_yaml
    rr = [k for k in KINDS if k['tier'] == 'secret'] + 2 * [k for k in KINDS if k['tier'] == 'pii']
    info = [k for k in KINDS if k['tier'] == 'info']
    i = 0
    while len(leak_t) < n_single:
        kd = rr[i % len(rr)]
        i += 1
        if i % (3 * len(rr)) == 0 and info:
            kd = info[0]
        t, j = make_leak_item(kd)
        leak_t.append(t)
        leak_j.append(j)
    for _ in range(n_ml_pem):
        t = item_pem_multiline()
        leak_t.append(t)
        leak_j.append(ml_ndjson(t))
    for _ in range(n_ml_yaml):
        t = item_k8s_yaml()
        leak_t.append(t)
        leak_j.append(ml_ndjson(t))
    n_cert = max(5, n_look // 80)
    for i in range(n_look - n_cert):
        t, j = make_look_item(LOOKS[i % len(LOOKS)])
        look_t.append(t)
        look_j.append(j)
    for _ in range(n_cert):
        t = item_cert_multiline()
        look_t.append(t)
        look_j.append(ml_ndjson(t))
    for lst, setname, variant in ((leak_t, 'leak', 'text'), (leak_j, 'leak', 'ndjson'),
                                  (look_t, 'look', 'text'), (look_j, 'look', 'ndjson')):
        for n, it in enumerate(lst):
            it['set'], it['variant'], it['id'] = setname, variant, f'{setname}-{variant}-{n}'
    order_leak = list(range(len(leak_t)))
    order_look = list(range(len(look_t)))
    R.shuffle(order_leak)
    R.shuffle(order_look)
    return ([leak_t[k] for k in order_leak], [leak_j[k] for k in order_leak],
            [look_t[k] for k in order_look], [look_j[k] for k in order_look])


# --------------------------------------------------------------------------------------
# running veil and scoring
# --------------------------------------------------------------------------------------
def write_items(path, items):
    with open(path, 'wb') as f:
        for it in items:
            for ln in it['lines']:
                f.write(ln.encode('utf-8') + b'\n')


def run_veil(veil, inp, outp, cache, extra=()):
    env = dict(os.environ, VEIL_CACHE_DIR=cache)
    t0 = time.time()
    with open(inp, 'rb') as fi, open(outp, 'wb') as fo:
        p = subprocess.run([veil, *extra], stdin=fi, stdout=fo, stderr=subprocess.PIPE, env=env, timeout=600)
    dt = time.time() - t0
    with open(outp, 'rb') as f:
        data = f.read()
    out = data.decode('utf-8', 'surrogateescape').split('\n')
    if out and out[-1] == '':
        out.pop()
    return p.returncode, p.stderr.decode('utf-8', 'replace'), out, dt


def score_leak(item, out_lines):
    inp = '\n'.join(item['lines'])
    out = '\n'.join(out_lines)
    result = ('caught', None)
    for needle, pub in item['needles']:
        rest = inp.replace(needle, '\x00')
        if out.count(needle) > rest.count(needle):
            return 'whole', needle
        if len(needle) >= 8 and result[0] == 'caught':
            for i in range(max(0, pub - 7), len(needle) - 7):
                w = needle[i:i + 8]
                if out.count(w) > rest.count(w):
                    j = i + 8
                    while j < len(needle) and out.count(needle[i:j + 1]) > rest.count(needle[i:j + 1]):
                        j += 1
                    result = ('partial', needle[i:j])
                    break
    return result


def quote_parity(s):
    esc = s.count('\\"')
    return esc % 2, (s.count('"') - esc) % 2


def collateral(item, out_lines):
    """Quote/escape damage: a changed non-JSON line whose parity of escaped (\\") or bare (") double quotes
    differs between input and output, i.e. a mask swallowed one half of a quote pair or an escape character."""
    for a, b in zip(item['lines'], out_lines):
        if a != b and not is_json(a) and quote_parity(a) != quote_parity(b):
            return True
    return False


def is_json(s):
    try:
        json.loads(s)
        return True
    except ValueError:
        return False


IPV4_RE = re.compile(r'(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])')


def changed_spans(a, b):
    """Changed regions at word granularity: [(start, end, old, new)] with start/end in a."""
    ta = re.findall(r'\w+|\W', a)
    tb = re.findall(r'\w+|\W', b)
    pos, acc = [], 0
    for t in ta:
        pos.append(acc)
        acc += len(t)
    pos.append(acc)
    sm = difflib.SequenceMatcher(None, ta, tb, autojunk=False)
    out = []
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op != 'equal':
            out.append((pos[i1], pos[i2], ''.join(ta[i1:i2]), ''.join(tb[j1:j2])))
    return out


def excerpt(s, center=0, width=420):
    s = s.replace('\x1b', '\\x1b').replace('\t', '\\t').replace('\r', '\\r')
    if len(s) <= width:
        return s
    start = max(0, min(center - width // 3, len(s) - width))
    return ('…' if start > 0 else '') + s[start:start + width] + ('…' if start + width < len(s) else '')


def pct(a, b):
    return f'{100.0 * a / b:.1f}%' if b else 'n/a'


# --------------------------------------------------------------------------------------
# report
# --------------------------------------------------------------------------------------
def fence(s):
    return '```\n' + s + '\n```'


def build_report(args, veil, res, timings, errors):
    L = []
    leak = [r for r in res if r['set'] == 'leak']
    look = [r for r in res if r['set'] == 'look']
    L.append(f'# veil app-log probe (seed {args.seed})\n')
    L.append(f'Independent probe: `bench/detection/app_log_probe.py`, generated from general knowledge of log formats '
             f'and credential formats, without reading veil\'s patterns, sources or tests. veil: `{veil}` with '
             f'{"arguments `" + " ".join(args.veil_arg) + "`" if args.veil_arg else "default options"} '
             f'(`VEIL_CACHE_DIR` under the output directory).\n')
    for name, (rc, n_in, n_out, dt) in timings.items():
        L.append(f'- `{name}`: {n_in} lines in, {n_out} out, exit {rc}, {dt:.2f}s')
    for e in errors:
        L.append(f'- **ERROR**: {e}')
    L.append('')
    L.append('## Summary\n')
    L.append('| set | variant | tier | items | caught | whole leak | partial leak | recall |')
    L.append('|---|---|---|---:|---:|---:|---:|---:|')
    for variant in ('text', 'ndjson', 'both'):
        for tier in ('secret', 'pii', 'pii excl. phone', 'all'):
            rs_ = [r for r in leak if (variant == 'both' or r['variant'] == variant)
                   and r['tier'] != 'info' and (tier == 'all' or r['tier'] == tier
                                                or (tier == 'pii excl. phone' and r['tier'] == 'pii' and r['kind'] != 'phone'))]
            c = sum(r['status'] == 'caught' for r in rs_)
            w = sum(r['status'] == 'whole' for r in rs_)
            pa = sum(r['status'] == 'partial' for r in rs_)
            L.append(f'| leak | {variant} | {tier} | {len(rs_)} | {c} | {w} | {pa} | **{pct(c, len(rs_))}** |')
    L.append('')
    L.append('| set | variant | items | lines | false-positive items | FP rate | FP rate excl. "debatable" kinds |')
    L.append('|---|---|---:|---:|---:|---:|---:|')
    for variant in ('text', 'ndjson'):
        rs_ = [r for r in look if r['variant'] == variant]
        nd = [r for r in rs_ if r['kind'] not in DEBATABLE_LOOKS]
        fp = sum(r['fp'] for r in rs_)
        L.append(f'| look-alike | {variant} | {len(rs_)} | {sum(len(r["lines"]) for r in rs_)} | {fp} | **{pct(fp, len(rs_))}** | '
                 f'{pct(sum(r["fp"] for r in nd), len(nd))} |')
    L.append('')

    # recall by kind
    L.append('## Recall by kind\n')
    L.append('| kind | tier | text n | text recall | ndjson n | ndjson recall | whole leaks | partial leaks |')
    L.append('|---|---|---:|---:|---:|---:|---:|---:|')
    kinds = sorted({r['kind'] for r in leak})
    rows = []
    for k in kinds:
        rk = [r for r in leak if r['kind'] == k]
        t = [r for r in rk if r['variant'] == 'text']
        j = [r for r in rk if r['variant'] == 'ndjson']
        ct = sum(r['status'] == 'caught' for r in t)
        cj = sum(r['status'] == 'caught' for r in j)
        rows.append(((ct + cj) / max(1, len(rk)), k, rk[0]['tier'], t, ct, j, cj, rk))
    for _, k, tier, t, ct, j, cj, rk in sorted(rows, key=lambda x: (x[2] == 'info', x[0])):
        L.append(f'| {k} | {tier} | {len(t)} | {pct(ct, len(t))} | {len(j)} | {pct(cj, len(j))} | '
                 f'{sum(r["status"] == "whole" for r in rk)} | {sum(r["status"] == "partial" for r in rk)} |')
    L.append('\n(tier `info` = IPv4 addresses: reported only, never counted as misses.)\n')

    # recall by template
    L.append('## Recall by log source / template (secret + pii tiers)\n')
    for variant in ('text', 'ndjson'):
        L.append(f'### {variant}\n')
        L.append('| template | n | recall | misses |')
        L.append('|---|---:|---:|---:|')
        tm = collections.defaultdict(list)
        for r in leak:
            if r['variant'] == variant and r['tier'] != 'info':
                tm[r['template']].append(r)
        for t, rs_ in sorted(tm.items(), key=lambda x: sum(r['status'] == 'caught' for r in x[1]) / len(x[1])):
            c = sum(r['status'] == 'caught' for r in rs_)
            L.append(f'| {t} | {len(rs_)} | {pct(c, len(rs_))} | {len(rs_) - c} |')
        L.append('')

    # recall by context
    L.append('## Misses by kind / context (both variants)\n')
    L.append('| kind | context | n | misses | recall |')
    L.append('|---|---|---:|---:|---:|')
    cm = collections.defaultdict(list)
    for r in leak:
        if r['tier'] != 'info':
            cm[(r['kind'], r['ctx'].split(' [')[0])].append(r)
    for (k, c), rs_ in sorted(cm.items(), key=lambda x: -sum(r['status'] != 'caught' for r in x[1])):
        m = sum(r['status'] != 'caught' for r in rs_)
        if m:
            L.append(f'| {k} | {c} | {len(rs_)} | {m} | {pct(len(rs_) - m, len(rs_))} |')
    L.append('')

    # FP by look-alike kind
    L.append('## False positives by look-alike kind\n')
    L.append('| look-alike kind | text n | text FP | ndjson n | ndjson FP | note |')
    L.append('|---|---:|---:|---:|---:|---|')
    notes = {lk['name']: lk['note'] for lk in LOOKS}
    for k in sorted({r['kind'] for r in look}, key=lambda k: -sum(r['fp'] for r in look if r['kind'] == k)):
        t = [r for r in look if r['kind'] == k and r['variant'] == 'text']
        j = [r for r in look if r['kind'] == k and r['variant'] == 'ndjson']
        ft, fj = sum(r['fp'] for r in t), sum(r['fp'] for r in j)
        L.append(f'| {k} | {len(t)} | {ft} ({pct(ft, len(t))}) | {len(j)} | {fj} ({pct(fj, len(j))}) | '
                 f'{"**debatable** " if k in DEBATABLE_LOOKS else ""}{notes.get(k, "")} |')
    L.append('')
    ipfp = [r for r in look if r['fp'] and r.get('ip_only')]
    if ipfp:
        L.append(f'{len(ipfp)} false-positive look-alike items changed only IPv4 addresses.\n')

    # failing groups
    L.append('## Failing leak groups (variant × kind × template), most misses first\n')
    gm = collections.defaultdict(list)
    for r in leak:
        if r['tier'] != 'info':
            gm[(r['variant'], r['kind'], r['template'])].append(r)
    fails = [(sum(r['status'] != 'caught' for r in rs_), key, rs_) for key, rs_ in gm.items()]
    fails = sorted([f for f in fails if f[0]], key=lambda x: (-x[0], x[1]))
    for m, (variant, k, t), rs_ in fails:
        L.append(f'### {k} × {t} ({variant}): {m}/{len(rs_)} missed\n')
        for r in [r for r in rs_ if r['status'] != 'caught'][:2]:
            L.append(f'- context `{r["ctx"]}`, {r["status"]} leak'
                     + (f', fragment `{r["frag"][:80]}`' if r['status'] == 'partial' else '') + ':')
            L.append(fence('IN : ' + '\n     '.join(excerpt(x, x.find(r['needles'][0][0][:20])) for x in r['lines'][:4])
                           + ('\n     …' if len(r['lines']) > 4 else '') + '\nOUT: '
                           + '\n     '.join(excerpt(x, x.find(r['needles'][0][0][:20]) if r['needles'][0][0][:20] in x else 0)
                                            for x in r['out'][:4])))
        L.append('')

    # FP groups
    L.append('## False-positive groups (variant × look-alike kind × template)\n')
    gm = collections.defaultdict(list)
    for r in look:
        gm[(r['variant'], r['kind'], r['template'])].append(r)
    fps = sorted([(sum(r['fp'] for r in rs_), key, rs_) for key, rs_ in gm.items() if any(r['fp'] for r in rs_)],
                 key=lambda x: (-x[0], x[1]))
    for m, (variant, k, t), rs_ in fps:
        L.append(f'### {k} × {t} ({variant}): {m}/{len(rs_)} changed\n')
        for r in [r for r in rs_ if r['fp']][:2]:
            ch = '; '.join(f'`{a[:60]}` → `{b[:60]}`' for a, b in r['changes'][:3])
            L.append(f'- changed: {ch}')
            i, o = r['lines'][r['fp_line']], r['out'][r['fp_line']]
            L.append(fence('IN : ' + excerpt(i, r['fp_pos']) + '\nOUT: ' + excerpt(o, r['fp_pos'])))
        L.append('')

    # collateral damage and broken JSON
    col = [r for r in leak if r.get('collateral')]
    L.append('## Quote / escape damage\n')
    L.append(f'{len(col)} LEAK items (caught or not) whose changed non-JSON line has a different parity of escaped '
             f'(`\\"`) or bare (`"`) double quotes than its input: a mask swallowed half of a quote pair or an escape '
             f'character, so the line no longer parses as it did (logfmt, escaped JSON inside a message). Not counted '
             f'as misses.\n')
    if col:
        L.append('| variant | template | kind | items |')
        L.append('|---|---|---|---:|')
        for (v, t, k), n in collections.Counter((r['variant'], r['template'], r['kind']) for r in col).most_common(25):
            L.append(f'| {v} | {t} | {k} | {n} |')
        L.append('')
        seen = set()
        for r in col:
            if (r['template'], r['variant']) in seen or len(seen) >= 8:
                continue
            seen.add((r['template'], r['variant']))
            i = r['lines'][0].find(r['needles'][0][0])
            L.append(f'- {r["kind"]} × {r["template"]} ({r["variant"]}):')
            L.append(fence('IN : ' + excerpt(r['lines'][0], i) + '\nOUT: ' + excerpt(r['out'][0], i)))
        L.append('')
    bj = [r for r in res if r.get('bad_json')]
    L.append(f'NDJSON lines that were valid JSON in the input but not in the output: {len(bj)}.\n')
    for r in bj[:4]:
        k = r['bad_json'][0]
        L.append(fence('IN : ' + excerpt(r['lines'][k]) + '\nOUT: ' + excerpt(r['out'][k])))

    # IPv4
    info = [r for r in leak if r['tier'] == 'info']
    if info:
        c = sum(r['status'] == 'caught' for r in info)
        L.append('## IPv4 addresses (informational)\n')
        L.append(f'{c}/{len(info)} planted public IPv4 addresses were masked ({pct(c, len(info))}); with default options '
                 f'veil may treat IP addresses as opt-in, so this is not counted as a miss.\n')

    L.append('## Rules and debatable choices\n')
    L.append(__doc__.split('Scoring rules (exact):')[1].strip().replace('\n  ', '\n'))
    L.append('')
    L.append(DEBATABLE_TEXT)
    return '\n'.join(L) + '\n'


DEBATABLE_LOOKS = {'placeholders', 'public-identifiers', 'long-decimal-ids', 'connection-url-field-no-password'}
DEBATABLE_TEXT = """Debatable expectations in this probe:

- **Placeholders** (`password=***`, `<redacted>`, `${DB_PASSWORD}`, `(sensitive value)`) are look-alikes: nothing
  secret is lost if they are masked, but the line changes, so they count as false positives (reported apart, and
  excluded from the "excl. debatable" FP rate). `changeme`, `password123` and the like are deliberately NOT used
  as look-alikes: a default password that really is configured is a credential, and masking it is right.
- **Connection-URL fields without a password** (`DATABASE_URL=postgres://db:5432/orders`): masking a value only
  because of its field name is a design choice; counted as debatable. Plain URLs under neutral keys (`url=`,
  `endpoint=`) are ordinary look-alikes.
- **Invalid SSN / IBAN shapes** are look-alikes only under neutral keys (`case_ref=`, `reference=`) or in prose; a
  value under a key named `ssn` or `iban` is left out on purpose (masking anything under such a key is fine).
- **Public identifiers** (Stripe `pk_live_`, Twilio `AC...` account SID, Google OAuth client ids, Firebase app ids)
  and **long decimal ids** (Datadog trace ids, snowflakes; random, so some pass Luhn with a card-like prefix) are
  debatable look-alikes.
- **Pagination tokens** (`page_token=<base64 JSON>`) are ordinary look-alikes even though the key says "token".
- **Phone numbers** count as PII misses here even though a detector may keep them in an opt-in pack; the summary
  also gives PII recall without them. IPv4 addresses are informational only.
- **Partial masks**: a mask that keeps a documented format prefix (e.g. `ghp_`, `sk_live_`) is fine; one that keeps
  8+ consecutive characters of the rest counts as a leak (e.g. a passphrase with spaces of which only the first
  word is masked). An unquoted passphrase with spaces inside a Go `%+v` struct has no visible end: debatable.
- **Hard contexts** (beyond a line-local key=value rule, but real): Redis `MONITOR` output (`"AUTH" "pw"`), auditd
  EXECVE arguments, PHP stack-trace arguments, a Kubernetes `- name: X` / `value: Y` pair split over two lines,
  Jenkins' initial admin password (32 hex after prose), an HTTP Digest `response=` hash, Sentry keys (`sentry_key=`,
  which Sentry itself calls public).
- **Quote/escape damage** is reported, not scored: a mask that eats the backslash of a closing `\\"` leaves the
  secret masked but the surrounding logfmt / escaped JSON broken.
"""


def main():
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--out', default='/tmp/veil-app-probe')
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--veil', default=os.path.join(repo, 'build', 'veil'))
    ap.add_argument('--leak', type=int, default=4000, help='number of LEAK items (default 4000)')
    ap.add_argument('--look', type=int, default=2600, help='number of LOOK-ALIKE items (default 2600)')
    ap.add_argument('--veil-arg', action='append', default=[],
                    help='extra argument for veil (repeatable), e.g. --veil-arg=--packs --veil-arg=all; default none')
    args = ap.parse_args()
    if not (os.path.isfile(args.veil) and os.access(args.veil, os.X_OK)):
        print(f'error: {args.veil} is not an executable file (build veil first, or pass --veil)', file=sys.stderr)
        return 2
    R.seed(args.seed)
    os.makedirs(args.out, exist_ok=True)
    cache = os.path.join(args.out, 'veil-cache')
    os.makedirs(cache, exist_ok=True)
    t0 = time.time()
    leak_t, leak_j, look_t, look_j = generate(args.leak, args.look)
    sets = {'leak.txt': leak_t, 'leak.ndjson': leak_j, 'lookalike.txt': look_t, 'lookalike.ndjson': look_j}
    with open(os.path.join(args.out, 'manifest.jsonl'), 'w') as mf:
        for fname, items in sets.items():
            for it in items:
                rec = {k: it[k] for k in ('id', 'set', 'variant', 'kind', 'template', 'ctx', 'lines') if k in it}
                rec['file'] = fname
                if 'needles' in it:
                    rec['planted'] = [n for n, _ in it['needles']]
                    rec['public_prefix_len'] = [p for _, p in it['needles']]
                mf.write(json.dumps(rec, ensure_ascii=False) + '\n')
    gen_time = time.time() - t0
    timings, errors, res = {}, [], []
    for fname, items in sets.items():
        inp = os.path.join(args.out, fname)
        outp = inp + '.out'
        write_items(inp, items)
        n_in = sum(len(it['lines']) for it in items)
        rc, err, out, dt = run_veil(args.veil, inp, outp, cache, args.veil_arg)
        timings[fname] = (rc, n_in, len(out), dt)
        if rc != 0:
            errors.append(f'{fname}: veil exited {rc}: {err.strip()[:300]}')
        if len(out) != n_in:
            errors.append(f'{fname}: {n_in} lines in but {len(out)} lines out')
            out = (out + [''] * n_in)[:n_in]
        pos = 0
        for it in items:
            n = len(it['lines'])
            o = out[pos:pos + n]
            pos += n
            r = dict(it, out=o)
            if it['set'] == 'leak':
                r['status'], r['frag'] = score_leak(it, o)
                r['collateral'] = collateral(it, o)
            else:
                diffs = [i for i in range(n) if o[i] != it['lines'][i]]
                r['fp'] = bool(diffs)
                if diffs:
                    a, b = it['lines'][diffs[0]], o[diffs[0]]
                    sp = changed_spans(a, b)
                    r['fp_line'] = diffs[0]
                    r['fp_pos'] = sp[0][0] if sp else 0
                    r['changes'] = [(x[2], x[3]) for x in sp]
                    ips = [(m.start(), m.end()) for m in IPV4_RE.finditer(a)]
                    r['ip_only'] = bool(sp) and all(any(s < e2 and e > s2 for s2, e2 in ips)
                                                    for s, e, _, _ in sp if e > s)
            if fname.endswith('.ndjson'):
                r['bad_json'] = [k for k in range(n) if is_json(it['lines'][k]) and not is_json(o[k])]
            res.append(r)
    with open(os.path.join(args.out, 'failures.jsonl'), 'w') as ff:
        for r in res:
            if (r['set'] == 'leak' and r['status'] != 'caught') or (r['set'] == 'look' and r['fp']):
                ff.write(json.dumps({k: r.get(k) for k in ('id', 'set', 'variant', 'kind', 'template', 'ctx',
                                                            'status', 'frag', 'lines', 'out')},
                                    ensure_ascii=False) + '\n')
    report = build_report(args, args.veil, res, timings, errors)
    with open(os.path.join(args.out, 'report.md'), 'w') as f:
        f.write(report)

    # short summary on stdout
    leak = [r for r in res if r['set'] == 'leak' and r['tier'] != 'info']
    look = [r for r in res if r['set'] == 'look']
    print(f'veil app-log probe, seed {args.seed} (generation {gen_time:.1f}s, total {time.time() - t0:.1f}s)')
    for e in errors:
        print('ERROR:', e)
    for variant in ('text', 'ndjson'):
        parts = []
        for tier in ('secret', 'pii', 'pii excl. phone'):
            rs_ = [r for r in leak if r['variant'] == variant and (r['tier'] == tier or (
                tier == 'pii excl. phone' and r['tier'] == 'pii' and r['kind'] != 'phone'))]
            c = sum(r['status'] == 'caught' for r in rs_)
            parts.append(f'{tier} {pct(c, len(rs_))} of {len(rs_)}')
        rs_ = [r for r in leak if r['variant'] == variant]
        w = sum(r['status'] == 'whole' for r in rs_)
        pa = sum(r['status'] == 'partial' for r in rs_)
        lk = [r for r in look if r['variant'] == variant]
        fp = sum(r['fp'] for r in lk)
        nd = [r for r in lk if r['kind'] not in DEBATABLE_LOOKS]
        print(f'  {variant:6}: recall {", ".join(parts)}; leaks whole {w}, partial {pa}; '
              f'look-alike FP {fp}/{len(lk)} = {pct(fp, len(lk))} '
              f'(excl. debatable {pct(sum(r["fp"] for r in nd), len(nd))})')
    info = [r for r in res if r['set'] == 'leak' and r['tier'] == 'info']
    if info:
        print(f'  IPv4 (info only): {sum(r["status"] == "caught" for r in info)}/{len(info)} masked')
    col = [r for r in leak if r.get('collateral')]
    print(f'  quote/escape damage in changed lines: {len(col)}; '
          f'NDJSON lines made invalid: {sum(len(r.get("bad_json") or []) for r in res)}')
    gm = collections.Counter((r['kind'], r['ctx'].split(' [')[0]) for r in leak if r['status'] != 'caught')
    tot = collections.Counter((r['kind'], r['ctx'].split(' [')[0]) for r in leak)
    print('  top missed (kind / context, both variants):')
    for (k, c), n in gm.most_common(15):
        print(f'    {n:4}/{tot[(k, c)]:<4} {k} / {c}')
    gm = collections.Counter((r['kind'], r['template'], r['variant']) for r in leak if r['status'] != 'caught')
    print('  top missed (kind / template / variant):')
    for (k, t, v), n in gm.most_common(10):
        print(f'    {n:4}  {k} / {t} / {v}')
    fm = collections.Counter((r['kind'], r['template'], r['variant']) for r in look if r['fp'])
    print('  top false positives (look-alike kind, template, variant):')
    for (k, t, v), n in fm.most_common(8):
        print(f'    {n:4}  {k} / {t} / {v}')
    print(f'  report: {os.path.join(args.out, "report.md")}')
    return 1 if errors else 0


if __name__ == '__main__':
    try:
        sys.exit(main())
    except BrokenPipeError:
        sys.exit(0)
