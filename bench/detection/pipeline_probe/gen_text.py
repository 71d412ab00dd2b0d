"""Plain-text log lines: planted (one synthetic secret each) and look-alikes (no secret).
Each planted template returns (line, secret_as_it_appears, kind)."""
import urllib.parse
from gen_common import *  # noqa

P = {}   # area -> list of planted templates
L = {}   # area -> list of look-alike templates


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


q = urllib.parse.quote

# ====================================================================== JAVA / SPRING
@plant('java-spring')
def _():
    p = pw('url')
    return (spring('INFO', 'com.zaxxer.hikari.HikariConfig') +
            'jdbcUrl.........................jdbc:postgresql://%s:5432/%s?user=%s&password=%s&sslmode=require'
            % (host(), dbname(), user(), p), p, 'password')


@plant('java-spring')
def _():
    p = pw('url')
    return (spring('DEBUG', 'com.zaxxer.hikari.HikariConfig') +
            'dataSourceProperties............{password=%s, user=%s}' % (p, user()), p, 'password')


@plant('java-spring')
def _():
    p = pw('url')
    return (spring('ERROR', 'o.h.engine.jdbc.spi.SqlExceptionHelper') +
            'Cannot create PoolableConnectionFactory (Access denied for jdbc:mysql://%s:%s@%s:3306/%s?useSSL=false)'
            % (user(), p, host(), dbname()), p, 'password')


@plant('java-spring')
def _():
    p = pw('sql')
    p = p.replace(';', '')
    return ('\tat com.microsoft.sqlserver.jdbc.SQLServerConnection.connect(SQLServerConnection.java:1296) url='
            'jdbc:sqlserver://%s:1433;databaseName=%s;user=%s;password=%s;encrypt=true;trustServerCertificate=false'
            % (host(), dbname(), user(), p), p, 'password')


@plant('java-spring')
def _():
    p = pw('alnum')
    return (spring('INFO', 'o.s.b.a.jdbc.DataSourceInitializer') +
            'Using datasource jdbc:oracle:thin:%s/%s@//%s:1521/ORCLPDB1' % (user(), p, host()), p, 'password')


@plant('java-spring')
def _():
    p = pw()
    return ('spring.datasource.password=%s' % p, p, 'password')


@plant('java-spring')
def _():
    p = pw()
    return ('    spring.datasource.password = %s' % p, p, 'password')


@plant('java-spring')
def _():
    p = pw()
    return (spring('DEBUG', 'o.s.c.e.PropertySourcesPropertyResolver') +
            "Found key 'spring.rabbitmq.password' in [applicationConfig: [classpath:/application-prod.properties]] with type [String] and value '%s'" % p,
            p, 'password')


@plant('java-spring')
def _():
    p = pw()
    return ('        "spring.mail.password" : { "value" : "%s", "origin" : "class path resource [application-prod.yml] - 41:17" },' % p,
            p, 'password')


@plant('java-spring')
def _():
    k = aws_secret()
    return ('cloud.aws.credentials.secret-key=%s' % k, k, 'aws-secret')


@plant('java-spring')
def _():
    p = pw()
    return (spring('WARN', 'o.s.b.c.p.s.PropertiesLauncher') +
            'Ignoring invalid property app.jwt.signing-secret=%s (expected 32 bytes)' % p, p, 'password')


@plant('java-spring')
def _():
    p = pw('url')
    return ('Caused by: org.springframework.web.client.ResourceAccessException: I/O error on GET request for '
            '"https://%s:%s@nexus.internal.example.com/service/rest/v1/components": Connection reset' % (user(), p), p, 'url-userinfo')


@plant('java-spring')
def _():
    p = pw()
    return (spring('DEBUG', 'o.a.k.clients.consumer.ConsumerConfig') +
            'sasl.jaas.config = org.apache.kafka.common.security.plain.PlainLoginModule required username="%s" password="%s";'
            % (user(), p), p, 'password')


@plant('java-spring')
def _():
    k = aws_secret()
    return (spring('DEBUG', 'c.a.auth.profile.internal.BasicProfile') +
            'Loaded profile [default] {aws_access_key_id=%s, aws_secret_access_key=%s, region=eu-west-1}' % (aws_akid('AKIA'), k),
            k, 'aws-secret')


@plant('java-spring')
def _():
    p = pw()
    p = p.replace("'", '')
    return ('Caused by: org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException: Property spring.datasource.password '
            'with value \'%s\' is invalid: must not contain whitespace' % p, p, 'password')


@plant('java-spring')
def _():
    p = pw()
    return (spring('INFO', 'c.e.o.config.StartupConfigLogger') +
            'Effective config: DbConfig(url=jdbc:postgresql://%s/%s, username=%s, password=%s, poolSize=10)'
            % (host(), dbname(), user(), p), p, 'password')


@plant('java-spring')
def _():
    p = pw('shell')
    return ('java -Dspring.profiles.active=prod -Ddb.password=%s -Xmx2g -jar /opt/app/orders-service.jar' % p, p, 'password')


@plant('java-spring')
def _():
    p = pw()
    return ('keystore.password=%s' % p, p, 'password')


@plant('java-spring')
def _():
    j = jwt()
    return (spring('DEBUG', 'o.s.s.o.s.r.a.JwtAuthenticationProvider') +
            'Failed to authenticate since the JWT was invalid: %s' % j, j, 'jwt')


# ---------------- look-alikes
@look('java-spring')
def _():
    return spring('INFO', 'com.zaxxer.hikari.HikariConfig') + 'password........................<masked>'


@look('java-spring')
def _():
    return spring('INFO', 'com.zaxxer.hikari.HikariDataSource') + 'HikariPool-%d - Start completed.' % R.randint(1, 3)


@look('java-spring')
def _():
    return 'spring.datasource.password=${DB_PASSWORD}'


@look('java-spring')
def _():
    return 'spring.datasource.password=${vcap.services.%s.credentials.password}' % dbname()


@look('java-spring')
def _():
    return ('java.sql.SQLException: Access denied for user \'%s\'@\'%s\' (using password: YES)' % (user(), ipv4()))


@look('java-spring')
def _():
    return (spring('INFO', 'o.s.b.StartupInfoLogger') +
            'Started OrdersApplication in %d.%03d seconds (process running for %d.%d)' % (R.randint(3, 30), R.randint(0, 999), R.randint(4, 40), R.randint(0, 9)))


@look('java-spring')
def _():
    return ('\tat org.springframework.security.authentication.dao.DaoAuthenticationProvider.additionalAuthenticationChecks(DaoAuthenticationProvider.java:%d)' % R.randint(70, 120))


@look('java-spring')
def _():
    return (spring('WARN', 'o.s.s.c.bcrypt.BCryptPasswordEncoder') + 'Encoded password does not look like BCrypt')


@look('java-spring')
def _():
    return (spring('INFO', 'o.s.b.w.e.tomcat.TomcatWebServer') + 'Tomcat started on port %d (http) with context path \'/\'' % R.choice([8080, 8081, 9090]))


@look('java-spring')
def _():
    return (spring('INFO', 'o.s.b.a.l.ConditionEvaluationReportLogger') +
            'spring.datasource.url=jdbc:postgresql://%s:5432/%s?sslmode=verify-full&ApplicationName=orders' % (host(), dbname()))


@look('java-spring')
def _():
    return (spring('DEBUG', 'o.s.web.servlet.DispatcherServlet') +
            'POST "/api/v1/auth/password-reset?token_type=email&expires_in=3600", parameters={masked}')


@look('java-spring')
def _():
    return ('  .   ____          _            __ _ _   :: Spring Boot ::                (v3.%d.%d)' % (R.randint(0, 3), R.randint(0, 9)))


@look('java-spring')
def _():
    return (spring('INFO', 'o.h.e.t.j.p.i.JtaPlatformInitiator') +
            'HHH000490: Using JtaPlatform implementation: [org.hibernate.engine.transaction.jta.platform.internal.NoJtaPlatform]')


@look('java-spring')
def _():
    return (spring('INFO', 'o.f.c.i.database.base.BaseDatabaseType') +
            'Successfully applied %d migrations to schema "public", now at version v%d (execution time 00:0%d.%03ds)'
            % (R.randint(1, 9), R.randint(10, 200), R.randint(0, 9), R.randint(0, 999)))


# ====================================================================== TOMCAT / JETTY
@plant('tomcat-jetty')
def _():
    p = pw('sql').replace('"', '')
    return ('%s INFO [main] org.apache.catalina.startup.Catalina.load  <Resource name="jdbc/%s" auth="Container" type="javax.sql.DataSource" '
            'username="%s" password="%s" url="jdbc:mysql://%s/%s"/>' % (ts_space(), dbname(), user(), p, host(), dbname()), p, 'password')


@plant('tomcat-jetty')
def _():
    p = pw()
    return ('  <user username="%s" password="%s" roles="manager-gui,admin-gui"/>' % (user(), p), p, 'password')


@plant('tomcat-jetty')
def _():
    b = basic_b64()
    return ('%s DEBUG [qtp%d-%d] org.eclipse.jetty.client.HttpRequest  GET https://api.partner.example/v2/orders HTTP/1.1 '
            'Accept-Encoding: gzip Authorization: Basic %s' % (ts_space(), R.randint(10000, 99999), R.randint(10, 99), b), b, 'basic-auth')


@plant('tomcat-jetty')
def _():
    s = session_id()
    return ('%s DEBUG [http-nio-8080-exec-%d] o.a.c.c.C.[.[.[/].[dispatcherServlet]  Set-Cookie: JSESSIONID=%s; Path=/; Secure; HttpOnly'
            % (ts_space(), R.randint(1, 10), s), s, 'session-id')


@plant('tomcat-jetty')
def _():
    p = pw('shell')
    return ('%s INFO [main] org.apache.catalina.startup.VersionLoggerListener.log Command line argument: -Djavax.net.ssl.keyStorePassword=%s'
            % (ts_space(), p), p, 'password')


@plant('tomcat-jetty')
def _():
    p = pw('alnum')
    return ('%s INFO [main] org.apache.catalina.startup.VersionLoggerListener.log Command line argument: -Dapp.db.pass=%s'
            % (ts_space(), p), p, 'password')


@plant('tomcat-jetty')
def _():
    t = jwt()
    return ('%s DEBUG org.eclipse.jetty.server.HttpChannel REQUEST for //api.example.com/v1/me on HttpChannelOverHttp@%s{s=HttpChannelState@%s, '
            'r=1} GET //api.example.com/v1/me HTTP/1.1 Host: api.example.com Authorization: Bearer %s'
            % (ts_space(), hexs(8), hexs(8), t), t, 'jwt')


@look('tomcat-jetty')
def _():
    return ('%s INFO [main] org.apache.catalina.startup.VersionLoggerListener.log Command line argument: -Djava.io.tmpdir=/usr/local/tomcat/temp' % ts_space())


@look('tomcat-jetty')
def _():
    return ('%s INFO [main] org.apache.catalina.startup.VersionLoggerListener.log Command line argument: -Djavax.net.ssl.keyStorePassword=${KEYSTORE_PASS}' % ts_space())


@look('tomcat-jetty')
def _():
    return ('%s INFO [main] org.apache.catalina.core.StandardService.startInternal Starting service [Catalina]' % ts_space())


@look('tomcat-jetty')
def _():
    return ('%s INFO org.eclipse.jetty.server.session.DefaultSessionIdManager DefaultSessionIdManager workerName=node0' % ts_space())


@look('tomcat-jetty')
def _():
    return ('%s WARN [http-nio-8080-exec-%d] o.a.c.realm.RealmBase Login failed for user [%s]: invalid password' % (ts_space(), R.randint(1, 9), user()))


@look('tomcat-jetty')
def _():
    return ('%s INFO org.eclipse.jetty.server.AbstractConnector Started ServerConnector@%s{HTTP/1.1, (http/1.1)}{0.0.0.0:8080}' % (ts_space(), hexs(8)))


# ====================================================================== ANSIBLE
@plant('ansible')
def _():
    p = pw('shell')
    return ('changed: [web-%02d] => {"changed": true, "cmd": "mysql -uroot -p%s -e \'CREATE DATABASE IF NOT EXISTS %s\'", "rc": 0}'
            % (R.randint(1, 20), p, dbname()), p, 'password')


@plant('ansible')
def _():
    p = pw()
    return ('ok: [db-%02d] => (item={\'name\': \'%s\', \'password\': \'%s\', \'priv\': \'%s.*:ALL\'})'
            % (R.randint(1, 9), user(), p, dbname()), p, 'password')


@plant('ansible')
def _():
    p = pw()
    return ('        "login_password": "%s",' % p, p, 'password')


@plant('ansible')
def _():
    p = pw()
    return ('    "invocation": {"module_args": {"name": "%s", "password": "%s", "login_user": "postgres", "state": "present"}},'
            % (user(), p), p, 'password')


