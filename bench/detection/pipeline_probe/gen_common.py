"""Primitives for synthetic secrets / PII.  Everything random comes from R (seeded by probe.py)."""
import base64
import json
import random
import string

R = random.Random(0)  # reseeded by probe.py

UP = string.ascii_uppercase
LO = string.ascii_lowercase
DIG = string.digits
ALNUM = UP + LO + DIG
HEX = '0123456789abcdef'
B64 = ALNUM + '+/'
B64URL = ALNUM + '-_'
B32 = UP + '234567'


def seed(s):
    R.seed(s)


def rs(n, alpha=ALNUM):
    return ''.join(R.choice(alpha) for _ in range(n))


def hexs(n):
    return rs(n, HEX)


def digits(n, first_nonzero=True):
    s = rs(n, DIG)
    if first_nonzero and s[0] == '0':
        s = R.choice('123456789') + s[1:]
    return s


def b64(nbytes):
    return base64.b64encode(R.randbytes(nbytes)).decode()


def b64url(nbytes):
    return base64.urlsafe_b64encode(R.randbytes(nbytes)).decode().rstrip('=')


def b64s(s):
    return base64.b64encode(s.encode()).decode()


def uuid4():
    h = hexs(32)
    h = h[:12] + '4' + h[13:16] + R.choice('89ab') + h[17:]
    return '%s-%s-%s-%s-%s' % (h[:8], h[8:12], h[12:16], h[16:20], h[20:])


def pick(seq):
    return R.choice(seq)


# ---------------------------------------------------------------- passwords
WORDS = ['sunflower', 'dragon', 'winter', 'summer', 'falcon', 'tiger', 'purple', 'monkey',
         'galaxy', 'rocket', 'coffee', 'banana', 'shadow', 'thunder', 'maple', 'ocean',
         'silver', 'crystal', 'phoenix', 'copper', 'harbor', 'meadow', 'orchid', 'lantern',
         'granite', 'velvet', 'cobalt', 'juniper', 'walrus', 'pepper']
SAFE_URL = ALNUM + '-_.~'
SAFE_SHELL = ALNUM + '_-.+=@%^'
SAFE_ANY = ALNUM + '!@#%^*_-+=.?~'


def pw(ctx='any', style=None):
    """A synthetic password.  ctx restricts characters so the line stays syntactically valid."""
    style = style or R.choice(['human', 'human', 'random', 'random', 'passphrase', 'alnum'])
    if ctx == 'url':
        sym = '-_.~'
        cs = SAFE_URL
    elif ctx == 'shell':
        sym = '_-.+=@%^'
        cs = SAFE_SHELL
    elif ctx == 'alnum':
        sym = ''
        cs = ALNUM
    else:
        sym = '!@#%^*_-+=.?'
        cs = SAFE_ANY
    if style == 'human':
        s = R.choice(WORDS).capitalize() + (R.choice(sym) if sym else '') + str(R.randint(10, 9999))
        if sym and R.random() < 0.5:
            s += R.choice(sym)
        return s
    if style == 'passphrase':
        sep = '-' if '-' in cs else ''
        return sep.join(R.choice(WORDS) for _ in range(R.randint(3, 4))) + str(R.randint(1, 99))
    if style == 'alnum':
        return rs(R.randint(14, 28), ALNUM)
    # random; guarantee at least one digit and one letter so it does not read as a word
    n = R.randint(12, 24)
    s = rs(n - 2, cs) + R.choice(DIG) + R.choice(LO)
    return s


def user():
    return R.choice(['app', 'svc_orders', 'deploy', 'admin', 'reporting', 'etl_user', 'api',
                     'billing', 'jenkins', 'gitlab-ci', 'backup', 'grafana', 'keycloak',
                     'airflow', 'metabase', 'root', 'postgres', 'sa', 'superset', 'n8n'])


def host():
    return R.choice(['db-primary.internal', 'pg-01.prod.svc.cluster.local', 'mysql.example.net',
                     'orders-db.c9akciq32.eu-west-1.rds.amazonaws.com', '10.20.3.14',
                     'redis-master.cache.svc', 'ldap.corp.example.com', 'mq.internal',
                     'es-coordinating.logging.svc', 'db.staging.acme.io', 'localhost',
                     'warehouse.cluster-ro.us-east-1.rds.amazonaws.com'])


def dbname():
    return R.choice(['orders', 'app', 'inventory', 'billing', 'analytics', 'keycloak', 'airflow',
                     'users', 'payments', 'catalog'])


# ---------------------------------------------------------------- vendor tokens (synthetic)
def aws_akid(prefix=None):
    return (prefix or R.choice(['AKIA', 'AKIA', 'ASIA'])) + rs(16, B32)


def aws_secret():
    return rs(40, ALNUM + '+/')


