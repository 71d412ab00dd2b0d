#include "core/field_names.h"

#include <gtest/gtest.h>

namespace veil::core {
namespace {

std::shared_ptr<const FieldNames> names(std::vector<FieldRule> rules,
                                        std::vector<std::string> exceptions = {}) {
  std::string error;
  auto built = FieldNames::build(std::move(rules), std::move(exceptions), &error);
  EXPECT_NE(built, nullptr) << error;
  return built;
}

FieldRule rule(std::string id, FieldMatch match, std::vector<std::string> names) {
  FieldRule r;
  r.id = std::move(id);
  r.match = match;
  r.names = std::move(names);
  return r;
}

TEST(FieldNamesTest, JoinedNameIsCaseAndSeparatorBlind) {
  EXPECT_EQ(joinedFieldName("apiKey"), "apikey");
  EXPECT_EQ(joinedFieldName("API_KEY"), "apikey");
  EXPECT_EQ(joinedFieldName("x-api-key"), "xapikey");
  EXPECT_EQ(joinedFieldName("http.request.header.authorization"), "httprequestheaderauthorization");
}

TEST(FieldNamesTest, SuffixMatchesTheLastWordsOfAName) {
  auto set = names({rule("pw", FieldMatch::kSuffix, {"password"}),
                    rule("key", FieldMatch::kSuffix, {"api_key"})});
  for (const char* name : {"password", "db_password", "DB_PASSWORD", "userPassword", "user.password",
                           "apiKey", "api_key", "API-KEY", "x-api-key", "headers.X-Api-Key", "XApiKey"}) {
    EXPECT_TRUE(set->match(name).has_value()) << name;
  }
  for (const char* name : {"password_policy", "passwordMinLength", "api_key_id", "apikeys", "keys",
                           "passwords_count", "", "..."}) {
    EXPECT_FALSE(set->match(name).has_value()) << name;
  }
}

TEST(FieldNamesTest, ExactMatchesTheWholeNameOnly) {
  auto set = names({rule("tok", FieldMatch::kExact, {"token"})});
  EXPECT_TRUE(set->match("Token").has_value());
  EXPECT_FALSE(set->match("access_token").has_value());
}

TEST(FieldNamesTest, LongerExceptionWinsOverShorterRule) {
  auto set = names({rule("tok", FieldMatch::kSuffix, {"token"})}, {"page_token"});
  EXPECT_TRUE(set->match("access_token").has_value());
  EXPECT_FALSE(set->match("next_page_token").has_value());
  EXPECT_FALSE(set->match("pageToken").has_value());
}

TEST(FieldNamesTest, GlobAndRegexRules) {
  auto set = names({rule("glob", FieldMatch::kGlob, {"x-*-secret"}),
                    rule("re", FieldMatch::kRegex, {"^(aws|gcp)_.*_credential$"})});
  EXPECT_EQ(set->match("X-Upstream-Secret"), 0u);
  EXPECT_EQ(set->match("AWS_ROLE_CREDENTIAL"), 1u);
  EXPECT_FALSE(set->match("x-secret").has_value());
  EXPECT_TRUE(set->hasPatternRules());
}

TEST(FieldNamesTest, BadRegexIsAnErrorNamingTheRule) {
  std::string error;
  FieldRule bad = rule("broken", FieldMatch::kRegex, {"(unclosed"});
  bad.origin = "keys.yaml:3";
  EXPECT_EQ(FieldNames::build({bad}, {}, &error), nullptr);
  EXPECT_NE(error.find("keys.yaml:3: field rule 'broken'"), std::string::npos) << error;
}

TEST(FieldNamesTest, PrefiltersAreTheLastTwoWordsOfEachNameWithEachSeparator) {
  auto set = names({rule("a", FieldMatch::kSuffix, {"api_key", "password", "x_amz_security_token"}),
                    rule("b", FieldMatch::kExact, {"clientSecret"}),
                    rule("c", FieldMatch::kGlob, {"x-*"})});
  EXPECT_EQ(set->literals(),
            (std::vector<std::string>{"api key", "api-key", "api.key", "api:key", "api__key", "api_key", "apikey",
                                      "client secret", "client-secret", "client.secret", "client:secret",
                                      "client__secret", "client_secret", "clientsecret", "password",
                                      "security token", "security-token", "security.token", "security:token",
                                      "security__token", "security_token", "securitytoken"}));
}

TEST(FieldNamesTest, VeryLongNamesAreJudgedByTheirEnd) {
  auto set = names({rule("pw", FieldMatch::kSuffix, {"password"})});
  EXPECT_TRUE(set->match(std::string(5000, 'a') + ".password").has_value());
}

}  // namespace
}  // namespace veil::core