@plant('ansible')
def _():
    p = pw('shell')
    return ('<%s> SSH: EXEC sshpass -p %s ssh -C -o ControlMaster=auto -o ControlPersist=60s -o User="deploy" %s \'/bin/sh -c \'"\'"\'echo ~deploy && sleep 0\'"\'"\'\''
            % (ipv4(), p, ipv4()), p, 'password')


@plant('ansible')
def _():
    p = pw('shell')
    return ('ansible-playbook -i inventory/prod site.yml -e ansible_become_pass=%s -vvv' % p, p, 'password')


@plant('ansible')
def _():
    p = pw('shell')
    return ('web-03 ansible_host=%s ansible_user=deploy ansible_password=%s ansible_become=true' % (ipv4(), p), p, 'password')


@plant('ansible')
def _():
    t = ghp()
    return ('TASK [deploy : clone repository] ***** changed: [app-01] => {"after": "%s", "before": null, "changed": true, '
            '"repo": "https://%s@github.com/acme/orders.git"}' % (hexs(40), t), t, 'github-token')


@plant('ansible')
def _():
    p = pw()
    return ('ok: [localhost] => {"ansible_facts": {"vault_db_password": "%s"}, "changed": false}' % p, p, 'password')


@plant('ansible')
def _():
    p = pw('shell')
    return ('<app-02> EXEC /bin/sh -c \'echo BECOME-SUCCESS-%s ; PGPASSWORD=%s /usr/bin/python3 /home/deploy/.ansible/tmp/AnsiballZ_postgresql_user.py\''
            % (rs(32, LO), p), p, 'password')


@plant('ansible')
def _():
    k = aws_secret()
    return ('ok: [localhost] => (item={\'key\': \'AWS_SECRET_ACCESS_KEY\', \'value\': \'%s\'})' % k, k, 'aws-secret')


@look('ansible')
def _():
    return ('ok: [web-%02d] => (item={\'name\': \'%s\', \'password\': \'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER\'})' % (R.randint(1, 9), user()))


@look('ansible')
def _():
    return ('changed: [db-%02d] => {"censored": "the output has been hidden due to the fact that \'no_log: true\' was specified for this result", "changed": true}' % R.randint(1, 9))


@look('ansible')
def _():
    return ('<%s> ESTABLISH SSH CONNECTION FOR USER: deploy' % ipv4())


@look('ansible')
def _():
    return ('TASK [postgres : ensure password_encryption is scram-sha-256] ****************************************')


@look('ansible')
def _():
    return ('<app-0%d> PUT /home/runner/.ansible/tmp/ansible-local-%d%s/tmp%s TO /home/deploy/.ansible/tmp/ansible-tmp-%d.%d-%d-%d/AnsiballZ_command.py'
            % (R.randint(1, 9), R.randint(1000, 9999), rs(8, LO + DIG), rs(8, LO + DIG + '_'), R.randint(1714500000, 1715000000), R.randint(10, 99), R.randint(1000, 9999), R.randint(10 ** 13, 10 ** 14)))


@look('ansible')
def _():
    return ('        "password": "{{ vault_%s_password }}",' % dbname())


@look('ansible')
def _():
    return ('PLAY RECAP *** app-0%d : ok=%d changed=%d unreachable=0 failed=0 skipped=%d rescued=0 ignored=0'
            % (R.randint(1, 9), R.randint(10, 60), R.randint(0, 9), R.randint(0, 20)))


# ====================================================================== TERRAFORM
@plant('terraform')
def _():
    p = pw()
    return ('      + password                              = "%s"' % p, p, 'password')


@plant('terraform')
def _():
    p = pw()
    return ('              ~ "DB_PASSWORD" = "%s" -> "%s"' % (pw(), p), p, 'password')


@plant('terraform')
def _():
    k = aws_secret()
    return ('      + secret                          = "%s"' % k, k, 'aws-secret')


@plant('terraform')
def _():
    p = pw()
    return ('db_master_password = "%s"' % p, p, 'password')


@plant('terraform')
def _():
    t = tfc_tok()
    return ('credentials "app.terraform.io" { token = "%s" }' % t, t, 'tfc-token')


@plant('terraform')
def _():
    p = pw('shell')
    return ('+ TF_VAR_db_password=%s terraform apply -auto-approve -input=false tfplan' % p, p, 'password')


@plant('terraform')
def _():
    k = azure_storage_key()
    return ('            "primary_access_key": "%s",' % k, k, 'azure-key')


@plant('terraform')
def _():
    p = pw()
    return ('      + value     = jsonencode({ "username" = "%s", "password" = "%s" })' % (user(), p), p, 'password')


@plant('terraform')
def _():
    s = 'B' + rs(43, B64)
    return ('            "ses_smtp_password_v4": "%s",' % s, s, 'password')


@plant('terraform')
def _():
    p = pw()
    p = pw('url')
    return ('2024-05-02T10:11:12.345Z [DEBUG] provider.terraform-provider-aws_v5.49.0_x5: HTTP Request Sent: aws.region=eu-west-1 aws.service=RDS '
            'aws.operation=CreateDBInstance http.request.body="Action=CreateDBInstance&DBInstanceIdentifier=orders-prod&Engine=postgres&MasterUserPassword=%s&MasterUsername=%s&Version=2014-10-31"'
            % (p, user()), p, 'password')


@plant('terraform')
def _():
    t = ghp()
    return ('2024-05-02T10:11:12.123Z [DEBUG] provider.terraform-provider-github_v6.2.1: GET /repos/acme/infra HTTP/1.1 Authorization: token %s' % t, t, 'github-token')


@look('terraform')
def _():
    return ('      ~ master_password                 = (sensitive value)')


@look('terraform')
def _():
    return ('      + id                              = (known after apply)')


@look('terraform')
def _():
    return ('      + password_reset_required         = true')


@look('terraform')
def _():
    return ('aws_db_instance.orders: Still modifying... [id=db-%s, %dm%ds elapsed]' % (rs(26, UP + DIG), R.randint(0, 9), R.randint(0, 59)))


@look('terraform')
def _():
    return ('Plan: %d to add, %d to change, %d to destroy.' % (R.randint(0, 20), R.randint(0, 9), R.randint(0, 3)))


@look('terraform')
def _():
    return ('      + arn                             = "arn:aws:iam::%s:role/%s-deploy"' % (digits(12), dbname()))


@look('terraform')
def _():
    return ('      + etag                            = "%s"' % hexs(32))


@look('terraform')
def _():
    return ('      + kms_key_id                      = "arn:aws:kms:eu-west-1:%s:key/%s"' % (digits(12), uuid4()))


@look('terraform')
def _():
    return ('- Installed hashicorp/aws v5.%d.0 (signed by HashiCorp) h1:%s=' % (R.randint(10, 60), rs(43, B64)))


@look('terraform')
def _():
    return ('      + minimum_password_length       = %d' % R.choice([12, 14, 16]))


@look('terraform')
def _():
    return ('random_password.db: Creation complete after 0s [id=none]')


# ====================================================================== KUBERNETES / HELM
@plant('k8s-helm')
def _():
    p = pw()
    return ('      DB_PASSWORD:                %s' % p, p, 'password')


@plant('k8s-helm')
def _():
    k = stripe_key()
    return ('      STRIPE_SECRET_KEY:          %s' % k, k, 'stripe')


@plant('k8s-helm')
def _():
    p = pw('shell')
    return ('+ helm upgrade --install keycloak bitnami/keycloak -n auth --set auth.adminPassword=%s --wait' % p, p, 'password')


@plant('k8s-helm')
def _():
    p = pw('shell')
    return ('+ kubectl create secret generic db-creds --from-literal=username=%s --from-literal=password=%s -n prod' % (user(), p), p, 'password')


@plant('k8s-helm')
def _():
    p = pw('shell')
    return ('+ kubectl create secret docker-registry regcred --docker-server=registry.example.com --docker-username=ci --docker-password=%s' % p, p, 'password')


@plant('k8s-helm')
def _():
    p = pw()
    v = b64s(p)
    return ('  password: %s' % v, v, 'password-b64')


@plant('k8s-helm')
def _():
    kind, lines = pem('RSA PRIVATE KEY')
    v = b64s('-----BEGIN %s-----\n%s\n-----END %s-----\n' % (kind, '\n'.join(lines), kind))
    return ('    client-key-data: %s' % v, v[200:280], 'private-key-b64')


@plant('k8s-helm')
def _():
    t = b64url(24) + '.' + b64url(24)
    t = rs(6, LO + DIG) + '.' + rs(16, LO + DIG)
    return ('+ kubeadm join 10.0.0.10:6443 --token %s --discovery-token-ca-cert-hash sha256:%s' % (t, hexs(64)), t, 'k8s-bootstrap-token')


@plant('k8s-helm')
def _():
    t = jwt()
    return ('    token: %s' % t, t, 'jwt')


@plant('k8s-helm')
def _():
    p = pw()
    return ('%dm         Warning   Failed              pod/api-%s-%s    Error: failed to create containerd task: exec: "/bin/sh -c mysql -uapp -p%s": stat /bin/sh: no such file'
            % (R.randint(1, 59), hexs(10), rs(5, LO + DIG), p.replace(' ', '')), p.replace(' ', ''), 'password')


@plant('k8s-helm')
def _():
    p = pw()
    return ('  rootPassword: "%s"' % p, p, 'password')


@plant('k8s-helm')
def _():
    p = pw('url')
    return ('      - --datasource=postgres://grafana:%s@%s:5432/grafana?sslmode=disable' % (p, host()), p, 'url-userinfo')


@plant('k8s-helm')
def _():
    p = pw()
    return ('NAME: redis LAST DEPLOYED: Thu May  2 10:11:12 2024 NOTES: To get your password run: export REDIS_PASSWORD=%s' % p.replace(' ', ''), p.replace(' ', ''), 'password')


@look('k8s-helm')
def _():
    return ('      DB_PASSWORD:                <set to the key \'password\' in secret \'db-creds\'>  Optional: false')


@look('k8s-helm')
def _():
    return ('  resourceVersion: "%d"' % R.randint(10 ** 6, 10 ** 9))


@look('k8s-helm')
def _():
    return ('  uid: %s' % uuid4())


@look('k8s-helm')
def _():
    return ('    Container ID:   containerd://%s' % hexs(64))


@look('k8s-helm')
def _():
    return ('    Image ID:       registry.example.com/orders/api@sha256:%s' % hexs(64))


@look('k8s-helm')
def _():
    return ('  Normal   Pulled     %ds   kubelet            Successfully pulled image "nginx:1.%d.%d" in %d.%03ds (%d.%03ds including waiting)'
            % (R.randint(2, 59), R.randint(20, 27), R.randint(0, 5), R.randint(0, 9), R.randint(0, 999), R.randint(0, 9), R.randint(0, 999)))


@look('k8s-helm')
def _():
    return ('      /var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-%s (ro)' % rs(5, LO + DIG))


@look('k8s-helm')
def _():
    return ('  Type:        kubernetes.io/service-account-token')


@look('k8s-helm')
def _():
    return ('    certificate-authority-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUM%s' % rs(120, B64))


@look('k8s-helm')
def _():
    return ('pod/orders-api-%s-%s   1/1     Running   %d (%dh ago)   %dd   %s   node-%d   <none>   <none>'
            % (hexs(10), rs(5, LO + DIG), R.randint(0, 5), R.randint(1, 23), R.randint(1, 90), ipv4(), R.randint(1, 9)))


@look('k8s-helm')
def _():
    return ('  password:  %d bytes' % R.randint(8, 40))


@look('k8s-helm')
def _():
    return ('  Warning  FailedMount  %ds  kubelet  MountVolume.SetUp failed for volume "db-password" : secret "db-password" not found' % R.randint(2, 300))


@look('k8s-helm')
def _():
    return ('      --set auth.existingSecret=keycloak-admin --set auth.passwordSecretKey=admin-password')


@look('k8s-helm')
def _():
    return ('  observedGeneration: %d' % R.randint(1, 40))


# ====================================================================== DOCKER
@plant('docker')
def _():
    p = pw()
    return ('                "POSTGRES_PASSWORD=%s",' % p, p, 'password')


@plant('docker')
def _():
    k = aws_secret()
    return ('            "Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "AWS_SECRET_ACCESS_KEY=%s", "LANG=C.UTF-8"],' % k, k, 'aws-secret')


@plant('docker')
def _():
    p = pw()
    return ('      MYSQL_ROOT_PASSWORD: %s' % p, p, 'password')


@plant('docker')
def _():
    p = pw('shell')
    return ('+ docker login -u ci-bot -p %s registry.gitlab.com' % p, p, 'password')


@plant('docker')
def _():
    p = dockerhub_tok()
    return ('+ docker login --username acmebot --password %s' % p, p, 'dockerhub-token')


@plant('docker')
def _():
    p = pw('shell')
    return ('+ docker run -d --name pg -e POSTGRES_USER=app -e POSTGRES_PASSWORD=%s -p 5432:5432 postgres:16' % p, p, 'password')


