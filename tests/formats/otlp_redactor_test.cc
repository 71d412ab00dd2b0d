#include "formats/otlp_redactor.h"

#include <gtest/gtest.h>

#include <thread>
#include <type_traits>

#include <random>
#include <string>
#include <vector>

#include "support/test_policy.h"

namespace veil::formats {
namespace {

namespace collector_logs = opentelemetry::proto::collector::logs::v1;
namespace collector_metrics = opentelemetry::proto::collector::metrics::v1;
namespace collector_trace = opentelemetry::proto::collector::trace::v1;
namespace common = opentelemetry::proto::common::v1;
namespace metrics = opentelemetry::proto::metrics::v1;
using KeyValues = google::protobuf::RepeatedPtrField<common::KeyValue>;

const std::string kToken = "ghp_0123456789abcdefghijABCDEFGHIJ012345";
const std::string kTokenMask = "[REDACTED:github-token]";
const std::string kAwsKey = "AKIAABCDEFGHIJKLMNOP";
const std::string kAwsMask = "[REDACTED:aws-access-key-id]";
const std::string kPassword = "password=hunter2x";
const std::string kPasswordMasked = "password=[REDACTED:password-assignment]";

common::AnyValue text(std::string value) {
  common::AnyValue any;
  any.set_string_value(std::move(value));
  return any;
}
common::AnyValue integer(int64_t value) {
  common::AnyValue any;
  any.set_int_value(value);
  return any;
}
common::AnyValue real(double value) {
  common::AnyValue any;
  any.set_double_value(value);
  return any;
}
common::AnyValue flag(bool value) {
  common::AnyValue any;
  any.set_bool_value(value);
  return any;
}
common::AnyValue bytes(std::string value) {
  common::AnyValue any;
  any.set_bytes_value(std::move(value));
  return any;
}
common::AnyValue array(std::vector<common::AnyValue> values) {
  common::AnyValue any;
  for (auto& value : values) *any.mutable_array_value()->add_values() = std::move(value);
  return any;
}
common::AnyValue kvlist(std::vector<std::pair<std::string, common::AnyValue>> members) {
  common::AnyValue any;
  for (auto& [key, value] : members) {
    common::KeyValue* member = any.mutable_kvlist_value()->add_values();
    member->set_key(key);
    *member->mutable_value() = std::move(value);
  }
  return any;
}
void add(KeyValues* list, const std::string& key, common::AnyValue value) {
  common::KeyValue* attribute = list->Add();
  attribute->set_key(key);
  *attribute->mutable_value() = std::move(value);
}

// Every request below is built three ways from one description: as sent (secrets planted), as
// it must come out of redaction, and clean (the planted parts left out), so that the
// expectation is the sent request with exactly the expected edits applied.
enum class Side { kSent, kExpected, kClean };

// `prefix + secret + suffix` as sent, with `mask` in the secret's place as expected, and
// without the secret when clean.
std::string planted(Side side, std::string_view prefix, std::string_view secret,
                    std::string_view mask, std::string_view suffix = "") {
  std::string out(prefix);
  out += side == Side::kSent ? secret : side == Side::kExpected ? mask : "";
  out += suffix;
  return out;
}

// One attribute as sent and as it must come out.
struct AttributeCase {
  std::string key;
  common::AnyValue sent;
  common::AnyValue expected;
};

// The attributes planted in every attribute list of every signal: the shared assertion that
// resource, scope, span, event, link, log, metadata, data point and exemplar attributes are
// all redacted alike.
const std::vector<AttributeCase>& plantedAttributes() {
  static const std::vector<AttributeCase> cases = {
      {"user.id", text("bob"), text("bob")},
      {"http.route", text("/login"), text("/login")},
      {"retry.count", integer(7), integer(7)},
      {"ratio", real(0.25), real(0.25)},
      {"cache.hit", flag(true), flag(true)},
      {"blob", bytes("\x01\xff" + kAwsKey), bytes("\x01\xff" + kAwsKey)},  // bytes are opaque
      {"token_type", text("bearer"), text("bearer")},                      // an exception
      {"message", text("token " + kToken + " end"), text("token " + kTokenMask + " end")},
      {"exception.message", text("no key " + kAwsKey), text("no key " + kAwsMask)},
      {"db.statement", text("login " + kPassword), text("login " + kPasswordMasked)},
      {"http.request.header.authorization", text("Bearer abc.def"),
       text("[REDACTED:authorization-field]")},
      {"db.password", integer(42), text("[REDACTED:password-field]")},
      {"tags", array({text("a"), text(kToken), integer(1)}),
       array({text("a"), text(kTokenMask), integer(1)})},
      {"headers", kvlist({{"Cookie", text("sid=1")}, {"accept", text("json")}}),
       kvlist({{"Cookie", text("[REDACTED:authorization-field]")}, {"accept", text("json")}})},
  };
  return cases;
}
constexpr size_t kReplacedPerList = 7;

void plant(Side side, KeyValues* list) {
  for (const AttributeCase& attribute : plantedAttributes()) {
    const bool unchanged =
        attribute.expected.SerializeAsString() == attribute.sent.SerializeAsString();
    if (side == Side::kClean && !unchanged) continue;
    add(list, attribute.key, side == Side::kSent ? attribute.sent : attribute.expected);
  }
}

collector_trace::ExportTraceServiceRequest traces(Side side) {
  collector_trace::ExportTraceServiceRequest request;
  auto* resource_spans = request.add_resource_spans();
  plant(side, resource_spans->mutable_resource()->mutable_attributes());
  resource_spans->mutable_resource()->set_dropped_attributes_count(1);
  resource_spans->set_schema_url("https://opentelemetry.io/schemas/1.24.0");
  auto* scope_spans = resource_spans->add_scope_spans();
  scope_spans->mutable_scope()->set_name("io.veil.test");
  scope_spans->mutable_scope()->set_version("1.0");
  plant(side, scope_spans->mutable_scope()->mutable_attributes());
  auto* span = scope_spans->add_spans();
  span->set_trace_id(
      std::string("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\xff", 16));
  span->set_span_id(std::string("\x10\x11\x12\x13\x14\x15\x16\x17", 8));
  span->set_parent_span_id(std::string("\x20\x21\x22\x23\x24\x25\x26\x27", 8));
  span->set_trace_state("vendor=opaque");
  span->set_flags(0x101);
  span->set_name(planted(side, "GET /cb?t=", kToken, kTokenMask));
  span->set_kind(opentelemetry::proto::trace::v1::Span::SPAN_KIND_SERVER);
  span->set_start_time_unix_nano(1700000000000000000ull);
  span->set_end_time_unix_nano(1700000000123456789ull);
  plant(side, span->mutable_attributes());
  span->set_dropped_attributes_count(2);
  auto* event = span->add_events();
  event->set_time_unix_nano(1700000000000000500ull);
  event->set_name(planted(side, "exception ", kAwsKey, kAwsMask));
  add(event->mutable_attributes(), "exception.type", text("java.sql.SQLException"));
  add(event->mutable_attributes(), "exception.stacktrace",
      text(planted(side, "SQLException: ", kPassword, kPasswordMasked,
                   "\n\tat Db.connect(Db.java:42)")));
  plant(side, event->mutable_attributes());
  auto* link = span->add_links();
  link->set_trace_id(std::string(16, '\x7f'));
  link->set_span_id(std::string(8, '\x01'));
  plant(side, link->mutable_attributes());
  span->mutable_status()->set_code(opentelemetry::proto::trace::v1::Status::STATUS_CODE_ERROR);
  span->mutable_status()->set_message(planted(side, "auth failed for ", kToken, kTokenMask));
  return request;
}
// 5 attribute lists, span name, event name, stacktrace, status message.
constexpr size_t kTraceReplaced = 5 * kReplacedPerList + 4;

collector_logs::ExportLogsServiceRequest logs(Side side) {
  collector_logs::ExportLogsServiceRequest request;
  auto* resource_logs = request.add_resource_logs();
  plant(side, resource_logs->mutable_resource()->mutable_attributes());
  auto* scope_logs = resource_logs->add_scope_logs();
  plant(side, scope_logs->mutable_scope()->mutable_attributes());
  scope_logs->set_schema_url("https://opentelemetry.io/schemas/1.24.0");

  auto* line = scope_logs->add_log_records();
  line->set_time_unix_nano(1700000000000000001ull);
  line->set_observed_time_unix_nano(1700000000000000002ull);
  line->set_severity_number(opentelemetry::proto::logs::v1::SEVERITY_NUMBER_WARN);
  line->set_severity_text("WARN");
  line->mutable_body()->set_string_value(
      planted(side, "login ok, ", kPassword, kPasswordMasked, " user=bob"));
  plant(side, line->mutable_attributes());
  line->set_flags(1);
  line->set_trace_id(std::string(16, '\xaa'));
  line->set_span_id(std::string(8, '\xbb'));
  line->set_event_name("auth.login");

  // A JSON line as the body is redacted structurally, as the line filter would.
  auto* json = scope_logs->add_log_records();
  json->mutable_body()->set_string_value(
      side == Side::kClean ? R"({"user":"bob","n":1})"
                           : planted(side, R"({"user":"bob","password":)", R"("hunter2")",
                                     R"("[REDACTED:password-field]")", R"(,"n":1})"));

  // Members under sensitive names are left out of the clean request: their masks would be
  // masked again.
  const auto sensitive = [side](std::vector<std::pair<std::string, common::AnyValue>> members,
                                std::string key, std::string sent, std::string mask) {
    if (side != Side::kClean) members.emplace_back(key, text(side == Side::kSent ? sent : mask));
    return kvlist(std::move(members));
  };
  auto* structured = scope_logs->add_log_records();
  *structured->mutable_body() = kvlist({
      {"msg", text(planted(side, "key ", kAwsKey, kAwsMask))},
      {"count", integer(3)},
      {"request", kvlist({{"path", text("/x")},
                          {"headers", sensitive({{"accept", text("json")}}, "Authorization",
                                                "Basic Ym9iOmh1bnRlcjI=",
                                                "[REDACTED:authorization-field]")}})},
      {"items", array({text(planted(side, "", kToken, kTokenMask)), flag(false)})},
  });

  auto* listed = scope_logs->add_log_records();
  *listed->mutable_body() = array({text(planted(side, "first ", kToken, kTokenMask)), real(1.5),
                                   sensitive({}, "api_key", "k-123", "[REDACTED:token-field]")});
  return request;
}
// 3 attribute lists; bodies: text, JSON, kvlist (msg, Authorization, item), array (text, api_key).
constexpr size_t kLogReplaced = 3 * kReplacedPerList + 7;

collector_metrics::ExportMetricsServiceRequest metricsOfEveryType(Side side) {
  collector_metrics::ExportMetricsServiceRequest request;
  auto* resource_metrics = request.add_resource_metrics();
  plant(side, resource_metrics->mutable_resource()->mutable_attributes());
  auto* scope_metrics = resource_metrics->add_scope_metrics();
  plant(side, scope_metrics->mutable_scope()->mutable_attributes());

  const auto exemplar = [side](metrics::Exemplar* added) {
    added->set_time_unix_nano(1700000000000000003ull);
    added->set_as_double(2.5);
    added->set_span_id(std::string(8, '\x02'));
    added->set_trace_id(std::string(16, '\x03'));
    plant(side, added->mutable_filtered_attributes());
  };
  const auto number_point = [&](metrics::NumberDataPoint* point) {
    plant(side, point->mutable_attributes());
    point->set_start_time_unix_nano(1);
    point->set_time_unix_nano(2);
    point->set_as_int(-42);
    point->set_flags(1);
    exemplar(point->add_exemplars());
  };

  auto* gauge = scope_metrics->add_metrics();
  gauge->set_name("process.cpu.utilization");
  gauge->set_unit("1");
  plant(side, gauge->mutable_metadata());
  number_point(gauge->mutable_gauge()->add_data_points());

  auto* sum = scope_metrics->add_metrics();
  sum->set_name("http.server.requests");
  sum->mutable_sum()->set_is_monotonic(true);
  sum->mutable_sum()->set_aggregation_temporality(metrics::AGGREGATION_TEMPORALITY_CUMULATIVE);
  number_point(sum->mutable_sum()->add_data_points());

  auto* histogram = scope_metrics->add_metrics();
  histogram->set_name("http.server.duration");
  auto* histogram_point = histogram->mutable_histogram()->add_data_points();
  plant(side, histogram_point->mutable_attributes());
  histogram_point->set_count(3);
  histogram_point->set_sum(0.75);
  histogram_point->add_bucket_counts(1);
  histogram_point->add_bucket_counts(2);
  histogram_point->add_explicit_bounds(0.5);
  histogram_point->set_min(0.1);
  exemplar(histogram_point->add_exemplars());

  auto* exponential = scope_metrics->add_metrics();
  exponential->set_name("rpc.duration");
  auto* exponential_point = exponential->mutable_exponential_histogram()->add_data_points();
  plant(side, exponential_point->mutable_attributes());
  exponential_point->set_scale(-3);
  exponential_point->set_zero_count(4);
  exponential_point->mutable_positive()->set_offset(-2);
  exponential_point->mutable_positive()->add_bucket_counts(9);
  exemplar(exponential_point->add_exemplars());

  auto* summary = scope_metrics->add_metrics();
  summary->set_name("gc.pause");
  auto* summary_point = summary->mutable_summary()->add_data_points();
  plant(side, summary_point->mutable_attributes());
  summary_point->set_count(10);
  auto* quantile = summary_point->add_quantile_values();
  quantile->set_quantile(0.99);
  quantile->set_value(12.5);
  return request;
}
// resource, scope, gauge metadata; 5 data points; 4 exemplars.
constexpr size_t kMetricReplaced = 12 * kReplacedPerList;


class OtlpRedactorTest : public ::testing::Test {
 protected:
  OtlpRedactorTest() : OtlpRedactorTest(testing::foundationRules()) {}
  explicit OtlpRedactorTest(const std::vector<std::pair<std::string, std::string>>& rules)
      : policy_(testing::makePolicy(rules, "[REDACTED:{rule}]", testing::foundationFields(),
                                    testing::foundationExceptions())),
        records_(*policy_),
        otlp_(records_),
        workspace_(*policy_) {}

