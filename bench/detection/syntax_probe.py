#!/usr/bin/env python3
"""Syntax probe for veil's detection: secrets and look-alikes planted in real log lines.

Builds a LEAK file (about 60 kinds of secret and PII, each in about 40 syntaxes: key=value,
key: value, JSON fields, name/value pairs, XML elements, Ruby hashes, Go structs, CLI flags,
argv arrays, sentences, URLs, headers, plain text and NDJSON) and a FALSE-POSITIVE file
(UUIDs, digests, ids, near-miss token shapes, placeholders, state words ...) from loghub
carrier lines, runs veil with --threads 1 and default threads (their outputs must be
identical), and writes report.md plus per-line results to --out.

Written independently of the rule packs (no pattern or example of ours is reused); the
values are synthetic. Usage (from the repository root, after a build):
    python3 bench/detection/syntax_probe.py [--seed N] [--per 3] [--out DIR]
"""
import argparse, base64, binascii, collections, glob, hashlib, json, os, random, re, string
import subprocess, sys, urllib.parse, uuid

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ap = argparse.ArgumentParser()
ap.add_argument('--seed', type=int, default=20240517)
ap.add_argument('--per', type=int, default=3, help='instances per (kind, syntax)')
ap.add_argument('--packs', default=None, help='pass --packs to veil (default: veil default packs)')
ap.add_argument('--out', default='/tmp/veil-syntax-probe', help='output directory')
ap.add_argument('--veil', default=os.path.join(ROOT, 'build', 'veil'))
ap.add_argument('--patterns', default=os.path.join(ROOT, 'patterns'))
ap.add_argument('--loghub', default=os.path.join(os.path.dirname(ROOT), 'shared', 'data', 'loghub'))
args = ap.parse_args()
R = random.Random(args.seed)
OUT = args.out
WORK = OUT
VEIL = args.veil
LOGHUB = args.loghub
ENV = dict(os.environ, VEIL_PATTERNS_DIR=args.patterns, VEIL_CACHE_DIR=os.path.join(OUT, 'cache'))
os.makedirs(OUT, exist_ok=True)

# ----------------------------------------------------------------------------- veil runner
def run_veil(path, threads=None):
    cmd = [VEIL]
    if threads:
        cmd += ['--threads', str(threads)]
    if args.packs:
        cmd += ['--packs', args.packs]
    with open(path, 'rb') as f:
        p = subprocess.run(cmd, stdin=f, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV)
    if p.returncode != 0:
        print('veil rc', p.returncode, p.stderr.decode()[:500], file=sys.stderr)
    return p.stdout, p.stderr.decode(errors='replace'), p.returncode

def split_lines(b):
    ls = b.split(b'\n')
    if ls and ls[-1] == b'':
        ls.pop()
    return ls

# ----------------------------------------------------------------------------- carriers
def load_carriers():
    lines, src = [], []
    for f in sorted(glob.glob(os.path.join(LOGHUB, '*_2k.log')) + glob.glob(os.path.join(LOGHUB, '*', '*_2k.log'))):
        for i, l in enumerate(split_lines(open(f, 'rb').read())):
            lines.append(l.rstrip(b'\r'))
            src.append(f'{os.path.basename(f)}:{i + 1}')
    return lines, src

carrier_lines, carrier_src = load_carriers()
cpath = os.path.join(OUT, 'carriers_input.txt')
with open(cpath, 'wb') as f:
    f.write(b''.join(l + b'\n' for l in carrier_lines))
c_out1, c_err1, _ = run_veil(cpath, 1)
c_outd, _, _ = run_veil(cpath)
c1 = split_lines(c_out1)
carrier_report = {'lines_in': len(carrier_lines), 'lines_out_t1': len(c1), 'lines_out_default': len(split_lines(c_outd)),
                  'identical_t1_vs_default': c_out1 == c_outd, 'changed': []}
clean_carriers = []
for i, (a, b) in enumerate(zip(carrier_lines, c1)):
    if a != b:
        carrier_report['changed'].append({'src': carrier_src[i], 'in': a.decode(errors='replace'), 'out': b.decode(errors='replace'),
                                          'rules': re.findall(r'\[REDACTED:([\w.-]+)\]', b.decode(errors='replace'))})
    else:
        try:
            s = a.decode('ascii')
        except UnicodeDecodeError:
            continue
        if 20 <= len(s) <= 220 and not s.startswith('{') and '\t' not in s:
            clean_carriers.append(s)

def C():
    return R.choice(clean_carriers)

# ----------------------------------------------------------------------------- random helpers
AL = string.ascii_letters + string.digits
UP = string.ascii_uppercase
B64 = AL + '+/'
B64U = AL + '-_'
HEX = '0123456789abcdef'

def rs(chars, n):
    return ''.join(R.choice(chars) for _ in range(n))

def mixed(chars, n):
    # make sure there is at least one digit and one letter (realistic random tokens)
    while True:
        s = rs(chars, n)
        if (any(ch.isdigit() for ch in s) or not any(ch.isdigit() for ch in chars)) and any(ch.isalpha() for ch in s):
            return s

def luhn_complete(prefix, length):
    digits = [int(d) for d in prefix] + [R.randrange(10) for _ in range(length - len(prefix) - 1)]
    for check in range(10):
        ds = digits + [check]
        tot = 0
        for i, d in enumerate(reversed(ds)):
            if i % 2 == 1:
                d *= 2
                if d > 9:
                    d -= 9
            tot += d
        if tot % 10 == 0:
            return ''.join(map(str, ds))

def luhn_ok(num):
    ds = [int(d) for d in num]
    tot = 0
    for i, d in enumerate(reversed(ds)):
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        tot += d
    return tot % 10 == 0

IBAN_LEN = {'DE': (lambda: rs(string.digits, 18)), 'GB': (lambda: rs(UP, 4) + rs(string.digits, 14)),
            'FR': (lambda: rs(string.digits, 10) + rs(UP + string.digits, 11) + rs(string.digits, 2)),
            'NL': (lambda: rs(UP, 4) + rs(string.digits, 10)), 'ES': (lambda: rs(string.digits, 20)),
            'IT': (lambda: rs(UP, 1) + rs(string.digits, 10) + rs(string.digits, 12)),
            'CH': (lambda: rs(string.digits, 17)), 'BE': (lambda: rs(string.digits, 12))}

def iban_check(cc, bban):
    s = bban + cc + '00'
    n = int(''.join(str(int(ch, 36)) for ch in s))
    return '%02d' % (98 - n % 97)

def gen_iban(valid=True):
    cc = R.choice(list(IBAN_LEN))
    bban = IBAN_LEN[cc]()
    chk = iban_check(cc, bban)
    if not valid:
        chk = '%02d' % ((int(chk) + R.randint(1, 96)) % 97 + 2 if int(chk) < 96 else int(chk) - R.randint(1, 50))
        if chk == iban_check(cc, bban):
            chk = '%02d' % ((int(chk) + 1) % 100)
    return cc + chk + bban

def space4(s):
    return ' '.join(s[i:i + 4] for i in range(0, len(s), 4))

def b64s(b):
    return base64.b64encode(b).decode()

def b64u(b):
    return base64.urlsafe_b64encode(b).decode().rstrip('=')

def pem_body(nlines=6):
    b = b64s(b'0\x82\x04\xa4\x02\x01\x00\x02\x82\x01\x01\x00' + bytes(R.randrange(256) for _ in range(48 * nlines)))
    return [b[i:i + 64] for i in range(0, len(b), 64)]

# ----------------------------------------------------------------------------- secret generators
# each returns (value, [bodies]) ; bodies = parts that must not survive (public prefixes excluded)

def g_prefix(prefix, chars, n, mix=True):
    def g():
        body = mixed(chars, n) if mix else rs(chars, n)
        return prefix + body, [body]
    return g

def g_aws_akid():
    p = R.choice(['AKIA', 'ASIA'])
    b = rs(UP + '234567', 16)
    return p + b, [b]

def g_aws_secret():
    b = mixed(B64, 40)
    return b, [b]

def g_aws_session():
    b = rs(B64, R.randint(300, 420))
    v = R.choice(['IQoJb3JpZ2luX2VjE', 'FwoGZXIvYXdzE']) + b
    return v, [b]

def g_gcp_key():
    b = mixed(B64U, 35)
    return 'AIza' + b, [b]

def g_ya29():
    b = mixed(B64U, R.randint(120, 200))
    return 'ya29.a0' + b, [b]

def g_gcp_refresh():
    b = mixed(B64U, R.randint(90, 100))
    return '1//0' + rs('abcdefg', 1) + b, [b]

def g_gocspx():
    b = mixed(B64U, 28)
    return 'GOCSPX-' + b, [b]

def g_pem_escaped():
    kind = R.choice(['RSA PRIVATE KEY', 'PRIVATE KEY', 'EC PRIVATE KEY', 'OPENSSH PRIVATE KEY', 'ENCRYPTED PRIVATE KEY'])
    body = pem_body(R.randint(3, 6))
    sep = R.choice(['\\n', '\\n', '\\r\\n', ' '])
    v = f'-----BEGIN {kind}-----{sep}' + sep.join(body) + f'{sep}-----END {kind}-----'
    if R.random() < 0.5 and sep != ' ':
        v += sep
    return v, body[1:]

def g_kubeconfig_keydata():
    kind = R.choice(['RSA PRIVATE KEY', 'EC PRIVATE KEY', 'PRIVATE KEY'])
    pem = f'-----BEGIN {kind}-----\n' + '\n'.join(pem_body(4)) + f'\n-----END {kind}-----\n'
    v = b64s(pem.encode())
    return v, [v[24:]]

def g_azure_storage():
    b = b64s(bytes(R.randrange(256) for _ in range(64)))
    return b, [b]

