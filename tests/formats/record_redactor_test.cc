#include "formats/record_redactor.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <random>

#include "support/test_policy.h"

namespace veil::formats {
namespace {

const std::string kToken = "ghp_0123456789abcdefghijABCDEFGHIJ012345";

class RecordRedactorTest : public ::testing::Test {
 protected:
  RecordRedactorTest()
      : policy_(testing::makePolicy(testing::foundationRules(), "[REDACTED:{rule}]",
                                    testing::foundationFields(), testing::foundationExceptions())),
        records_(*policy_),
        workspace_(*policy_) {}

  std::string redact(std::string_view record) {
    std::string out;
    records_.redact(workspace_, record, out);
    return out;
  }

  static bool validJson(const std::string& text) {
    simdjson::dom::parser parser;
    return parser.parse(simdjson::padded_string(text)).error() == simdjson::SUCCESS;
  }

  std::shared_ptr<const core::Policy> policy_;
  RecordRedactor records_;
  Workspace workspace_;
};

TEST_F(RecordRedactorTest, JsonWithoutFindingComesOutIdentical) {
  const std::string line = R"({"ts": "2026-01-01", "n": 1.5e3, "ok": true, "x": null, "list": [1, "two", {"t": "s"}]})";
  EXPECT_EQ(redact(line), line);
}

TEST_F(RecordRedactorTest, OnlyTheRedactedValueChanges) {
  EXPECT_EQ(redact(R"({ "a" : 1 ,  "msg":"token )" + kToken + R"( end" , "b":[ 2 ] })"),
            R"({ "a" : 1 ,  "msg":"token [REDACTED:github-token] end" , "b":[ 2 ] })");
}

TEST_F(RecordRedactorTest, SensitiveFieldNameRedactsAnyValue) {
  EXPECT_EQ(redact(R"({"user":"bob","password":"hunter2","headers":{"Authorization":"Basic Ym9iOmh1bnRlcjI="}})"),
            R"({"user":"bob","password":"[REDACTED:password-field]","headers":{"Authorization":"[REDACTED:authorization-field]"}})");
}

TEST_F(RecordRedactorTest, NonStringUnderSensitiveNameIsReplacedWhole) {
  EXPECT_EQ(redact(R"({"pwd":12345,"secret":[ "a" ],"token":7})"),
            R"({"pwd":"[REDACTED:password-field]","secret":"[REDACTED:password-field]","token":"[REDACTED:token-field]"})");
}

// An object under a sensitive name is walked: configuration and metadata in it stay; members
// with sensitive names of their own, a `value` member and generated tokens take the mask.
TEST_F(RecordRedactorTest, ObjectsUnderSensitiveNamesAreWalked) {
  EXPECT_EQ(redact(R"({"auth":{"token_type":"Bearer","expires_in":3600,"scope":"read write","method":"oidc"}})"),
            R"({"auth":{"token_type":"Bearer","expires_in":3600,"scope":"read write","method":"oidc"}})");
  EXPECT_EQ(redact(R"({"api_key":{"id":1,"v":[1,2]}})"), R"({"api_key":{"id":1,"v":[1,2]}})");
  EXPECT_EQ(redact(R"({"spring.mail.password":{"value":"Walrus.8862","origin":"application-prod.yml"}})"),
            R"({"spring.mail.password":{"value":"[REDACTED:password-field]","origin":"application-prod.yml"}})");
  EXPECT_EQ(redact(R"({"token":{"access":"Xk9mP2qL7Rt4Zx8Lm2Qp7Rt4","expires":3600,"nested":{"refresh":"Qp7Rt4Zx8Lm2Xk9mP2qL7Rt4"}}})"),
            R"({"token":{"access":"[REDACTED:token-field]","expires":3600,"nested":{"refresh":"[REDACTED:token-field]"}}})");
  EXPECT_EQ(redact(R"({"token":{"sid":"s%3AMuwsfLRTQRmJ0YMAnUKSbCXtB2I5skpS.zSIltHAtSVR-AXg9QE7Lqh1Vc5dRuEMhDlgyVDx2C8v","ttl":1800}})"),
            R"({"token":{"sid":"[REDACTED:token-field]","ttl":1800}})");
  EXPECT_EQ(redact(R"({"secret":{"user":"bob","password":"hunter2x","value":"${DB_PASSWORD}"}})"),
            R"({"secret":{"user":"bob","password":"[REDACTED:password-field]","value":"${DB_PASSWORD}"}})");
}

TEST_F(RecordRedactorTest, EmptyNullAndStarredValuesUnderSensitiveNamesStay) {
  const std::string line = R"({"password":"","token":null,"secret":"********","pwd":"none","api_key":false})";
  EXPECT_EQ(redact(line), line);
  EXPECT_EQ(redact("pwd: ********"), "pwd: ********");
  EXPECT_EQ(redact("login user=x pwd=********"), "login user=x pwd=********");
  EXPECT_EQ(redact("warn: --pwd on the command line is insecure"), "warn: --pwd on the command line is insecure");
  EXPECT_EQ(redact("hint: Authorization: Bearer <token>"), "hint: Authorization: Bearer <token>");
}

TEST_F(RecordRedactorTest, PlaceholdersUnderSensitiveNamesStay) {
  for (const std::string line :
       {R"({"Authorization":"Bearer ${TOKEN}","password":"{{ .Values.db.password }}","api_key":"<your-api-key>","secret":"%(SECRET)s"})",
        "Authorization: Bearer ${ACCESS_TOKEN}", "Authorization: token $GITHUB_TOKEN",
        "Authorization: Basic <base64>", "rejected: Authorization: Bearer (empty)", "X-API-Key: [REDACTED]",
        "token: REDACTED", "api_key: xxxxxxxxxxxxxxxx"}) {
    EXPECT_EQ(redact(line), line);
  }
  // A value that only starts like a placeholder still goes.
  EXPECT_NE(redact("Authorization: Bearer abc${x}def0123456789"), "Authorization: Bearer abc${x}def0123456789");
  EXPECT_NE(redact(R"({"password":"$2a$10$abcdefghijklmnopqrstuv"})"), R"({"password":"$2a$10$abcdefghijklmnopqrstuv"})");
}

TEST_F(RecordRedactorTest, NamesThatOnlyTalkAboutSecretsStay) {
  const std::string line = R"({"token_type":"bearer","next_page_token":"abc","password_policy":"strict","max_tokens":5})";
  EXPECT_EQ(redact(line), line);
}

TEST_F(RecordRedactorTest, EscapedSecretIsFoundAndReplacementIsValidJson) {
  // \u0067 is 'g': the token only exists after decoding.
  const std::string line = R"({"m":"key=\u0067hp_0123456789abcdefghijABCDEFGHIJ012345\n\"quoted\""})";
  const std::string out = redact(line);
  EXPECT_EQ(out, R"({"m":"key=[REDACTED:github-token]\n\"quoted\""})");
  EXPECT_TRUE(validJson(out));
}

