"""NDJSON log lines: planted (one synthetic secret each) and look-alikes (no secret)."""
import json
from gen_common import *  # noqa

P = {}
L = {}


def plant(area):
    def deco(f):
        P.setdefault(area, []).append(f)
        return f
    return deco


def look(area):
    def deco(f):
        L.setdefault(area, []).append(f)
        return f
    return deco


def J(o):
    if R.random() < 0.6:
        return json.dumps(o, separators=(',', ':'), ensure_ascii=False)
    return json.dumps(o, ensure_ascii=False)


def esc(o):
    """a JSON document as it appears when logged as a string"""
    return json.dumps(o, separators=(',', ':'))


def base(level='info', msg=None, style=None):
    style = style or R.choice(['pino', 'zap', 'structlog', 'ecs', 'winston', 'logrus', 'serilog'])
    if style == 'pino':
        d = {'level': {'info': 30, 'warn': 40, 'error': 50, 'debug': 20}[level], 'time': R.randint(1714500000000, 1715000000000),
             'pid': R.randint(1, 9999), 'hostname': 'api-%s-%s' % (hexs(10), rs(5, LO + DIG))}
        if msg:
            d['msg'] = msg
    elif style == 'zap':
        d = {'level': level, 'ts': round(R.uniform(1714500000, 1715000000), 6), 'caller': '%s/%s.go:%d' % (R.choice(['db', 'http', 'auth', 'worker']), R.choice(['conn', 'server', 'client', 'handler']), R.randint(10, 400))}
        if msg:
            d['msg'] = msg
    elif style == 'structlog':
        d = {'timestamp': ts_iso(6), 'level': level, 'logger': R.choice(['app.api', 'app.worker', 'app.billing'])}
        if msg:
            d['event'] = msg
    elif style == 'ecs':
        d = {'@timestamp': ts_iso(), 'log.level': level, 'ecs.version': '1.6.0', 'service.name': R.choice(['orders', 'billing', 'auth'])}
        if msg:
            d['message'] = msg
    elif style == 'winston':
        d = {'level': level, 'timestamp': ts_iso(), 'service': R.choice(['orders', 'billing', 'auth'])}
        if msg:
            d['message'] = msg
    elif style == 'logrus':
        d = {'level': level, 'time': ts_iso(0)}
        if msg:
            d['msg'] = msg
    else:
        d = {'@t': ts_iso(), '@l': level.capitalize()}
        if msg:
            d['@mt'] = msg
    return d


def with_(d, **kw):
    d.update(kw)
    return d


# ====================================================================== nested application objects
@plant('json-app')
def _():
    e = email()
    d = base('info', 'user signed up')
    d['user'] = {'id': R.randint(1, 99999), 'email': e, 'plan': 'free'}
    return J(d), e, 'email'


@plant('json-app')
def _():
    p = pw()
    d = base('debug', 'login attempt')
    d['req'] = {'method': 'POST', 'url': '/api/login', 'body': {'username': R.choice(FIRST), 'password': p, 'remember': True}}
    return J(d), p, 'password'


@plant('json-app')
def _():
    p = pw('url')
    d = base('error', 'failed to connect to database')
    d['dsn'] = 'postgres://%s:%s@%s:5432/%s?sslmode=disable' % (user(), p, host(), dbname())
    d['error'] = 'dial tcp: i/o timeout'
    return J(d), p, 'url-userinfo'


@plant('json-app')
def _():
    p = pw()
    d = base('info', 'graphql operation')
    d['graphql'] = {'operationName': 'ChangePassword', 'variables': {'input': {'currentPassword': pw(), 'newPassword': p}}}
    d['graphql']['variables']['input']['currentPassword'] = '********'
    return J(d), p, 'password'


@plant('json-app')
def _():
    t = jwt()
    d = base('info', 'token issued')
    d['auth'] = {'user_id': R.randint(1, 99999), 'access_token': t, 'token_type': 'Bearer', 'expires_in': 3600}
    return J(d), t, 'jwt'


@plant('json-app')
def _():
    t = b64url(48)
    d = base('debug', 'oauth callback')
    d['oauth'] = {'provider': 'google', 'refresh_token': t, 'scope': 'openid email'}
    return J(d), t, 'oauth-token'


@plant('json-app')
def _():
    p = pw()
    d = base('warn', 'Form validation failed')
    d['form'] = {'fields': [{'name': 'email', 'value': 'x'}, {'name': 'password', 'value': p}], 'errors': ['email invalid']}
    d['form']['fields'][0]['value'] = 'not-an-email'
    return J(d), p, 'password'


@plant('json-app')
def _():
    k = stripe_key()
    d = base('error', 'stripe call failed')
    d['stripe'] = {'request_id': 'req_' + rs(14), 'status': 401, 'key_used': k}
    return J(d), k, 'stripe'


@plant('json-app')
def _():
    p = pw()
    d = base('info', 'user created by admin')
    d['payload'] = {'user': {'login': R.choice(FIRST), 'initial_pass': p, 'must_change': True}}
    return J(d), p, 'password'


@plant('json-app')
def _():
    s = session_id()
    d = base('debug', 'session loaded')
    d['session'] = {'sid': s, 'user_id': R.randint(1, 99999), 'ttl': 1800}
    return J(d), s, 'session-id'


@plant('json-app')
def _():
    p = pw()
    d = base('debug', 'request')
    d['params'] = {'user': {'email': 'redacted', 'password_confirmation': p}}
    return J(d), p, 'password'


@plant('json-app')
def _():
    k = ghp()
    d = base('info', 'repository mirrored')
    d['mirror'] = {'source': 'https://%s@github.com/acme/%s.git' % (k, dbname()), 'status': 'ok'}
    return J(d), k, 'github-token'


@plant('json-app')
def _():
    k = rs(32, ALNUM)
    d = base('info', 'webhook registered')
    d['webhook'] = {'url': 'https://partner.example/hooks/acme', 'signing_secret': k, 'events': ['order.created']}
    return J(d), k, 'generic-secret'


@plant('json-app')
def _():
    p = pw()
    d = base('info', 'Processing {@Command}', 'serilog')
    d['Command'] = {'$type': 'ResetPasswordCommand', 'UserName': R.choice(FIRST), 'NewPassword': p}
    return J(d), p, 'password'