  // Redacts `sent` and checks it is now byte for byte `expected` and that `replaced` values
  // were counted. Shared by every signal type.
  template <typename RequestT>
  void expectRedactsTo(RequestT sent, const RequestT& expected, size_t replaced) {
    SCOPED_TRACE(RequestT::descriptor()->full_name());
    EXPECT_EQ(otlp_.redact(workspace_, sent), replaced);
    EXPECT_EQ(sent.DebugString(), expected.DebugString());
    EXPECT_EQ(sent.SerializeAsString(), expected.SerializeAsString());
  }

  std::shared_ptr<const core::Policy> policy_;
  RecordRedactor records_;
  OtlpRedactor otlp_;
  Workspace workspace_;
};

TEST_F(OtlpRedactorTest, TracesEveryStringFieldRedactedAndNothingElseChanges) {
  expectRedactsTo(traces(Side::kSent), traces(Side::kExpected), kTraceReplaced);
}

TEST_F(OtlpRedactorTest, LogsBodiesOfEveryShapeAndAttributesRedacted) {
  expectRedactsTo(logs(Side::kSent), logs(Side::kExpected), kLogReplaced);
}

TEST_F(OtlpRedactorTest, MetricsOfEveryTypeDataPointAndExemplarAttributesRedacted) {
  expectRedactsTo(metricsOfEveryType(Side::kSent), metricsOfEveryType(Side::kExpected),
                  kMetricReplaced);
}

// Several resources, each with its records repeated, so that shares interleave across them.
template <typename RequestT>
RequestT repeated(const RequestT& one, int resources, int records) {
  RequestT request;
  for (int r = 0; r < resources; ++r) request.MergeFrom(one);
  auto grow = [&](auto* list) {
    const int original = list->size();
    for (int i = 1; i < records; ++i)
      for (int j = 0; j < original; ++j) list->Add()->CopyFrom(list->Get(j));
  };
  if constexpr (std::is_same_v<RequestT, collector_trace::ExportTraceServiceRequest>) {
    for (auto& resource : *request.mutable_resource_spans())
      for (auto& scope : *resource.mutable_scope_spans()) grow(scope.mutable_spans());
  } else if constexpr (std::is_same_v<RequestT, collector_logs::ExportLogsServiceRequest>) {
    for (auto& resource : *request.mutable_resource_logs())
      for (auto& scope : *resource.mutable_scope_logs()) grow(scope.mutable_log_records());
  } else {
    for (auto& resource : *request.mutable_resource_metrics())
      for (auto& scope : *resource.mutable_scope_metrics()) grow(scope.mutable_metrics());
  }
  return request;
}

// The shares of a request, redacted at the same time on as many threads, leave exactly what
// redacting it whole leaves, and count the same.
template <typename RequestT>
void expectSharesRedactLikeTheWhole(const core::Policy& policy, const OtlpRedactor& otlp,
                                    RequestT sent) {
  SCOPED_TRACE(RequestT::descriptor()->full_name());
  RequestT whole = sent;
  Workspace workspace(policy);
  const size_t expected = otlp.redact(workspace, whole);
  ASSERT_GT(expected, 0u);
  for (unsigned count : {2u, 3u, 7u}) {
    RequestT shared = sent;
    std::vector<Workspace> workspaces;
    for (unsigned i = 0; i < count; ++i) workspaces.emplace_back(policy);
    std::vector<size_t> replaced(count, 0);
    std::vector<std::thread> threads;
    for (unsigned i = 0; i < count; ++i)
      threads.emplace_back([&, i] { replaced[i] = otlp.redact(workspaces[i], shared, {i, count}); });
    for (auto& thread : threads) thread.join();
    size_t total = 0;
    for (size_t n : replaced) total += n;
    EXPECT_EQ(total, expected) << count << " shares";
    EXPECT_EQ(shared.SerializeAsString(), whole.SerializeAsString()) << count << " shares";
    EXPECT_NE(shared.SerializeAsString(), sent.SerializeAsString());
  }
}

TEST_F(OtlpRedactorTest, SharesOfARequestRedactedConcurrentlyEqualTheWhole) {
  expectSharesRedactLikeTheWhole(*policy_, otlp_, repeated(traces(Side::kSent), 3, 5));
  expectSharesRedactLikeTheWhole(*policy_, otlp_, repeated(logs(Side::kSent), 2, 4));
  expectSharesRedactLikeTheWhole(*policy_, otlp_, repeated(metricsOfEveryType(Side::kSent), 2, 3));
}

TEST_F(OtlpRedactorTest, RequestWithNothingToRedactIsByteIdenticalAndCountsZero) {
  expectRedactsTo(traces(Side::kClean), traces(Side::kClean), 0);
  expectRedactsTo(logs(Side::kClean), logs(Side::kClean), 0);
  expectRedactsTo(metricsOfEveryType(Side::kClean), metricsOfEveryType(Side::kClean), 0);
  expectRedactsTo(collector_trace::ExportTraceServiceRequest(),
                  collector_trace::ExportTraceServiceRequest(), 0);
}

TEST_F(OtlpRedactorTest, FindingsAreCountedPerRule) {
  auto request = traces(Side::kSent);
  otlp_.redact(workspace_, request);
  const auto& counts = workspace_.scan.findingsPerRule();
  const auto countOf = [&](const std::string& id) -> uint64_t {
    for (uint32_t rule = 0; rule < policy_->ruleCount(); ++rule) {
      if (policy_->ruleId(rule) == id) return rule < counts.size() ? counts[rule] : 0;
    }
    return 0;
  };
  EXPECT_GE(countOf("github-token"), 5u * 2 + 2);
  EXPECT_GE(countOf("authorization-field"), 5u * 2);
  EXPECT_GE(countOf("password-field"), 5u);
}

TEST_F(OtlpRedactorTest, CleanStringsAreNotRewritten) {
  auto request = traces(Side::kSent);
  auto& span = *request.mutable_resource_spans(0)->mutable_scope_spans(0)->mutable_spans(0);
  const char* route = span.attributes(1).value().string_value().data();
  const char* type = span.events(0).attributes(0).value().string_value().data();
  otlp_.redact(workspace_, request);
  ASSERT_EQ(span.attributes(1).key(), "http.route");
  EXPECT_EQ(span.attributes(1).value().string_value().data(), route);
  EXPECT_EQ(span.events(0).attributes(0).value().string_value().data(), type);
}

TEST_F(OtlpRedactorTest, SensitiveKeyReplacesValueOfEveryType) {
  collector_trace::ExportTraceServiceRequest sent;
  auto* attributes =
      sent.add_resource_spans()->add_scope_spans()->add_spans()->mutable_attributes();
  add(attributes, "api_key", integer(123456));
  add(attributes, "x-api-key", real(1.5));
  add(attributes, "token", flag(true));
  add(attributes, "secret", bytes(std::string("\x00\xffraw", 6)));
  add(attributes, "client_secret", array({text("a"), integer(2)}));
  add(attributes, "proxy_authorization", kvlist({{"scheme", text("basic")}}));
  add(attributes, "Authorization", text("Basic Ym9iOmh1bnRlcjI="));
  collector_trace::ExportTraceServiceRequest expected;
  auto* masked =
      expected.add_resource_spans()->add_scope_spans()->add_spans()->mutable_attributes();
  add(masked, "api_key", text("[REDACTED:token-field]"));
  add(masked, "x-api-key", text("[REDACTED:token-field]"));
  add(masked, "token", text("[REDACTED:token-field]"));
  add(masked, "secret", text("[REDACTED:password-field]"));
  add(masked, "client_secret", text("[REDACTED:password-field]"));
  add(masked, "proxy_authorization", text("[REDACTED:authorization-field]"));
  add(masked, "Authorization", text("[REDACTED:authorization-field]"));
  expectRedactsTo(sent, expected, 7);
}

// A field rule with a validator (connection-string-field: holds-credential) masks only the
// values it accepts; the others are scanned like any string.
TEST_F(OtlpRedactorTest, FieldRuleValidatorDecidesWhichValuesAreMasked) {
  collector_logs::ExportLogsServiceRequest sent;
  auto* attributes =
      sent.add_resource_logs()->add_scope_logs()->add_log_records()->mutable_attributes();
  add(attributes, "database_url", text("postgres://app:Zx8Lm2Qp7Rt4@db:5432/orders"));
  add(attributes, "connection_string", text("postgres://db:5432/orders?sslmode=require"));
  add(attributes, "db.database_url", text("postgres://db:5432/orders?user=" + std::string("ghp_0123456789abcdefghijABCDEFGHIJ012345")));
  collector_logs::ExportLogsServiceRequest expected;
  auto* masked =
      expected.add_resource_logs()->add_scope_logs()->add_log_records()->mutable_attributes();
  add(masked, "database_url", text("[REDACTED:connection-string-field]"));
  add(masked, "connection_string", text("postgres://db:5432/orders?sslmode=require"));
  add(masked, "db.database_url", text("postgres://db:5432/orders?user=[REDACTED:github-token]"));
  expectRedactsTo(sent, expected, 2);
}

TEST_F(OtlpRedactorTest, UnsetEmptyAndStarredValuesUnderSensitiveKeysStay) {
  collector_logs::ExportLogsServiceRequest sent;
  auto* attributes =
      sent.add_resource_logs()->add_scope_logs()->add_log_records()->mutable_attributes();
  attributes->Add()->set_key("password");        // no value at all
  add(attributes, "token", common::AnyValue());  // a value with nothing set
  add(attributes, "secret", text(""));
  add(attributes, "pwd", text("********"));
  expectRedactsTo(sent, sent, 0);
}

TEST_F(OtlpRedactorTest, KeysThatOnlyTalkAboutSecretsStay) {
  collector_logs::ExportLogsServiceRequest sent;
  auto* attributes =
      sent.add_resource_logs()->add_scope_logs()->add_log_records()->mutable_attributes();
  add(attributes, "token_type", text("bearer"));
  add(attributes, "next_page_token", text("abc"));
  add(attributes, "password_policy", text("strict"));
  add(attributes, "gen_ai.usage.max_tokens", integer(5));
  expectRedactsTo(sent, sent, 0);
}

TEST_F(OtlpRedactorTest, SecretInAnAttributeKeyIsReplaced) {
  collector_logs::ExportLogsServiceRequest sent;
  auto* body = sent.add_resource_logs()->add_scope_logs()->add_log_records()->mutable_body();
  *body = kvlist({{"bob@example.com " + kAwsKey, integer(1)}});
  collector_logs::ExportLogsServiceRequest expected = sent;
  expected.mutable_resource_logs(0)
      ->mutable_scope_logs(0)
      ->mutable_log_records(0)
      ->mutable_body()
      ->mutable_kvlist_value()
      ->mutable_values(0)
      ->set_key("bob@example.com " + kAwsMask);
  expectRedactsTo(sent, expected, 1);
}

TEST_F(OtlpRedactorTest, DropRemovesTheAttributeAndKeepsTheOrderOfTheRest) {
  core::Action drop;
  drop.kind = core::ActionKind::kDrop;
  auto policy = testing::withFieldAction(policy_, "password-field", drop);
  RecordRedactor records(*policy);
  OtlpRedactor otlp(records);
  Workspace workspace(*policy);

  collector_metrics::ExportMetricsServiceRequest sent;
  auto* point = sent.add_resource_metrics()
                    ->add_scope_metrics()
                    ->add_metrics()
                    ->mutable_sum()
                    ->add_data_points();
  point->set_as_double(3.5);
  auto* attributes = point->mutable_attributes();
  add(attributes, "db.password", text("hunter2"));
  add(attributes, "a", integer(1));
  add(attributes, "pwd", integer(7));
  add(attributes, "secret", kvlist({{"x", text("y")}}));
  add(attributes, "b", kvlist({{"k", text("v")}, {"passwd", text("p")}, {"token", text("t")}}));
  add(attributes, "c", text("password=hunter2x"));  // a pattern finding in text: emptied, kept
  add(attributes, "db.password", text(""));  // dropped even though empty: the key itself goes

  collector_metrics::ExportMetricsServiceRequest expected;
  auto* kept_point = expected.add_resource_metrics()
                         ->add_scope_metrics()
                         ->add_metrics()
                         ->mutable_sum()
                         ->add_data_points();
  kept_point->set_as_double(3.5);
  auto* kept = kept_point->mutable_attributes();
  add(kept, "a", integer(1));
  add(kept, "b", kvlist({{"k", text("v")}, {"token", text("[REDACTED:token-field]")}}));
  add(kept, "c", text("password=[REDACTED:password-assignment]"));

  EXPECT_EQ(otlp.redact(workspace, sent), 7u);
  EXPECT_EQ(sent.DebugString(), expected.DebugString());
  EXPECT_EQ(sent.SerializeAsString(), expected.SerializeAsString());
}

TEST_F(OtlpRedactorTest, PartialAppliesToScalarTextNestedAndBytesValuesAreMasked) {
  core::Action partial;
  partial.kind = core::ActionKind::kPartial;
  partial.keep_first = 0;
  partial.keep_last = 4;
  auto policy = testing::withFieldAction(policy_, "token-field", partial);
  RecordRedactor records(*policy);
  OtlpRedactor otlp(records);
  Workspace workspace(*policy);

  collector_trace::ExportTraceServiceRequest sent;
  auto* attributes =
      sent.add_resource_spans()->add_scope_spans()->add_spans()->mutable_attributes();
  add(attributes, "access_token", text("abcdefghéijkl"));
  add(attributes, "api_key", integer(123456789012));
  add(attributes, "token", kvlist({{"id", text("abcdefghijkl")}}));
  add(attributes, "x_api_key", bytes("\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8"));

  collector_trace::ExportTraceServiceRequest expected;
  auto* redacted =
      expected.add_resource_spans()->add_scope_spans()->add_spans()->mutable_attributes();
  add(redacted, "access_token", text("*********ijkl"));
  add(redacted, "api_key", text("********9012"));
  add(redacted, "token", text("[REDACTED:token-field]"));
  add(redacted, "x_api_key", text("[REDACTED:token-field]"));

  EXPECT_EQ(otlp.redact(workspace, sent), 4u);
  EXPECT_EQ(sent.DebugString(), expected.DebugString());
}

TEST_F(OtlpRedactorTest, HashAppliesToValuesOfEveryTypeAndEqualValuesStayJoinable) {
  core::Action hash;
  hash.kind = core::ActionKind::kHash;
  auto policy = testing::withFieldAction(policy_, "token-field", hash);
  policy->setHashKey(*core::deriveHashKey("test key material", "k1"));
  RecordRedactor records(*policy);
  OtlpRedactor otlp(records);
  Workspace workspace(*policy);

  collector_logs::ExportLogsServiceRequest sent;
  auto* attributes =
      sent.add_resource_logs()->add_scope_logs()->add_log_records()->mutable_attributes();
  add(attributes, "access_token", text("abc"));
  add(attributes, "refresh_token", text("abc"));
  add(attributes, "api_key", integer(7));
  add(attributes, "x_api_key", integer(8));
  add(attributes, "token", kvlist({{"id", text("abc")}}));
  add(attributes, "TOKEN", kvlist({{"id", text("abc")}}));
  add(attributes, "Token", bytes("\xff\x00"));
  EXPECT_EQ(otlp.redact(workspace, sent), 7u);

  std::vector<std::string> hashes;
  for (const auto& attribute : *attributes) {
    ASSERT_TRUE(attribute.value().has_string_value()) << attribute.key();
    EXPECT_TRUE(attribute.value().string_value().starts_with("hmac:k1:"))
        << attribute.value().string_value();
    EXPECT_EQ(attribute.value().string_value().size(), 8u + 32u);
    hashes.push_back(attribute.value().string_value());
  }
  EXPECT_EQ(hashes[0], hashes[1]);  // equal strings
  EXPECT_NE(hashes[2], hashes[3]);
  EXPECT_EQ(hashes[4], hashes[5]);  // equal nested values
  EXPECT_NE(hashes[0], hashes[4]);  // a string is not its wrapping
}

// Keys and span names are remembered within a request once found clean: that must never let a
// sensitive key, a key with a finding or a name with a finding through on a later span.
TEST_F(OtlpRedactorTest, RepeatedKeysAndNamesAreRedactedOnEverySpan) {
  const auto build = [](Side side) {
    collector_trace::ExportTraceServiceRequest request;
    auto* scope_spans = request.add_resource_spans()->add_scope_spans();
    for (int i = 0; i < 300; ++i) {
      auto* span = scope_spans->add_spans();
      span->set_name(i % 2 ? "GET /users" : planted(side, "GET /users?k=", kToken, kTokenMask));
      add(span->mutable_attributes(), "http.method", text("GET"));
      add(span->mutable_attributes(), "token",
          text(side == Side::kSent ? "t-" + std::to_string(i) : "[REDACTED:token-field]"));
      add(span->mutable_attributes(), planted(side, "k.", kAwsKey, kAwsMask), integer(i));
      add(span->mutable_attributes(), "note", text(planted(side, "", kPassword, kPasswordMasked)));
      auto* event = span->add_events();
      event->set_name(i % 3 ? "retry" : planted(side, "retry ", kAwsKey, kAwsMask));
    }
    return request;
  };
  // Every span: the token value, the key, the note; every other span's name; every third event's.
  expectRedactsTo(build(Side::kSent), build(Side::kExpected), 300 * 3 + 150 + 100);
}

TEST_F(OtlpRedactorTest, UnknownFieldsPassUnchanged) {
  auto sent = traces(Side::kClean);
  auto* span = sent.mutable_resource_spans(0)->mutable_scope_spans(0)->mutable_spans(0);
  span->GetReflection()->MutableUnknownFields(span)->AddLengthDelimited(1000, "opaque " + kAwsKey);
  span->GetReflection()->MutableUnknownFields(span)->AddVarint(1001, 7);
  expectRedactsTo(sent, sent, 0);
}

// Whatever bytes a client sends, once they parse as a request, redaction completes and the
// result is still a valid message: mutated copies of the requests above, parsed as every signal
// type.
TEST_F(OtlpRedactorTest, ArbitraryParsedBytesAreRedactedWithoutFailing) {
  // Protobuf logs each rejected UTF-8 string; the rejections are expected here.
  const auto previous = google::protobuf::SetLogHandler(nullptr);
  std::mt19937 random(11);
  const std::vector<std::string> seeds = {traces(Side::kSent).SerializeAsString(),
                                          logs(Side::kSent).SerializeAsString(),
                                          metricsOfEveryType(Side::kSent).SerializeAsString()};
  int parsed = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string wire = seeds[i % seeds.size()];
    for (int flips = 1 + static_cast<int>(random() % 4); flips > 0; --flips) {
      wire[random() % wire.size()] = static_cast<char>(random());
    }
    const auto redactParsed = [&](auto request) {
      if (!request.ParseFromString(wire)) return;
      ++parsed;
      otlp_.redact(workspace_, request);
      // Still a valid message: every string it holds is valid UTF-8.
      decltype(request) again;
      EXPECT_TRUE(again.ParseFromString(request.SerializeAsString()));
    };
    redactParsed(collector_trace::ExportTraceServiceRequest());
    redactParsed(collector_logs::ExportLogsServiceRequest());
    redactParsed(collector_metrics::ExportMetricsServiceRequest());
  }
  google::protobuf::SetLogHandler(previous);
  EXPECT_GT(parsed, 300);
}

// A rule that needs the attribute's name as context, like `"aws_secret_access_key": "..."` in
// JSON: the key is in front of the value when rules run.
class OtlpRedactorContextRuleTest : public OtlpRedactorTest {
 protected:
  OtlpRedactorContextRuleTest() : OtlpRedactorTest(rulesWithContextRule()) {}
  static std::vector<std::pair<std::string, std::string>> rulesWithContextRule() {
    auto rules = testing::foundationRules();
    rules.emplace_back("aws-secret-access-key",
                       R"((?i)aws_?secret_?access_?key\W{1,4}(?P<secret>[A-Za-z0-9/+=]{40})\b)");
    return rules;
  }
};

TEST_F(OtlpRedactorContextRuleTest, RuleNeedingTheKeyAsContextFiresOnAttributeValues) {
  const std::string secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  collector_logs::ExportLogsServiceRequest sent;
  auto* record = sent.add_resource_logs()->add_scope_logs()->add_log_records();
  add(record->mutable_attributes(), "aws_secret_access_key", text(secret));
  add(record->mutable_attributes(), "other", text(secret));  // no name, no finding
  *record->mutable_body() = kvlist({{"aws_secret_access_key", array({text(secret)})}});

  collector_logs::ExportLogsServiceRequest expected = sent;
  auto* redacted = expected.mutable_resource_logs(0)->mutable_scope_logs(0)->mutable_log_records(0);
  redacted->mutable_attributes(0)->mutable_value()->set_string_value(
      "[REDACTED:aws-secret-access-key]");
  redacted->mutable_body()
      ->mutable_kvlist_value()
      ->mutable_values(0)
      ->mutable_value()
      ->mutable_array_value()
      ->mutable_values(0)
      ->set_string_value("[REDACTED:aws-secret-access-key]");
  expectRedactsTo(sent, expected, 2);
}

// Property: over generated nested attribute trees, a planted secret never survives at any depth
// (except inside bytes, which are opaque), and a tree with nothing planted is byte-identical.
class AttributeTreeGenerator {
 public:
  explicit AttributeTreeGenerator(uint32_t seed) : random_(seed) {}