TEST_F(RecordRedactorTest, JsonInsideAStringIsRedactedStructurally) {
  const std::string line = R"({"message":"{\"password\":\"hunter2\",\"n\":1}","level":"info"})";
  const std::string out = redact(line);
  EXPECT_EQ(out, R"({"message":"{\"password\":\"[REDACTED:password-field]\",\"n\":1}","level":"info"})");
  EXPECT_TRUE(validJson(out));
}

TEST_F(RecordRedactorTest, OtlpJsonAttributeKeyNamesTheValue) {
  const std::string line =
      R"({"resourceSpans":[{"resource":{"attributes":[{"key":"http.request.header.authorization","value":{"stringValue":"Bearer x.y.z"}},{"key":"service.name","value":{"stringValue":"api"}},{"key":"db.password","value":{"intValue":"42"}}]}}]})";
  EXPECT_EQ(redact(line),
            R"({"resourceSpans":[{"resource":{"attributes":[{"key":"http.request.header.authorization","value":{"stringValue":"[REDACTED:authorization-field]"}},{"key":"service.name","value":{"stringValue":"api"}},{"key":"db.password","value":{"stringValue":"[REDACTED:password-field]"}}]}}]})");
}

// Kubernetes env entries, HAR headers and AWS tags name their value in a sibling member.
TEST_F(RecordRedactorTest, NameValuePairsNameTheValue) {
  EXPECT_EQ(redact(R"({"env":[{"name":"DB_PASSWORD","value":"Zx8Lm2Qp7Rt4"},{"name":"DB_HOST","value":"db01"}]})"),
            R"({"env":[{"name":"DB_PASSWORD","value":"[REDACTED:password-field]"},{"name":"DB_HOST","value":"db01"}]})");
  EXPECT_EQ(redact(R"({"headers":[{"name":"X-Api-Key","value":"Zx8Lm2Qp7Rt4Vw1Yb6Nc3Kd9Hf5Gj0Sa"}]})"),
            R"({"headers":[{"name":"X-Api-Key","value":"[REDACTED:token-field]"}]})");
  EXPECT_EQ(redact(R"({"Tags":[{"Key":"api_token","Value":"t0k3n-Zx8Lm2Qp"},{"Key":"team","Value":"payments"}]})"),
            R"({"Tags":[{"Key":"api_token","Value":"[REDACTED:token-field]"},{"Key":"team","Value":"payments"}]})");
  // A name that is not sensitive, a value before its name, or a number, changes nothing.
  const std::string plain =
      R"({"items":[{"name":"alice","value":"42"},{"value":"x","name":"password"},{"name":"token","value":200,"unit":"ms"}]})";
  EXPECT_EQ(redact(plain), plain);
}