def aws_session_token():
    return 'IQoJb3JpZ2luX2VjE' + rs(R.randint(300, 420), ALNUM + '+/') + '='


def ghp():
    return R.choice(['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_']) + rs(36)


def gh_fine():
    return 'github_pat_' + rs(22) + '_' + rs(59)


def glpat():
    return R.choice(['glpat-', 'glpat-', 'glrt-', 'gldt-']) + rs(20, ALNUM + '-_')


def npm_tok():
    return 'npm_' + rs(36)


def pypi_tok():
    return 'pypi-AgEIcHlwaS5vcmc' + rs(R.randint(120, 170), B64URL)


def rubygems_tok():
    return 'rubygems_' + hexs(48)


def cargo_tok():
    return 'cio' + rs(32)


def dockerhub_tok():
    return 'dckr_pat_' + rs(27, ALNUM + '-_')


def slack_bot():
    return R.choice(['xoxb-', 'xoxp-', 'xoxa-2-']) + digits(12) + '-' + digits(13) + '-' + rs(24)


def slack_webhook():
    return 'https://hooks.slack.com/services/T%s/B%s/%s' % (rs(10, UP + DIG), rs(10, UP + DIG), rs(24))


def discord_webhook():
    return 'https://discord.com/api/webhooks/%s/%s' % (digits(19), rs(68, B64URL))


def teams_webhook():
    return ('https://contoso.webhook.office.com/webhookb2/%s@%s/IncomingWebhook/%s/%s'
            % (uuid4(), uuid4(), hexs(32), uuid4()))


def stripe_key():
    return R.choice(['sk_live_', 'rk_live_', 'sk_live_51']) + rs(R.randint(24, 99))


def stripe_whsec():
    return 'whsec_' + rs(32)


def sendgrid_key():
    return 'SG.' + rs(22, B64URL) + '.' + rs(43, B64URL)


def google_api_key():
    return 'AIza' + rs(35, B64URL)


def gcp_access_token():
    return 'ya29.' + rs(R.randint(140, 200), ALNUM + '-_')


def azure_storage_key():
    return b64(64)


def openai_key():
    return R.choice(['sk-proj-' + rs(74, B64URL) + 'T3BlbkFJ' + rs(74, B64URL),
                     'sk-' + rs(20) + 'T3BlbkFJ' + rs(20)])


def anthropic_key():
    return 'sk-ant-api03-' + rs(93, B64URL) + 'AA'


def vault_tok():
    return R.choice(['hvs.' + rs(24), 'hvs.CAESI' + rs(R.randint(80, 100), B64URL), 's.' + rs(24)])


def tfc_tok():
    return rs(14) + '.atlasv1.' + rs(67)


def shopify_tok():
    return R.choice(['shpat_', 'shpss_', 'shpca_']) + hexs(32)


def mailgun_key():
    return 'key-' + hexs(32)


def do_tok():
    return 'dop_v1_' + hexs(64)


def linear_tok():
    return 'lin_api_' + rs(40)


def postman_tok():
    return 'PMAK-' + hexs(24) + '-' + hexs(34)


def newrelic_key():
    return 'NRAK-' + rs(27, UP + DIG)


def grafana_tok():
    return 'glsa_' + rs(32) + '_' + hexs(8)


def atlassian_tok():
    return 'ATATT3xFfGF0' + rs(170, B64URL) + '=' + hexs(8).upper()


def jfrog_key():
    return 'AKCp8' + rs(68)


def age_key():
    return 'AGE-SECRET-KEY-1' + rs(58, 'QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L')


def datadog_key():
    return hexs(32)


def hex_secret(n=32):
    return hexs(n)


def jwt():
    hdr = {'alg': R.choice(['HS256', 'RS256', 'ES256']), 'typ': 'JWT'}
    if hdr['alg'] != 'HS256':
        hdr['kid'] = hexs(16)
    iat = 1714500000 + R.randint(0, 900000)
    pl = {'sub': R.choice([uuid4(), str(R.randint(1000, 99999)), 'user:' + str(R.randint(1, 9999))]),
          'iat': iat, 'exp': iat + R.choice([300, 900, 3600, 86400]),
          'iss': R.choice(['https://auth.example.com/', 'https://login.acme.io', 'keycloak']),
          'scope': R.choice(['read write', 'openid profile email', 'admin'])}
    enc = lambda d: base64.urlsafe_b64encode(json.dumps(d, separators=(',', ':')).encode()).decode().rstrip('=')
    return enc(hdr) + '.' + enc(pl) + '.' + b64url(R.choice([32, 64, 256]))


def basic_b64(u=None, p=None):
    return b64s('%s:%s' % (u or user(), p or pw()))