@plant('docker')
def _():
    a = b64s('%s:%s' % ('ci-bot', pw()))
    return ('		"registry.example.com": { "auth": "%s" },' % a, a, 'basic-auth')


@plant('docker')
def _():
    p = pw('shell')
    return ('#12 [build 4/9] RUN pip install --index-url https://deploy:%s@pypi.internal.example.com/simple -r requirements.txt' % p, p, 'url-userinfo')


@plant('docker')
def _():
    t = npm_tok()
    return ('#7 [deps 3/5] RUN echo "//registry.npmjs.org/:_authToken=%s" > .npmrc && npm ci' % t, t, 'npm-token')


@plant('docker')
def _():
    p = pw()
    return ('      - RABBITMQ_DEFAULT_PASS=%s' % p, p, 'password')


@plant('docker')
def _():
    k = sendgrid_key()
    return ('      SENDGRID_API_KEY: %s' % k, k, 'sendgrid')


@look('docker')
def _():
    return ('                "Image": "sha256:%s",' % hexs(64))


@look('docker')
def _():
    return ('        "Id": "%s",' % hexs(64))


@look('docker')
def _():
    return ('%s   registry.example.com/orders/api:%d.%d.%d   "/docker-entrypoint.…"   %d hours ago   Up %d hours   0.0.0.0:8080->8080/tcp   orders_api_1'
            % (hexs(12), R.randint(1, 3), R.randint(0, 20), R.randint(0, 9), R.randint(1, 40), R.randint(1, 40)))


@look('docker')
def _():
    return ('#%d sha256:%s %.1fMB / %.1fMB %.1fs done' % (R.randint(3, 20), hexs(64), R.uniform(1, 90), R.uniform(90, 200), R.uniform(0.1, 9)))


@look('docker')
def _():
    return ('%s: Pull complete' % hexs(12))


@look('docker')
def _():
    return ('Digest: sha256:%s' % hexs(64))


@look('docker')
def _():
    return ('      POSTGRES_PASSWORD_FILE: /run/secrets/postgres_password')


@look('docker')
def _():
    return ('      MYSQL_ROOT_PASSWORD: ${MYSQL_ROOT_PASSWORD:?err}')


@look('docker')
def _():
    return ('+ echo "$CI_REGISTRY_PASSWORD" | docker login -u "$CI_REGISTRY_USER" --password-stdin "$CI_REGISTRY"')


@look('docker')
def _():
    return ('WARNING! Your password will be stored unencrypted in /root/.docker/config.json.')


@look('docker')
def _():
    return ('                "MacAddress": "02:42:ac:%s:%s:%s",' % (hexs(2), hexs(2), hexs(2)))


@look('docker')
def _():
    return ('                "IPAddress": "172.%d.0.%d",' % (R.randint(17, 31), R.randint(2, 254)))


# ====================================================================== CI: GitHub Actions
@plant('ci-github')
def _():
    t = ghp()
    return (gha() + '+ git clone https://x-access-token:%s@github.com/acme/%s.git' % (t, dbname()), t, 'github-token')


@plant('ci-github')
def _():
    t = gh_fine()
    return (gha() + '+ curl -sSf -H \'Authorization: token %s\' https://api.github.com/repos/acme/infra/releases/latest' % t, t, 'github-token')


@plant('ci-github')
def _():
    t = ghp()
    return (gha() + '+ echo %s' % t, t, 'github-token')


@plant('ci-github')
def _():
    t = ghp()
    return (gha() + '+ gh auth login --with-token <<< %s' % t, t, 'github-token')


@plant('ci-github')
def _():
    t = pypi_tok()
    return (gha() + '+ twine upload --non-interactive -u __token__ -p %s dist/*' % t, t, 'pypi-token')


@plant('ci-github')
def _():
    t = npm_tok()
    return (gha() + '+ npm config set //registry.npmjs.org/:_authToken %s' % t, t, 'npm-token')


@plant('ci-github')
def _():
    t = cargo_tok()
    return (gha() + '+ cargo publish --token %s --allow-dirty' % t, t, 'cargo-token')


@plant('ci-github')
def _():
    t = rubygems_tok()
    return (gha() + '+ GEM_HOST_API_KEY=%s gem push pkg/acme-client-1.4.2.gem' % t, t, 'rubygems-token')


@plant('ci-github')
def _():
    t = aws_secret()
    return (gha() + '  AWS_SECRET_ACCESS_KEY: %s' % t, t, 'aws-secret')


@plant('ci-github')
def _():
    t = slack_webhook()
    return (gha() + '+ curl -X POST -H \'Content-type: application/json\' --data \'{"text":"deploy ok"}\' %s' % t, t, 'slack-webhook')


@plant('ci-github')
def _():
    t = ghp()
    return (gha() + '+ git remote set-url origin https://%s@github.com/acme/site.git' % t, t, 'github-token')


@plant('ci-github')
def _():
    t = google_api_key()
    return (gha() + '+ export FIREBASE_API_KEY=%s' % t, t, 'google-api-key')


@look('ci-github')
def _():
    return (gha() + '+ echo ***')


@look('ci-github')
def _():
    return (gha() + '  GITHUB_TOKEN: ***')


@look('ci-github')
def _():
    return (gha() + 'HEAD is now at %s Merge pull request #%d from acme/feature/%s' % (hexs(7), R.randint(100, 9999), R.choice(WORDS)))


@look('ci-github')
def _():
    return (gha() + '[command]/usr/bin/git -c protocol.version=2 fetch --no-tags --prune --no-recurse-submodules --depth=1 origin +%s:refs/remotes/pull/%d/merge'
            % (hexs(40), R.randint(100, 9999)))


@look('ci-github')
def _():
    return (gha() + 'Download action repository \'actions/checkout@v4\' (SHA:%s)' % hexs(40))


@look('ci-github')
def _():
    return (gha() + 'Cache restored from key: Linux-node-%s' % hexs(64))


@look('ci-github')
def _():
    return (gha() + '##[debug]Evaluating: secrets.NPM_TOKEN')


@look('ci-github')
def _():
    return (gha() + 'Secret source: Actions')


@look('ci-github')
def _():
    return (gha() + 'Prepare workflow directory Prepare all required actions Getting action download info Job id: %s' % uuid4())


@look('ci-github')
def _():
    return (gha() + 'Artifact digest: sha256:%s' % hexs(64))


@look('ci-github')
def _():
    return (gha() + '+ npm publish --access public  # uses NODE_AUTH_TOKEN from setup-node')


# ====================================================================== CI: GitLab
@plant('ci-gitlab')
def _():
    t = glpat()
    return ('$ git clone https://oauth2:%s@gitlab.example.com/platform/%s.git' % (t, dbname()), t, 'gitlab-token')


@plant('ci-gitlab')
def _():
    t = glpat()
    return ('$ curl --header "PRIVATE-TOKEN: %s" "https://gitlab.example.com/api/v4/projects/%d/releases"' % (t, R.randint(10, 9999)), t, 'gitlab-token')


@plant('ci-gitlab')
def _():
    t = vault_tok()
    return ('$ export VAULT_TOKEN=%s' % t, t, 'vault-token')


@plant('ci-gitlab')
def _():
    p = pw('shell')
    return ('$ ./gradlew publish -PsonatypeUsername=acme-ci -PsonatypePassword=%s --no-daemon' % p, p, 'password')


@plant('ci-gitlab')
def _():
    p = pw('shell')
    return ('$ mvn -B deploy -s ci_settings.xml -Drepo.username=deployer -Drepo.password=%s' % p, p, 'password')


@plant('ci-gitlab')
def _():
    p = pw('shell')
    return ('$ helm repo add internal https://charts.example.com --username ci --password %s' % p, p, 'password')


@plant('ci-gitlab')
def _():
    t = aws_secret()
    return ('$ aws configure set aws_secret_access_key %s --profile deploy' % t, t, 'aws-secret')


@plant('ci-gitlab')
def _():
    t = do_tok()
    return ('$ doctl auth init --access-token %s' % t, t, 'digitalocean-token')


@plant('ci-gitlab')
def _():
    p = pw()
    return ('      <password>%s</password>' % p, p, 'password')


@look('ci-gitlab')
def _():
    return ('Running with gitlab-runner 16.%d.%d (%s)' % (R.randint(0, 11), R.randint(0, 5), hexs(8)))


@look('ci-gitlab')
def _():
    return ('Checking out %s as detached HEAD (ref is main)...' % hexs(8))


@look('ci-gitlab')
def _():
    return ('section_start:%d:prepare_script\r\x1b[0K\x1b[0K\x1b[36;1mPreparing environment\x1b[0;m' % R.randint(1714500000, 1715000000))


@look('ci-gitlab')
def _():
    return ('Uploading artifacts as "archive" to coordinator... 201 Created  id=%d responseStatus=201 Created token=%s' % (R.randint(10 ** 6, 10 ** 8), rs(8, LO + DIG)))


@look('ci-gitlab')
def _():
    return ('$ echo "Using registry password from CI_REGISTRY_PASSWORD (masked)"')


@look('ci-gitlab')
def _():
    return ('Job succeeded  Duration: %dm %ds  Pipeline #%d' % (R.randint(0, 59), R.randint(0, 59), R.randint(10 ** 5, 10 ** 7)))


@look('ci-gitlab')
def _():
    return ('      <password>${env.NEXUS_PASSWORD}</password>')


# ====================================================================== CI: Jenkins
@plant('ci-jenkins')
def _():
    p = pw('shell')
    return ('+ curl -u admin:%s -X POST http://jenkins.internal:8080/job/deploy/build' % p, p, 'password')


@plant('ci-jenkins')
def _():
    p = pw('shell')
    return ('+ wget --user=deploy --password=%s https://artifacts.example.com/releases/app-2.3.1.tar.gz' % p, p, 'password')


@plant('ci-jenkins')
def _():
    k = jfrog_key()
    return ('+ curl -H X-JFrog-Art-Api:%s -T build/libs/app.jar https://acme.jfrog.io/artifactory/libs-release/app.jar' % k, k, 'jfrog-key')


@plant('ci-jenkins')
def _():
    k = aws_secret()
    return ('+ export AWS_SECRET_ACCESS_KEY=%s' % k, k, 'aws-secret')


@plant('ci-jenkins')
def _():
    p = pw('shell')
    return ('+ sshpass -p %s scp -o StrictHostKeyChecking=no target/app.war deploy@%s:/opt/tomcat/webapps/' % (p, host()), p, 'password')


@plant('ci-jenkins')
def _():
    p = pw('shell')
    return ('+ PGPASSWORD=%s psql -h %s -U %s -d %s -f migrations/V42__orders.sql' % (p, host(), user(), dbname()), p, 'password')


@plant('ci-jenkins')
def _():
    p = pw('url')
    return ('+ git clone https://jenkins:%s@bitbucket.example.com/scm/plat/infra.git' % p, p, 'url-userinfo')


@plant('ci-jenkins')
def _():
    t = hex_secret(34)
    return ('+ curl -X POST http://jenkins-bot:%s@jenkins.internal:8080/job/nightly/buildWithParameters?token=release' % ('11' + t), '11' + t, 'jenkins-api-token')


@plant('ci-jenkins')
def _():
    p = pw('shell')
    return ('+ mysql -h %s -u root -p%s -e "SHOW DATABASES"' % (host(), p), p, 'password')


@plant('ci-jenkins')
def _():
    t = postman_tok()
    return ('+ newman run collection.json --env-var "postmanApiKey=%s"' % t, t, 'postman-token')


@plant('ci-jenkins')
def _():
    t = hexs(40)
    return ('+ sonar-scanner -Dsonar.projectKey=orders -Dsonar.host.url=https://sonar.example.com -Dsonar.login=squ_%s' % t, 'squ_' + t, 'sonar-token')


@look('ci-jenkins')
def _():
    return ('[Pipeline] withCredentials Masking supported pattern matches of $DB_PASSWORD or $DB_USER')


@look('ci-jenkins')
def _():
    return ('+ curl -u admin:**** -X POST http://jenkins.internal:8080/job/deploy/build')


@look('ci-jenkins')
def _():
    return ('Started by user %s Running in Durability level: MAX_SURVIVABILITY [Pipeline] Start of Pipeline' % R.choice(FIRST).capitalize())


@look('ci-jenkins')
def _():
    return (' > git rev-parse refs/remotes/origin/main^{commit} # timeout=10 Checking out Revision %s (refs/remotes/origin/main)' % hexs(40))


@look('ci-jenkins')
def _():
    return ('Commit message: "Fix password_reset_requested flag handling (#%d)"' % R.randint(100, 9999))


@look('ci-jenkins')
def _():
    return ('Finished: SUCCESS   Build #%d  %s' % (R.randint(1000, 99999), ts_iso()))


@look('ci-jenkins')
def _():
    return ('+ sshpass -e scp target/app.war deploy@%s:/opt/tomcat/webapps/' % host())


@look('ci-jenkins')
def _():
    return ('+ PGPASSWORD=$DB_PASS psql -h %s -U %s -d %s -c "select 1"' % (host(), user(), dbname()))