def g_azure_sas():
    sig = b64s(bytes(R.randrange(256) for _ in range(32)))
    sige = urllib.parse.quote(sig, safe='')
    acct = 'st' + rs(string.ascii_lowercase + string.digits, 10)
    v = (f'https://{acct}.blob.core.windows.net/backups/db-{R.randint(1, 999)}.bak?sv=2022-11-02&ss=b&srt=co&sp=rwdl'
         f'&se=2026-0{R.randint(1, 9)}-1{R.randint(0, 9)}T00:00:00Z&st=2024-01-01T00:00:00Z&spr=https&sig={sige}')
    return v, [sige]

def g_azure_ad():
    b = mixed(AL + '_~.-', 31)
    return mixed(AL, 3) + '8Q~' + b, [b]

def g_github():
    p = R.choice(['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'])
    b = mixed(AL, 36)
    return p + b, [b]

def g_github_fine():
    b1, b2 = mixed(AL, 22), mixed(AL, 59)
    return f'github_pat_{b1}_{b2}', [b1, b2]

def g_glpat():
    b = mixed(B64U, 20)
    return 'glpat-' + b, [b]

def g_glpat_new():
    b = mixed(B64U, R.randint(27, 40))
    return f'glpat-{b}.01.{rs(string.ascii_lowercase + string.digits, 9)}', [b]

def g_gl_other():
    p = R.choice(['glrt-', 'glptt-', 'gldt-', 'glft-', 'glsoat-', 'glcbt-'])
    b = mixed(B64U, 20)
    return p + b, [b]

def g_slack_bot():
    b = mixed(AL, 24)
    return f'xoxb-{rs(string.digits, 11)}-{rs(string.digits, 13)}-{b}', [b]

def g_slack_user():
    b = rs(HEX, 32)
    return f'xoxp-{rs(string.digits, 11)}-{rs(string.digits, 11)}-{rs(string.digits, 13)}-{b}', [b]

def g_slack_webhook():
    b = mixed(AL, 24)
    return f'https://hooks.slack.com/services/T{rs(UP + string.digits, 8)}/B{rs(UP + string.digits, 10)}/{b}', [b]

def g_stripe():
    p = R.choice(['sk_live_', 'rk_live_', 'sk_test_', 'whsec_'])
    b = mixed(AL, R.choice([24, 32, 99]))
    return p + b, [b]

def g_twilio_sk():
    b = rs(HEX, 32)
    return 'SK' + b, [b]

def g_hex32():
    b = rs(HEX, 32)
    return b, [b]

def g_sendgrid():
    a, b = mixed(B64U, 22), mixed(B64U, 43)
    return f'SG.{a}.{b}', [a, b]

def g_openai():
    r = R.random()
    if r < 0.33:
        a, b = mixed(AL, 20), mixed(AL, 20)
        return f'sk-{a}T3BlbkFJ{b}', [a, b]
    if r < 0.66:
        b = mixed(B64U, 156)
        return f'sk-proj-{b}', [b]
    b = mixed(AL, 48)
    return f'sk-{b}', [b]  # legacy plain 48-char form (no T3BlbkFJ marker)

def g_anthropic():
    b = mixed(B64U, 93)
    return f'sk-ant-api03-{b}AA', [b]

def g_npm():
    b = mixed(AL, 36)
    return 'npm_' + b, [b]

def g_pypi():
    b = mixed(B64U, R.randint(120, 180))
    return 'pypi-AgEIcHlwaS5vcmc' + b, [b]

def g_docker():
    b = mixed(B64U, 27)
    return 'dckr_pat_' + b, [b]

def g_jwt():
    hdr = b64u(json.dumps({'alg': R.choice(['HS256', 'RS256', 'ES256']), 'typ': 'JWT', 'kid': rs(AL, 8)}).encode())
    pl = b64u(json.dumps({'sub': str(uuid.UUID(int=R.getrandbits(128))), 'iat': 1700000000 + R.randint(0, 9999999),
                          'exp': 1800000000, 'scope': 'read write', 'email': 'u%d@example.org' % R.randint(1, 999)}).encode())
    sig = b64u(bytes(R.randrange(256) for _ in range(R.choice([32, 64, 256]))))
    return f'{hdr}.{pl}.{sig}', [pl[10:], sig]

def g_vault():
    b = mixed(B64U, R.choice([24, 90]))
    return 'hvs.' + b, [b]

def g_hf():
    b = mixed(string.ascii_letters, 34)
    return 'hf_' + b, [b]

def g_pw(symbols=True, n=None):
    n = n or R.randint(10, 18)
    if symbols:
        chars = AL + '!#$%^&*()-_=+[]{}:;,.?@~|<>/'
        while True:
            s = rs(chars, n)
            if sum(ch in '!#$%^&*()-_=+[]{}:;,.?@~|<>/' for ch in s) >= 2 and any(c.isdigit() for c in s):
                return s
    return mixed(AL, n)

def g_pw_alnum():
    p = g_pw(False)
    return p, [p]

def g_pw_sym():
    p = g_pw(True)
    return p, [p]

def g_pw_leading():
    # realistic passwords that start with a symbol often excluded as "placeholder" chars
    p = R.choice('$*%-/~([{<') + g_pw(False, R.randint(10, 14))
    return p, [p[1:]]

def g_pw_words():
    w = ['correct', 'horse', 'battery', 'staple', 'purple', 'monkey', 'dishwasher', 'orbit', 'lantern', 'velvet', 'quartz', 'ember']
    p = '-'.join(R.sample(w, 3)) + str(R.randint(10, 99))
    return p, [p]

def _user():
    return R.choice(['app', 'svc_orders', 'deploy', 'admin', 'backup', 'reporting', 'ci-bot', 'grafana'])

def g_db_url():
    pw = g_pw(R.random() < 0.5)
    pwq = urllib.parse.quote(pw, safe='')
    host = R.choice(['db-01.prod.internal', '10.20.3.14', 'pg.example.net', 'cluster0.ab1cd.mongodb.net', 'cache.example.org'])
    scheme = R.choice(['postgres', 'postgresql', 'mysql', 'mongodb+srv', 'mongodb', 'redis', 'rediss', 'amqp', 'amqps', 'mssql', 'clickhouse', 'postgresql+psycopg2'])
    user = '' if scheme.startswith('redis') and R.random() < 0.5 else _user()
    return f'{scheme}://{user}:{pwq}@{host}:{R.choice([5432, 3306, 27017, 6379, 5672])}/{R.choice(["orders", "app", "0", "admin"])}', [pwq]

def g_basic_url():
    pw = g_pw(R.random() < 0.5)
    pwq = urllib.parse.quote(pw, safe='')
    host = R.choice(['git.example.org/team/repo.git', 'nexus.example.com/repository/maven-releases/', 'registry.example.com/v2/', 'ftp.example.net/pub/'])
    scheme = R.choice(['https', 'http', 'ftp', 'sftp', 'git+https'])
    return f'{scheme}://{_user()}:{pwq}@{host}', [pwq]

def g_jdbc():
    pw = g_pw(False)
    r = R.random()
    if r < 0.33:
        return f'jdbc:postgresql://db01:5432/app?user={_user()}&password={pw}&ssl=true', [pw]
    if r < 0.66:
        return f'jdbc:sqlserver://sql01.example.local:1433;databaseName=orders;user=sa;password={pw};encrypt=true', [pw]
    return f'jdbc:oracle:thin:{_user()}/{pw}@//ora01.example.local:1521/ORCL', [pw]

def g_ado():
    pw = g_pw(R.random() < 0.5).replace(';', '!')
    k = R.choice(['Password', 'Pwd', 'password', 'PWD'])
    return f'Server=tcp:sql01.example.local,1433;Initial Catalog=orders;User ID={_user()};{k}={pw};Encrypt=True;', [pw]

def g_libpq():
    pw = g_pw(False)
    return f'host=db01 port=5432 dbname=app user={_user()} password={pw} sslmode=require', [pw]

def g_basic_b64():
    raw = f'{_user()}:{g_pw(R.random() < 0.5)}'
    v = b64s(raw.encode())
    return v, [v]

def g_opaque40():
    b = mixed(AL, R.choice([32, 40, 48]))
    return b, [b]

def g_opaque_short():
    b = mixed(AL, R.choice([12, 16, 20]))
    return b, [b]

def g_okta():
    b = mixed(B64U, 40)
    return '00' + b, [b]

def g_session():
    r = R.random()
    if r < 0.25:
        b = rs('0123456789ABCDEF', 32)
        return f'JSESSIONID={b}', [b]
    if r < 0.5:
        b = rs(string.ascii_lowercase + string.digits, 26)
        return f'PHPSESSID={b}', [b]
    if r < 0.75:
        b = mixed(AL, 32)
        return f'sessionid={b}; csrftoken={mixed(AL, 32)}', [b]
    a, s = mixed(B64U, 32), mixed(AL, 43)
    return f'connect.sid=s%3A{a}.{s}', [a, s]

def g_card():
    brand = R.choice(['visa', 'mc', 'mc2', 'amex', 'disc'])
    if brand == 'visa':
        n = luhn_complete('4', 16)
    elif brand == 'mc':
        n = luhn_complete(str(R.randint(51, 55)), 16)
    elif brand == 'mc2':
        n = luhn_complete(str(R.randint(2221, 2720)), 16)
    elif brand == 'amex':
        n = luhn_complete(R.choice(['34', '37']), 15)
    else:
        n = luhn_complete('6011', 16)
    fmt = R.choice(['plain', 'space', 'dash'])
    if fmt == 'plain':
        v = n
    elif len(n) == 15:
        sep = ' ' if fmt == 'space' else '-'
        v = n[:4] + sep + n[4:10] + sep + n[10:]
    else:
        sep = ' ' if fmt == 'space' else '-'
        v = sep.join(n[i:i + 4] for i in range(0, 16, 4))
    return v, [v[4:-4]]

def g_iban():
    i = gen_iban(True)
    v = i if R.random() < 0.5 else space4(i)
    return v, [v[4:]]