TEST_F(RecordRedactorTest, ArgvFlagNamingASecretMakesTheNextElementOne) {
  EXPECT_EQ(redact(R"({"argv":["/usr/bin/app","--db-password","C=KFmAK:04","--verbose","-x"]})"),
            R"({"argv":["/usr/bin/app","--db-password","[REDACTED:password-field]","--verbose","-x"]})");
  EXPECT_EQ(redact(R"({"args":["--token","t0k3nZx8Lm2","--page-token","abc"]})"),
            R"({"args":["--token","[REDACTED:token-field]","--page-token","abc"]})");
  // A flag at the end changes nothing; the element after a flag goes whatever its type.
  const std::string plain = R"({"argv":["app","--verbose","file.txt","--password"],"n":["--password",7]})";
  EXPECT_EQ(redact(plain), R"({"argv":["app","--verbose","file.txt","--password"],"n":["--password","[REDACTED:password-field]"]})");
}

// Redis's CONFIG SET logged as an array: the setting's name names the next element.
TEST_F(RecordRedactorTest, ConfigSetArraysNameTheirSecret) {
  EXPECT_EQ(redact(R"({"cmd":["CONFIG","SET","secret","Xk9mP2qL7Rt4"]})"),
            R"({"cmd":["CONFIG","SET","secret","[REDACTED:password-field]"]})");
  // A list of field names, another setting: nothing to hide.
  for (const std::string line : {R"({"fields":["username","secret","created_at"]})",
                                 R"({"cmd":["CONFIG","SET","maxmemory","100mb"]})"}) {
    EXPECT_EQ(redact(line), line);
  }
}

TEST_F(RecordRedactorTest, InvalidJsonIsScannedAsTextAndCounted) {
  const std::string line = R"({"a": "AKIAABCDEFGHIJKLMNOP", broken})";
  EXPECT_EQ(redact(line), R"({"a": "[REDACTED:aws-access-key-id]", broken})");
  EXPECT_EQ(workspace_.json_fallbacks, 1u);
}

TEST_F(RecordRedactorTest, TrailingContentAfterTheRootIsNotTrusted) {
  const std::string line = R"({"a":1} {"b":"AKIAABCDEFGHIJKLMNOP"})";
  EXPECT_EQ(redact(line), R"({"a":1} {"b":"[REDACTED:aws-access-key-id]"})");
  EXPECT_EQ(workspace_.json_fallbacks, 1u);
}

TEST_F(RecordRedactorTest, SecretInAKeyIsReplaced) {
  const std::string out = redact(R"({"AKIAABCDEFGHIJKLMNOP":1})");
  EXPECT_EQ(out, R"({"[REDACTED:aws-access-key-id]":1})");
}

// The secret itself has no escape, but the words around it that make it one are encoded.
TEST_F(RecordRedactorTest, SecretWhoseContextIsPercentEncodedIsFound) {
  EXPECT_EQ(redact("GET /x?dsn=redis%3A%2F%2Fapp%3Apassword%3DZx8Lm2Qp7Rt4 HTTP/1.1"),
            "GET /x?dsn=redis%3A%2F%2Fapp%3Apassword%3D[REDACTED:password-assignment] HTTP/1.1");
}