@plant('json-app')
def _():
    c = card()
    d = base('info', 'Charging card {CardNumber} for {Amount}', 'serilog')
    d['CardNumber'] = c
    d['Amount'] = R.randint(1, 999)
    return J(d), c, 'card'


# ====================================================================== headers
@plant('json-headers')
def _():
    t = jwt()
    d = base('info', 'request completed', 'pino')
    d['req'] = {'id': R.randint(1, 9999), 'method': 'GET', 'url': '/api/v1/me', 'headers': {'host': 'api.acme.io', 'authorization': 'Bearer ' + t, 'user-agent': R.choice(['curl/8.5.0', 'okhttp/4.12.0'])}}
    d['res'] = {'statusCode': 200}
    d['responseTime'] = R.randint(1, 900)
    return J(d), t, 'jwt'


@plant('json-headers')
def _():
    b = basic_b64()
    d = base('debug', 'outgoing request')
    d['headers'] = {'Authorization': 'Basic ' + b, 'Accept': 'application/json'}
    return J(d), b, 'basic-auth'


@plant('json-headers')
def _():
    s = session_id()
    d = base('info', 'request completed', 'pino')
    d['req'] = {'method': 'GET', 'url': '/dashboard', 'headers': {'cookie': '_ga=GA1.2.%d.%d; session=%s; theme=dark' % (R.randint(10 ** 8, 10 ** 9), R.randint(1714500000, 1715000000), s)}}
    return J(d), s, 'session-id'


@plant('json-headers')
def _():
    k = rs(40, ALNUM)
    d = base('debug', 'proxying')
    d['request'] = {'headers': {'X-Api-Key': k, 'X-Request-Id': uuid4()}}
    return J(d), k, 'api-key-header'


@plant('json-headers')
def _():
    t = b64url(32)
    d = {'startedDateTime': ts_iso(), 'request': {'method': 'GET', 'url': 'https://api.example.com/v1/export', 'headers': [
        {'name': 'Accept', 'value': '*/*'}, {'name': 'Authorization', 'value': 'Token ' + t}]}}
    return J(d), t, 'auth-header'


@plant('json-headers')
def _():
    s = session_id()
    d = base('info', 'response')
    d['response'] = {'status': 200, 'headers': {'set-cookie': ['laravel_session=%s; expires=Fri, 03-May-2024 10:11:12 GMT; path=/; httponly' % s]}}
    return J(d), s, 'session-id'


@plant('json-headers')
def _():
    t = jwt()
    d = {'@timestamp': ts_iso(), 'http': {'request': {'method': 'POST', 'headers': {'x-amzn-oidc-data': t}}}, 'url': {'path': '/api/orders'}}
    return J(d), t, 'jwt'


@plant('json-headers')
def _():
    k = glpat()
    d = base('debug', 'gitlab api call')
    d['http'] = {'method': 'GET', 'url': 'https://gitlab.example.com/api/v4/projects', 'header': {'Private-Token': [k]}}
    return J(d), k, 'gitlab-token'


@plant('json-headers')
def _():
    t = gcp_access_token()
    d = {'authority': 'api.acme.io', 'method': 'GET', 'path': '/v1/items', 'response_code': 200, 'upstream_host': '10.2.3.4:8080',
         'x_forwarded_for': ipv4(), 'request_headers': {'authorization': 'Bearer ' + t}}
    return J(d), t, 'gcp-access-token'


@plant('json-headers')
def _():
    b = basic_b64()
    d = {'type': 'http', 'ts': ts_iso(), 'raw_headers': 'GET /metrics HTTP/1.1\r\nHost: node-exporter:9100\r\nAuthorization: Basic %s\r\n\r\n' % b}
    return J(d), b, 'basic-auth'


# ====================================================================== config dumps
@plant('json-config')
def _():
    p = pw()
    d = base('info', 'loaded configuration')
    d['config'] = {'db': {'host': host(), 'port': 5432, 'user': user(), 'password': p, 'pool': {'max': 20}}}
    return J(d), p, 'password'


@plant('json-config')
def _():
    p = pw()
    d = base('info', 'config')
    d['settings'] = {'smtp': {'host': 'smtp.example.com', 'port': 587, 'user': 'noreply', 'pass': p}}
    return J(d), p, 'password'


@plant('json-config')
def _():
    p = pw('alnum')
    d = base('info', 'config')
    d['cfg'] = {'redis': {'addr': 'redis:6379', 'auth': p, 'db': 0}}
    return J(d), p, 'password'


@plant('json-config')
def _():
    p = pw().replace(';', '')
    d = base('info', 'Starting host')
    d['ConnectionStrings'] = {'Default': 'Server=%s;Database=%s;User Id=sa;Password=%s;TrustServerCertificate=True' % (host(), dbname(), p)}
    return J(d), p, 'password'


@plant('json-config')
def _():
    p = pw()
    d = base('info', 'kafka client config')
    d['kafka'] = {'bootstrap.servers': 'kafka:9092', 'security.protocol': 'SASL_SSL', 'sasl.mechanism': 'PLAIN', 'sasl.username': 'orders', 'sasl.password': p}
    return J(d), p, 'password'


@plant('json-config')
def _():
    s = rs(40, ALNUM + '-_~.')
    d = base('info', 'oidc provider configured')
    d['oidc'] = {'issuer': 'https://login.acme.io', 'clientId': uuid4(), 'clientSecret': s}
    return J(d), s, 'client-secret'


@plant('json-config')
def _():
    p = pw('url')
    d = base('info', 'mongo settings')
    d['mongo'] = {'uri': 'mongodb+srv://%s:%s@cluster0.%s.mongodb.net/%s' % (user(), p, rs(5, LO + DIG), dbname())}
    return J(d), p, 'url-userinfo'


@plant('json-config')
def _():
    k = hexs(64)
    d = base('info', 'crypto init')
    d['crypto'] = {'algorithm': 'aes-256-gcm', 'encryption_key': k}
    return J(d), k, 'encryption-key'


@plant('json-config')
def _():
    k = b64(32)
    d = base('info', 'rails credentials loaded')
    d['secret_key_base'] = k
    return J(d), k, 'encryption-key'