def g_ssn():
    while True:
        a = R.randint(1, 899)
        if a != 666:
            break
    g, s = R.randint(1, 99), R.randint(1, 9999)
    v = f'{a:03d}-{g:02d}-{s:04d}'
    return v, [v]

def g_email():
    user = R.choice(['john.smith', 'maria_garcia', 'li.wei', 'a.khan+billing', 'jdoe', 'olga.petrova', 'kwame-mensah', 'j.o.brien'])
    user += str(R.randint(1, 99)) if R.random() < 0.5 else ''
    dom = R.choice(['gmail.com', 'example.co.uk', 'corp.example.com', 'outlook.de', 'mail.example.io', 'yahoo.fr', 'uni-example.edu'])
    v = f'{user}@{dom}'
    return v, [v]

def g_phone():
    r = R.random()
    if r < 0.3:
        v = f'+1{R.randint(201, 989)}{R.randint(200, 999)}{R.randint(0, 9999):04d}'
    elif r < 0.5:
        v = f'({R.randint(201, 989)}) {R.randint(200, 999)}-{R.randint(0, 9999):04d}'
    elif r < 0.7:
        v = f'+44 20 {R.randint(7000, 8999)} {R.randint(0, 9999):04d}'
    elif r < 0.85:
        v = f'+49 30 {R.randint(1000000, 99999999)}'
    else:
        v = f'{R.randint(201, 989)}-{R.randint(200, 999)}-{R.randint(0, 9999):04d}'
    d = re.sub(r'\D', '', v)
    return v, [v[-8:]]

def g_ipv4():
    v = f'{R.randint(11, 223)}.{R.randint(0, 255)}.{R.randint(0, 255)}.{R.randint(1, 254)}'
    return v, [v]

def g_age():
    b = rs('QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L', 58)
    return 'AGE-SECRET-KEY-1' + b, [b]

def g_sentry():
    b = rs(HEX, 32)
    return f'https://{b}@o{R.randint(100000, 999999)}.ingest.sentry.io/{R.randint(1000000, 9999999)}', [b]

def g_telegram():
    b = mixed(B64U, 33)
    return f'{R.randint(100000000, 9999999999)}:AA{b}', [b]

def g_shopify():
    p = R.choice(['shpat_', 'shpss_', 'shpca_', 'shppa_'])
    b = rs(HEX, 32)
    return p + b, [b]

def g_mailgun():
    b = rs(string.ascii_lowercase + string.digits, 32)
    return 'key-' + b, [b]

def g_discord_wh():
    b = mixed(B64U, 68)
    return f'https://discord.com/api/webhooks/{R.randint(10 ** 17, 10 ** 18)}/{b}', [b]

def g_uuid():
    v = str(uuid.UUID(int=R.getrandbits(128), version=4))
    return v, [v[9:]]

def g_netrc():
    pw = g_pw(False)
    return pw, [pw]

def g_smtp_plain():
    raw = f'\0{_user()}@example.com\0{g_pw(False)}'
    v = b64s(raw.encode())
    return v, [v[8:]]

def g_docker_auth():
    v = b64s(f'{_user()}:{g_pw(False)}'.encode())
    return v, [v]

def g_bcrypt():
    b = rs(AL + './', 53)
    return '$2b$12$' + b, [b]

def g_otp():
    v = '%06d' % R.randint(0, 999999)
    return v, [v]

def g_cvv():
    v = '%03d' % R.randint(100, 999)
    return v, [v]

def g_ssn_plain():
    v = '%03d%02d%04d' % (R.randint(1, 665), R.randint(1, 99), R.randint(1, 9999))
    return v, [v]

# ----------------------------------------------------------------------------- kinds
K = collections.OrderedDict()

def kind(name, gen, self_ident, keys=(), ctx=(), prio=5, note=''):
    K[name] = dict(gen=gen, self=self_ident, keys=list(keys), ctx=list(ctx), prio=prio, note=note)

# (prio: 1 = very common in production logs ... 5 = rare)
kind('password-alnum', g_pw_alnum, False, ['password', 'passwd', 'pwd', 'pass', 'db_password', 'DB_PASSWORD', 'adminPassword', 'PGPASSWORD', 'MYSQL_PWD',
     'spring.datasource.password', 'RABBITMQ_DEFAULT_PASS', 'REDIS_PASSWORD', 'passphrase', 'user_pass', 'pw', 'new_password', 'Password'],
     ['{c} login ok, password is {v}', '{c} machine api.example.com login bob password {v}', '{c} + sshpass -p {v} ssh deploy@10.0.0.7',
      '{c} $ wget --user=bob --password={v} https://files.example.com/a.tgz', '{c} exec mysql -h db01 -uroot -p{v} orders',
      '{c} CREATE USER app WITH PASSWORD \'{v}\';', "{c} ALTER USER 'app'@'%' IDENTIFIED BY '{v}';",
      '{c} config: &{{Host:db01 User:app Password:{v} Port:5432}}', '{c} DataSourceConfig{{url=jdbc:x, username=app, password={v}, pool=10}}',
      '{c} kwargs={{\'user\': \'app\', \'password\': \'{v}\'}}', '{c} echo {v} | docker login -u ci --password-stdin',
      '{c} PGPASSWORD={v} psql -h db01 -U app', '{c} auth user=bob pass:{v}', '{c} Password: {v}',
      '{c} <add key="DbPassword" value="{v}" />', '{c} -Djavax.net.ssl.keyStorePassword={v} -jar app.jar',
      '{c} set password for bob to {v}', '{c} temporary password: {v}', '{c} user created: bob/{v}',
      '{c} [client] user=app password={v}', '{c} openssl pkcs12 -export -passout pass:{v} -out a.p12',
      '{c} 7z a -p{v} backup.7z', '{c} zip -P {v} out.zip a.txt'], prio=1)
kind('password-symbols', g_pw_sym, False, ['password', 'passwd', 'pwd', 'db_password', 'DB_PASSWORD', 'adminPassword', 'Password', 'passphrase'],
     ['{c} Password: {v}', '{c} config: &{{Host:db01 User:app Password:{v} Port:5432}}', '{c} temporary password: {v}'], prio=1)
kind('password-leading-symbol', g_pw_leading, False, ['password', 'db_password', 'DB_PASSWORD', 'pwd', 'Password'], [], prio=2)
kind('password-passphrase-words', g_pw_words, False, ['password', 'passphrase', 'DB_PASSWORD'], [], prio=3)
kind('db-url-password', g_db_url, True, ['DATABASE_URL', 'url', 'dsn', 'broker_url', 'MONGODB_URI'], [], prio=1)
kind('basic-auth-url', g_basic_url, True, ['url', 'remote', 'repository', 'proxy'], ['{c} git clone {v}', '{c} export https_proxy={v}'], prio=1)
kind('jdbc-password', g_jdbc, True, ['url', 'jdbcUrl', 'spring.datasource.url'], [], prio=2)
kind('adonet-password', g_ado, True, ['ConnectionString', 'conn'], [], prio=2)
kind('libpq-password', g_libpq, True, ['dsn', 'conninfo'], ['{c} psql "{v}"'], prio=3)
kind('auth-basic-b64', g_basic_b64, False, [],
     ['{c} Authorization: Basic {v}', '{c} curl -H "Authorization: Basic {v}" https://api.example.com/v1/x', "{c} headers={{'Authorization': 'Basic {v}'}}",
      '{c} > authorization: basic {v}', '{c} HTTP_AUTHORIZATION=Basic {v}', '{c} Proxy-Authorization: Basic {v}', '{c} _auth={v}',
      '{c} {{"auths":{{"registry.example.com":{{"auth":"{v}"}}}}}}', '{c} request headers: [Authorization:[Basic {v}]]',
      '{c} map[Authorization:[Basic {v}] Accept:[*/*]]', '{c} AUTH PLAIN {v}'], prio=1)
kind('auth-bearer-opaque', g_opaque40, False, [],
     ['{c} Authorization: Bearer {v}', '{c} authorization=Bearer {v}', '{c} curl -H \'Authorization: bearer {v}\' https://api.example.com',
      '{c} map[Authorization:[Bearer {v}] Accept:[*/*]]', '{c} request headers: [Authorization:[Bearer {v}]]', '{c} Authorization: Token {v}',
      '{c} Authorization: token {v}', '{c} X-Auth-Token: {v}', '{c} X-Vault-Token: {v}', '{c} PRIVATE-TOKEN: {v}', '{c} Ocp-Apim-Subscription-Key: {v}',
      '{c} api-key: {v}', '{c} X-API-KEY: {v}', '{c} DD-API-KEY: {v}', '{c} X-Shopify-Access-Token: {v}', '{c} X-Goog-Api-Key: {v}',
      '{c} x-access-token: {v}', '{c} X-Figma-Token: {v}', '{c} Circle-Token: {v}', '{c} X-Consul-Token: {v}', '{c} X-Auth-Key: {v}',
      '{c} GET /api/v1/items?access_token={v} HTTP/1.1', '{c} POST /hook?token={v}', '{c} wss://stream.example.com/ws?auth={v}'], prio=1)
kind('auth-okta-ssws', g_okta, False, [], ['{c} Authorization: SSWS {v}', '{c} curl -H "Authorization: SSWS {v}" https://dev-1.okta.com/api/v1/users'], prio=4)
kind('session-cookie', g_session, False, [],
     ['{c} Cookie: {v}', '{c} Set-Cookie: {v}; Path=/; HttpOnly; Secure', '{c} cookie={v}', "{c} req.headers.cookie='{v}'", '{c} GET /app;jsessionid=X HTTP/1.1'.replace('X', '{v}'),
      '{c} -b "{v}"'], prio=1)