TEST_F(RecordRedactorTest, PercentEncodedSecretsAreFoundAndReplacedInPlace) {
  // %67 is 'g': the token only exists once the URL is decoded.
  EXPECT_EQ(redact("GET /cb?t=%67hp_0123456789abcdefghijABCDEFGHIJ012345&x=1 HTTP/1.1"),
            "GET /cb?t=[REDACTED:github-token]&x=1 HTTP/1.1");
  EXPECT_EQ(redact("q=AKIA%41BCDEFGHIJKLMNOP%20ok"), "q=[REDACTED:aws-access-key-id]%20ok");
  const std::string clean = "GET /a%20b?c=%2Fd 100%";
  EXPECT_EQ(redact(clean), clean);
}

// Regressions from loghub: prose and Java toString output are not key-value pairs.
TEST_F(RecordRedactorTest, TextFieldsIgnoreProseColonsAndObjectLiterals) {
  for (const char* line : {
           "W ActivityManager: Bad activity token: android.os.BinderProxy@3a1f",
           "Skipping AppWindowToken{df0798e token=Token{3b04890 ActivityRecord{1 u0}}}",
           "Priority: 20, Token: Token { kind: ContainerToken, service: 10.0.0.1:1 }",
       }) {
    EXPECT_EQ(redact(line), line);
  }
}

// Go structs printed with %+v: `Name:value` with no blank between. (The test policy's
// password rule would mask `Password:` on its own, so other names are used.)
TEST_F(RecordRedactorTest, TextFieldsGoStructFields) {
  EXPECT_EQ(redact("config: {Host:db01 User:app Secret:Zx8Lm2Qp7Rt4 Port:5432}"),
            "config: {Host:db01 User:app Secret:[REDACTED:password-field] Port:5432}");
  EXPECT_EQ(redact("&{Token:t0k3nZx8Lm2Qp Expiry:2026-01-01}"), "&{Token:[REDACTED:token-field] Expiry:2026-01-01}");
  // Times, URLs, scopes, lower-case prose and placeholders stay.
  for (const std::string line : {"at 10:00:01 Token:/etc/tk", "see Token://x", "std::Token::get()",
                                 "token:abc in prose", "{Token:<nil> Expiry:0}"}) {
    EXPECT_EQ(redact(line), line);
  }
}

// Passwords hold delimiters too: past one the value goes on unless the next pair starts.
TEST_F(RecordRedactorTest, TextFieldValuesRunPastDelimitersInsideThem) {
  EXPECT_EQ(redact("user=bob client_secret=Iu79&s|Q%!K1 status=ok"),
            "user=bob client_secret=[REDACTED:password-field] status=ok");
  EXPECT_EQ(redact("exec: app --secret jn;te<r8?[ --verbose"), "exec: app --secret [REDACTED:password-field] --verbose");
  EXPECT_EQ(redact("exec: app --secret=~diTN}xNr5E3i+tSx --verbose"),
            "exec: app --secret=[REDACTED:password-field] --verbose");
  // The next pair, a closing bracket or a separator before a blank end the value as before.
  EXPECT_EQ(redact("Server=db01;Secret=s3cr3tV4l;Database=app"),
            "Server=db01;Secret=[REDACTED:password-field];Database=app");
  EXPECT_EQ(redact("GET /x?secret=abc123&user=bob HTTP/1.1"), "GET /x?secret=[REDACTED:password-field]&user=bob HTTP/1.1");
  EXPECT_EQ(redact("(secret=abc123), next"), "(secret=[REDACTED:password-field]), next");
  EXPECT_EQ(redact("{secret=abc123} done"), "{secret=[REDACTED:password-field]} done");
}

// An environment dump (`env`, `printenv`, `export -p`, a container's env) prints a value with
// blanks unquoted: the whole rest of the line is the value of a sensitive variable. Only there:
// after a lowercase or mid-line key, or before the next pair, the value stops at the blank.
TEST_F(RecordRedactorTest, EnvironmentLinesHoldTheRestOfTheLine) {
  EXPECT_EQ(redact("GPG_SECRET=staple meadow orbit candle"), "GPG_SECRET=[REDACTED:password-field]");
  EXPECT_EQ(redact("  export DB_PASSWORD=two words  "), "  export DB_PASSWORD=[REDACTED:password-field]  ");
  EXPECT_EQ(redact("declare -x APP_SECRET=left right"), "declare -x APP_SECRET=[REDACTED:password-field]");
  EXPECT_EQ(redact("DB_PASSWORD=Zx8Lm2 DB_USER=app"), "DB_PASSWORD=[REDACTED:password-field] DB_USER=app");
  EXPECT_EQ(redact("client_secret=Zx8Lm2 then prose"), "client_secret=[REDACTED:password-field] then prose");
  EXPECT_EQ(redact("INFO start DB_PASSWORD=Zx8Lm2 ok"), "INFO start DB_PASSWORD=[REDACTED:password-field] ok");
  EXPECT_EQ(redact("DB_PASSWORD=${DB_PASSWORD} from the vault"), "DB_PASSWORD=${DB_PASSWORD} from the vault");
  EXPECT_EQ(redact("LOG_LEVEL=debug and more"), "LOG_LEVEL=debug and more");
}