# ====================================================================== POSTGRES
def pgp():
    return '%s UTC [%d] %s@%s ' % (ts_space(), R.randint(100, 99999), user(), dbname())


@plant('postgres')
def _():
    p = pw('sql')
    return (pgp() + 'LOG:  statement: ALTER ROLE %s WITH PASSWORD \'%s\';' % (user(), p), p, 'password')


@plant('postgres')
def _():
    p = pw('sql')
    return (pgp() + 'LOG:  statement: CREATE USER %s WITH ENCRYPTED PASSWORD \'%s\' VALID UNTIL \'2025-01-01\';' % (user(), p), p, 'password')


@plant('postgres')
def _():
    p = pw('sql')
    return (pgp() + 'LOG:  duration: %d.%03d ms  statement: alter user %s password \'%s\'' % (R.randint(0, 9), R.randint(0, 999), user(), p), p, 'password')


@plant('postgres')
def _():
    p = pw('sql')
    return (pgp() + 'ERROR:  syntax error at or near "PASSWORD" at character 27 STATEMENT:  CREATE ROLE %s LOGIN PASSWORD %s' % (user(), p), p, 'password')


@plant('postgres')
def _():
    p = pw('url')
    return (pgp() + 'LOG:  statement: SELECT dblink_connect(\'host=%s dbname=%s user=%s password=%s\')' % (host(), dbname(), user(), p), p, 'password')


@plant('postgres')
def _():
    p = pw('url')
    return (pgp() + 'LOG:  statement: CREATE USER MAPPING FOR app SERVER remote_pg OPTIONS (user \'%s\', password \'%s\');' % (user(), p), p, 'password')


@plant('postgres')
def _():
    p = pw('url')
    return ('psql: error: connection to server at "%s" failed: FATAL:  password authentication failed (dsn: postgresql://%s:%s@%s/%s)'
            % (host(), user(), p, host(), dbname()), p, 'url-userinfo')


@look('postgres')
def _():
    return (pgp() + 'FATAL:  password authentication failed for user "%s"' % user())


@look('postgres')
def _():
    return (pgp() + 'DETAIL:  Connection matched pg_hba.conf line %d: "host all all 0.0.0.0/0 scram-sha-256"' % R.randint(80, 120))


@look('postgres')
def _():
    return (pgp() + 'LOG:  statement: ALTER ROLE %s WITH PASSWORD \'SCRAM-SHA-256$4096:%s$%s:%s\';'.replace("'SCRAM", "'SCRAM") %
            (user(), 'XXXX', 'XXXX', 'XXXX')).replace('XXXX', '***') if False else (pgp() + 'LOG:  statement: ALTER ROLE %s VALID UNTIL \'infinity\';' % user())


@look('postgres')
def _():
    return (pgp() + 'LOG:  duration: %d.%03d ms  execute <unnamed>: SELECT id, email_verified, password_changed_at FROM users WHERE id = $1'
            % (R.randint(0, 99), R.randint(0, 999)))


@look('postgres')
def _():
    return (pgp() + 'LOG:  checkpoint complete: wrote %d buffers (%.1f%%); 0 WAL file(s) added, 0 removed, %d recycled; write=%.3f s, sync=%.3f s, total=%.3f s'
            % (R.randint(100, 9999), R.uniform(0, 20), R.randint(0, 9), R.uniform(0, 30), R.uniform(0, 1), R.uniform(0, 30)))


@look('postgres')
def _():
    return (pgp() + 'LOG:  connection authorized: user=%s database=%s application_name=psql SSL enabled (protocol=TLSv1.3, cipher=TLS_AES_256_GCM_SHA384, bits=256)' % (user(), dbname()))


@look('postgres')
def _():
    return (pgp() + 'LOG:  statement: \\password %s' % user())


# ====================================================================== MYSQL
def myg():
    return '%s\t   %d Query\t' % (ts_iso(6), R.randint(5, 9999))


@plant('mysql')
def _():
    p = pw('sql')
    return (myg() + "CREATE USER '%s'@'%%' IDENTIFIED BY '%s'" % (user(), p), p, 'password')


@plant('mysql')
def _():
    p = pw('sql')
    return (myg() + "SET PASSWORD FOR '%s'@'localhost' = '%s'" % (user(), p), p, 'password')


@plant('mysql')
def _():
    p = pw('sql')
    return (myg() + "ALTER USER 'root'@'localhost' IDENTIFIED WITH mysql_native_password BY '%s'" % p, p, 'password')


@plant('mysql')
def _():
    p = pw('sql')
    return (myg() + "GRANT ALL PRIVILEGES ON %s.* TO '%s'@'10.%%' IDENTIFIED BY '%s' WITH GRANT OPTION" % (dbname(), user(), p), p, 'password')


@plant('mysql')
def _():
    p = pw('sql')
    return (myg() + "CHANGE REPLICATION SOURCE TO SOURCE_HOST='%s', SOURCE_USER='repl', SOURCE_PASSWORD='%s', SOURCE_AUTO_POSITION=1" % (host(), p), p, 'password')


@plant('mysql')
def _():
    p = pw('sql')
    return (myg() + "INSERT INTO users (email, password) VALUES ('ops@acme.test', '%s')" % p, p, 'password')


@look('mysql')
def _():
    return ("%s 0 [Note] Access denied for user '%s'@'%s' (using password: YES)" % (ts_iso(6), user(), ipv4()))


@look('mysql')
def _():
    return (myg() + "SELECT id, password_hash IS NOT NULL AS has_password FROM users WHERE email_verified = 1 LIMIT %d" % R.randint(10, 500))


@look('mysql')
def _():
    return ('%s\t   %d Connect\t%s@%s on %s using TCP/IP' % (ts_iso(6), R.randint(5, 9999), user(), host(), dbname()))


@look('mysql')
def _():
    return (myg() + "CREATE USER '%s'@'%%' IDENTIFIED BY <secret>" % user())


@look('mysql')
def _():
    return ("%s 0 [Warning] [MY-010068] [Server] CA certificate ca.pem is self signed." % ts_iso(6))


# ====================================================================== MONGODB
@plant('mongodb')
def _():
    p = pw('url')
    return ('%s I  NETWORK  [conn%d] connecting to mongodb+srv://%s:%s@cluster0.%s.mongodb.net/%s?retryWrites=true&w=majority'
            % (ts_iso(), R.randint(1, 9999), user(), p, rs(5, LO + DIG), dbname()), p, 'url-userinfo')


@plant('mongodb')
def _():
    p = pw('url')
    return ('MONGO_URL=mongodb://%s:%s@mongo-0.mongo:27017,mongo-1.mongo:27017/%s?replicaSet=rs0&authSource=admin' % (user(), p, dbname()), p, 'url-userinfo')


@plant('mongodb')
def _():
    p = pw('shell')
    return ('+ mongosh "mongodb://mongo.internal:27017/admin" --username root --password %s --eval "db.adminCommand({listDatabases:1})"' % p, p, 'password')


@plant('mongodb')
def _():
    p = pw()
    return ('> db.createUser({ user: "%s", pwd: "%s", roles: [ { role: "readWrite", db: "%s" } ] })' % (user(), p, dbname()), p, 'password')


@look('mongodb')
def _():
    return ('%s I  ACCESS   [conn%d] Successfully authenticated as principal %s on admin from client %s:%d'
            % (ts_iso(), R.randint(1, 9999), user(), ipv4(), R.randint(30000, 65000)))


@look('mongodb')
def _():
    return ('> db.createUser({ user: "%s", pwd: passwordPrompt(), roles: [ "readWrite" ] })' % user())


@look('mongodb')
def _():
    return ('MONGO_URL=mongodb://mongo-0.mongo:27017,mongo-1.mongo:27017/%s?replicaSet=rs0' % dbname())


@look('mongodb')
def _():
    return ('%s I  COMMAND  [conn%d] command %s.orders command: find { find: "orders", filter: { _id: ObjectId(\'%s\') } } planSummary: IDHACK keysExamined:1 docsExamined:1 %dms'
            % (ts_iso(), R.randint(1, 9999), dbname(), hexs(24), R.randint(0, 300)))


# ====================================================================== REDIS
@plant('redis')
def _():
    p = pw('shell')
    return ('%d.%06d [0 %s:%d] "CONFIG" "SET" "requirepass" "%s"' % (R.randint(1714500000, 1715000000), R.randint(0, 999999), ipv4(), R.randint(30000, 65000), p), p, 'password')


@plant('redis')
def _():
    p = pw('shell')
    return ('%d.%06d [0 %s:%d] "AUTH" "%s"' % (R.randint(1714500000, 1715000000), R.randint(0, 999999), ipv4(), R.randint(30000, 65000), p), p, 'password')


@plant('redis')
def _():
    p = pw('shell')
    return ('+ redis-cli -h %s -p 6379 -a %s --no-auth-warning PING' % (host(), p), p, 'password')


@plant('redis')
def _():
    p = pw('url')
    return ('%s  INFO %d --- [main] o.s.d.r.c.RedisConnectionFactory : Connecting to redis://:%s@redis-master.cache.svc:6379/0' % (ts_iso(), R.randint(1, 9), p), p, 'url-userinfo')


@plant('redis')
def _():
    p = pw()
    return ('masterauth %s' % p, p, 'password')


@look('redis')
def _():
    return ('1:M %02d May 2024 %02d:%02d:%02d.%03d * Background saving terminated with success' % (R.randint(1, 28), R.randint(0, 23), R.randint(0, 59), R.randint(0, 59), R.randint(0, 999)))


@look('redis')
def _():
    return ('1:M %02d May 2024 %02d:%02d:%02d.%03d # WARNING no password is set for the default user. Use the requirepass config option.' % (R.randint(1, 28), R.randint(0, 23), R.randint(0, 59), R.randint(0, 59), R.randint(0, 999)))


@look('redis')
def _():
    return ('%d.%06d [0 %s:%d] "GET" "session:%s"' % (R.randint(1714500000, 1715000000), R.randint(0, 999999), ipv4(), R.randint(30000, 65000), uuid4()))


@look('redis')
def _():
    return ('%d.%06d [0 %s:%d] "HSET" "user:%d" "last_login" "%d"' % (R.randint(1714500000, 1715000000), R.randint(0, 999999), ipv4(), R.randint(30000, 65000), R.randint(1, 99999), R.randint(1714500000, 1715000000)))


# ====================================================================== ELASTICSEARCH / KIBANA
@plant('elastic')
def _():
    p = pw()
    return ('elasticsearch.password: "%s"' % p, p, 'password')


@plant('elastic')
def _():
    p = pw('shell')
    return ('+ curl -s -u elastic:%s "https://es-coordinating.logging.svc:9200/_cluster/health?pretty"' % p, p, 'password')


@plant('elastic')
def _():
    k = b64s('%s:%s' % (rs(20, ALNUM + '-_'), rs(22, ALNUM + '-_')))
    return ('[%s][INFO ][plugins.fleet] Using Authorization: ApiKey %s for Elasticsearch output' % (ts_iso(), k), k, 'es-apikey')


@plant('elastic')
def _():
    p = pw()
    return ('ELASTIC_PASSWORD=%s' % p, p, 'password')


@plant('elastic')
def _():
    k = hex_secret(32)
    return ('xpack.encryptedSavedObjects.encryptionKey: %s' % k, k, 'encryption-key')


@look('elastic')
def _():
    return ('[%s][INFO ][o.e.c.r.a.AllocationService] [es-master-0] current.health="GREEN" message="Cluster health status changed from [YELLOW] to [GREEN]"' % ts_iso())


@look('elastic')
def _():
    return ('elasticsearch.password: "${ES_PASSWORD}"')


@look('elastic')
def _():
    return ('[%s][WARN ][o.e.x.s.a.RealmsAuthenticator] [es-data-%d] Authentication to realm native1 failed - Password authentication failed for elastic' % (ts_iso(), R.randint(0, 5)))


@look('elastic')
def _():
    return ('[%s][INFO ][o.e.n.Node] [es-data-%d] version[8.%d.%d], pid[%d], build[docker/%s/%s]' % (ts_iso(), R.randint(0, 5), R.randint(10, 14), R.randint(0, 3), R.randint(1, 999), hexs(40), ts_iso()))


# ====================================================================== LDAP
@plant('ldap')
def _():
    p = pw('shell')
    return ('+ ldapsearch -x -H ldaps://ldap.corp.example.com -D "cn=admin,dc=corp,dc=example,dc=com" -w %s -b "ou=people,dc=corp,dc=example,dc=com" "(uid=%s)"'
            % (p, R.choice(FIRST)), p, 'password')


@plant('ldap')
def _():
    p = pw()
    return ('%s DEBUG o.s.l.c.support.AbstractContextSource - Got Ldap context on server \'ldap://ldap.corp:389/dc=corp,dc=example\' '
            'with userDn=cn=svc-gitlab,ou=services,dc=corp,dc=example and password=%s' % (ts_space(), p), p, 'password')