kind('generic-api-key', g_opaque40, False, ['api_key', 'apikey', 'apiKey', 'X-Api-Key', 'access_key', 'app_key', 'auth_key', 'api_token', 'access_token',
     'auth_token', 'client_secret', 'consumer_secret', 'license_key', 'private_token', 'secret', 'token', 'refresh_token', 'webhook_secret', 'signing_key', 'encryption_key',
     'GITHUB_TOKEN', 'NPM_TOKEN', 'SLACK_TOKEN', 'secret_token', 'key'], [], prio=1)
kind('generic-api-key-short', g_opaque_short, False, ['api_key', 'token', 'client_secret', 'apiKey', 'access_token'], [], prio=2)
kind('uuid-as-api-key', g_uuid, False, ['api_key', 'HEROKU_API_KEY', 'X-Api-Key', 'token', 'client_secret', 'license_key', 'CONSUL_HTTP_TOKEN'], [], prio=2)
kind('hex32-secret', g_hex32, False, ['DD_API_KEY', 'TWILIO_AUTH_TOKEN', 'twilio_auth_token', 'NEW_RELIC_LICENSE_KEY', 'datadog_api_key', 'auth_token', 'MAILCHIMP_KEY', 'app_secret'], [], prio=2)
kind('aws-access-key-id', g_aws_akid, True, ['aws_access_key_id', 'AWS_ACCESS_KEY_ID', 'AccessKeyId'], ['{c} Credential={v}/20240301/us-east-1/s3/aws4_request'], prio=2)
kind('aws-secret-access-key', g_aws_secret, False, ['aws_secret_access_key', 'AWS_SECRET_ACCESS_KEY', 'SecretAccessKey', 'secretAccessKey', 'aws_secret_key', 'secret_key'],
     ['{c} "Credentials": {{"AccessKeyId": "ASIA2EXAMPLE3Q7ZKB4M", "SecretAccessKey": "{v}", "Expiration": "2024-03-01T11:00:00Z"}}',
      '{c} aws configure set aws_secret_access_key {v}', '{c} aws_secret_access_key = {v}'], prio=2)
kind('aws-session-token', g_aws_session, True, ['aws_session_token', 'SessionToken', 'X-Amz-Security-Token'], [], prio=3)
kind('gcp-api-key', g_gcp_key, True, ['key', 'api_key', 'GOOGLE_API_KEY'], ['{c} GET https://maps.googleapis.com/maps/api/geocode/json?address=x&key={v}'], prio=2)
kind('gcp-oauth-access-token', g_ya29, True, ['access_token'], [], prio=3)
kind('gcp-oauth-refresh-token', g_gcp_refresh, True, ['refresh_token'], [], prio=4)
kind('gcp-client-secret', g_gocspx, True, ['client_secret'], [], prio=4)
kind('private-key-escaped', g_pem_escaped, True, ['private_key', 'key', 'tls.key', 'SSH_KEY'], [], prio=2)
kind('kubeconfig-client-key-data', g_kubeconfig_keydata, True, ['client-key-data', 'tls.key', 'data'], ['{c}     client-key-data: {v}'], prio=3)
kind('azure-storage-key', g_azure_storage, False, ['AccountKey', 'AZURE_STORAGE_KEY', 'storageAccountKey', 'azure_storage_account_key', 'primaryKey'],
     ['{c} DefaultEndpointsProtocol=https;AccountName=stacct01;AccountKey={v};EndpointSuffix=core.windows.net'], prio=3)
kind('azure-sas-url', g_azure_sas, True, ['url', 'sasUrl', 'blob_url'], [], prio=3)
kind('azure-ad-client-secret', g_azure_ad, True, ['client_secret', 'AZURE_CLIENT_SECRET'], [], prio=3)
kind('github-token', g_github, True, ['GITHUB_TOKEN', 'token', 'GH_TOKEN'], ['{c} git clone https://x-access-token:{v}@github.com/org/repo.git'], prio=2)
kind('github-fine-grained-pat', g_github_fine, True, ['GITHUB_TOKEN', 'token'], [], prio=3)
kind('gitlab-pat', g_glpat, True, ['GITLAB_TOKEN', 'PRIVATE-TOKEN', 'token'], ['{c} git clone https://oauth2:{v}@gitlab.example.com/g/p.git'], prio=3)
kind('gitlab-pat-routable', g_glpat_new, True, ['GITLAB_TOKEN', 'token'], [], prio=4)
kind('gitlab-other-tokens', g_gl_other, True, ['token', 'CI_JOB_TOKEN'], [], prio=4)
kind('slack-bot-token', g_slack_bot, True, ['SLACK_BOT_TOKEN', 'token'], [], prio=3)
kind('slack-user-token', g_slack_user, True, ['SLACK_TOKEN', 'token'], [], prio=4)
kind('slack-webhook', g_slack_webhook, True, ['webhook_url', 'SLACK_WEBHOOK_URL', 'url'], [], prio=3)
kind('stripe-key', g_stripe, True, ['STRIPE_SECRET_KEY', 'api_key', 'stripe.api_key'], [], prio=3)
kind('twilio-api-key-sid', g_twilio_sk, True, ['TWILIO_API_KEY'], [], prio=4)
kind('sendgrid-key', g_sendgrid, True, ['SENDGRID_API_KEY', 'api_key'], [], prio=3)
kind('openai-key', g_openai, True, ['OPENAI_API_KEY', 'api_key'], [], prio=2)
kind('anthropic-key', g_anthropic, True, ['ANTHROPIC_API_KEY', 'x-api-key'], [], prio=3)
kind('npm-token', g_npm, True, ['NPM_TOKEN', '_authToken'], ['{c} //registry.npmjs.org/:_authToken={v}'], prio=3)
kind('pypi-token', g_pypi, True, ['TWINE_PASSWORD', 'password'], [], prio=4)
kind('dockerhub-pat', g_docker, True, ['DOCKER_PASSWORD', 'password'], ['{c} docker login -u ci -p {v} docker.io'], prio=4)
kind('jwt', g_jwt, True, ['id_token', 'access_token', 'jwt', 'token'], ['{c} GET /api/v1/me?access_token={v} HTTP/1.1', '{c} Authorization: Bearer {v}'], prio=1)
kind('vault-token', g_vault, True, ['VAULT_TOKEN', 'X-Vault-Token'], [], prio=4)
kind('huggingface-token', g_hf, True, ['HF_TOKEN'], [], prio=4)
kind('age-secret-key', g_age, True, ['AGE_KEY'], [], prio=5)
kind('sentry-dsn', g_sentry, True, ['SENTRY_DSN', 'dsn'], [], prio=3)
kind('telegram-bot-token', g_telegram, True, ['TELEGRAM_BOT_TOKEN'], ['{c} POST https://api.telegram.org/bot{v}/sendMessage'], prio=4)
kind('shopify-token', g_shopify, True, ['SHOPIFY_ACCESS_TOKEN'], [], prio=5)
kind('mailgun-key', g_mailgun, True, ['MAILGUN_API_KEY'], [], prio=5)
kind('discord-webhook', g_discord_wh, True, ['webhook'], [], prio=4)
kind('smtp-auth-plain', g_smtp_plain, False, [], ['{c} C: AUTH PLAIN {v}', '{c} smtp: >>> AUTH PLAIN {v}'], prio=4)
kind('docker-config-auth', g_docker_auth, False, ['auth'], ['{c} {{"auths":{{"https://index.docker.io/v1/":{{"auth":"{v}"}}}}}}'], prio=4)
kind('card-number', g_card, True, ['card_number', 'cardNumber', 'pan', 'cc'], ['{c} charge card {v} exp 12/27', '{c} payment: card={v} cvv=123'], prio=1)
kind('iban', g_iban, True, ['iban', 'IBAN', 'account'], [], prio=2)
kind('us-ssn', g_ssn, True, ['ssn', 'SSN', 'social_security_number'], ['{c} applicant SSN: {v}'], prio=2)
kind('us-ssn-nodash', g_ssn_plain, False, ['ssn', 'SSN', 'social_security_number', 'applicant_ssn'], ['{c} SSN {v} verified'], prio=3)
kind('email', g_email, True, ['email', 'user', 'to', 'from'], ['{c} <{v}>', '{c} mailto:{v}', '{c} login for {v} failed'], prio=1)
kind('cvv-plain', g_cvv, False, ['cvv', 'cvc', 'CVV2'], [], prio=3)
kind('otp-code', g_otp, False, ['otp', 'totp', 'mfa_code', 'verification_code'], ['{c} your login code is {v}'], prio=4)
kind('bcrypt-hash', g_bcrypt, True, ['password_hash', 'hashed_password', 'password'], [], prio=5)
kind('phone-number', g_phone, True, ['phone', 'mobile', 'phone_number', 'tel'], [], prio=3, note='phone pack is not default')
kind('ipv4-address', g_ipv4, True, ['client_ip', 'remote_addr'], [], prio=5, note='network pack is not default')

# ----------------------------------------------------------------------------- syntaxes
def hdr(k):
    return '-'.join(w[:1].upper() + w[1:] for w in re.split(r'[_.\-]', k))

def up(k):
    return re.sub(r'[.\-]', '_', re.sub(r'([a-z])([A-Z])', r'\1_\2', k)).upper()

def xmlesc(v):
    return v.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')

NEUTRAL = collections.OrderedDict([
    ('end', lambda c, v: f'{c} {v}'),
    ('start', lambda c, v: f'{v} {c}'),
    ('sentence', lambda c, v: f'{c} using {v} for upstream request'),
    ('paren', lambda c, v: f'{c} ({v})'),
    ('dquote', lambda c, v: f'{c} "{v}"'),
    ('squote', lambda c, v: f"{c} got '{v}'"),
    ('comma', lambda c, v: f'{c} found {v}, retrying'),
    ('semicolon', lambda c, v: f'{c} item={v}; next=1'),
    ('bracket', lambda c, v: f'{c} [{v}]'),
    ('neutral-kv', lambda c, v: f'{c} value={v}'),
    ('neutral-colon', lambda c, v: f'{c} detail: {v}'),
    ('neutral-query', lambda c, v: f'{c} GET /cb?state=xyz&v={urllib.parse.quote(v, safe="")}&x=1 HTTP/1.1'),
    ('neutral-header', lambda c, v: f'{c} X-Debug-Info: {v}'),
    ('neutral-cli', lambda c, v: f'{c} exec: /usr/bin/tool --input {v} --verbose'),
    ('tab', lambda c, v: f'{c}\t{v}\tend'),
    ('equals-glued', lambda c, v: f'{c} arg={v},x=1'),
])