// Field names in more of the syntaxes logs use: XML elements, Ruby/Perl/PHP arrows, `key = v`,
// sentences and prose colons (these two only when the value reads like a code or key).
TEST_F(RecordRedactorTest, TextFieldsXmlArrowsSentencesAndProse) {
  EXPECT_EQ(redact("got <password>Sr0CMjG2zHp</password> ok"), "got <password>[REDACTED:password-field]</password> ok");
  EXPECT_EQ(redact("{:access_token=>\"Xt6tSGK4l991HtU9\", :retry=>false}"),
            "{:access_token=>\"[REDACTED:token-field]\", :retry=>false}");
  EXPECT_EQ(redact("[line=14] client_secret => lr9NvYiuuE"), "[line=14] client_secret => [REDACTED:password-field]");
  EXPECT_EQ(redact("datasource secret = 7jW5r5UXDB=="), "datasource secret = [REDACTED:password-field]");
  EXPECT_EQ(redact("error = MYSQL_PWD is itv72py6DaCBK2VDUT"), "error = MYSQL_PWD is [REDACTED:password-field]");
  EXPECT_EQ(redact("core.14418 token is 7DYNc3jkaMbLEp5t"), "core.14418 token is [REDACTED:token-field]");
  EXPECT_EQ(redact("support note: their password was \"O.NNV9Kl*t.Dmv-+IS\" before the reset"),
            "support note: their password was \"[REDACTED:password-field]\" before the reset");
  EXPECT_EQ(redact("the password was changed yesterday"), "the password was changed yesterday");
  EXPECT_EQ(redact("HTTPS token: 732504 done"), "HTTPS token: [REDACTED:token-field] done");
  // Short digit codes count under personal-data names (the test policy has none: see the
  // bundled-pack test); a quantity never does.
  EXPECT_EQ(redact("HTTPS token: 732 done"), "HTTPS token: 732 done");
  EXPECT_EQ(redact("HTTPS token: Zx8Lm2Qp7Rt4 done"), "HTTPS token: [REDACTED:token-field] done");
  // Prose that only talks about secrets, and values that are not codes, stay.
  for (const std::string line : {"the password is incorrect", "password is 8 characters long", "token is expired",
                                 "Bad activity token: android.os.BinderProxy@2bd79ce", "<password></password>",
                                 "<token>x</tok>", "a>Cookie: sid=abc123", "bad token: 0x1f3a9b"}) {
    EXPECT_EQ(redact(line), line);
  }
}

// Lines a review found changed by the syntaxes above although they hold no secret.
TEST_F(RecordRedactorTest, TextFieldsLeaveCodeQuantitiesListsAndReferencesAlone) {
  for (const std::string line : {"The session token is 4096 bytes long", "Using token: kerberos5", "x secret: loop2unroll",
                                 "JWT token is HS256-signed", "reconciling Secret:default/db-creds took 15ms",
                                 "Token:ok Status:200", "    token = jwt.encode(payload, key)", "WHERE token = $1",
                                 "token = 3600", "GET /login?secret=&remember&next=/home"}) {
    EXPECT_EQ(redact(line), line);
  }
  EXPECT_EQ(redact("Server=db01;Secret=Xk9mP2qL;Initial Catalog=orders"),
            "Server=db01;Secret=[REDACTED:password-field];Initial Catalog=orders");
  EXPECT_EQ(redact("GET /login?secret=x1y2&remember&next=/home"), "GET /login?secret=[REDACTED:password-field]&remember&next=/home");
  EXPECT_EQ(redact("token=abc123XYZ|200|GET /api|12ms"), "token=[REDACTED:token-field]|200|GET /api|12ms");
  EXPECT_EQ(redact("token=abc123,3600,ok"), "token=[REDACTED:token-field],3600,ok");
  // Linear on a line of delimiters (was quadratic): 40,000 pairs.
  std::string many;
  for (int i = 0; i < 40000; ++i) many += "secret=a&";
  // Nor on a line of one long value read from every '=' (was quadratic): 200,000 names.
  std::string names;
  for (int i = 0; i < 200000; ++i) names += "secret=";
  EXPECT_EQ(redact(names), "secret=[REDACTED:password-field]");
  EXPECT_EQ(redact(many).size(), many.size() + 40000 * (std::string("[REDACTED:password-field]").size() - 1));
}