  common::AnyValue value(int depth, bool plant, bool& planted) {
    switch (depth > 5 ? random_() % 5 : random_() % 7) {
      case 0:
        return integer(static_cast<int64_t>(random_()));
      case 1:
        return real(static_cast<double>(random_()) / 7);
      case 2:
        return flag(random_() % 2 == 0);
      case 3:
        return bytes(word() + kToken);
      case 4: {
        if (plant && random_() % 3 == 0) {
          planted = true;
          return text(word() + (random_() % 2 ? " " : "\n") + kToken + " " + word());
        }
        return text(word() + " \"q\" é " + word());
      }
      case 5: {
        common::AnyValue list;
        for (uint32_t i = random_() % 4; i > 0; --i) {
          *list.mutable_array_value()->add_values() = value(depth + 1, plant, planted);
        }
        return list;
      }
      default: {
        common::AnyValue map;
        for (uint32_t i = random_() % 4; i > 0; --i) {
          auto* member = map.mutable_kvlist_value()->add_values();
          member->set_key(word());
          *member->mutable_value() = value(depth + 1, plant, planted);
        }
        return map;
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

// Every string in `value` outside bytes values.
void collectStrings(const common::AnyValue& value, std::string& out) {
  if (value.has_string_value()) out += value.string_value() + "\n";
  for (const auto& element : value.array_value().values()) collectStrings(element, out);
  for (const auto& member : value.kvlist_value().values()) {
    out += member.key() + "\n";
    collectStrings(member.value(), out);
  }
}

TEST_F(OtlpRedactorTest, PropertyPlantedSecretsGoneAtAnyDepthCleanTreesIdentical) {
  AttributeTreeGenerator generator(7);
  int planted_requests = 0;
  for (int i = 0; i < 2000; ++i) {
    bool planted = false;
    collector_logs::ExportLogsServiceRequest request;
    auto* record = request.add_resource_logs()->add_scope_logs()->add_log_records();
    *record->mutable_body() = generator.value(0, i % 2 == 0, planted);
    add(record->mutable_attributes(), "tree", generator.value(0, i % 2 == 0, planted));
    const std::string before = request.SerializeAsString();
    const size_t replaced = otlp_.redact(workspace_, request);
    if (planted) {
      ++planted_requests;
      EXPECT_GT(replaced, 0u);
      std::string strings;
      collectStrings(record->body(), strings);
      collectStrings(record->attributes(0).value(), strings);
      EXPECT_EQ(strings.find("ghp_"), std::string::npos) << request.DebugString();
    } else {
      EXPECT_EQ(replaced, 0u);
      EXPECT_EQ(request.SerializeAsString(), before);
    }
  }
  EXPECT_GT(planted_requests, 100);
}

}  // namespace
}  // namespace veil::formats

namespace veil::formats {
namespace {

// A private key tailed one line per log record (the filelog receiver on a file a process
// printed its key to): the records after the BEGIN line are masked up to the END line, in
// each scope on its own, and a request redacted in shares after redactAcrossRecords() comes
// out the same as one redacted whole.
TEST(OtlpKeyBlockTest, LogRecordsAfterABeginLineAreMaskedUpToTheEnd) {
  const auto rules = testing::foundationRules();  // the last is private-key-header
  auto policy = testing::makePolicy(rules);
  RecordRedactor records(*policy);
  OtlpRedactor otlp(records);
  const std::string mask = "[REDACTED:private-key-header]";
  const std::string body1 = "MIIEpAIBAAKCAQEA9QTYrwA2Ne3pDXhg+rVlaxKQoTLHrEVWFk9VA/ZowuweIj+0";
  const std::string body2 = "GQIPd8x8La6PMHKCMPy7xCFrpGIdZWv9NgBF3fj5zZdN/+IFNS9k/tqapJMZCv0l";

  collector_logs::ExportLogsServiceRequest request;
  std::vector<std::pair<std::string, std::string>> expected;  // body in, body out
  auto* scope = request.add_resource_logs()->add_scope_logs();
  auto add = [&](opentelemetry::proto::logs::v1::ScopeLogs* to, const std::string& in, const std::string& out) {
    to->add_log_records()->mutable_body()->set_string_value(in);
    expected.emplace_back(in, out);
  };
  add(scope, "loading key", "loading key");
  add(scope, "-----BEGIN RSA PRIVATE KEY-----", mask);
  add(scope, body1, mask);
  add(scope, "app[7]: " + body2, "app[7]: " + mask);
  add(scope, "Mu3H6hlwMeee44X2h7YPzbpFBFwC==", mask);
  add(scope, "-----END RSA PRIVATE KEY-----", "-----END RSA PRIVATE KEY-----");
  add(scope, body1, body1);  // after the END: not key material
  add(scope, "-----BEGIN PRIVATE KEY-----", mask);  // cut off where the scope ends
  auto* next = request.mutable_resource_logs(0)->add_scope_logs();
  add(next, body2, body2);  // another scope starts closed
  add(next, "-----BEGIN PUBLIC KEY-----", "-----BEGIN PUBLIC KEY-----");
  add(next, body1, body1);
  add(next, "uploaded by " + kToken, "uploaded by " + kTokenMask);
  add(next, "-----BEGIN EC PRIVATE KEY-----", mask);
  add(next, "", "");
  add(next, body1 + "  ", mask + "  ");
  add(next, "request done", "request done");
  add(next, body2, body2);

  auto check = [&](const collector_logs::ExportLogsServiceRequest& redacted, const char* how) {
    size_t i = 0;
    for (const auto& resource : redacted.resource_logs()) {
      for (const auto& scope_logs : resource.scope_logs()) {
        for (const auto& record : scope_logs.log_records()) {
          ASSERT_LT(i, expected.size());
          EXPECT_EQ(record.body().string_value(), expected[i].second) << how << ", record " << i;
          ++i;
        }
      }
    }
    EXPECT_EQ(i, expected.size());
  };

  auto whole = request;
  Workspace workspace(*policy);
  EXPECT_EQ(otlp.redact(workspace, whole), 8u);  // 3 BEGIN lines, 4 body lines, 1 token
  check(whole, "whole");
  EXPECT_EQ(workspace.scan.findingsPerRule()[rules.size() - 1], 7u);

  auto shared = request;
  Workspace first(*policy), second(*policy);
  size_t replaced = otlp.redactAcrossRecords(first, shared);
  replaced += otlp.redact(first, shared, {0, 2});
  replaced += otlp.redact(second, shared, {1, 2});
  EXPECT_EQ(replaced, 8u);
  check(shared, "shares");
}

}  // namespace
}  // namespace veil::formats