@plant('ldap')
def _():
    p = pw()
    return ('bind_password = "%s"' % p, p, 'password')


@plant('ldap')
def _():
    p = pw()
    return ('  bindCredential: %s' % p, p, 'password')


@plant('ldap')
def _():
    p = pw()
    return ('ldap_default_authtok = %s' % p, p, 'password')


@plant('ldap')
def _():
    p = pw()
    return ('%s slapd[%d]: conn=%d op=0 BIND dn="uid=%s,ou=people,dc=corp,dc=example" method=128 (debug) credentials="%s"'
            % (ts_syslog(), R.randint(100, 9999), R.randint(1000, 99999), R.choice(FIRST), p), p, 'password')


@look('ldap')
def _():
    return ('%s slapd[%d]: conn=%d op=0 BIND dn="uid=%s,ou=people,dc=corp,dc=example" method=128' % (ts_syslog(), R.randint(100, 9999), R.randint(1000, 99999), R.choice(FIRST)))


@look('ldap')
def _():
    return ('%s slapd[%d]: conn=%d op=0 RESULT tag=97 err=49 text=Invalid credentials' % (ts_syslog(), R.randint(100, 9999), R.randint(1000, 99999)))


@look('ldap')
def _():
    return ('%s sssd_be[%d]: Option ldap_default_authtok_type has value password' % (ts_syslog(), R.randint(100, 9999)))


@look('ldap')
def _():
    return ('%s slapd[%d]: conn=%d op=1 SRCH base="ou=people,dc=corp,dc=example" scope=2 deref=0 filter="(&(objectClass=person)(uid=%s))"' % (ts_syslog(), R.randint(100, 9999), R.randint(1000, 99999), R.choice(FIRST)))


# ====================================================================== SMTP
@plant('smtp')
def _():
    u, p = email(), pw()
    v = b64s('\0%s\0%s' % (u, p))
    return ("send: 'AUTH PLAIN %s\\r\\n'" % v, v, 'smtp-auth-b64')


@plant('smtp')
def _():
    u, p = email(), pw()
    v = b64s('\0%s\0%s' % (u, p))
    return ('%s postfix/smtp[%d]: > smtp.sendgrid.net[%s]:587: AUTH PLAIN %s' % (ts_syslog(), R.randint(100, 99999), ipv4(), v), v, 'smtp-auth-b64')


@plant('smtp')
def _():
    v = b64s(pw())
    return ("send: '%s\\r\\n'" % v, v, 'smtp-auth-b64')


@plant('smtp')
def _():
    v = b64s(pw())
    return ('%s exim[%d]: SMTP<< %s' % (ts_syslog(), R.randint(100, 99999), v), v, 'smtp-auth-b64')


@plant('smtp')
def _():
    p = pw()
    return ("%s postfix/smtp[%d]: smtp_sasl_passwd_lookup: host `smtp.office365.com' user `%s' pass `%s'" % (ts_syslog(), R.randint(100, 99999), email(), p), p, 'password')


@plant('smtp')
def _():
    k = sendgrid_key()
    return ('%s postfix/smtp[%d]: debug: SASL authenticating to smtp.sendgrid.net with apikey:%s' % (ts_syslog(), R.randint(100, 99999), k), k, 'sendgrid')


@look('smtp')
def _():
    return ("reply: b'334 VXNlcm5hbWU6\\r\\n'")


@look('smtp')
def _():
    return ("reply: b'334 UGFzc3dvcmQ6\\r\\n'")


@look('smtp')
def _():
    return ("reply: b'235 2.7.0 Authentication successful\\r\\n'")


@look('smtp')
def _():
    return ('%s postfix/smtpd[%d]: warning: unknown[%s]: SASL LOGIN authentication failed: UGFzc3dvcmQ6' % (ts_syslog(), R.randint(100, 99999), ipv4()))


@look('smtp')
def _():
    return ('%s postfix/qmgr[%d]: %s: from=<>, size=%d, nrcpt=1 (queue active)' % (ts_syslog(), R.randint(100, 99999), rs(10, UP + DIG), R.randint(1000, 99999)))


@look('smtp')
def _():
    return ("send: 'ehlo [127.0.1.1]\\r\\n'")


# ====================================================================== AWS CLI / SDK
@plant('aws')
def _():
    s = hexs(64)
    return (pylog('botocore.auth') + 'Signature: %s' % s, s, 'sigv4-signature')


@plant('aws')
def _():
    t = aws_session_token()
    return (pylog('botocore.endpoint') + "Making request for OperationModel(name=GetCallerIdentity) with params: {'url_path': '/', 'headers': "
            "{'Content-Type': b'application/x-www-form-urlencoded; charset=utf-8', 'User-Agent': b'aws-cli/2.15.40', 'X-Amz-Date': b'20240502T101112Z', "
            "'X-Amz-Security-Token': b'%s'}}" % t, t, 'aws-session-token')


@plant('aws')
def _():
    s = hexs(64)
    return (pylog('botocore.endpoint') + "'Authorization': b'AWS4-HMAC-SHA256 Credential=%s/20240502/eu-west-1/sts/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=%s'"
            % (aws_akid('AKIA'), s), s, 'sigv4-signature')


@plant('aws')
def _():
    s = hexs(64)
    return ('https://acme-exports.s3.eu-west-1.amazonaws.com/reports/2024-05.csv?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=%s%%2F20240502%%2Feu-west-1%%2Fs3%%2Faws4_request'
            '&X-Amz-Date=20240502T101112Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature=%s' % (aws_akid(), s), s, 'sigv4-signature')


@plant('aws')
def _():
    t = aws_session_token()
    tq = q(t, safe='')
    return ('%s - - [%s] "GET /uploads/a.png?X-Amz-Security-Token=%s&X-Amz-Algorithm=AWS4-HMAC-SHA256 HTTP/1.1" 200 %d'
            % (ipv4(), ts_clf(), tq, R.randint(100, 99999)), tq, 'aws-session-token')


@plant('aws')
def _():
    k = aws_secret()
    return (pylog('botocore.credentials', 'DEBUG') + "Found credentials in shared credentials file: ~/.aws/credentials (secret_key=%s)" % k, k, 'aws-secret')


@plant('aws')
def _():
    k = aws_secret()
    return ('aws_secret_access_key = %s' % k, k, 'aws-secret')


@plant('aws')
def _():
    k = aws_akid('AKIA')
    return (pylog('botocore.hooks') + 'Event request-created.s3.PutObject: calling handler <function sign> access_key=%s' % k, k, 'aws-access-key-id')


@plant('aws')
def _():
    k = aws_secret()
    return ('        "SecretAccessKey": "%s",' % k, k, 'aws-secret')


@plant('aws')
def _():
    p = pw()
    return ('%s  INFO aws secretsmanager get-secret-value --secret-id prod/orders/db -> SecretString: {"username":"%s","password":"%s"}'
            % (ts_iso(), user(), p), p, 'password')


@look('aws')
def _():
    return (pylog('botocore.parsers') + "Response headers: {'x-amzn-RequestId': '%s', 'Content-Type': 'text/xml', 'Content-Length': '%d'}" % (uuid4(), R.randint(300, 2000)))


@look('aws')
def _():
    return (pylog('botocore.parsers') + "Response headers: {'x-amz-id-2': '%s', 'x-amz-request-id': '%s', 'ETag': '\"%s\"'}"
            % (rs(76, B64), rs(16, UP + DIG), hexs(32)))


@look('aws')
def _():
    return (pylog('botocore.auth') + 'CanonicalRequest: GET / host:sts.amazonaws.com x-amz-date:20240502T101112Z host;x-amz-date %s' % hexs(64))


@look('aws')
def _():
    return (pylog('botocore.auth') + 'StringToSign: AWS4-HMAC-SHA256 20240502T101112Z 20240502/eu-west-1/sts/aws4_request %s' % hexs(64))


@look('aws')
def _():
    return ('{"Arn": "arn:aws:sts::%s:assumed-role/deploy/botocore-session-%d", "UserId": "AROA%s:botocore-session-%d", "Account": "%s"}'
            % (digits(12), R.randint(10 ** 9, 10 ** 10), rs(17, B32), R.randint(10 ** 9, 10 ** 10), digits(12)))


@look('aws')
def _():
    return ('X-Amzn-Trace-Id: Root=1-%s-%s;Parent=%s;Sampled=1' % (hexs(8), hexs(24), hexs(16)))


@look('aws')
def _():
    return (pylog('botocore.credentials', 'INFO') + 'Found credentials in environment variables.')


@look('aws')
def _():
    return ('upload: build/app.zip to s3://acme-artifacts/releases/%s/app.zip' % hexs(40))


# ====================================================================== AZURE
@plant('azure')
def _():
    sig = q(b64(32), safe='')
    return ('https://acmestore%02d.blob.core.windows.net/exports/report.csv?sv=2022-11-02&ss=b&srt=co&sp=rl&se=2024-06-01T00:00:00Z&st=2024-05-01T00:00:00Z&spr=https&sig=%s'
            % (R.randint(1, 99), sig), sig, 'azure-sas')


@plant('azure')
def _():
    k = azure_storage_key()
    return ('AZURE_STORAGE_CONNECTION_STRING=DefaultEndpointsProtocol=https;AccountName=acmestore%02d;AccountKey=%s;EndpointSuffix=core.windows.net' % (R.randint(1, 99), k), k, 'azure-key')


@plant('azure')
def _():
    k = b64(32)
    return ('Endpoint=sb://acme-bus.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=%s' % k, k, 'azure-key')


@plant('azure')
def _():
    p = rs(3, ALNUM) + '8Q~' + rs(31, ALNUM + '-_.~')
    return ('+ az login --service-principal -u %s -p %s --tenant %s' % (uuid4(), p, uuid4()), p, 'azure-client-secret')


@plant('azure')
def _():
    p = rs(3, ALNUM) + '8Q~' + rs(31, ALNUM + '-_.~')
    return ('ARM_CLIENT_SECRET=%s' % p, p, 'azure-client-secret')


@plant('azure')
def _():
    sig = q(b64(32), safe='')
    return ('%s INFO azure.core.pipeline.policies.http_logging_policy Request URL: \'https://acme-bus.servicebus.windows.net/orders?api-version=2021-05\' '
            'Authorization: \'SharedAccessSignature sr=amqps%%3A%%2F%%2Facme-bus.servicebus.windows.net%%2Forders&sig=%s&se=1714650000&skn=RootManageSharedAccessKey\''
            % (ts_space(','), sig), sig, 'azure-sas')


@look('azure')
def _():
    return ('%s INFO azure.core.pipeline.policies.http_logging_policy Request URL: \'https://acmestore01.blob.core.windows.net/exports?restype=container&comp=list\' Request method: \'GET\' '
            '\'x-ms-client-request-id\': \'%s\' \'Authorization\': \'REDACTED\'' % (ts_space(','), uuid4()))


@look('azure')
def _():
    return ('%s INFO azure.core.pipeline.policies.http_logging_policy Response headers: \'x-ms-request-id\': \'%s\' \'Content-MD5\': \'%s\''
            % (ts_space(','), uuid4(), b64(16)))


@look('azure')
def _():
    return ('"id": "/subscriptions/%s/resourceGroups/rg-prod/providers/Microsoft.Storage/storageAccounts/acmestore%02d",' % (uuid4(), R.randint(1, 99)))


@look('azure')
def _():
    return ('https://acmestore%02d.blob.core.windows.net/exports/report.csv?sv=2022-11-02&ss=b&srt=co&sp=rl&se=2024-06-01T00:00:00Z&sig=REDACTED' % R.randint(1, 99))


# ====================================================================== GCP
@plant('gcp')
def _():
    k = hexs(40)
    return ('  "private_key_id": "%s",' % k, k, 'gcp-private-key-id')


@plant('gcp')
def _():
    kind, lines = pem('PRIVATE KEY')
    s = '\\n'.join(lines)
    return ('  "private_key": "-----BEGIN PRIVATE KEY-----\\n%s\\n-----END PRIVATE KEY-----\\n",' % s, pem_secret_line(lines), 'private-key')


@plant('gcp')
def _():
    t = gcp_access_token()
    return ('%s DEBUG google.auth.transport.requests Making request: POST https://oauth2.googleapis.com/token -> access_token=%s' % (ts_space(','), t), t, 'gcp-access-token')


@plant('gcp')
def _():
    t = gcp_access_token()
    return ('+ curl -H "Authorization: Bearer %s" https://storage.googleapis.com/storage/v1/b/acme-data/o' % t, t, 'gcp-access-token')


@plant('gcp')
def _():
    k = google_api_key()
    return ('%s WARNING maps.client Geocoding quota exceeded for key=%s url=https://maps.googleapis.com/maps/api/geocode/json?address=Berlin&key=%s'
            % (ts_space(','), k, k), k, 'google-api-key')


@look('gcp')
def _():
    return ('  "client_email": "deploy@acme-prod-%d.iam.gserviceaccount.com",' % R.randint(100000, 999999)) if False else ('  "type": "service_account",')