// A mask replaces the value only: not the backslash of a closing \" (a command line inside a
// JSON string), not a Python bytes prefix or the list around a Django QueryDict value.
TEST_F(RecordRedactorTest, ValuesInsideEscapesBytesLiteralsAndLists) {
  EXPECT_EQ(redact(R"(args: [\"REFRESH_TOKEN=rt_Zx8Lm2Qp7Rt4\",\"TZ=UTC\"])"),
            R"(args: [\"REFRESH_TOKEN=[REDACTED:token-field]\",\"TZ=UTC\"])");
  EXPECT_EQ(redact("{'pwd': ['Coffeewinter9864?'], 'x': 1}"), "{'pwd': ['[REDACTED:password-field]'], 'x': 1}");
  EXPECT_EQ(redact("headers={'Authorization': b'Basic YWxpY2U6aHVudGVyMg==', 'Accept': b'*/*'}"),
            "headers={'Authorization': b'[REDACTED:authorization-field]', 'Accept': b'*/*'}");
  EXPECT_EQ(redact(R"("Authorization": ["Bearer Zx8Lm2Qp7Rt4Zx8Lm2"], "Accept": ["*/*"])"),
            R"("Authorization": ["[REDACTED:authorization-field]"], "Accept": ["*/*"])");
  for (const std::string line : {"--from-file=pwd=./pw.txt", "auth=oauth2 grant_type=client_credentials",
                                 "{'pwd': [], 'x': 1}", "cmd: [\"TZ=UTC\"]"}) {
    EXPECT_EQ(redact(line), line);
  }
}

// After a password word prose keeps a password that is not code-like: a word with a letter and
// a digit or symbol, or anything quoted. Plain words, quantities, hashes and paths stay.
TEST_F(RecordRedactorTest, PasswordsInSentences) {
  EXPECT_EQ(redact("password is hunter22"), "password is [REDACTED:password-field]");
  EXPECT_EQ(redact("login failed: the password is hunter22."), "login failed: the password is [REDACTED:password-field].");
  EXPECT_EQ(redact("Your new password is: Xk9#mP2!"), "Your new password is: [REDACTED:password-field]");
  EXPECT_EQ(redact("temporary password is $ecr3t#, change it"), "temporary password is [REDACTED:password-field], change it");
  EXPECT_EQ(redact("the password is \"correct horse\" for bob"), "the password is \"[REDACTED:password-field]\" for bob");
  EXPECT_EQ(redact("reset done, new passwd: Welcome2024! (expires)"), "reset done, new passwd: [REDACTED:password-field] (expires)");
  EXPECT_EQ(redact("MYSQL_ROOT_PASSWORD is Zx8;Lm2&Qp ok"), "MYSQL_ROOT_PASSWORD is [REDACTED:password-field] ok");
  EXPECT_EQ(redact("user created (temporary password is Synth3tic9), expires 24h"),
            "user created (temporary password is [REDACTED:password-field]), expires 24h");
  EXPECT_EQ(redact("<p>Your password is Synth3tic9</p>"), "<p>Your password is [REDACTED:password-field]</p>");
  EXPECT_EQ(redact("admin: set password for bob to HJ9ZRijWy9uEaVEC8"), "admin: set password for bob to [REDACTED:password-field]");
  EXPECT_EQ(redact("Generated password for the elastic user: qLT2^3OnyjByc^@pkm"),
            "Generated password for the elastic user: [REDACTED:password-field]");
  // Further on in the sentence, after ` to ` or `: `.
  EXPECT_EQ(redact("password for user hiro reset to IJVfzsTvKZ0ve6 by admin"),
            "password for user hiro reset to [REDACTED:password-field] by admin");
  EXPECT_EQ(redact("Please use the following password to proceed to installation: 3638eb2b452b681b8747ef0109230"),
            "Please use the following password to proceed to installation: [REDACTED:password-field]");
  EXPECT_EQ(redact("Password for the elastic user (reset with `reset-password -u elastic`): QUk2TvJi2OR*62M"),
            "Password for the elastic user (reset with `reset-password -u elastic`): [REDACTED:password-field]");
  for (const std::string line :
       {"the password is incorrect", "password is too short", "Password is write-only", "password is sha256-hashed",
        "stored password is bcrypt2b", "password is 8+ chars", "password is /etc/secret/db", "new passwd: required",
        "password is \"\"", "password is ${DB_PASSWORD}", "password is <hidden>", "password is ********",
        "token is abc-def!", "the pass is hunter22", "compass is 4west!", "password length set to 1024",
        "Password reset link sent to the user. Token: none", "Failed password for invalid user admin from 10.0.0.1 port 22 ssh2",
        "password hashing migrated to argon2id", "password for bob changed to default", "password expiry: 90 days",
        "Failed password for root from 10.0.0.1 port 22 ssh2 detail: 4024007186071331",
        // Review findings: keys after a password word, verbs that set nothing, descriptions.
        "Password reset email queued, job_id: 7f3a9c2e1b4d", "password change for user_id: 12345678",
        "password reset requested from ip: 10.1.2.3 session: s-9f8e7d6c", "password check failed for user: alice2",
        "password sync to AD-server01 failed", "password policy updated to level-3", "copying /etc/passwd to backup01",
        "Updated PWD to build42 dir", "password is SHA-256 hashed", "password is 12-characters long",
        "password is k8s-managed", "password is FIPS140-2 compliant", "password is: v2-format",
        "ok <digest>secret=null</digest>", "set password policy to strict", "driver <id>secret=(none)</id>"}) {
    EXPECT_EQ(redact(line), line);
  }
}

TEST_F(RecordRedactorTest, TextFieldsLogfmtHeadersQueryAndFlags) {
  EXPECT_EQ(redact("user=bob db_pwd=hunter2 next=1"), "user=bob db_pwd=[REDACTED:password-field] next=1");
  EXPECT_EQ(redact("Authorization: Bearer abc.def"), "Authorization: [REDACTED:authorization-field]");
  EXPECT_EQ(redact("GET /cb?code=1&access_token=abc123&state=x"), "GET /cb?code=1&access_token=[REDACTED:token-field]&state=x");
  EXPECT_EQ(redact("run --password s3cret --verbose"), "run --password [REDACTED:password-field] --verbose");
  EXPECT_EQ(redact("cfg client_secret=\"a b c\" ok"), "cfg client_secret=\"[REDACTED:password-field]\" ok");
  EXPECT_EQ(redact(R"(cmd="run --client_secret \"Gus onu!\" --verbose")"),
            R"(cmd="run --client_secret \"[REDACTED:password-field]\" --verbose")");
  EXPECT_EQ(redact("curl -H 'Cookie: sid=abc123; Path=/'"), "curl -H 'Cookie: [REDACTED:authorization-field]; Path=/'");
  EXPECT_EQ(redact("at 10:00:01 token_type=bearer"), "at 10:00:01 token_type=bearer");
  EXPECT_EQ(redact("headers: Authorization: Basic dXNlcjpw"), "headers: Authorization: [REDACTED:authorization-field]");
  EXPECT_EQ(redact("api call x_api_key: k-123 ok"), "api call x_api_key: [REDACTED:token-field] ok");
  // HTTP traces (curl -v, http.client debug logs) mark request and response headers with > and <.
  EXPECT_EQ(redact("> Cookie: sid=abc123; theme=dark"), "> Cookie: [REDACTED:authorization-field]");
  EXPECT_EQ(redact("DEBUG http.client > Authorization: Basic dXNlcjpw"),
            "DEBUG http.client > Authorization: [REDACTED:authorization-field]");
  EXPECT_EQ(redact("a>Cookie: sid=abc123"), "a>Cookie: sid=abc123");  // not a trace marker
  EXPECT_EQ(redact("Failed password for root from 183.62.140.253 port 55138 ssh2"),
            "Failed password for root from 183.62.140.253 port 55138 ssh2");
}


TEST_F(RecordRedactorTest, DropRemovesTheMemberAndKeepsJsonValid) {
  core::Action drop;
  drop.kind = core::ActionKind::kDrop;
  auto policy = testing::withFieldAction(policy_, "password-field", drop);
  RecordRedactor records(*policy);
  Workspace workspace(*policy);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"password":"x"})", R"({})"},
      {R"({"password":"x","a":1})", R"({"a":1})"},
      {R"({"a":1, "password": {"n": [1]} })", R"({"a":1 })"},
      {R"({"a":1,"pwd":"x","b":2})", R"({"a":1,"b":2})"},
      {R"({"pwd":1,"secret":2,"a":3})", R"({"a":3})"},
      {R"({"a":0,"pwd":1,"secret":2})", R"({"a":0})"},
      {R"({"pwd":1,"secret":2})", R"({})"},
      {R"({"list":[{"pwd":"x"}],"n":{"secret":true,"k":"v"}})", R"({"list":[{}],"n":{"k":"v"}})"},
  };
  for (const auto& [in, expected] : cases) {
    std::string out;
    records.redact(workspace, in, out);
    EXPECT_EQ(out, expected) << in;
    EXPECT_TRUE(validJson(out)) << out;
  }
}