@plant('json-config')
def _():
    p = pw()
    d = base('debug', 'vault response')
    d['data'] = {'data': {'username': user(), 'password': p}, 'metadata': {'version': R.randint(1, 20)}}
    return J(d), p, 'password'


@plant('json-config')
def _():
    p = pw()
    d = {'level': 'info', 'msg': 'loaded', 'config': {'auth': {'username': user(), 'passwd': p}}}
    return J(d), p, 'password'


@plant('json-config')
def _():
    p = pw()
    d = {'level': 'info', 'msg': 'keystore opened', 'keystore': {'path': '/etc/app/keystore.p12', 'passphrase': p}}
    return J(d), p, 'password'


@plant('json-config')
def _():
    k = sendgrid_key()
    d = base('info', 'mailer ready')
    d['mailer'] = {'provider': 'sendgrid', 'credentials': {'key': k}}
    return J(d), k, 'sendgrid'


@plant('json-config')
def _():
    k = datadog_key()
    d = base('info', 'agent config')
    d['datadog'] = {'site': 'datadoghq.eu', 'apiKey': k}
    return J(d), k, 'datadog'


@plant('json-config')
def _():
    p = pw()
    d = base('info', 'config', 'zap')
    d['Config'] = '{Host:%s Port:5432 User:%s Password:%s SSLMode:require}' % (host(), user(), p.replace(' ', ''))
    return J(d), p.replace(' ', ''), 'password'


# ====================================================================== env arrays / argv
@plant('json-env')
def _():
    p = pw()
    d = {'kind': 'Pod', 'apiVersion': 'v1', 'metadata': {'name': 'api-%s' % rs(5, LO + DIG), 'namespace': 'prod'},
         'spec': {'containers': [{'name': 'api', 'image': 'registry.example.com/api:1.4.2', 'env': [
             {'name': 'LOG_LEVEL', 'value': 'info'}, {'name': 'DB_PASSWORD', 'value': p}]}]}}
    return J(d), p, 'password'


@plant('json-env')
def _():
    k = aws_secret()
    d = {'family': 'orders', 'containerDefinitions': [{'name': 'orders', 'environment': [
        {'name': 'AWS_REGION', 'value': 'eu-west-1'}, {'name': 'AWS_SECRET_ACCESS_KEY', 'value': k}]}]}
    return J(d), k, 'aws-secret'


@plant('json-env')
def _():
    p = pw()
    d = {'Id': hexs(64), 'Config': {'Hostname': hexs(12), 'Env': ['PATH=/usr/local/bin:/usr/bin', 'MYSQL_ROOT_PASSWORD=' + p, 'MYSQL_DATABASE=' + dbname()]}}
    return J(d), p, 'password'


@plant('json-env')
def _():
    p = pw()
    d = {'TagList': [{'Key': 'Name', 'Value': 'orders-db'}, {'Key': 'db_password', 'Value': p}]}
    return J(d), p, 'password'


@plant('json-env')
def _():
    k = stripe_key()
    d = {'FunctionName': 'charge', 'Environment': {'Variables': {'STAGE': 'prod', 'STRIPE_SECRET': k}}}
    return J(d), k, 'stripe'


@plant('json-env')
def _():
    p = pw('shell')
    d = base('info', 'spawned process')
    d['argv'] = ['/usr/bin/mysqldump', '-h', host(), '-uroot', '-p' + p, dbname()]
    return J(d), p, 'password'


@plant('json-env')
def _():
    p = pw('shell')
    d = base('info', 'exec')
    d['args'] = ['--db-host', host(), '--db-password', p, '--migrate']
    return J(d), p, 'password'


@plant('json-env')
def _():
    p = pw('shell')
    d = base('info', 'job started')
    d['command'] = ['sh', '-c', 'PGPASSWORD=%s pg_dump -h %s -U %s %s | gzip > /backup/db.sql.gz' % (p, host(), user(), dbname())]
    return J(d), p, 'password'


@plant('json-env')
def _():
    k = npm_tok()
    d = {'name': 'NPM_TOKEN', 'value': k}
    return J({'env': [d], 'job': 'publish'}), k, 'npm-token'


@plant('json-env')
def _():
    p = pw()
    d = {'apiVersion': 'v1', 'kind': 'ConfigMap', 'data': {'application.properties': 'server.port=8080\nspring.datasource.password=%s\nlogging.level.root=INFO\n' % p}}
    return J(d), p, 'password'


@plant('json-env')
def _():
    k = aws_secret()
    d = {'proc': {'pid': R.randint(100, 99999), 'cmdline': 'aws configure set aws_secret_access_key %s' % k}}
    return J(d), k, 'aws-secret'


# ====================================================================== escaped JSON / text inside strings
@plant('json-escaped')
def _():
    p = pw()
    inner = {'user': R.choice(FIRST), 'password': p}
    d = base('debug', 'request body: ' + esc(inner))
    return J(d), p, 'password'


@plant('json-escaped')
def _():
    p = pw('shell')
    d = {'log': '%s INFO  [main] db connect password=%s host=%s\n' % (ts_iso(), p, host()), 'stream': 'stdout', 'time': ts_iso(9)}
    return J(d), p, 'password'


@plant('json-escaped')
def _():
    t = jwt()
    inner = base('info', 'auth ok')
    inner['token'] = t
    d = {'log': esc(inner) + '\n', 'stream': 'stdout', 'time': ts_iso(9)}
    return J(d), t, 'jwt'


@plant('json-escaped')
def _():
    k = aws_secret()
    d = {'message': 'Loaded env: {"AWS_ACCESS_KEY_ID":"%s","AWS_SECRET_ACCESS_KEY":"%s"}' % (aws_akid('AKIA'), k), 'logGroup': '/aws/lambda/export', 'logStream': '2024/05/02/[$LATEST]' + hexs(32)}
    return J(d), k, 'aws-secret'


@plant('json-escaped')
def _():
    p = pw('url')
    d = base('debug', 'POST /oauth/token body="grant_type=password&username=%s&password=%s&client_id=web"' % (R.choice(FIRST), p))
    return J(d), p, 'password'