@look('gcp')
def _():
    return ('  "token_uri": "https://oauth2.googleapis.com/token",')


@look('gcp')
def _():
    return ('  "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",')


@look('gcp')
def _():
    return ('%s INFO google.cloud.storage Uploaded gs://acme-data/exports/%s.parquet (md5Hash=%s, crc32c=%s)' % (ts_space(','), uuid4(), b64(16), b64(4)))


@look('gcp')
def _():
    return ('Updated property [core/project]. Operation "operations/acf.p2-%s-%s" finished successfully.' % (digits(12), uuid4()))


# ====================================================================== WEBHOOKS
@plant('webhooks')
def _():
    u = slack_webhook()
    return ('%s ERROR alertmanager notify.go:732 msg="Notify for alerts failed" integration=slack url=%s err="Post: context deadline exceeded"' % (ts_iso(), u), u, 'slack-webhook')


@plant('webhooks')
def _():
    u = discord_webhook()
    return ('[%s] [WARN] discord: POST %s -> 429 Too Many Requests, retry_after=1.2' % (ts_iso(), u), u, 'discord-webhook')


@plant('webhooks')
def _():
    u = teams_webhook()
    return ('%s WARN  [notify] teams webhook %s returned HTTP 400: Summary or Text is required' % (ts_iso(), u), u, 'teams-webhook')


@plant('webhooks')
def _():
    t = slack_bot()
    return ('%s DEBUG slack_sdk.web.base_client Sending a request - url: https://slack.com/api/chat.postMessage, query_params: {}, json_body: {"channel": "#deploys"}, headers: {"Authorization": "Bearer %s"}'
            % (ts_space(','), t), t, 'slack-token')


@plant('webhooks')
def _():
    w = stripe_whsec()
    return ('STRIPE_WEBHOOK_SECRET=%s' % w, w, 'stripe')


@look('webhooks')
def _():
    return ('%s INFO  [notify] sent alert to slack channel #ops-alerts (ts=%d.%06d)' % (ts_iso(), R.randint(1714500000, 1715000000), R.randint(0, 999999)))


@look('webhooks')
def _():
    return ('%s INFO webhook delivery %s to https://hooks.example.com/github responded 200 in %dms (X-GitHub-Delivery: %s)' % (ts_iso(), uuid4(), R.randint(20, 900), uuid4()))


@look('webhooks')
def _():
    return ('%s DEBUG stripe: Stripe-Signature header t=%d present, verifying with endpoint secret from env' % (ts_iso(), R.randint(1714500000, 1715000000)))


# ====================================================================== SaaS tokens in realistic positions
@plant('saas-tokens')
def _():
    k = stripe_key()
    return ('%s ERROR stripe Request req_%s: POST /v1/payment_intents failed (401) using api_key=%s' % (ts_iso(), rs(14), k), k, 'stripe')


@plant('saas-tokens')
def _():
    t = hexs(32)
    return ('TWILIO_AUTH_TOKEN=%s' % t, t, 'twilio')


@plant('saas-tokens')
def _():
    t = hexs(32)
    a = hexs(32)
    return ('+ curl -X POST https://api.twilio.com/2010-04-01/Accounts/AC%s/Messages.json --data-urlencode "Body=deploy ok" --data-urlencode "To=+15005550006" -u AC%s:%s'
            % (a, a, t), t, 'twilio')


@plant('saas-tokens')
def _():
    k = sendgrid_key()
    return ('%s DEBUG python_http_client POST https://api.sendgrid.com/v3/mail/send headers={\'Authorization\': \'Bearer %s\', \'User-Agent\': \'sendgrid/6.11.0;python\'}'
            % (ts_space(','), k), k, 'sendgrid')


@plant('saas-tokens')
def _():
    k = openai_key()
    return ('%s [openai._base_client] DEBUG Request options: {\'method\': \'post\', \'url\': \'/chat/completions\', \'headers\': {\'Authorization\': \'Bearer %s\'}}'
            % (ts_space(','), k), k, 'openai')


@plant('saas-tokens')
def _():
    k = anthropic_key()
    return ('ANTHROPIC_API_KEY=%s' % k, k, 'anthropic')


@plant('saas-tokens')
def _():
    k = datadog_key()
    return ('%s | CORE | INFO | (pkg/forwarder/transaction.go:372) | Successfully posted payload to "https://7-52-0-app.agent.datadoghq.com/api/v2/series?api_key=%s"'
            % (ts_space(), k), k, 'datadog')


@plant('saas-tokens')
def _():
    k = datadog_key()
    return ('DD_API_KEY=%s' % k, k, 'datadog')


@plant('saas-tokens')
def _():
    k = newrelic_key()
    return ('%s newrelic.core.agent INFO - New Relic Python Agent (9.9.0) license_key=%s' % (ts_space(','), k), k, 'newrelic')


@plant('saas-tokens')
def _():
    k = shopify_tok()
    return ('%s INFO ShopifyAPI::Session X-Shopify-Access-Token: %s' % (ts_iso(), k), k, 'shopify')


@plant('saas-tokens')
def _():
    k = mailgun_key()
    return ('+ curl -s --user \'api:%s\' https://api.mailgun.net/v3/mg.acme.io/messages -F from=noreply@mg.acme.io' % k, k, 'mailgun')


@plant('saas-tokens')
def _():
    k = linear_tok()
    return ('%s DEBUG linear-sdk request POST https://api.linear.app/graphql Authorization: %s' % (ts_iso(), k), k, 'linear')


@plant('saas-tokens')
def _():
    k = atlassian_tok()
    return ('+ curl -u ci@acme.io:%s https://acme.atlassian.net/rest/api/3/issue/OPS-%d' % (k, R.randint(1, 9999)), k, 'atlassian')


@plant('saas-tokens')
def _():
    k = grafana_tok()
    return ('%s level=info msg="provisioning" grafana_url=https://grafana.example.com api_token=%s' % (ts_iso(), k), k, 'grafana')


@plant('saas-tokens')
def _():
    k = age_key()
    return ('# created: 2024-05-02T10:11:12Z # public key: age1%s %s' % (rs(58, 'qpzry9x8gf2tvdw0s3jn54khce6mua7l'), k), k, 'age-key')


@plant('saas-tokens')
def _():
    k = vault_tok()
    return ('%s [INFO]  vault: token created: accessor=%s token=%s policies=["default","deploy"]' % (ts_iso(), rs(24), k), k, 'vault-token')


@plant('saas-tokens')
def _():
    k = hexs(32)
    return ('%s INFO  algolia client initialised app_id=%s admin_api_key=%s' % (ts_iso(), rs(10, UP + DIG), k), k, 'algolia')


@plant('saas-tokens')
def _():
    k = 'sk_' + hexs(48)
    return ('ELEVENLABS_API_KEY=%s' % k, k, 'generic-api-key')


@look('saas-tokens')
def _():
    return ('%s INFO stripe Request req_%s: POST /v1/payment_intents -> 200 (idempotency_key=%s)' % (ts_iso(), rs(14), uuid4()))


@look('saas-tokens')
def _():
    return ('%s INFO  twilio message queued sid=SM%s status=queued' % (ts_iso(), hexs(32)))


@look('saas-tokens')
def _():
    return ('%s INFO  stripe customer created id=cus_%s livemode=true' % (ts_iso(), rs(14)))


@look('saas-tokens')
def _():
    return ('%s INFO  openai response id=chatcmpl-%s model=gpt-4o-2024-05-13 usage={prompt_tokens=%d, completion_tokens=%d, total_tokens=%d}'
            % (ts_iso(), rs(29), R.randint(10, 2000), R.randint(10, 2000), R.randint(20, 4000)))


@look('saas-tokens')
def _():
    return ('%s INFO  anthropic request_id=req_%s model=claude-3-opus-20240229 max_tokens=%d stop_reason=end_turn' % (ts_iso(), rs(24), R.choice([1024, 2048, 4096])))


@look('saas-tokens')
def _():
    return ('%s | CORE | INFO | (pkg/api/healthprobe/healthprobe.go:75) | Health check OK, api_key validated (ending in ****%s)' % (ts_space(), hexs(4)))


# ====================================================================== HTTP ACCESS LOGS
UA = ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
      'curl/8.5.0', 'python-requests/2.31.0', 'okhttp/4.12.0', 'Go-http-client/2.0',
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1']


def nginx(path, status=200):
    return '%s - - [%s] "GET %s HTTP/1.1" %d %d "-" "%s"' % (ipv4(), ts_clf(), path, status, R.randint(100, 99999), R.choice(UA))


@plant('http-access')
def _():
    t = b64url(R.choice([24, 32, 48]))
    return (nginx('/api/v1/users/me?access_token=%s&fields=id,name' % t), t, 'query-token')


@plant('http-access')
def _():
    t = hexs(32)
    return (nginx('/v2/forecast?api_key=%s&city=Berlin' % t), t, 'query-token')


@plant('http-access')
def _():
    p = pw('url')
    return (nginx('/login.php?username=%s&password=%s' % (R.choice(FIRST), p), 302), p, 'password')


@plant('http-access')
def _():
    t = rs(40, ALNUM)
    return (nginx('/downloads/installer.exe?token=%s&expires=%d' % (t, R.randint(1714500000, 1715000000))), t, 'query-token')


@plant('http-access')
def _():
    t = jwt()
    return (nginx('/ws/notifications?jwt=%s' % t, 101), t, 'jwt')


@plant('http-access')
def _():
    p = pw('url')
    return ('%s - %s [%s] "GET https://%s:%s@proxy.example.com/ HTTP/1.1" 407 0 "-" "curl/8.5.0"' % (ipv4(), user(), ts_clf(), user(), p), p, 'url-userinfo')


@plant('http-access')
def _():
    s = q(b64(32), safe='')
    return ('%s %s %d %s %s %d %s %s GET %s /acme-dist/files/app.tar.gz?Expires=%d&Signature=%s&Key-Pair-Id=K%s - Hit'
            % ('2024-05-02', '10:11:12', R.randint(10, 99999), 'FRA56-P%d' % R.randint(1, 9), ipv4(), 200, 'd111111abcdef8.cloudfront.net', 'GET', 'd111111abcdef8.cloudfront.net',
               R.randint(1714500000, 1715000000), s, rs(13, UP + DIG)), s, 'signed-url')


@plant('http-access')
def _():
    t = b64url(32)
    return ('https %s app/prod-alb/%s %s:%d 10.0.1.%d:8080 0.001 0.020 0.000 200 200 %d %d "GET https://api.acme.io:443/oauth/callback?code=%s&state=%s HTTP/1.1" "%s"'
            % (ts_iso(6), hexs(16), ipv4(), R.randint(1024, 65000), R.randint(2, 254), R.randint(100, 999), R.randint(100, 9999), t, hexs(16), R.choice(UA)), t, 'oauth-code')


@plant('http-access')
def _():
    t = b64url(32)
    return (nginx('/reset-password?reset_token=%s' % t), t, 'query-token')


@plant('http-access')
def _():
    t = b64url(24)
    return ('%s - - [%s] "POST /api/session HTTP/1.1" 200 312 "https://app.example.com/callback#access_token=%s&token_type=Bearer&expires_in=3600" "%s"'
            % (ipv4(), ts_clf(), t, R.choice(UA)), t, 'query-token')


@plant('http-access')
def _():
    k = google_api_key()
    return (nginx('/maps/api/js?key=%s&callback=initMap' % k), k, 'google-api-key')


@plant('http-access')
def _():
    s = hexs(40)
    return (nginx('/hooks/deploy?secret=%s' % s), s, 'query-token')


@look('http-access')
def _():
    return nginx('/api/v1/orders?page=%d&per_page=50&sort=created_at' % R.randint(1, 99))


@look('http-access')
def _():
    return nginx('/static/js/main.%s.chunk.js' % hexs(8))


@look('http-access')
def _():
    return nginx('/oauth/token?grant_type=refresh_token&token_type=bearer&expires_in=3600')


@look('http-access')
def _():
    return nginx('/api/v1/traces/%s/spans/%s' % (hexs(32), hexs(16)))


@look('http-access')
def _():
    return nginx('/account/password?password_reset_requested=true&lang=en', 302)


@look('http-access')
def _():
    return nginx('/images/logo@2x.png?v=%s' % hexs(7))


@look('http-access')
def _():
    return nginx('/v1/objects/%s?versionId=%s' % (uuid4(), rs(32, ALNUM + '._')), 200) if False else nginx('/v1/objects/%s' % uuid4())


@look('http-access')
def _():
    return nginx('/login?next=%%2Fdashboard&error=invalid_password', 302)


@look('http-access')
def _():
    return nginx('/api/v1/products?isbn=978-%d-%02d-%06d-%d&color=%%23%s' % (R.randint(0, 1), R.randint(10, 99), R.randint(0, 999999), R.randint(0, 9), hexs(6)))


@look('http-access')
def _():
    return nginx('/search?q=password+manager+comparison&page=%d' % R.randint(1, 9))