def session_id():
    return R.choice([hexs(32).upper(), rs(26, LO + DIG), 's%3A' + rs(32, B64URL) + '.' + rs(43, B64URL),
                     hexs(40), b64url(32)])


# ---------------------------------------------------------------- private keys
PEM_KINDS = {
    'PRIVATE KEY': ('MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQ', 1216),
    'RSA PRIVATE KEY': ('MIIEpAIBAAKCAQEA', 1588),
    'EC PRIVATE KEY': ('MHcCAQEEI', 220),
    'OPENSSH PRIVATE KEY': ('b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW', 380),
    'ENCRYPTED PRIVATE KEY': ('MIIFHDBOBgkqhkiG9w0BBQ0wQTApBgkqhkiG9w0BBQwwHAQI', 1250),
}


def pem(kind=None, width=None):
    """returns (kind, list_of_body_lines)"""
    kind = kind or R.choice(list(PEM_KINDS))
    prefix, n = PEM_KINDS[kind]
    width = width or (70 if kind == 'OPENSSH PRIVATE KEY' else 64)
    body = prefix + rs(n - len(prefix), B64)
    body = body[:len(body) - len(body) % 4]
    if len(body) % width < 12:      # never leave a tiny last line
        body = body[:len(body) - len(body) % width - 20]
    body += '=='
    lines = [body[i:i + width] for i in range(0, len(body), width)]
    return kind, lines