@plant('json-escaped')
def _():
    t = jwt()
    d = base('debug', 'upstream request headers:\nHost: api.internal\nAuthorization: Bearer %s\nAccept: */*' % t)
    return J(d), t, 'jwt'


@plant('json-escaped')
def _():
    c = card()
    inner = {'order': {'id': R.randint(1, 99999), 'payment': {'card_number': c, 'exp': '12/27'}}}
    d = {'Records': [{'messageId': uuid4(), 'body': esc(inner), 'eventSource': 'aws:sqs'}]}
    return J(d), c, 'card'


@plant('json-escaped')
def _():
    p = pw()
    inner = {'level': 'info', 'msg': 'cfg', 'config': {'db': {'password': p}}}
    d = {'log': esc(inner), 'kubernetes': {'pod_name': 'api-' + rs(5, LO + DIG), 'namespace_name': 'prod', 'container_name': 'api'}}
    return J(d), p, 'password'


@plant('json-escaped')
def _():
    e = email()
    d = base('warn', 'Validation failed for {"email":"%s","age":17}' % e)
    return J(d), e, 'email'


@plant('json-escaped')
def _():
    k = ghp()
    d = {'log': '+ git clone https://x-access-token:%s@github.com/acme/site.git\n' % k, 'stream': 'stderr', 'time': ts_iso(9)}
    return J(d), k, 'github-token'


@plant('json-escaped')
def _():
    p = pw('sql')
    d = base('info', "executing: ALTER USER app WITH PASSWORD '%s'" % p)
    return J(d), p, 'password'


@plant('json-escaped')
def _():
    p = pw()
    d = {'message': 'java.lang.RuntimeException: bad config {spring.datasource.password=%s, spring.datasource.username=%s}\n\tat com.acme.App.main(App.java:42)' % (p, user()), 'level': 'ERROR'}
    return J(d), p, 'password'


@plant('json-escaped')
def _():
    p = pw().replace('"', '')
    msg = ("\n\n***************************\nAPPLICATION FAILED TO START\n***************************\n\nDescription:\n\n"
           "Failed to bind properties under 'app.datasource.password' to char[]:\n\n    Property: app.datasource.password\n    Value: \"%s\"\n"
           "    Origin: System Environment Property \"APP_DATASOURCE_PASSWORD\"\n    Reason: failed to convert\n" % p)
    d = {'@timestamp': ts_iso(), 'level': 'ERROR', 'logger_name': 'o.s.b.d.LoggingFailureAnalysisReporter', 'thread_name': 'main', 'message': msg}
    return J(d), p, 'password'


# ====================================================================== PII in JSON
@plant('json-pii')
def _():
    ph = phone_intl()
    d = base('info', 'contact updated')
    d['customer'] = {'id': R.randint(1, 99999), 'contact': {'phone': ph, 'preferred': 'sms'}}
    return J(d), ph, 'phone'


@plant('json-pii')
def _():
    c = card()
    d = base('error', 'payment declined')
    d['payment'] = {'method': 'card', 'card': {'number': c, 'brand': 'visa', 'exp_month': R.randint(1, 12)}}
    return J(d), c, 'card'


@plant('json-pii')
def _():
    i = iban()
    d = base('info', 'payout scheduled')
    d['billing'] = {'account_holder': 'ACME GmbH', 'iban': i, 'bic': 'DEUTDEFF'}
    return J(d), i, 'iban'


@plant('json-pii')
def _():
    s = ssn()
    d = base('info', 'kyc check')
    d['applicant'] = {'id': R.randint(1, 99999), 'ssn': s, 'dob_year': R.randint(1950, 2004)}
    return J(d), s, 'ssn'


@plant('json-pii')
def _():
    e = email()
    d = base('info', 'mail queued')
    d['mail'] = {'to': ['%s %s <%s>' % (R.choice(FIRST).capitalize(), R.choice(LAST).capitalize(), e)], 'template': 'receipt'}
    return J(d), e, 'email'


@plant('json-pii')
def _():
    e = email()
    d = base('warn', 'Password reset requested for %s' % e)
    return J(d), e, 'email'


@plant('json-pii')
def _():
    ip = ipv4()
    d = base('info', 'request')
    d['client'] = {'ip': ip, 'geo': {'country_iso_code': 'DE'}}
    return J(d), ip, 'ipv4'


@plant('json-pii')
def _():
    ph = phone_intl()
    d = base('info', 'OTP sent to %s' % ph)
    return J(d), ph, 'phone'


@plant('json-pii')
def _():
    i = iban()
    d = base('warn', 'SEPA transfer rejected: IBAN %s invalid for creditor' % i)
    return J(d), i, 'iban'


@plant('json-pii')
def _():
    e = email()
    d = {'@timestamp': ts_iso(), 'log.level': 'info', 'user.email': e, 'event.action': 'login'}
    return J(d), e, 'email'


@plant('json-pii')
def _():
    s = ssn()
    d = base('error', 'import row rejected')
    d['row'] = {'employee': R.choice(FIRST), 'tax_id': s, 'reason': 'duplicate'}
    return J(d), s, 'ssn'


@plant('json-pii')
def _():
    c = card()
    d = base('debug', 'tokenize request: pan=%s' % c)
    return J(d), c, 'card'


# ====================================================================== cloud event JSON
@plant('json-cloud')
def _():
    k = aws_secret()
    d = {'eventVersion': '1.08', 'eventSource': 'iam.amazonaws.com', 'eventName': 'CreateAccessKey', 'awsRegion': 'us-east-1',
         'responseElements': {'accessKey': {'userName': 'ci', 'accessKeyId': aws_akid('AKIA'), 'status': 'Active', 'secretAccessKey': k}}}
    return J(d), k, 'aws-secret'


@plant('json-cloud')
def _():
    t = aws_session_token()
    d = {'Credentials': {'AccessKeyId': aws_akid('ASIA'), 'SecretAccessKey': '<hidden>', 'SessionToken': t, 'Expiration': ts_iso()}}
    d['Credentials']['SecretAccessKey'] = '********'
    return J(d), t, 'aws-session-token'