KEYED = collections.OrderedDict([
    ('kv', lambda c, k, v: f'{c} {k}={v}'),
    ('kv-mid-logfmt', lambda c, k, v: f'{c} user=bob {k}={v} status=ok'),
    ('kv-colon', lambda c, k, v: f'{c} {k}: {v}'),
    ('kv-dquote', lambda c, k, v: f'{c} {k}="{v}"'),
    ('kv-squote', lambda c, k, v: f"{c} {k}='{v}'"),
    ('json-fragment', lambda c, k, v: f'{c} {{"{k}":"{v}","retry":false}}'),
    ('json-fragment-spaced', lambda c, k, v: f'{c} {{"{k}": "{v}", "retry": false}}'),
    ('python-dict', lambda c, k, v: f"{c} {{'{k}': '{v}', 'retry': False}}"),
    ('ruby-hash', lambda c, k, v: f'{c} {{:{k}=>"{v}", :retry=>false}}'),
    ('query', lambda c, k, v: f'{c} GET /api/v2/resource?id=42&{k}={urllib.parse.quote(v, safe="")}&page=2 HTTP/1.1'),
    ('header', lambda c, k, v: f'{c} {hdr(k)}: {v}'),
    ('cli-eq', lambda c, k, v: f'{c} exec: /usr/local/bin/app --{k.lower().replace("_", "-")}={v} --verbose'),
    ('cli-space', lambda c, k, v: f'{c} exec: /usr/local/bin/app --{k.lower().replace("_", "-")} {v} --verbose'),
    ('yaml-indented', lambda c, k, v: f'    {k}: {v}'),
    ('yaml-quoted', lambda c, k, v: f'  {k}: "{v}"'),
    ('xml', lambda c, k, v: f'{c} <{k}>{xmlesc(v)}</{k}>'),
    ('env-export', lambda c, k, v: f'{c} export {up(k)}={v}'),
    ('env-quoted', lambda c, k, v: f'{c} {up(k)}="{v}"'),
    ('go-struct', lambda c, k, v: f'{c} cfg={{Host:db01 {hdr(k).replace("-", "")}:{v} Port:5432}}'),
    ('java-tostring', lambda c, k, v: f'{c} Config{{host=db01, {k}={v}, port=5432}}'),
    ('sentence-key', lambda c, k, v: f'{c} {k} is {v}'),
    ('arrow-key', lambda c, k, v: f'{c} {k} => {v}'),
    ('props-space', lambda c, k, v: f'{c} {k} = {v}'),
])

def ts():
    return f'2024-03-{R.randint(1, 28):02d}T{R.randint(0, 23):02d}:{R.randint(0, 59):02d}:{R.randint(0, 59):02d}.{R.randint(0, 999):03d}Z'

def jline(d):
    return json.dumps(d, separators=(',', ':'))

def jwrap_msg(line):
    return jline({'ts': ts(), 'level': R.choice(['INFO', 'WARN', 'ERROR', 'DEBUG']), 'msg': line, 'host': 'web-%d' % R.randint(1, 9)})

NEUTRAL_JKEYS = ['value', 'data', 'detail', 'output', 'arg', 'result', 'extra']

def json_variants(c, k, v, keyed):
    """JSON records putting v under key k (keyed) or neutral keys"""
    out = []
    base = lambda: {'ts': ts(), 'level': 'INFO', 'msg': c}
    if keyed:
        d = base(); d[k] = v; d['status'] = 200
        out.append(('ndjson-field-key', jline(d)))
        d = base(); d['request'] = {'method': 'POST', 'headers': {hdr(k): v}}
        out.append(('ndjson-nested-key', jline(d)))
        d = base(); d['env'] = [{'name': up(k), 'value': v}, {'name': 'LOG_LEVEL', 'value': 'info'}]
        out.append(('ndjson-k8s-env-name-value', jline(d)))
        d = base(); d['argv'] = ['/usr/local/bin/app', '--' + k.lower().replace('_', '-'), v, '--verbose']
        out.append(('ndjson-argv-array', jline(d)))
        d = base(); d['argv'] = ['/usr/local/bin/app', '--' + k.lower().replace('_', '-') + '=' + v]
        out.append(('ndjson-argv-eq', jline(d)))
        d = base(); d['body'] = json.dumps({k: v, 'user': 'bob'})
        out.append(('ndjson-escaped-json-body', jline(d)))
        d = base(); d['config'] = {'db': {k: v}}
        out.append(('ndjson-deep-key', jline(d)))
    else:
        d = base(); d[R.choice(NEUTRAL_JKEYS)] = v
        out.append(('ndjson-field-neutral', jline(d)))
        d = base(); d['args'] = ['--input', v]
        out.append(('ndjson-array-neutral', jline(d)))
        d = base(); d['ctx'] = {'upstream': {'detail': v}}
        out.append(('ndjson-nested-neutral', jline(d)))
    return out

# ----------------------------------------------------------------------------- build LEAK probe
leak_recs = []

def add_leak(kname, syntax, line, value, bodies):
    if '\n' in line:
        return
    leak_recs.append(dict(kind=kname, syntax=syntax, line=line, value=value, bodies=bodies))

for kname, kd in K.items():
    for _ in range(args.per):
        # neutral placements for self-identifying kinds
        if kd['self']:
            for sname, fn in NEUTRAL.items():
                v, b = kd['gen']()
                L = fn(C(), v)
                add_leak(kname, sname, L, v, b)
                add_leak(kname, 'ndjson-msg/' + sname, jwrap_msg(L), v, b)
            v, b = kd['gen']()
            for sname, L in json_variants(C(), None, v, False):
                add_leak(kname, sname, L, v, b)
        for sname, fn in KEYED.items():
            if not kd['keys']:
                break
            k = R.choice(kd['keys'])
            v, b = kd['gen']()
            c = C()
            L = fn(c, k, v)
            add_leak(kname, sname, L, v, b)
            add_leak(kname, 'ndjson-msg/' + sname, jwrap_msg(L), v, b)
        if kd['keys']:
            k = R.choice(kd['keys'])
            v, b = kd['gen']()
            for sname, L in json_variants(C(), k, v, True):
                add_leak(kname, sname, L, v, b)
        for i, t in enumerate(kd['ctx']):
            v, b = kd['gen']()
            L = t.format(c=C(), v=v)
            add_leak(kname, f'ctx{i}:' + t.replace('{c} ', '').replace('{v}', '<V>')[:60], L, v, b)
            add_leak(kname, f'ndjson-msg/ctx{i}:' + t.replace('{c} ', '').replace('{v}', '<V>')[:60], jwrap_msg(L), v, b)

# ----------------------------------------------------------------------------- FP look-alikes
F = collections.OrderedDict()

def fp(name, gen, prio=3, jkey=None):
    F[name] = dict(gen=gen, prio=prio, jkey=jkey)

def hexs(n):
    return rs(HEX, n)

fp('uuid', lambda: str(uuid.UUID(int=R.getrandbits(128), version=4)), 1)
fp('uuid-upper-braced', lambda: '{' + str(uuid.UUID(int=R.getrandbits(128), version=4)).upper() + '}', 3)
fp('git-sha40', lambda: hexs(40), 1)
fp('git-sha-short', lambda: 'commit ' + hexs(R.choice([7, 8, 10, 12])), 2)
fp('sha256-hex', lambda: hexs(64), 1)
fp('sha256-prefixed', lambda: 'sha256:' + hexs(64), 1)
fp('docker-image-digest', lambda: f'registry.example.com/team/api@sha256:{hexs(64)}', 1)
fp('md5-etag', lambda: f'ETag: "{hexs(32)}"', 2)
fp('traceparent', lambda: f'traceparent: 00-{hexs(32)}-{hexs(16)}-01', 1)
fp('trace-span-ids', lambda: f'trace_id={hexs(32)} span_id={hexs(16)}', 1)
fp('request-id', lambda: R.choice([f'req-{uuid.UUID(int=R.getrandbits(128))}', f'X-Request-Id: {rs(string.ascii_lowercase + string.digits, 20)}',
                                   f'request_id={rs(AL, 22)}', f'correlationId={uuid.UUID(int=R.getrandbits(128))}']), 1)
fp('base64-text', lambda: b64s(R.choice([b'hello world, this is a plain message', b'{"user":"bob","role":"viewer"}', b'The quick brown fox jumps over the lazy dog',
                                          b'status=ok;count=42;region=eu-west-1'])), 2)
fp('version-string', lambda: R.choice([f'v{R.randint(0, 9)}.{R.randint(0, 40)}.{R.randint(0, 99)}', f'{R.randint(1, 5)}.{R.randint(0, 20)}.{R.randint(0, 9)}-rc.{R.randint(1, 9)}+build.{R.randint(100, 9999)}',
                                       f'openjdk-17.0.{R.randint(1, 9)}+{R.randint(1, 20)}', f'go1.{R.randint(18, 22)}.{R.randint(0, 9)}', f'2.6.5-1.{R.randint(100, 999)}smp']), 2)
fp('timestamp', lambda: R.choice([ts(), str(1700000000000 + R.randint(0, 10 ** 10)), str(1700000000 + R.randint(0, 10 ** 8)),
                                   f'2024-03-01 10:{R.randint(10, 59)}:{R.randint(10, 59)},{R.randint(100, 999)}', str(1700000000000000000 + R.randint(0, 10 ** 17))]), 1)