TEST_F(RecordRedactorTest, PartialAndTruncateApplyToTheDecodedValue) {
  core::Action partial;
  partial.kind = core::ActionKind::kPartial;
  partial.keep_first = 0;
  partial.keep_last = 4;
  auto policy = testing::withFieldAction(policy_, "token-field", partial);
  RecordRedactor records(*policy);
  Workspace workspace(*policy);
  std::string out;
  records.redact(workspace, R"({"access_token":"abcdefghéijkl","n":5})", out);
  EXPECT_EQ(out, R"({"access_token":"*********ijkl","n":5})");
  out.clear();
  records.redact(workspace, "access_token=abcdefghijkl next", out);
  EXPECT_EQ(out, "access_token=********ijkl next");
}

// Property: over generated nested records, valid JSON stays valid, a planted secret never
// survives at any depth, and a record with nothing to redact is byte-identical.
class RecordGenerator {
 public:
  explicit RecordGenerator(uint32_t seed) : random_(seed) {}

  std::string value(int depth, bool& planted, bool plant) {
    const int kind = depth > 4 ? static_cast<int>(random_() % 3) : static_cast<int>(random_() % 6);
    switch (kind) {
      case 0: return std::to_string(random_() % 100000);
      case 1: return random_() % 2 ? "true" : "null";
      case 2: {
        if (plant && random_() % 3 == 0) {
          planted = true;
          return "\"prefix " + kToken + (random_() % 2 ? "\\n" : " ") + "suffix\"";
        }
        return "\"" + word() + " \\\"q\\\" \\u00e9 " + word() + "\"";
      }
      case 3: case 4: {
        std::string out = "{";
        const int n = static_cast<int>(random_() % 4);
        for (int i = 0; i < n; ++i) {
          if (i) out += random_() % 2 ? "," : " , ";
          out += "\"" + word() + "\":" + value(depth + 1, planted, plant);
        }
        return out + "}";
      }
      default: {
        std::string out = "[";
        const int n = static_cast<int>(random_() % 4);
        for (int i = 0; i < n; ++i) out += (i ? "," : "") + value(depth + 1, planted, plant);
        return out + "]";
      }
    }
  }

 private:
  std::string word() {
    static const char* kWords[] = {"level", "msg", "user", "id", "span", "count", "name", "path"};
    return kWords[random_() % 8];
  }
  std::mt19937 random_;
};

TEST_F(RecordRedactorTest, PropertyValidInValidOutSecretsGoneCleanIdentical) {
  RecordGenerator generator(42);
  int planted_records = 0;
  for (int i = 0; i < 3000; ++i) {
    bool planted = false;
    const bool plant = i % 2 == 0;
    const std::string record = "{\"root\":" + generator.value(0, planted, plant) + "}";
    ASSERT_TRUE(validJson(record)) << record;
    const std::string out = redact(record);
    EXPECT_TRUE(validJson(out)) << record << "\n" << out;
    if (planted) {
      ++planted_records;
      EXPECT_EQ(out.find("ghp_"), std::string::npos) << out;
    } else {
      EXPECT_EQ(out, record);
    }
  }
  EXPECT_GT(planted_records, 100);
  EXPECT_EQ(workspace_.json_fallbacks, 0u);
}

}  // namespace
}  // namespace veil::formats