@plant('json-cloud')
def _():
    v = b64s(pw())
    d = {'kind': 'Event', 'apiVersion': 'audit.k8s.io/v1', 'level': 'RequestResponse', 'verb': 'create', 'objectRef': {'resource': 'secrets', 'namespace': 'prod', 'name': 'db-creds'},
         'requestObject': {'kind': 'Secret', 'data': {'password': v}}}
    return J(d), v, 'password-b64'


@plant('json-cloud')
def _():
    k = hexs(32)
    d = {'resource': '/v1/forecast', 'httpMethod': 'GET', 'queryStringParameters': {'city': 'Berlin', 'api_key': k}, 'requestContext': {'requestId': uuid4()}}
    return J(d), k, 'query-token'


@plant('json-cloud')
def _():
    t = jwt()
    d = {'resource': '/orders', 'httpMethod': 'POST', 'headers': {'Authorization': t, 'Content-Type': 'application/json'}, 'requestContext': {'requestId': uuid4()}}
    return J(d), t, 'jwt'


@plant('json-cloud')
def _():
    sig = b64(32)
    d = {'operationName': 'GetBlob', 'uri': 'https://acmestore01.blob.core.windows.net/exports/x.csv?sv=2022-11-02&sp=r&se=2024-06-01&sig=' + sig.replace('+', '%2B').replace('/', '%2F').replace('=', '%3D'), 'statusCode': 200}
    s = sig.replace('+', '%2B').replace('/', '%2F').replace('=', '%3D')
    return J(d), s, 'azure-sas'


@plant('json-cloud')
def _():
    p = pw()
    d = {'protoPayload': {'@type': 'type.googleapis.com/google.cloud.audit.AuditLog', 'methodName': 'cloudsql.users.update',
                          'request': {'name': user(), 'password': p, 'instance': 'orders-pg'}}, 'severity': 'NOTICE'}
    return J(d), p, 'password'


@plant('json-cloud')
def _():
    s = hexs(64)
    d = {'level': 'debug', 'msg': 's3 presign', 'url': 'https://acme.s3.amazonaws.com/x.zip?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=%s%%2F20240502%%2Fus-east-1%%2Fs3%%2Faws4_request&X-Amz-Date=20240502T101112Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host&X-Amz-Signature=%s' % (aws_akid(), s)}
    return J(d), s, 'sigv4-signature'


@plant('json-cloud')
def _():
    u = slack_webhook()
    d = {'receiver': 'slack-ops', 'status': 'firing', 'integration': {'type': 'slack', 'api_url': u}}
    return J(d), u, 'slack-webhook'


# ====================================================================== databases in JSON
@plant('json-db')
def _():
    p = pw()
    d = {'t': {'$date': ts_iso()}, 's': 'I', 'c': 'COMMAND', 'id': 51803, 'ctx': 'conn%d' % R.randint(1, 999), 'msg': 'Slow query',
         'attr': {'type': 'command', 'ns': 'admin.$cmd', 'command': {'createUser': user(), 'pwd': p, 'roles': [{'role': 'readWrite', 'db': dbname()}], '$db': 'admin'}, 'durationMillis': R.randint(100, 900)}}
    return J(d), p, 'password'


@plant('json-db')
def _():
    p = pw('sql')
    d = {'timestamp': ts_iso(), 'user': 'postgres', 'dbname': dbname(), 'message': "AUDIT: SESSION,1,1,ROLE,ALTER ROLE,,,ALTER ROLE %s PASSWORD '%s',<not logged>" % (user(), p)}
    return J(d), p, 'password'


@plant('json-db')
def _():
    p = pw('sql')
    d = {'name': 'pg.query', 'attributes': {'db.system': 'mysql', 'db.statement': "CREATE USER '%s'@'%%' IDENTIFIED BY '%s'" % (user(), p)}}
    return J(d), p, 'password'


@plant('json-db')
def _():
    p = pw('url')
    d = {'name': 'connect', 'attributes': {'db.system': 'postgresql', 'db.connection_string': 'postgresql://%s:%s@%s:5432/%s' % (user(), p, host(), dbname())}}
    return J(d), p, 'url-userinfo'


@plant('json-db')
def _():
    p = pw('shell')
    d = {'ts': ts_iso(), 'cmd': ['CONFIG', 'SET', 'requirepass', p], 'client': '10.0.0.%d:5%d' % (R.randint(2, 254), R.randint(1000, 9999))}
    return J(d), p, 'password'


@plant('json-db')
def _():
    p = pw()
    d = {'@timestamp': ts_iso(), 'event': {'dataset': 'elasticsearch.audit'}, 'elasticsearch': {'audit': {'request': {'body': '{"password":"%s","roles":["superuser"]}' % p}, 'action': 'cluster:admin/xpack/security/user/put'}}}
    return J(d), p, 'password'


# ====================================================================== keys / tokens under neutral names
@plant('json-keys')
def _():
    kind, lines = pem('PRIVATE KEY')
    d = {'type': 'service_account', 'project_id': 'acme-prod-%d' % R.randint(100, 999), 'private_key_id': hexs(40),
         'private_key': '-----BEGIN PRIVATE KEY-----\n%s\n-----END PRIVATE KEY-----\n' % '\n'.join(lines),
         'client_email': 'deploy@acme-prod.iam.gserviceaccount.com'}
    return J(d), pem_secret_line(lines), 'private-key'


@plant('json-keys')
def _():
    kind, lines = pem()
    d = base('error', 'TLS setup failed')
    d['tls'] = {'cert_file': '/etc/tls/tls.crt', 'key_pem': '-----BEGIN %s-----\n%s\n-----END %s-----' % (kind, '\n'.join(lines), kind)}
    return J(d), pem_secret_line(lines), 'private-key'


@plant('json-keys')
def _():
    kind, lines = pem('OPENSSH PRIVATE KEY')
    d = base('debug', 'loaded deploy key:\n-----BEGIN OPENSSH PRIVATE KEY-----\n%s\n-----END OPENSSH PRIVATE KEY-----' % '\n'.join(lines))
    return J(d), pem_secret_line(lines), 'private-key'


@plant('json-keys')
def _():
    k = R.choice([ghp, gh_fine, glpat, npm_tok, slack_bot, stripe_key, sendgrid_key, openai_key, anthropic_key, do_tok, shopify_tok, dockerhub_tok])()
    d = base('info', 'stored credential')
    d['value'] = k
    return J(d), k, 'vendor-token'