@look('http-access')
def _():
    return nginx('/api/v1/orders/ORD-2024-%06d/invoice.pdf' % R.randint(1, 999999))


@look('http-access')
def _():
    return ('https %s app/prod-alb/%s %s:%d 10.0.1.%d:8080 0.001 0.020 0.000 200 200 %d %d "GET https://api.acme.io:443/healthz HTTP/1.1" "ELB-HealthChecker/2.0" - - arn:aws:elasticloadbalancing:eu-west-1:%s:targetgroup/api/%s "Root=1-%s-%s"'
            % (ts_iso(6), hexs(16), ipv4(), R.randint(1024, 65000), R.randint(2, 254), R.randint(100, 999), R.randint(100, 9999), digits(12), hexs(16), hexs(8), hexs(24)))


# ====================================================================== HTTP debug dumps
@plant('http-debug')
def _():
    t = jwt()
    return ('> Authorization: Bearer %s' % t, t, 'jwt')


@plant('http-debug')
def _():
    b = basic_b64()
    return ('> Authorization: Basic %s' % b, b, 'basic-auth')


@plant('http-debug')
def _():
    s = session_id()
    return ('< Set-Cookie: %s=%s; Path=/; Expires=Fri, 03 May 2024 10:11:12 GMT; HttpOnly; Secure; SameSite=Lax' % (R.choice(['sessionid', 'PHPSESSID', '_gitlab_session', 'connect.sid', 'SESSION']), s), s, 'session-id')


@plant('http-debug')
def _():
    s = session_id()
    return ('> Cookie: _ga=GA1.2.%d.%d; csrftoken=%s; sessionid=%s' % (R.randint(10 ** 8, 10 ** 9), R.randint(1714500000, 1715000000), rs(32), s), s, 'session-id')


@plant('http-debug')
def _():
    t = b64url(32)
    return ('%s DEBUG urllib3.connectionpool https://api.example.com:443 "GET /v1/accounts HTTP/1.1" 200 None -- request headers: {\'X-Api-Key\': \'%s\', \'Accept\': \'*/*\'}' % (ts_space(','), t), t, 'api-key-header')


@plant('http-debug')
def _():
    t = rs(40, ALNUM)
    return ('%s DEBUG [HttpLoggingInterceptor] --> POST https://api.partner.io/v3/charge x-api-key: %s' % (ts_iso(), t), t, 'api-key-header')


@plant('http-debug')
def _():
    t = b64url(32)
    return ('%s TRACE reqwest::connect: sending request headers: {"authorization": "Token %s", "user-agent": "acme-sync/0.9"}' % (ts_iso(), t), t, 'auth-header')


@plant('http-debug')
def _():
    b = basic_b64()
    return ('%s http: proxy request CONNECT api.example.com:443 Proxy-Authorization: Basic %s' % (ts_iso(), b), b, 'basic-auth')


@plant('http-debug')
def _():
    t = b64url(48)
    return ('%s [HTTP] POST /oauth/token 200 body={"access_token":"%s","token_type":"Bearer","expires_in":3600}' % (ts_iso(), t), t, 'oauth-token')


@plant('http-debug')
def _():
    t = b64url(48)
    return ('%s [HTTP] POST /oauth/token 200 body={"refresh_token":"%s","expires_in":86400}' % (ts_iso(), t), t, 'oauth-token')


@plant('http-debug')
def _():
    p = pw('url')
    return ('%s DEBUG request body: grant_type=password&username=%s&password=%s&client_id=web' % (ts_iso(), R.choice(FIRST), p), p, 'password')


@plant('http-debug')
def _():
    t = b64url(32)
    return ('*   Trying %s:443... > GET /v1/export HTTP/2 > Host: api.example.com > X-Auth-Token: %s' % (ipv4(), t), t, 'auth-header')


@look('http-debug')
def _():
    return ('< X-Request-Id: %s' % uuid4())


@look('http-debug')
def _():
    return ('< ETag: W/"%s"' % hexs(32))


@look('http-debug')
def _():
    return ('< Content-Security-Policy: default-src \'self\'; script-src \'self\' \'sha256-%s=\'' % rs(43, B64))


@look('http-debug')
def _():
    return ('> traceparent: 00-%s-%s-01' % (hexs(32), hexs(16)))


@look('http-debug')
def _():
    return ('< WWW-Authenticate: Bearer realm="api", error="invalid_token", error_description="The access token expired"')


@look('http-debug')
def _():
    return ('> Authorization: Bearer <redacted>')


@look('http-debug')
def _():
    return ('> Authorization: Bearer ${TOKEN}')


@look('http-debug')
def _():
    return ('< Set-Cookie: theme=dark; Path=/; Max-Age=31536000')


@look('http-debug')
def _():
    return ('< Digest: sha-256=%s' % b64(32))


@look('http-debug')
def _():
    return ('< X-RateLimit-Remaining: %d' % R.randint(0, 5000))


@look('http-debug')
def _():
    return ('%s [HTTP] POST /oauth/token 401 body={"error":"invalid_grant","error_description":"Invalid password for user bob"}' % ts_iso())


@look('http-debug')
def _():
    return ('< Strict-Transport-Security: max-age=63072000; includeSubDomains; preload')


@look('http-debug')
def _():
    return ('> If-None-Match: "%s"' % b64(20))


# ====================================================================== PII in text
@plant('pii-text')
def _():
    e = email()
    return ('%s INFO  [auth] login succeeded for %s from %s' % (ts_iso(), e, ipv4()), e, 'email')


@plant('pii-text')
def _():
    e = email()
    return ('%s postfix/smtp[%d]: %s: to=<%s>, relay=mx.example.net[%s]:25, delay=0.42, status=sent (250 2.0.0 OK)'
            % (ts_syslog(), R.randint(100, 99999), rs(10, UP + DIG), e, ipv4()), e, 'email')


@plant('pii-text')
def _():
    e = email()
    return (spring('WARN', 'c.a.u.service.UserService') + 'Duplicate signup attempt: User(id=%d, email=%s, verified=false)' % (R.randint(1, 99999), e), e, 'email')


@plant('pii-text')
def _():
    ph = phone_intl()
    return ('%s INFO  sms.dispatch provider=twilio to=%s template=otp status=queued' % (ts_iso(), ph), ph, 'phone')


@plant('pii-text')
def _():
    ph = phone_intl()
    return ('%s WARN  [checkout] customer contact phone "%s" failed E.164 normalisation' % (ts_iso(), ph), ph, 'phone')


@plant('pii-text')
def _():
    c = card()
    return ('%s ERROR payment.gateway decline code=do_not_honor card_number=%s amount=%d.%02d EUR' % (ts_iso(), c, R.randint(1, 999), R.randint(0, 99)), c, 'card')


@plant('pii-text')
def _():
    c = card()
    return ('%s DEBUG [legacy-pos] parsed track: PAN %s exp %02d/%02d' % (ts_iso(), c, R.randint(1, 12), R.randint(25, 30)), c, 'card')


@plant('pii-text')
def _():
    c = card()
    return ('Caused by: com.acme.billing.CardValidationException: CVV mismatch for card %s (customer %d)' % (c, R.randint(1, 99999)), c, 'card')


@plant('pii-text')
def _():
    i = iban()
    return ('%s INFO  sepa.mandate created debtor_iban=%s mandate_ref=MNDT-%d' % (ts_iso(), i, R.randint(10000, 99999)), i, 'iban')


@plant('pii-text')
def _():
    i = iban()
    return ('%s WARN  payout to %s rejected by bank: AC04 closed account' % (ts_iso(), i), i, 'iban')


@plant('pii-text')
def _():
    s = ssn()
    return ('%s INFO  kyc.verify applicant=%d ssn=%s result=match' % (ts_iso(), R.randint(1, 99999), s), s, 'ssn')


@plant('pii-text')
def _():
    s = ssn()
    return ('%s ERROR [payroll-import] row %d: invalid W-4 for employee SSN %s' % (ts_iso(), R.randint(2, 999), s), s, 'ssn')


@plant('pii-text')
def _():
    ip = ipv4()
    return ('%s sshd[%d]: Failed password for invalid user admin from %s port %d ssh2' % (ts_syslog(), R.randint(100, 99999), ip, R.randint(1024, 65000)), ip, 'ipv4')


@plant('pii-text')
def _():
    ip = ipv4()
    return ('%s WARN  [ratelimit] client_ip=%s exceeded 100 req/min on /api/login' % (ts_iso(), ip), ip, 'ipv4')


@plant('pii-text')
def _():
    e = email()
    return ('Hello, I cannot log in, my account is %s and the reset mail never arrives. Thanks' % e, e, 'email')


@plant('pii-text')
def _():
    ph = phone_intl()
    return ('%s INFO  [crm] updated contact %d: {name: "%s %s", mobile: "%s"}' % (ts_iso(), R.randint(1, 99999), R.choice(FIRST).capitalize(), R.choice(LAST).capitalize(), ph), ph, 'phone')


# ---- PII look-alikes
@look('pii-text')
def _():
    return ('%s INFO  build %d.%d.%d-%d (%s) published' % (ts_iso(), R.randint(1, 9), R.randint(0, 40), R.randint(0, 99), R.randint(1000, 9999), hexs(7)))


@look('pii-text')
def _():
    return ('%s INFO  order ORD-%s shipped tracking=%s' % (ts_iso(), digits(8), non_luhn_16()))


@look('pii-text')
def _():
    return ('%s INFO  git clone git@github.com:acme/%s.git into /srv/%s' % (ts_iso(), dbname(), dbname()))


@look('pii-text')
def _():
    return ('%s INFO  theme primary=#%s secondary=#%s' % (ts_iso(), hexs(6), hexs(6)))


@look('pii-text')
def _():
    return ('%s INFO  catalog import ISBN 978-%d-%02d-%06d-%d ok' % (ts_iso(), R.randint(0, 1), R.randint(10, 99), R.randint(0, 999999), R.randint(0, 9)))


@look('pii-text')
def _():
    return ('%s INFO  kernel: e1000e: eth0 NIC Link is Up 1000 Mbps Full Duplex, Flow Control: None, hwaddr %s' % (ts_iso(), mac()))


@look('pii-text')
def _():
    return ('%s INFO  npm notice package: @acme/ui-kit@%d.%d.%d shasum: %s' % (ts_iso(), R.randint(1, 9), R.randint(0, 20), R.randint(0, 30), hexs(40)))


@look('pii-text')
def _():
    return ('%s INFO  processed batch %d-%d-%04d in %dms' % (ts_iso(), R.randint(100, 999), R.randint(10, 99), R.randint(0, 9999), R.randint(10, 9999)))


@look('pii-text')
def _():
    return ('%s INFO  user_id=%d tenant=%s plan=pro seats=%d' % (ts_iso(), R.randint(1, 10 ** 7), uuid4(), R.randint(1, 500)))


@look('pii-text')
def _():
    return ('%s INFO  epoch_ms=%d duration_ns=%d' % (ts_iso(), R.randint(1714500000000, 1715000000000), R.randint(10 ** 6, 10 ** 10)))


@look('pii-text')
def _():
    return ('%s INFO  Linux version 6.1.0-%d-amd64 (gcc-12 (Debian 12.2.0-14) 12.2.0)' % (ts_iso(), R.randint(10, 25)))


@look('pii-text')
def _():
    return ('%s INFO  invoice INV-%d-%05d total=%d.%02d due=2024-06-%02d' % (ts_iso(), R.randint(2020, 2024), R.randint(0, 99999), R.randint(1, 9999), R.randint(0, 99), R.randint(1, 28)))


@look('pii-text')
def _():
    return ('%s INFO  IBAN validation failed: country code missing (input length %d)' % (ts_iso(), R.randint(10, 34)))


@look('pii-text')
def _():
    return ('%s INFO  jvm: OpenJDK 64-Bit Server VM 17.0.%d+%d-LTS, go1.22.%d, node v20.%d.%d' % (ts_iso(), R.randint(1, 11), R.randint(1, 9), R.randint(0, 5), R.randint(0, 15), R.randint(0, 5)))


@look('pii-text')
def _():
    return ('%s INFO  file=/var/lib/kubelet/pods/%s/volumes/kubernetes.io~secret/default-token-%s' % (ts_iso(), uuid4(), rs(5, LO + DIG)))


@look('pii-text')
def _():
    return ('%s INFO  span_id=%s trace_id=%s parent_id=%s' % (ts_iso(), hexs(16), hexs(32), hexs(16)))


@look('pii-text')
def _():
    return ('%s INFO  support ticket #%d-%d-%d escalated' % (ts_iso(), R.randint(100, 999), R.randint(100, 999), R.randint(1000, 9999)))


@look('pii-text')
def _():
    return ('%s INFO  mail sent to <redacted> (message-id <%s@mail.acme.io>)' % (ts_iso(), uuid4()))