fp('duration', lambda: R.choice([f'{R.randint(1, 9)}h{R.randint(1, 59)}m{R.randint(1, 59)}.{R.randint(1, 999)}s', f'took {R.randint(1, 99999)}ms', f'elapsed={R.random() * 100:.6f}s']), 2)
fp('file-path', lambda: R.choice([f'/var/lib/docker/overlay2/{hexs(64)}/merged', f'/tmp/tmp{rs(string.ascii_lowercase + string.digits, 8)}/build.log',
                                  f'C:\\Windows\\WinSxS\\amd64_microsoft-windows-{rs(string.ascii_lowercase, 6)}_31bf3856ad364e35_6.1.7601.{R.randint(17000, 24000)}_none_{hexs(16)}',
                                  f'/home/alice/.cache/pip/wheels/{hexs(2)}/{hexs(2)}/{hexs(56)}', f'/run/secrets/db_password', '/etc/ssl/private/server.key']), 1)
fp('k8s-pod-name', lambda: f'{R.choice(["api", "worker", "payments-svc", "auth-gateway"])}-{rs("bcdfghjklmnpqrstvwxz2456789", 10)}-{rs("bcdfghjklmnpqrstvwxz2456789", 5)}', 1)
fp('near-miss-token', lambda: R.choice(['AKIA' + rs(UP + '234567', 10), 'ghp_' + rs(AL, 20), 'xoxb-' + rs(string.digits, 5), 'sk_live_' + rs(AL, 6), 'AIza' + rs(AL, 10),
                                        'glpat-' + rs(AL, 8), 'npm_' + rs(AL, 10), 'hf_' + rs(string.ascii_letters, 6), 'SG.' + rs(AL, 6), 'dckr_pat_' + rs(AL, 5),
                                        'sk-' + rs(AL, 10), 'sk-ant-' + rs(AL, 6), 'hvs.' + rs(AL, 8), 'ya29.', 'GOCSPX-' + rs(AL, 5)]), 3)
fp('luhn-invalid-16digit', lambda: (lambda n: n[:-1] + str((int(n[-1]) + R.randint(1, 9)) % 10))(luhn_complete(R.choice(['4', '51', '6011', '37']), 16)), 2)
fp('order-number', lambda: R.choice([f'order #{R.randint(10 ** 9, 10 ** 12)}', f'ORD-{R.randint(2020, 2024)}-{R.randint(100000, 999999)}', f'invoice INV{R.randint(10 ** 7, 10 ** 8)}',
                                     f'tracking 1Z{rs(UP + string.digits, 16)}']), 1)
fp('snowflake-id', lambda: str(R.randint(10 ** 17, 2 * 10 ** 18)), 2)
fp('hdfs-block-id', lambda: f'blk_{R.choice(["", "-"])}{R.randint(10 ** 17, 9 * 10 ** 18)}', 2)
fp('invalid-iban', lambda: gen_iban(False), 3)
fp('ssn-invalid-area', lambda: f'{R.choice(["000", "666", str(R.randint(900, 999))])}-{R.randint(1, 99):02d}-{R.randint(1, 9999):04d}', 3)
fp('ssn-like-part-number', lambda: f'{R.randint(100, 899)}-{R.randint(0, 0):02d}-{R.randint(1000, 9999)}', 4)
fp('hex-colour', lambda: '#' + hexs(R.choice([3, 6, 8])), 3)
fp('mac-address', lambda: ':'.join(hexs(2) for _ in range(6)), 3)
fp('memory-address', lambda: f'0x{hexs(12)}', 2)
fp('metric-number', lambda: R.choice([f'bytes_total={R.randint(10 ** 12, 10 ** 16)}', f'rx_bytes={R.randint(10 ** 9, 10 ** 15)}', f'latency_ns={R.randint(10 ** 6, 10 ** 12)}',
                                      f'offset={R.randint(10 ** 12, 10 ** 16)}', f'seq={R.randint(10 ** 14, 10 ** 16)}']), 1)
fp('keyword-lookalike', lambda: R.choice(['password_reset_required=true', 'token_type=bearer', 'max_tokens=512', 'secret_santa event created', 'passwordless login enabled',
                                          'password_policy=strict', 'token_count=1234', 'auth_method=password', 'Password expired for user bob', '--password-file /run/secrets/db_password',
                                          'password_min_length=12', 'tokens_used=3817', 'secret_name=db-credentials', 'api_key_id=key-7f3a2b', 'token_endpoint=https://auth.example.com/oauth/token',
                                          'private_key_path=/etc/ssl/private/server.key', 'passwordFile: /etc/app/db.pass', 'use_password=yes', 'password_changed_at=2024-02-29T10:00:00Z',
                                          'token expired at 2024-03-01T10:00:00Z', 'Bearer token expired', 'authorization_code grant', 'secretsmanager:GetSecretValue',
                                          'prompt_tokens=812 completion_tokens=96', 'keyspace=orders', 'key=user:1234:profile', 'cache_key=v2:orders:1234', 'api_key=missing',
                                          'password: required', 'password=true', 'token: none', 'secret: null', 'password reset link sent', 'password=false']), 1)
fp('placeholder', lambda: R.choice(['password=<redacted>', 'password=${DB_PASSWORD}', 'password=****', 'password=[FILTERED]', 'password={{ .Values.db.password }}',
                                    'password=%s', 'password=REDACTED', 'password=xxxxxxxx', 'password=<password>', 'password=$(cat /run/secrets/db)', 'password: "********"',
                                    'token=[REDACTED]', 'api_key=<hidden>', 'secret=***REMOVED***', 'password={{password}}', 'password=%(password)s', 'password=${{ secrets.DB_PASSWORD }}',
                                    'password={password}', 'password=:password', 'password=?', 'password=vault:secret/data/db#password', 'password=env:DB_PASSWORD',
                                    'client_secret=$CLIENT_SECRET', 'Authorization: Bearer <token>', 'Authorization: Bearer $TOKEN', 'token=${TOKEN}', 'password=null',
                                    'password=None', 'password=undefined', 'password=[hidden]', 'password=(none)', 'password=<nil>', 'postgres://app:${DB_PASS}@db:5432/x',
                                    'postgres://app:****@db:5432/x', 'DATABASE_URL=postgres://app:password@localhost/x', 'password=changeme_in_prod_env_var_ref']), 1)
fp('email-lookalike', lambda: R.choice(['git@github.com:org/repo.git', 'icon@2x.png', 'lodash@4.17.21', 'java.lang.Object@1b6d3586', 'getty@tty1.service', 'user@1000.service',
                                        '@scope/pkg@1.2.3', 'com.example.Foo$Bar@6d06d69c', 'node@18.17.0', 'nginx@sha256:' + hexs(64), 'openssh-server@9.6p1',
                                        'systemd-fsck@dev-sda1.service', 'image@3x.jpg', 'requests==2.31.0', 'jdk@17.0.9', 'serviceaccount@project.iam', 'KafkaConsumer@7f3a2b1c']), 2)