@plant('json-keys')
def _():
    k = R.choice([ghp, gh_fine, glpat, npm_tok, slack_bot, stripe_key, sendgrid_key, openai_key, anthropic_key, do_tok, shopify_tok, dockerhub_tok, pypi_tok, vault_tok])()
    d = base('warn', 'found what looks like a leaked key in commit %s: %s' % (hexs(8), k))
    return J(d), k, 'vendor-token'


@plant('json-keys')
def _():
    t = jwt()
    d = base('info', 'id token received')
    d['result'] = {'id_token': t}
    return J(d), t, 'jwt'


@plant('json-keys')
def _():
    k = aws_akid('AKIA')
    d = base('info', 'using credentials')
    d['aws'] = {'access_key_id': k, 'region': 'eu-west-1'}
    return J(d), k, 'aws-access-key-id'


@plant('json-keys')
def _():
    k = age_key()
    d = base('info', 'sops')
    d['data'] = k
    return J(d), k, 'age-key'


# ====================================================================== OTLP/JSON
@plant('json-otlp')
def _():
    t = jwt()
    d = {'resourceLogs': [{'resource': {'attributes': [{'key': 'service.name', 'value': {'stringValue': 'orders'}}]},
                           'scopeLogs': [{'logRecords': [{'timeUnixNano': str(R.randint(10 ** 18, 2 * 10 ** 18)), 'body': {'stringValue': 'request'},
                                                          'attributes': [{'key': 'http.request.header.authorization', 'value': {'stringValue': 'Bearer ' + t}}]}]}]}]}
    return J(d), t, 'jwt'


@plant('json-otlp')
def _():
    p = pw('url')
    d = {'resourceSpans': [{'scopeSpans': [{'spans': [{'traceId': hexs(32), 'spanId': hexs(16), 'name': 'GET',
                                                       'attributes': [{'key': 'url.full', 'value': {'stringValue': 'https://%s:%s@internal.example.com/api' % (user(), p)}}]}]}]}]}
    return J(d), p, 'url-userinfo'


@plant('json-otlp')
def _():
    e = email()
    d = {'resourceLogs': [{'scopeLogs': [{'logRecords': [{'body': {'stringValue': 'order confirmation sent to %s' % e}, 'severityText': 'INFO'}]}]}]}
    return J(d), e, 'email'


@plant('json-otlp')
def _():
    k = rs(40)
    d = {'resourceLogs': [{'scopeLogs': [{'logRecords': [{'body': {'stringValue': 'call'}, 'attributes': [
        {'key': 'url.query', 'value': {'stringValue': 'city=Berlin&apikey=%s' % k}}]}]}]}]}
    return J(d), k, 'query-token'


# ====================================================================== LOOK-ALIKES
@look('json-app')
def _():
    d = base('info', 'token issued')
    d['auth'] = {'token_type': 'Bearer', 'expires_in': 3600, 'scope': 'read write'}
    return J(d)


@look('json-app')
def _():
    d = base('info', 'user updated')
    d['user'] = {'id': R.randint(1, 99999), 'password_changed_at': ts_iso(), 'has_password': True, 'mfa_enabled': R.choice([True, False])}
    return J(d)


@look('json-app')
def _():
    d = base('info', 'login')
    d['req'] = {'body': {'username': R.choice(FIRST), 'password': R.choice(['********', '[REDACTED]', '[FILTERED]', '***'])}}
    return J(d)


@look('json-app')
def _():
    d = base('warn', 'invalid password for user %s' % R.choice(FIRST))
    d['attempt'] = R.randint(1, 5)
    return J(d)


@look('json-app')
def _():
    d = base('info', 'password_reset_requested')
    d['event'] = 'password_reset_requested'
    d['user_id'] = R.randint(1, 99999)
    return J(d)


@look('json-app')
def _():
    d = base('info', 'completion')
    d['usage'] = {'prompt_tokens': R.randint(10, 3000), 'completion_tokens': R.randint(10, 3000), 'total_tokens': R.randint(20, 6000)}
    d['max_tokens'] = R.choice([1024, 4096])
    return J(d)


@look('json-app')
def _():
    d = base('info', 'list')
    d['next_page_token'] = b64url(R.choice([12, 24]))
    d['page_size'] = 50
    return J(d)


@look('json-app')
def _():
    d = base('info', 'cache hit')
    d['cache_key'] = 'v2:products:%d:%s' % (R.randint(1, 99999), hexs(8))
    return J(d)


@look('json-app')
def _():
    d = base('info', 'config')
    d['passwordPolicy'] = {'minLength': 12, 'requireDigits': True, 'maxAgeDays': 90}
    return J(d)


@look('json-app')
def _():
    d = base('info', 'request')
    d['request_id'] = uuid4()
    d['trace_id'] = hexs(32)
    d['span_id'] = hexs(16)
    return J(d)


@look('json-app')
def _():
    d = base('info', 'deployed')
    d['commit'] = hexs(40)
    d['image'] = 'registry.example.com/orders@sha256:' + hexs(64)
    d['version'] = '%d.%d.%d' % (R.randint(1, 5), R.randint(0, 30), R.randint(0, 30))
    return J(d)


@look('json-app')
def _():
    d = base('info', 'order created')
    d['order'] = {'id': 'ORD-%s' % digits(8), 'total': R.randint(1, 9999) / 100, 'currency': 'EUR', 'items': R.randint(1, 9)}
    return J(d)


@look('json-app')
def _():
    d = base('info', 'password field left empty')
    d['password'] = R.choice([None, ''])
    return J(d)


@look('json-app')
def _():
    d = base('info', 'settings')
    d['db'] = {'host': host(), 'password': R.choice(['${DB_PASSWORD}', '{{ .Values.db.password }}', 'vault:secret/data/prod/db#password', '%s'])}
    return J(d)


@look('json-app')
def _():
    d = base('info', 'session')
    d['session_expires_in'] = 1800
    d['token_count'] = R.randint(1, 200)
    return J(d)