# ====================================================================== keys / JWT
@plant('keys-jwt')
def _():
    kind, lines = pem()
    s = '\\n'.join(lines)
    return ('PRIVATE_KEY="-----BEGIN %s-----\\n%s\\n-----END %s-----"' % (kind, s, kind), pem_secret_line(lines), 'private-key')


@plant('keys-jwt')
def _():
    kind, lines = pem('EC PRIVATE KEY')
    return ('%s ERROR [tls] failed to parse key: -----BEGIN %s----- %s -----END %s-----' % (ts_iso(), kind, ' '.join(lines), kind), pem_secret_line(lines), 'private-key')


@plant('keys-jwt')
def _():
    t = jwt()
    return ('%s INFO  [gateway] forwarding request with token %s to upstream orders' % (ts_iso(), t), t, 'jwt')


@plant('keys-jwt')
def _():
    t = jwt()
    return ('export ID_TOKEN=%s' % t, t, 'jwt')


@plant('keys-jwt')
def _():
    t = jwt()
    return ('%s WARN  jwt expired: %s (exp < now)' % (ts_iso(), t), t, 'jwt')


@look('keys-jwt')
def _():
    return ('%s INFO  [tls] loaded certificate CN=api.acme.io serial=%s sha256 fingerprint=%s' % (ts_iso(), hexs(32), ':'.join(hexs(2).upper() for _ in range(32))))


@look('keys-jwt')
def _():
    return ('%s INFO  [ssh] Accepted publickey for deploy from %s port %d ssh2: ED25519 SHA256:%s' % (ts_iso(), ipv4(), R.randint(1024, 65000), rs(43, B64)))


@look('keys-jwt')
def _():
    return ('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI%s deploy@ci' % rs(43, B64))


@look('keys-jwt')
def _():
    return ('%s INFO  [jwt] validated token kid=%s alg=RS256 iss=https://auth.acme.io aud=orders' % (ts_iso(), hexs(16)))


@look('keys-jwt')
def _():
    return ('%s INFO  loaded private key from /etc/ssl/private/%s.key (mode 0600)' % (ts_iso(), dbname()))


@look('keys-jwt')
def _():
    return ('-----BEGIN PUBLIC KEY----- MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE%s -----END PUBLIC KEY-----' % rs(88, B64))


# ====================================================================== passwords in prose / CLI
@plant('prose-cli')
def _():
    p = pw()
    return ('%s INFO  [onboarding] Temporary password is %s - please change it at first login' % (ts_iso(), p), p, 'password')


@plant('prose-cli')
def _():
    p = pw()
    return ('%s INFO  new wifi credentials: ssid=ACME-Guest pwd: %s' % (ts_iso(), p), p, 'password')


@plant('prose-cli')
def _():
    p = pw()
    return ('Your new password: %s' % p, p, 'password')


@plant('prose-cli')
def _():
    p = pw()
    return ('%s INFO  support note: customer said their password was "%s" before the reset' % (ts_iso(), p), p, 'password')


@plant('prose-cli')
def _():
    p = pw('shell')
    return ('+ ./manage.py createsuperuser --username admin --email admin@acme.test --password=%s' % p, p, 'password')


@plant('prose-cli')
def _():
    p = pw('shell')
    return ('+ ./bin/migrate --db-host %s --db-user %s --db-pass %s --apply' % (host(), user(), p), p, 'password')


@plant('prose-cli')
def _():
    p = pw('shell')
    return ('root     %6d  0.0  0.1  %d  %d ?  Ss  10:11   0:00 mosquitto_pub -h mqtt.internal -p 8883 -u sensor-gw -P %s -t plant/line1/temp -m 21.4'
            % (R.randint(100, 99999), R.randint(10000, 99999), R.randint(1000, 9999), p), p, 'password')


@plant('prose-cli')
def _():
    p = pw('shell')
    return ('%s sudo[%d]:   deploy : TTY=pts/0 ; PWD=/home/deploy ; USER=root ; COMMAND=/usr/bin/mysqladmin -u root --password=%s flush-privileges'
            % (ts_syslog(), R.randint(100, 99999), p), p, 'password')


@plant('prose-cli')
def _():
    p = pw('shell')
    return ('%s sudo[%d]:   ops : TTY=pts/1 ; PWD=/root ; USER=root ; COMMAND=/usr/sbin/chpasswd <<< deploy:%s' % (ts_syslog(), R.randint(100, 99999), p), p, 'password')


@plant('prose-cli')
def _():
    p = pw('shell')
    return ('+ htpasswd -b -c /etc/nginx/.htpasswd admin %s' % p, p, 'password')


@plant('prose-cli')
def _():
    p = pw('shell')
    return ('+ 7z a -p%s -mhe=on backup-2024-05-02.7z /var/backups/db' % p, p, 'password')


@plant('prose-cli')
def _():
    p = pw('shell')
    return ('+ openssl pkcs12 -export -in cert.pem -inkey key.pem -out keystore.p12 -passout pass:%s' % p, p, 'password')


@plant('prose-cli')
def _():
    p = pw('shell')
    return ('+ keytool -importkeystore -srckeystore keystore.p12 -srcstoretype PKCS12 -destkeystore app.jks -deststorepass %s -srcstorepass changeit' % p, p, 'password')


@plant('prose-cli')
def _():
    p = pw('shell')
    return ('+ rabbitmqctl add_user orders %s' % p, p, 'password')


@plant('prose-cli')
def _():
    p = pw()
    return ('%s WARN  [setup] admin account created with credentials admin / %s' % (ts_iso(), p), p, 'password')


@plant('prose-cli')
def _():
    p = pw('shell')
    return ('+ echo "%s:%s" | chpasswd' % (user(), p), p, 'password')


@plant('prose-cli')
def _():
    p = pw('shell')
    return ('+ smbclient //fileserver/backup -U svc_backup%%%s -c "ls"' % p, p, 'password')


@plant('prose-cli')
def _():
    p = pw('shell')
    return ('+ psql "host=%s port=5432 dbname=%s user=%s password=%s sslmode=require" -c "\\dt"' % (host(), dbname(), user(), p), p, 'password')


@look('prose-cli')
def _():
    return ('%s WARN  [auth] invalid password for user %s (attempt %d of 5)' % (ts_iso(), R.choice(FIRST), R.randint(1, 5)))


@look('prose-cli')
def _():
    return ('%s INFO  [auth] password reset requested for user_id=%d' % (ts_iso(), R.randint(1, 99999)))


@look('prose-cli')
def _():
    return ('password: ****')


@look('prose-cli')
def _():
    return ('%s INFO  [config] db.password=<redacted> db.user=%s db.host=%s' % (ts_iso(), user(), host()))


@look('prose-cli')
def _():
    return ('%s INFO  [config] password_min_length=12 password_policy=strong password_expiry_days=90' % ts_iso())


@look('prose-cli')
def _():
    return ('%s INFO  [auth] token_type=bearer expires_in=3600 scope="read write"' % ts_iso())


@look('prose-cli')
def _():
    return ('%s INFO  [llm] max_tokens=%d token_count=%d tokens_per_second=%.1f' % (ts_iso(), R.choice([1024, 4096]), R.randint(10, 4000), R.uniform(5, 90)))


@look('prose-cli')
def _():
    return ('Usage: mysql [OPTIONS] [database]   -p, --password[=name] Password to use when connecting to server.')


@look('prose-cli')
def _():
    return ('%s INFO  [auth] user %s changed their password (password_changed_at=%s)' % (ts_iso(), R.choice(FIRST), ts_iso()))


@look('prose-cli')
def _():
    return ('Enter password: ')


@look('prose-cli')
def _():
    return ('%s INFO  [vault] read secret path=secret/data/prod/db version=%d lease_duration=%d' % (ts_iso(), R.randint(1, 20), R.choice([3600, 86400])))


@look('prose-cli')
def _():
    return ('+ ./bin/migrate --db-host %s --db-user %s --db-pass-file /run/secrets/db --apply' % (host(), user()))


@look('prose-cli')
def _():
    return ('%s INFO  [sshd] PasswordAuthentication no, PubkeyAuthentication yes, PermitRootLogin prohibit-password' % ts_iso())


@look('prose-cli')
def _():
    return ('%s INFO  [auth] password_reset_requested=true user=%s' % (ts_iso(), R.choice(FIRST)))


@look('prose-cli')
def _():
    return ('%s DEBUG [cache] key=user:%d:profile ttl=300 hit=true' % (ts_iso(), R.randint(1, 99999)))


@look('prose-cli')
def _():
    return ('%s INFO  [auth] login with password succeeded for uid=%d via form' % (ts_iso(), R.randint(1, 99999)))


@look('prose-cli')
def _():
    return ('%s INFO  [rails] Parameters: {"user"=>{"email"=>"[FILTERED]", "password"=>"[FILTERED]"}, "commit"=>"Sign in"}' % ts_iso())


# ====================================================================== misc formats (.netrc, .pgpass, PHP traces, PowerShell, ...)
@plant('misc-formats')
def _():
    p = pw('shell')
    return ('machine api.github.com login ci-bot password %s' % p, p, 'password')


@plant('misc-formats')
def _():
    p = pw('shell').replace(':', '')
    return ('%s:5432:%s:%s:%s' % (host(), dbname(), user(), p), p, 'password')


@plant('misc-formats')
def _():
    p = pw('sql')
    return ("#0 /var/www/html/vendor/laravel/framework/src/Illuminate/Database/Connectors/Connector.php(70): PDO->__construct('mysql:host=%s;port=3306;dbname=%s', '%s', '%s', Array)"
            % (host(), dbname(), user(), p), p, 'password')


@plant('misc-formats')
def _():
    p = pw('sql')
    return ("PS C:\\deploy> $sec = ConvertTo-SecureString '%s' -AsPlainText -Force" % p, p, 'password')


@plant('misc-formats')
def _():
    p = pw('shell')
    return ('C:\\> net use \\\\fileserver\\backup /user:CORP\\svc_backup %s /persistent:no' % p, p, 'password')


@plant('misc-formats')
def _():
    t = uuid4()
    return ('+ curl -s -H "X-Consul-Token: %s" http://consul.service:8500/v1/kv/config/orders' % t, t, 'consul-token')


@plant('misc-formats')
def _():
    t = uuid4()
    return ('export NOMAD_TOKEN=%s' % t, t, 'nomad-token')


@plant('misc-formats')
def _():
    t = b64url(32)
    return ('+ curl --oauth2-bearer %s https://api.example.com/v1/export' % t, t, 'oauth-token')


@plant('misc-formats')
def _():
    t = vault_tok()
    return ('+ vault login %s' % t, t, 'vault-token')


@plant('misc-formats')
def _():
    h = '$6$' + rs(16, ALNUM + './') + '$' + rs(86, ALNUM + './')
    return ('deploy:%s:19845:0:99999:7:::' % h, h, 'password-hash')


@plant('misc-formats')
def _():
    p = pw()
    return ("%s DEBUG app.partner calling requests.post('https://api.partner.io/token', auth=('%s', '%s'), timeout=10)" % (ts_space(','), user(), p.replace("'", '')), p.replace("'", ''), 'password')


@plant('misc-formats')
def _():
    p = pw()
    return ('  File "/app/db.py", line 42, in connect\n'.rstrip('\n') + '    conn = psycopg2.connect(host="%s", user="%s", password="%s")' % (host(), user(), p), p, 'password')


@look('misc-formats')
def _():
    return ('%s %s sudo[%d]:   %s : TTY=pts/%d ; PWD=%s ; USER=root ; COMMAND=%s'
            % (ts_syslog(), R.choice(['web-01', 'db-02', 'bastion']), R.randint(100, 99999), R.choice(['deploy', 'ops', 'ubuntu']), R.randint(0, 3),
               R.choice(['/root', '/tmp', '/', '/home/deploy', '/srv/app', '/var/www', '/opt', '/etc']),
               R.choice(['/usr/bin/systemctl restart nginx', '/usr/bin/apt-get update', '/bin/journalctl -u api', '/usr/bin/docker ps'])))


@look('misc-formats')
def _():
    return ('OLDPWD=%s' % R.choice(['/root', '/tmp', '/', '/home/runner']))


@look('misc-formats')
def _():
    return ('machine api.github.com login ci-bot password ${GITHUB_TOKEN}') if False else ('%s:5432:*:%s:*' % (host(), user())) if False else ('# ~/.pgpass must be 0600; format hostname:port:database:username:password')


@look('misc-formats')
def _():
    return ('%s %s sshd[%d]: pam_unix(sshd:session): session opened for user %s(uid=%d) by (uid=0)' % (ts_syslog(), 'bastion', R.randint(100, 99999), R.choice(['deploy', 'ops']), R.randint(1000, 1100)))


@look('misc-formats')
def _():
    return ('deploy:!:19845:0:99999:7:::')


@look('misc-formats')
def _():
    return ("#1 /var/www/html/vendor/laravel/framework/src/Illuminate/Database/Connectors/MySqlConnector.php(24): Illuminate\\Database\\Connectors\\Connector->createConnection('mysql:host=%s;...', Array, Array)" % host())