def pem_secret_line(lines):
    # the check string: a full-width body line from the middle of the key
    return lines[len(lines) // 2] if len(lines) > 2 else lines[0]


# ---------------------------------------------------------------- PII
FIRST = ['olivia', 'liam', 'emma', 'noah', 'amelia', 'oliver', 'sophia', 'elijah', 'mia', 'lucas',
         'hannah', 'jonas', 'leonie', 'mateo', 'chloe', 'yusuf', 'ines', 'kenji', 'priya', 'sven']
LAST = ['smith', 'johnson', 'muller', 'garcia', 'rossi', 'dubois', 'kowalski', 'tanaka', 'nguyen',
        'okafor', 'jensen', 'silva', 'novak', 'larsen', 'patel', 'fischer', 'moreau', 'haddad']
MAILDOM = ['gmail.com', 'outlook.com', 'yahoo.co.uk', 'acme-corp.com', 'example.org', 'web.de',
           'protonmail.ch', 'mail.example-shop.fr', 'students.uni-example.edu', 'icloud.com']


def email():
    f, l = R.choice(FIRST), R.choice(LAST)
    local = R.choice(['%s.%s' % (f, l), '%s%s' % (f[0], l), '%s_%s%d' % (f, l, R.randint(1, 99)),
                      '%s+%s' % (f, R.choice(['shop', 'news', 'test'])), '%s.%s' % (l, f[0])])
    return local + '@' + R.choice(MAILDOM)


def phone_intl():
    return R.choice([
        lambda: '+44 20 7946 0%03d' % R.randint(0, 999),
        lambda: '+44 (0)20 7946 0%03d' % R.randint(0, 999),
        lambda: '+447700900%03d' % R.randint(0, 999),
        lambda: '+44 7700 900%03d' % R.randint(0, 999),
        lambda: '+1 415 555 0%03d' % R.randint(100, 199),
        lambda: '+1-202-555-0%03d' % R.randint(100, 199),
        lambda: '+1 (312) 555-0%03d' % R.randint(100, 199),
        lambda: '+14155550%03d' % R.randint(100, 199),
        lambda: '+49 30 901820%02d' % R.randint(0, 99),
        lambda: '+49 151 2345%04d' % R.randint(0, 9999),
        lambda: '+33 1 %02d %02d %02d %02d' % (R.randint(10, 99), R.randint(10, 99), R.randint(10, 99), R.randint(10, 99)),
        lambda: '+33 6 12 %02d %02d %02d' % (R.randint(10, 99), R.randint(10, 99), R.randint(10, 99)),
        lambda: '+81 3-%04d-%04d' % (R.randint(1000, 9999), R.randint(1000, 9999)),
        lambda: '+61 2 %04d %04d' % (R.randint(1000, 9999), R.randint(1000, 9999)),
        lambda: '+31 20 %03d %04d' % (R.randint(100, 999), R.randint(1000, 9999)),
        lambda: '+91 98765 %05d' % R.randint(10000, 99999),
        lambda: '+34 612 %03d %03d' % (R.randint(100, 999), R.randint(100, 999)),
    ])()


def luhn_complete(partial):
    ds = [int(c) for c in partial]
    total = 0
    for i, d in enumerate(reversed(ds)):
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return partial + str((10 - total % 10) % 10)


def luhn_ok(s):
    ds = [int(c) for c in s if c.isdigit()]
    total = 0
    for i, d in enumerate(reversed(ds)):
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def card_digits():
    kind = R.choice(['visa', 'visa', 'mc', 'mc2', 'amex', 'disc'])
    if kind == 'visa':
        return luhn_complete('4' + rs(14, DIG)), 16
    if kind == 'mc':
        return luhn_complete('5' + R.choice('12345') + rs(13, DIG)), 16
    if kind == 'mc2':
        return luhn_complete('22' + R.choice('3456') + rs(12, DIG)), 16
    if kind == 'amex':
        return luhn_complete('3' + R.choice('47') + rs(12, DIG)), 15
    return luhn_complete('6011' + rs(11, DIG)), 16


def card():
    d, n = card_digits()
    fmt = R.choice(['plain', 'space', 'dash'])
    if fmt == 'plain':
        return d
    sep = ' ' if fmt == 'space' else '-'
    if n == 15:
        return sep.join([d[:4], d[4:10], d[10:]])
    return sep.join(d[i:i + 4] for i in range(0, 16, 4))


def non_luhn_16():
    while True:
        s = digits(16)
        if not luhn_ok(s):
            return s


IBAN_FMT = {'DE': lambda: rs(18, DIG), 'GB': lambda: rs(4, UP) + rs(14, DIG),
            'FR': lambda: rs(23, DIG), 'NL': lambda: rs(4, UP) + rs(10, DIG),
            'ES': lambda: rs(20, DIG), 'IT': lambda: R.choice(UP) + rs(22, DIG),
            'BE': lambda: rs(12, DIG), 'CH': lambda: rs(17, DIG), 'AT': lambda: rs(16, DIG)}


def iban_compact():
    cc = R.choice(list(IBAN_FMT))
    bban = IBAN_FMT[cc]()
    rearr = bban + cc + '00'
    num = ''.join(str(int(c, 36)) for c in rearr)
    chk = 98 - int(num) % 97
    return '%s%02d%s' % (cc, chk, bban)


def iban():
    s = iban_compact()
    if R.random() < 0.5:
        return ' '.join(s[i:i + 4] for i in range(0, len(s), 4))
    return s


def ssn():
    while True:
        a = R.randint(1, 899)
        if a != 666:
            break
    return '%03d-%02d-%04d' % (a, R.randint(1, 99), R.randint(1, 9999))


def ipv4():
    return R.choice([
        lambda: '203.0.113.%d' % R.randint(1, 254),
        lambda: '198.51.100.%d' % R.randint(1, 254),
        lambda: '%d.%d.%d.%d' % (R.choice([81, 92, 145, 176, 185, 37, 91, 188]), R.randint(0, 255), R.randint(0, 255), R.randint(1, 254)),
        lambda: '10.%d.%d.%d' % (R.randint(0, 255), R.randint(0, 255), R.randint(1, 254)),
        lambda: '192.168.%d.%d' % (R.randint(0, 255), R.randint(1, 254)),
    ])()


def mac():
    return ':'.join(hexs(2) for _ in range(6))


# ---------------------------------------------------------------- timestamps / prefixes
def ts_iso(frac=3):
    s = '2024-05-%02dT%02d:%02d:%02d' % (R.randint(1, 28), R.randint(0, 23), R.randint(0, 59), R.randint(0, 59))
    if frac:
        s += '.' + rs(frac, DIG)
    return s + 'Z'


def ts_space(sep='.'):
    return '2024-05-%02d %02d:%02d:%02d%s%03d' % (R.randint(1, 28), R.randint(0, 23), R.randint(0, 59),
                                                  R.randint(0, 59), sep, R.randint(0, 999))


def ts_clf():
    return '%02d/May/2024:%02d:%02d:%02d +0000' % (R.randint(1, 28), R.randint(0, 23), R.randint(0, 59), R.randint(0, 59))


def ts_syslog():
    return 'May %2d %02d:%02d:%02d' % (R.randint(1, 28), R.randint(0, 23), R.randint(0, 59), R.randint(0, 59))


def gha():
    return '2024-05-%02dT%02d:%02d:%02d.%07dZ ' % (R.randint(1, 28), R.randint(0, 23), R.randint(0, 59),
                                                R.randint(0, 59), R.randint(0, 9999999))


def spring(level, logger, thread=None):
    thread = thread or R.choice(['main', 'http-nio-8080-exec-%d' % R.randint(1, 10), 'scheduling-1',
                                 'task-%d' % R.randint(1, 8), 'HikariPool-1 housekeeper'])
    return '%s %5s %d --- [%15s] %-40s : ' % (ts_iso(), level, R.randint(1, 9), thread[-15:], logger[-40:])


def pylog(name, level='DEBUG'):
    return '%s - %s - %s - %s - ' % (ts_space(','), R.choice(['MainThread', 'ThreadPoolExecutor-0_0']), name, level)