fp('ssh-fingerprint', lambda: 'SHA256:' + b64s(bytes(R.randrange(256) for _ in range(32))).rstrip('='), 2)
fp('ssh-public-key', lambda: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI' + b64s(bytes(R.randrange(256) for _ in range(32)))[:43] + ' alice@laptop', 3)
fp('npm-integrity', lambda: 'sha512-' + b64s(bytes(R.randrange(256) for _ in range(64))), 3)
fp('go-sum', lambda: 'h1:' + b64s(bytes(R.randrange(256) for _ in range(32))), 4)
fp('aws-arn-account', lambda: f'arn:aws:iam::{R.randint(10 ** 11, 10 ** 12 - 1)}:role/{R.choice(["deploy", "ci-runner", "lambda-exec"])}', 2)
fp('windows-sid', lambda: f'S-1-5-21-{R.randint(10 ** 9, 4 * 10 ** 9)}-{R.randint(10 ** 9, 4 * 10 ** 9)}-{R.randint(10 ** 9, 4 * 10 ** 9)}-{R.randint(1000, 9999)}', 3)
fp('public-ids', lambda: R.choice(['pk_live_' + rs(AL, 24), 'AC' + hexs(32), f'{R.randint(10 ** 11, 10 ** 12)}-{rs(string.ascii_lowercase + string.digits, 32)}.apps.googleusercontent.com',
                                   'pk.eyJ1Ijoi' + rs(AL, 20)]), 4)
fp('ip-version-like', lambda: f'build {R.randint(1, 9)}.{R.randint(0, 20)}.{R.randint(0, 99)}.{R.randint(0, 9999)}', 4)
fp('phone-like-ids', lambda: R.choice([f'pid={R.randint(1000000, 99999999)}', f'port {R.randint(1024, 65535)}', f'ticket {R.randint(200, 999)}-{R.randint(200, 999)}-{R.randint(1000, 9999)}',
                                       f'+{R.randint(1, 99)}.{R.randint(0, 99)}%']), 3)
fp('certificate-oneline', lambda: '-----BEGIN CERTIFICATE-----\\n' + '\\n'.join(pem_body(3)) + '\\n-----END CERTIFICATE-----', 3)
fp('public-key-oneline', lambda: '-----BEGIN PUBLIC KEY-----\\n' + '\\n'.join(pem_body(3)) + '\\n-----END PUBLIC KEY-----', 3)
fp('base64-blob-nonsecret', lambda: 'data:image/png;base64,' + b64s(bytes(R.randrange(256) for _ in range(60))), 3)
fp('hash-in-url', lambda: f'GET /static/js/main.{hexs(8)}.chunk.js?v={hexs(20)} HTTP/1.1', 2)
fp('s3-presign-nosig', lambda: f'GET /bucket/key.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20240301T000000Z&X-Amz-Expires=300&X-Amz-SignedHeaders=host HTTP/1.1', 4)

# JSON key look-alikes (non-secret values under keys whose last word is sensitive, or ordinary keys)
JSON_FP = [
    ('json-cid-correlation', {'cid': 'c-8f2a9b41'}), ('json-cid-content-id', {'cid': 'part1.06090408.01060107@example.com'}),
    ('json-auth-method', {'auth': 'ldap'}), ('json-auth-object', {'auth': {'type': 'oauth2', 'enabled': True}}), ('json-auth-string-none', {'auth': 'none'}),
    ('json-pass-testresult-bool', {'test': 'test_login', 'pass': True}), ('json-pass-testresult-str', {'test': 'test_login', 'pass': 'yes'}),
    ('json-pin-cpu', {'pin': 'cpu0-3'}), ('json-otp-status', {'otp': 'disabled'}), ('json-credentials-status', {'credentials': 'missing'}),
    ('json-credential-type', {'credential': 'iam-role'}), ('json-secret-ref', {'secret': 'db-credentials'}), ('json-token-lexer', {'token': 'IDENT', 'line': 4}),
    ('json-token-null', {'token': None}), ('json-password-bool', {'password': False}), ('json-password-empty', {'password': ''}),
    ('json-password-masked', {'password': '********'}), ('json-password-redacted', {'password': '[REDACTED]'}),
    ('json-has-password', {'has_password': True}), ('json-require-password', {'require_password': 'true'}), ('json-password-set', {'password_set': 'yes'}),
    ('json-session-count', {'session_count': 12}), ('json-token-type', {'token_type': 'Bearer'}), ('json-max-tokens', {'max_tokens': 512}),
    ('json-token-count-str', {'token_count': '512'}), ('json-api-key-name', {'api_key_name': 'ci-readonly'}), ('json-key', {'key': 'user:1234:profile'}),
    ('json-public-key', {'public_key': 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl'}),
    ('json-bypass', {'bypass': 'cache'}), ('json-pass-through', {'pass_through': 'enabled'}), ('json-psk-mode', {'psk': 'disabled'}),
    ('json-card-last4', {'card_number_last4': '4242'}), ('json-card-brand', {'card_brand': 'visa'}), ('json-ssn-verified', {'ssn_verified': 'true'}),
    ('json-cookie-consent', {'cookie_consent': 'accepted'}), ('json-authorization-status', {'authorization': 'granted'}), ('json-authorization-bool', {'authorization': 'denied'}),
    ('json-csrf-token-missing', {'csrf_token': 'missing'}), ('json-secret-version', {'secret_version': 'v3'}), ('json-passed', {'passed': 12, 'failed': 0}),
    ('json-password-strength', {'password': 'weak'}), ('json-signing-key-id', {'signing_key': 'kid-2024-03'}), ('json-mfa-code-status', {'mfa_code': 'sent'}),
    ('json-token-status', {'token': 'expired'}), ('json-auth-bool', {'auth': True}), ('json-auth-required-str', {'auth': 'required'}),
]

fp_recs = []

def add_fp(kname, syntax, line):
    if '\n' in line:
        return
    fp_recs.append(dict(kind=kname, syntax=syntax, line=line))

for fname, fd in F.items():
    for _ in range(args.per):
        for sname, fn in NEUTRAL.items():
            v = fd['gen']()
            L = fn(C(), v)
            add_fp(fname, sname, L)
            add_fp(fname, 'ndjson-msg/' + sname, jwrap_msg(L))
        v = fd['gen']()
        for sname, L in json_variants(C(), None, v, False):
            add_fp(fname, sname, L)
        # a few keyed syntaxes with neutral keys
        for sname in ['kv', 'kv-colon', 'json-fragment', 'query', 'header', 'cli-eq', 'xml', 'yaml-indented']:
            v = fd['gen']()
            add_fp(fname, sname, KEYED[sname](C(), R.choice(['id', 'ref', 'digest', 'value', 'object']), v))
for name, obj in JSON_FP:
    for _ in range(2):
        d = {'ts': ts(), 'level': 'INFO', 'msg': C()}
        d.update(obj)
        add_fp(name, 'ndjson-field', jline(d))
# loghub-style prose with sensitive words
PROSE = ['Failed password for invalid user admin from 203.0.113.7 port 51234 ssh2', 'Accepted password for bob from 198.51.100.23 port 49116 ssh2',
         'pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.7 user=root',
         'Disconnecting: Too many authentication failures for root [preauth]', 'Accepted publickey for deploy from 10.0.0.5 port 50022 ssh2: RSA SHA256:' + b64s(bytes(range(32))).rstrip('='),
         'Executing with tokens: Kind: YARN_AM_RM_TOKEN, Service: , Ident: (appAttemptId { application_id { id: 20 cluster_timestamp: 1445144423722 } attemptId: 1 } keyId: -127633188)',
         'Token service: 10.190.173.170:8030 token: Token { kind: HDFS_DELEGATION_TOKEN, service: ha-hdfs:cluster }', 'refreshing OAuth token for client web-portal',
         'token validation succeeded for subject 4f3c', 'secret rotated: name=db-credentials version=7', 'password change requested for user 1842',
         'keychain: found generic password item for service com.example.sync', 'gpg: key 0x4AEE18F83AFDEB23: public key "Alice <alice' + '>" imported',
         'Passwords do not match', 'Invalid password attempt 3/5 for account 1842', 'SSL handshake: cipher=ECDHE-RSA-AES256-GCM-SHA384 key_bits=256',
         'kernel: Key type id_resolver registered', 'session opened for user root by (uid=0)', 'session id 27 created, bearer of lease 7',
         'cookie jar saved (3 cookies)', 'api key rotation scheduled for 2024-04-01', 'secret santa draw completed', 'client credentials grant succeeded for client_id=web-portal',
         'PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/systemctl restart nginx', 'sudo: alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/ls',
         'OLDPWD=/tmp PWD=/var/lib/app', 'pass 3/5 completed', 'bypass=true compass=north first_pass=ok', 'IV length 16, key length 32, tag length 16']
for p in PROSE:
    for _ in range(2):
        c = C()
        add_fp('prose-sensitive-words', 'end', f'{c} {p}')
        add_fp('prose-sensitive-words', 'ndjson-msg/end', jwrap_msg(f'{c} {p}'))

# ----------------------------------------------------------------------------- multi-line PEM probe
def pem_block(kind, body, prefix='', headers=None):
    ls = [f'{prefix}-----BEGIN {kind}-----']
    if headers:
        ls += [prefix + h for h in headers] + [prefix.rstrip() if prefix else '']
    ls += [prefix + b for b in body]
    ls.append(f'{prefix}-----END {kind}-----')
    return ls

ml_lines, ml_expect = [], []  # expect: 'secret-body' (must be masked), 'keep' (must stay), 'marker'
def ml_add(line, expect, tag):
    ml_lines.append(line); ml_expect.append((expect, tag))

for tag, kind_, hdrs in [('rsa-raw', 'RSA PRIVATE KEY', None), ('pkcs8-raw', 'PRIVATE KEY', None), ('openssh-raw', 'OPENSSH PRIVATE KEY', None),
                          ('ec-encrypted', 'EC PRIVATE KEY', ['Proc-Type: 4,ENCRYPTED', 'DEK-Info: AES-128-CBC,' + hexs(32).upper()]),
                          ('rsa-encrypted', 'RSA PRIVATE KEY', ['Proc-Type: 4,ENCRYPTED', 'DEK-Info: DES-EDE3-CBC,' + hexs(16).upper()]),
                          ('pgp-raw', 'PGP PRIVATE KEY BLOCK', ['Version: GnuPG v2', 'Comment: synthetic'])]:
    for pfx_name, pfx in [('noprefix', ''), ('logprefix', '2024-03-01T10:00:00.123Z INFO app[412]: '), ('syslogprefix', 'Mar  1 10:00:00 host app[412]: ')]:
        body = pem_body(R.randint(4, 8))
        ml_add(C(), 'keep', 'carrier-before')
        blk = pem_block(kind_, body, pfx, hdrs)
        for l in blk:
            if l.rstrip() == pfx.rstrip() and l.strip() == '':
                ml_add(l, 'any', f'{tag}/{pfx_name}/blank')
            elif any(b in l for b in body):
                ml_add(l, 'secret', f'{tag}/{pfx_name}/body')
            elif 'Proc-Type' in l or 'DEK-Info' in l or 'Version:' in l or 'Comment:' in l:
                ml_add(l, 'any', f'{tag}/{pfx_name}/hdr')
            else:
                ml_add(l, 'any', f'{tag}/{pfx_name}/marker')
        ml_add(C(), 'keep', f'carrier-after/{tag}/{pfx_name}')
        ml_add(C(), 'keep', f'carrier-after2/{tag}/{pfx_name}')
    # NDJSON: key split one line per record
    body = pem_body(5)
    for l in pem_block(kind_, body):
        ml_add(jline({'ts': ts(), 'level': 'INFO', 'msg': l}), 'secret' if any(b in l for b in body) else 'any', f'{tag}/ndjson-per-line')
    ml_add(C(), 'keep', f'carrier-after/{tag}/ndjson-per-line')
for tag, kind_ in [('certificate', 'CERTIFICATE'), ('public-key', 'PUBLIC KEY'), ('csr', 'CERTIFICATE REQUEST'), ('ssh-pub', 'OPENSSH PUBLIC KEY')]:
    for pfx in ['', '2024-03-01T10:00:00.123Z INFO app[412]: ']:
        body = pem_body(5)
        for l in pem_block(kind_, body, pfx):
            ml_add(l, 'keep', f'{tag}/{"prefix" if pfx else "noprefix"}')
        ml_add(C(), 'keep', f'carrier-after/{tag}')
# private key directly followed by certificate (bundle) -> cert must stay
body = pem_body(5); body2 = pem_body(5)
for l in pem_block('PRIVATE KEY', body):
    ml_add(l, 'secret' if any(b in l for b in body) else 'any', 'bundle/key')
for l in pem_block('CERTIFICATE', body2):
    ml_add(l, 'keep', 'bundle/cert-after-key')
# truncated key (no END line), followed by normal lines
body = pem_body(4)
for l in pem_block('RSA PRIVATE KEY', body)[:-1]:
    ml_add(l, 'secret' if any(b in l for b in body) else 'any', 'truncated/key')
for _ in range(4):
    ml_add(C(), 'keep', 'truncated/after')
# base64-looking line right after unrelated lines (should stay)
ml_add(C(), 'keep', 'b64-alone/carrier')
ml_add(b64s(bytes(R.randrange(256) for _ in range(48))), 'keep', 'b64-alone/line')

# ----------------------------------------------------------------------------- run everything
def write(path, lines):
    with open(path, 'w') as f:
        for l in lines:
            f.write(l + '\n')

def run_both(path, n):
    o1, e1, rc1 = run_veil(path, 1)
    od, ed, rcd = run_veil(path)
    l1, ld = split_lines(o1), split_lines(od)
    return [l.decode(errors='replace') for l in l1], o1 == od, (len(l1), len(ld), n), (rc1, rcd)

leak_path, fp_path, ml_path = os.path.join(OUT, 'leak_input.txt'), os.path.join(OUT, 'fp_input.txt'), os.path.join(OUT, 'multiline_input.txt')
write(leak_path, [r['line'] for r in leak_recs])
write(fp_path, [r['line'] for r in fp_recs])
write(ml_path, ml_lines)

leak_out, leak_same, leak_counts, leak_rc = run_both(leak_path, len(leak_recs))
fp_out, fp_same, fp_counts, fp_rc = run_both(fp_path, len(fp_recs))
ml_out, ml_same, ml_counts, ml_rc = run_both(ml_path, len(ml_lines))

def variants(s):
    vs = {s, json.dumps(s)[1:-1], urllib.parse.quote(s, safe=''), xmlesc(s), json.dumps(json.dumps(s)[1:-1])[1:-1]}
    return [x for x in vs if x]

def longest_survivor(body, out, template, thr):
    """longest substring (>= thr chars) of body, or of an encoded form of it, that is in out
    but not in the template line (line with the value removed); 0 if none"""
    best = 0
    for b in variants(body):
        n = len(b)
        t = min(thr, n)
        w = t
        while w <= n:
            if any(b[i:i + w] in out and b[i:i + w] not in template for i in range(0, n - w + 1)):
                best = max(best, w)
                w += 1
            else:
                break
    return best

RULE_RE = re.compile(r'\[REDACTED:([\w.-]+)\]')
for r, o in zip(leak_recs, leak_out):
    tmpl = r['line']
    for vv in variants(r['value']):
        tmpl = tmpl.replace(vv, '')
    r['out'] = o
    r['rules'] = RULE_RE.findall(o)
    worst = 0
    leak = False
    for b in r['bodies']:
        s = longest_survivor(b, o, tmpl, 8)
        worst = max(worst, s)
        if s:
            leak = True
    if all(len(b) < 8 for b in r['bodies']):
        leak = (o == r['line'])
    r['survivor'] = worst
    r['leak'] = leak
    r['partial'] = leak and o != r['line']

for r, o in zip(fp_recs, fp_out):
    r['out'] = o
    r['rules'] = RULE_RE.findall(o)
    r['fp'] = o != r['line']

ml_res = []
for l, o, (exp, tag) in zip(ml_lines, ml_out, ml_expect):
    bad = None
    if exp == 'secret' and (o == l or re.search(r'[A-Za-z0-9+/]{20,}', RULE_RE.sub('', o))):
        bad = 'LEAK'
    elif exp == 'keep' and o != l:
        bad = 'CHANGED'
    ml_res.append(dict(tag=tag, expect=exp, line=l, out=o, problem=bad))

# ----------------------------------------------------------------------------- reports
def save_jsonl(path, recs):
    with open(path, 'w') as f:
        for r in recs:
            f.write(json.dumps(r) + '\n')

save_jsonl(os.path.join(OUT, 'leak_results.jsonl'), leak_recs)
save_jsonl(os.path.join(OUT, 'fp_results.jsonl'), fp_recs)
save_jsonl(os.path.join(OUT, 'multiline_results.jsonl'), ml_res)
json.dump(carrier_report, open(os.path.join(OUT, 'carriers_report.json'), 'w'), indent=1)

rep = []
P = rep.append
P(f'# veil probe report (seed={args.seed}, per={args.per}, packs={args.packs or "default"})\n')
P('## Integrity')
P(f'- carriers: in={carrier_report["lines_in"]} out(t1)={carrier_report["lines_out_t1"]} out(default)={carrier_report["lines_out_default"]} identical={carrier_report["identical_t1_vs_default"]} changed={len(carrier_report["changed"])}')
P(f'- leak probe: lines(t1,default,in)={leak_counts} identical={leak_same} rc={leak_rc}')
P(f'- fp probe: lines(t1,default,in)={fp_counts} identical={fp_same} rc={fp_rc}')
P(f'- multiline: lines(t1,default,in)={ml_counts} identical={ml_same} rc={ml_rc}')
rc = collections.Counter(x for ch in carrier_report['changed'] for x in ch['rules'])
P(f'- carrier rule ids: {dict(rc)}')
for ch in carrier_report['changed'][:5]:
    P(f'  - {ch["src"]}: IN `{ch["in"][:240]}`\n    OUT `{ch["out"][:240]}`')

P('\n## LEAKS by kind (sorted by prio, then miss rate)')
bykind = collections.defaultdict(list)
for r in leak_recs:
    bykind[r['kind']].append(r)
rows = []
for k, rs_ in bykind.items():
    miss = [r for r in rs_ if r['leak']]
    rows.append((K[k]['prio'], -len(miss) / len(rs_), k, len(miss), len(rs_)))
rows.sort()
for prio, _, k, m, n in rows:
    P(f'- [{prio}] {k}: {m}/{n} leaked {K[k]["note"]}')
P('\n## LEAKS by kind x syntax (only syntaxes with misses)')
for prio, _, k, m, n in rows:
    if not m:
        continue
    P(f'\n### {k} (prio {prio}) {m}/{n}')
    bys = collections.defaultdict(list)
    for r in bykind[k]:
        bys[r['syntax']].append(r)
    for s, rr in sorted(bys.items(), key=lambda kv: -sum(x['leak'] for x in kv[1])):
        mm = [x for x in rr if x['leak']]
        if not mm:
            continue
        ex = sorted(mm, key=lambda x: len(x['line']))[:2]
        P(f'- {s}: {len(mm)}/{len(rr)}' + (' (partial mask)' if any(x['partial'] for x in mm) else ''))
        for x in ex:
            P(f'    IN : {x["line"]}')
            P(f'    OUT: {x["out"]}')

P('\n## FALSE POSITIVES by kind')
byf = collections.defaultdict(list)
for r in fp_recs:
    byf[r['kind']].append(r)
frows = []
for k, rr in byf.items():
    m = [r for r in rr if r['fp']]
    frows.append((F[k]['prio'] if k in F else 2, -len(m) / len(rr), k, len(m), len(rr)))
frows.sort()
for prio, _, k, m, n in frows:
    rules = collections.Counter(x for r in byf[k] if r['fp'] for x in r['rules'])
    P(f'- [{prio}] {k}: {m}/{n} changed {dict(rules)}')
P('\n## FP details')
for prio, _, k, m, n in frows:
    if not m:
        continue
    P(f'\n### {k} {m}/{n}')
    bys = collections.defaultdict(list)
    for r in byf[k]:
        bys[r['syntax']].append(r)
    for s, rr in sorted(bys.items(), key=lambda kv: -sum(x['fp'] for x in kv[1])):
        mm = [x for x in rr if x['fp']]
        if not mm:
            continue
        rules = collections.Counter(x for r in mm for x in r['rules'])
        P(f'- {s}: {len(mm)}/{len(rr)} {dict(rules)}')
        for x in sorted(mm, key=lambda x: len(x['line']))[:2]:
            P(f'    IN : {x["line"]}')
            P(f'    OUT: {x["out"]}')

P('\n## Multi-line PEM')
probs = [x for x in ml_res if x['problem']]
P(f'- problems: {len(probs)} of {len(ml_res)} lines')
bytag = collections.Counter((x['tag'].split('/')[0] + '/' + (x['tag'].split('/')[1] if '/' in x['tag'] else ''), x['problem']) for x in probs)
for (t, p), n in sorted(bytag.items()):
    P(f'  - {t}: {p} x{n}')
for x in probs[:40]:
    P(f'    [{x["problem"]}] {x["tag"]}\n      IN : {x["line"][:200]}\n      OUT: {x["out"][:200]}')
with open(os.path.join(OUT, 'report.md'), 'w') as f:
    f.write('\n'.join(rep) + '\n')
print('\n'.join(rep[:12]))
print('leak lines', len(leak_recs), 'leaked', sum(r['leak'] for r in leak_recs), '| fp lines', len(fp_recs), 'changed', sum(r['fp'] for r in fp_recs),
      '| multiline problems', len(probs))
print('report:', os.path.join(OUT, 'report.md'))

# ----------------------------------------------------------------------------- targeted cases (confirmed examples)
tpath = os.path.join(WORK, 'targeted_cases.txt')
if os.path.exists(tpath):
    tl = split_lines(open(tpath, 'rb').read())
    o1, _, _ = run_veil(tpath, 1)
    od, _, _ = run_veil(tpath)
    ol = split_lines(o1)
    with open(os.path.join(OUT, 'targeted_results.txt'), 'w') as f:
        f.write(f'# lines in={len(tl)} out={len(ol)} identical_t1_vs_default={o1 == od}\n')
        for a, b in zip(tl, ol):
            a, b = a.decode(errors='replace'), b.decode(errors='replace')
            f.write(('SAME ' if a == b else 'CHG  ') + a + '\n')
            if a != b:
                f.write('  -> ' + b + '\n')
    print('targeted:', os.path.join(OUT, 'targeted_results.txt'))