@look('json-app')
def _():
    d = base('info', 'theme')
    d['colors'] = {'primary': '#' + hexs(6), 'accent': '#' + hexs(6)}
    return J(d)


@look('json-app')
def _():
    d = base('info', 'flags evaluated')
    d['flags'] = [{'key': 'new-checkout', 'value': True}, {'key': 'dark-mode', 'value': 'variant-b'}]
    return J(d)


@look('json-headers')
def _():
    d = base('info', 'request completed', 'pino')
    d['req'] = {'method': 'GET', 'url': '/healthz', 'headers': {'host': 'api.acme.io', 'user-agent': 'kube-probe/1.29', 'x-request-id': uuid4(), 'traceparent': '00-%s-%s-01' % (hexs(32), hexs(16))}}
    return J(d)


@look('json-headers')
def _():
    d = base('info', 'response')
    d['res'] = {'statusCode': 200, 'headers': {'etag': 'W/"%s"' % hexs(16), 'content-type': 'application/json', 'x-ratelimit-remaining': str(R.randint(0, 5000))}}
    return J(d)


@look('json-headers')
def _():
    d = {'startedDateTime': ts_iso(), 'request': {'method': 'GET', 'url': 'https://api.example.com/v1/items', 'headers': [
        {'name': 'Accept', 'value': 'application/json'}, {'name': 'If-None-Match', 'value': '"%s"' % hexs(32)}]}}
    return J(d)


@look('json-headers')
def _():
    d = base('warn', 'unauthorized')
    d['res'] = {'statusCode': 401, 'headers': {'www-authenticate': 'Bearer realm="api", error="invalid_token"'}}
    return J(d)


@look('json-headers')
def _():
    d = {'authority': 'api.acme.io', 'method': 'GET', 'path': '/v1/items?page=%d' % R.randint(1, 99), 'response_code': 200, 'duration': R.randint(1, 500),
         'x_request_id': uuid4(), 'upstream_cluster': 'outbound|8080||orders.prod.svc.cluster.local'}
    return J(d)


@look('json-headers')
def _():
    d = base('info', 'response')
    d['res'] = {'headers': {'set-cookie': ['theme=dark; Path=/', 'lang=en; Path=/']}}
    return J(d)


@look('json-config')
def _():
    d = base('info', 'loaded configuration')
    d['config'] = {'db': {'host': host(), 'port': 5432, 'user': user(), 'sslmode': 'require', 'password_file': '/run/secrets/db_password'}}
    return J(d)


@look('json-config')
def _():
    d = base('info', 'secret references')
    d['secret_name'] = 'prod/%s/db' % dbname()
    d['secretArn'] = 'arn:aws:secretsmanager:eu-west-1:%s:secret:prod/%s/db-%s' % (digits(12), dbname(), rs(6))
    d['kms_key_id'] = uuid4()
    return J(d)


@look('json-config')
def _():
    d = base('info', 'ssh host configured')
    d['public_key'] = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI%s deploy@ci' % rs(43, B64)
    d['fingerprint'] = 'SHA256:' + rs(43, B64)
    return J(d)


@look('json-config')
def _():
    d = base('info', 'tls configured')
    d['certificate'] = '-----BEGIN CERTIFICATE-----\nMIIB%s\n%s\n-----END CERTIFICATE-----\n' % (rs(60, B64), rs(64, B64))
    return J(d)


@look('json-config')
def _():
    d = base('info', 'auth configured')
    d['auth'] = {'method': 'oidc', 'provider': 'okta', 'password_login_enabled': False}
    return J(d)


@look('json-config')
def _():
    d = base('info', 'pool')
    d['hikari'] = {'maximumPoolSize': 10, 'connectionTimeout': 30000, 'jdbcUrl': 'jdbc:postgresql://%s:5432/%s' % (host(), dbname())}
    return J(d)


@look('json-config')
def _():
    d = base('info', 'lockfile')
    d['package'] = {'name': '@acme/ui', 'version': '2.%d.%d' % (R.randint(0, 9), R.randint(0, 9)), 'integrity': 'sha512-' + b64(64), 'resolved': 'https://registry.npmjs.org/@acme/ui/-/ui-2.1.0.tgz'}
    return J(d)


@look('json-env')
def _():
    d = {'kind': 'Pod', 'spec': {'containers': [{'name': 'api', 'env': [{'name': 'DB_PASSWORD', 'valueFrom': {'secretKeyRef': {'name': 'db-creds', 'key': 'password'}}},
                                                                       {'name': 'LOG_LEVEL', 'value': 'info'}]}]}}
    return J(d)


@look('json-env')
def _():
    d = {'Config': {'Env': ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin', 'LANG=C.UTF-8', 'JAVA_VERSION=17.0.%d' % R.randint(1, 11), 'POSTGRES_PASSWORD_FILE=/run/secrets/pg']}}
    return J(d)


@look('json-env')
def _():
    d = {'TagList': [{'Key': 'Name', 'Value': 'orders-db'}, {'Key': 'PasswordRotation', 'Value': 'enabled'}, {'Key': 'CostCenter', 'Value': str(R.randint(1000, 9999))}]}
    return J(d)


@look('json-env')
def _():
    d = base('info', 'exec')
    d['args'] = ['--db-host', host(), '--db-password-file', '/run/secrets/db', '--migrate']
    return J(d)


@look('json-env')
def _():
    d = {'env': [{'name': 'TOKEN_TTL', 'value': '3600'}, {'name': 'API_KEY_SECRET_NAME', 'value': 'orders-api-key'}]}
    return J(d)


@look('json-escaped')
def _():
    d = {'log': '%s  INFO 1 --- [main] o.s.b.StartupInfoLogger : Started App in %d.%03d seconds\n' % (ts_iso(), R.randint(1, 30), R.randint(0, 999)), 'stream': 'stdout', 'time': ts_iso(9)}
    return J(d)


@look('json-escaped')
def _():
    inner = {'level': 'info', 'msg': 'user logged in', 'user_id': R.randint(1, 99999), 'request_id': uuid4()}
    d = {'log': esc(inner) + '\n', 'stream': 'stdout', 'time': ts_iso(9)}
    return J(d)


@look('json-escaped')
def _():
    d = {'Records': [{'messageId': uuid4(), 'receiptHandle': 'AQEB' + rs(120, B64), 'body': esc({'order_id': R.randint(1, 99999), 'status': 'paid'}), 'md5OfBody': hexs(32)}]}
    return J(d)


@look('json-escaped')
def _():
    d = base('warn', 'login failed: {"error":"invalid_grant","error_description":"Invalid user credentials"}')
    return J(d)


@look('json-pii')
def _():
    d = base('info', 'device seen')
    d['device'] = {'mac': mac(), 'firmware': '%d.%d.%d' % (R.randint(1, 9), R.randint(0, 20), R.randint(0, 99))}
    return J(d)


@look('json-pii')
def _():
    d = base('info', 'catalog')
    d['book'] = {'isbn': '978-%d-%02d-%06d-%d' % (R.randint(0, 1), R.randint(10, 99), R.randint(0, 999999), R.randint(0, 9)), 'title': 'Systems Performance'}
    return J(d)


@look('json-pii')
def _():
    d = base('info', 'shipment')
    d['tracking_number'] = non_luhn_16()
    d['carrier'] = 'DHL'
    return J(d)


@look('json-pii')
def _():
    d = base('info', 'user prefs')
    d['user'] = {'id': R.randint(1, 99999), 'phone_verified': True, 'email_verified': False, 'locale': 'de-DE'}
    return J(d)


@look('json-pii')
def _():
    d = base('info', 'build finished')
    d['build'] = '%d.%02d.%02d.%d' % (2024, R.randint(1, 12), R.randint(1, 28), R.randint(1000, 9999))
    d['build_number'] = R.randint(10 ** 9, 10 ** 10)
    return J(d)


@look('json-pii')
def _():
    d = base('info', 'git')
    d['remote'] = 'git@github.com:acme/%s.git' % dbname()
    return J(d)


@look('json-cloud')
def _():
    d = {'kind': 'Event', 'apiVersion': 'audit.k8s.io/v1', 'level': 'Metadata', 'auditID': uuid4(), 'stage': 'ResponseComplete', 'verb': 'get',
         'user': {'username': 'system:serviceaccount:prod:api', 'uid': uuid4()}, 'objectRef': {'resource': 'secrets', 'namespace': 'prod', 'name': 'db-creds'},
         'annotations': {'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': 'RBAC: allowed by RoleBinding "api-secrets/prod" of Role "secret-reader" to ServiceAccount "api/prod"'}}
    return J(d)


@look('json-cloud')
def _():
    d = {'eventVersion': '1.08', 'eventSource': 's3.amazonaws.com', 'eventName': 'GetObject', 'requestParameters': {'bucketName': 'acme-exports', 'key': 'reports/2024/05/%s.csv' % uuid4()},
         'requestID': rs(16, UP + DIG), 'eventID': uuid4(), 'recipientAccountId': digits(12)}
    return J(d)


@look('json-cloud')
def _():
    d = {'Contents': [{'Key': 'exports/%s.parquet' % uuid4(), 'ETag': '"%s"' % hexs(32), 'Size': R.randint(1000, 10 ** 8), 'StorageClass': 'STANDARD'}]}
    return J(d)


@look('json-cloud')
def _():
    d = {'metadata': {'name': 'api-%s' % rs(5, LO + DIG), 'namespace': 'prod', 'uid': uuid4(), 'resourceVersion': str(R.randint(10 ** 6, 10 ** 9))},
         'status': {'containerStatuses': [{'containerID': 'containerd://' + hexs(64), 'imageID': 'registry.example.com/api@sha256:' + hexs(64)}]}}
    return J(d)


@look('json-cloud')
def _():
    d = {'eventVersion': '1.08', 'eventName': 'AssumeRole', 'userIdentity': {'type': 'AWSService', 'invokedBy': 'ecs-tasks.amazonaws.com'},
         'responseElements': {'credentials': {'accessKeyId': 'ASIA' + 'X' * 16, 'expiration': 'May 2, 2024, 11:11:12 AM'}} if False else None,
         'requestParameters': {'roleArn': 'arn:aws:iam::%s:role/orders-task' % digits(12), 'roleSessionName': hexs(32)}}
    del d['responseElements']
    return J(d)


@look('json-db')
def _():
    d = {'t': {'$date': ts_iso()}, 's': 'I', 'c': 'ACCESS', 'id': 20250, 'ctx': 'conn%d' % R.randint(1, 999), 'msg': 'Authentication succeeded',
         'attr': {'mechanism': 'SCRAM-SHA-256', 'speculative': True, 'principalName': user(), 'authenticationDatabase': 'admin', 'remote': '10.0.0.%d:5%d' % (R.randint(2, 254), R.randint(1000, 9999))}}
    return J(d)


@look('json-db')
def _():
    d = {'name': 'pg.query', 'attributes': {'db.system': 'postgresql', 'db.statement': 'SELECT id, email_verified, password_changed_at FROM users WHERE id = $1'}}
    return J(d)


@look('json-db')
def _():
    d = {'t': {'$date': ts_iso()}, 's': 'I', 'c': 'COMMAND', 'id': 51803, 'msg': 'Slow query', 'attr': {'ns': '%s.orders' % dbname(), 'command': {'find': 'orders', 'filter': {'_id': {'$oid': hexs(24)}}}, 'durationMillis': R.randint(100, 900)}}
    return J(d)


@look('json-otlp')
def _():
    d = {'resourceSpans': [{'scopeSpans': [{'spans': [{'traceId': hexs(32), 'spanId': hexs(16), 'parentSpanId': hexs(16), 'name': 'GET /api/orders',
                                                       'attributes': [{'key': 'http.response.status_code', 'value': {'intValue': '200'}}, {'key': 'url.path', 'value': {'stringValue': '/api/orders'}}]}]}]}]}
    return J(d)


@look('json-otlp')
def _():
    d = {'resourceLogs': [{'scopeLogs': [{'logRecords': [{'timeUnixNano': str(R.randint(10 ** 18, 2 * 10 ** 18)), 'body': {'stringValue': 'token refreshed, expires_in=3600'},
                                                          'traceId': hexs(32), 'spanId': hexs(16)}]}]}]}
    return J(d)
