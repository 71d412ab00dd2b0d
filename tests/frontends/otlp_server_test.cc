#include "frontends/otlp_server.h"

#include <netinet/in.h>
#include <sys/socket.h>

#include <google/protobuf/util/message_differencer.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/impl/codegen/client_unary_call.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "opentelemetry/proto/collector/logs/v1/logs_service.grpc.pb.h"
#include "opentelemetry/proto/collector/metrics/v1/metrics_service.grpc.pb.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.grpc.pb.h"
#include "frontends/disk_queue.h"
#include "frontends/metrics_http.h"
#include "google/rpc/retry_info.pb.h"
#include "google/rpc/status.pb.h"
#include "support/test_policy.h"

namespace veil::frontends {
namespace {

namespace trace_v1 = opentelemetry::proto::collector::trace::v1;
namespace logs_v1 = opentelemetry::proto::collector::logs::v1;
namespace metrics_v1 = opentelemetry::proto::collector::metrics::v1;
using opentelemetry::proto::common::v1::KeyValue;
using namespace std::chrono_literals;

constexpr char kGithubToken[] = "ghp_0123456789abcdefghijABCDEFGHIJ012345";
constexpr auto kWait = 5s;  // generous upper bound for conditions that normally hold in ms

std::shared_ptr<const core::Policy> foundationPolicy() {
  static const auto policy = testing::makePolicy(testing::foundationRules(), "[REDACTED:{rule}]",
                                                 testing::foundationFields(), testing::foundationExceptions());
  return policy;
}

void addString(google::protobuf::RepeatedPtrField<KeyValue>* list, const std::string& key, const std::string& value) {
  auto* kv = list->Add();
  kv->set_key(key);
  kv->mutable_value()->set_string_value(value);
}

void addInt(google::protobuf::RepeatedPtrField<KeyValue>* list, const std::string& key, int64_t value) {
  auto* kv = list->Add();
  kv->set_key(key);
  kv->mutable_value()->set_int_value(value);
}

// A span with secrets in attributes, an event and the status; `redacted` gives the form that
// must arrive downstream.
trace_v1::ExportTraceServiceRequest traceRequest(bool redacted, const std::string& name = "GET /checkout") {
  const std::string token = redacted ? "[REDACTED:github-token]" : kGithubToken;
  trace_v1::ExportTraceServiceRequest request;
  auto* resource_spans = request.add_resource_spans();
  addString(resource_spans->mutable_resource()->mutable_attributes(), "service.name", "checkout");
  auto* scope_spans = resource_spans->add_scope_spans();
  scope_spans->mutable_scope()->set_name("io.opentelemetry.http");
  auto* span = scope_spans->add_spans();
  span->set_trace_id(std::string("\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10", 16));
  span->set_span_id(std::string("\x11\x12\x13\x14\x15\x16\x17\x18", 8));
  span->set_name(name);
  span->set_start_time_unix_nano(1700000000000000000ull);
  span->set_end_time_unix_nano(1700000000500000000ull);
  addString(span->mutable_attributes(), "http.request.header.authorization",
            redacted ? "[REDACTED:authorization-field]" : "Bearer abc");
  addString(span->mutable_attributes(), "git.remote", "pushed with " + token + " today");
  addInt(span->mutable_attributes(), "http.response.status_code", 502);
  auto* event = span->add_events();
  event->set_name("retry");
  event->set_time_unix_nano(1700000000100000000ull);
  addString(event->mutable_attributes(), "exception.message", "clone failed for " + token);
  span->mutable_status()->set_code(opentelemetry::proto::trace::v1::Status::STATUS_CODE_ERROR);
  span->mutable_status()->set_message("upstream rejected " + token);
  return request;
}

logs_v1::ExportLogsServiceRequest logsRequest(bool redacted, const std::string& body_suffix = "") {
  logs_v1::ExportLogsServiceRequest request;
  auto* scope_logs = request.add_resource_logs()->add_scope_logs();
  auto* record = scope_logs->add_log_records();
  record->set_time_unix_nano(1700000000000000000ull);
  record->set_severity_text("WARN");
  record->mutable_body()->set_string_value(
      std::string("deploy key ") + (redacted ? "[REDACTED:github-token]" : kGithubToken) + " rotated" + body_suffix);
  addString(record->mutable_attributes(), "aws.key",
            redacted ? "[REDACTED:aws-access-key-id]" : "AKIAIOSFODNN7EXAMPLE");
  addString(record->mutable_attributes(), "user.id", "bob");
  return request;
}

metrics_v1::ExportMetricsServiceRequest metricsRequest(bool redacted) {
  metrics_v1::ExportMetricsServiceRequest request;
  auto* metric = request.add_resource_metrics()->add_scope_metrics()->add_metrics();
  metric->set_name("http.server.request.count");
  auto* point = metric->mutable_sum()->add_data_points();
  point->set_as_int(7);
  addString(point->mutable_attributes(), "url.full",
            std::string("https://example.test/hook?key=") + (redacted ? "[REDACTED:github-token]" : kGithubToken));
  addString(point->mutable_attributes(), "http.route", "/hook");
  return request;
}

::testing::AssertionResult sameMessage(const google::protobuf::Message& expected,
                                       const google::protobuf::Message& actual) {
  std::string differences;
  google::protobuf::util::MessageDifferencer differencer;
  differencer.ReportDifferencesToString(&differences);
  if (differencer.Compare(expected, actual)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << differences;
}

// What the fake downstream does with the next Exports.
struct Behaviour {
  int unavailable_next = 0;  // fail this many Exports with UNAVAILABLE, then succeed
  grpc::StatusCode fail_always = grpc::StatusCode::OK;
  int64_t rejected = 0;  // > 0: answer with partial success
  // Answer this many Exports RESOURCE_EXHAUSTED with a RetryInfo asking for `throttle_delay`,
  // as the Collector does when it wants its senders to wait.
  int throttle_next = 0;
  std::chrono::milliseconds throttle_delay{0};
};

// The google.rpc.Status in `status`'s details (empty when there are none or they do not parse).
google::rpc::Status statusDetails(const grpc::Status& status) {
  google::rpc::Status details;
  if (!details.ParseFromString(status.error_details())) details.Clear();
  return details;
}

// A collector that records what it receives.
class FakeCollector {
 public:
  FakeCollector() : trace_(*this), logs_(*this), metrics_(*this) {}
  ~FakeCollector() { stop(); }

  // Port 0: any free port.
  bool start(int port = 0,
             std::shared_ptr<grpc::ServerCredentials> credentials = grpc::InsecureServerCredentials()) {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:" + std::to_string(port), credentials, &port_);
    builder.RegisterService(&trace_);
    builder.RegisterService(&logs_);
    builder.RegisterService(&metrics_);
    server_ = builder.BuildAndStart();
    return server_ && port_ != 0;
  }
  void stop() {
    if (server_) server_->Shutdown(std::chrono::system_clock::now());
    server_.reset();
  }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  int port() const { return port_; }

  void set(Behaviour behaviour) {
    std::lock_guard lock(mutex_);
    behaviour_ = behaviour;
  }
  // Waits until `done` holds (checked under the lock after every Export).
  bool waitFor(const std::function<bool()>& done) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, kWait, done);
  }
  bool waitForAttempts(size_t count) {
    return waitFor([&] { return attempts_ >= count; });
  }
  size_t attempts() {
    std::lock_guard lock(mutex_);
    return attempts_;
  }

  std::vector<trace_v1::ExportTraceServiceRequest> traces;
  std::vector<logs_v1::ExportLogsServiceRequest> logs;
  std::vector<metrics_v1::ExportMetricsServiceRequest> metrics;
  std::vector<std::string> arrivals;  // the signal of each accepted Export, in arrival order
  std::vector<std::chrono::steady_clock::time_point> attempt_times;
  bool saw_authorization = false;

 private:
  template <class Service, class Request, class Response>
  class Recorder final : public Service {
   public:
    explicit Recorder(FakeCollector& collector) : collector_(collector) {}
    grpc::Status Export(grpc::ServerContext* context, const Request* request, Response* response) override {
      return collector_.receive(*context, *request, *response);
    }

   private:
    FakeCollector& collector_;
  };

  template <class Request, class Response>
  grpc::Status receive(grpc::ServerContext& context, const Request& request, Response& response) {
    std::lock_guard lock(mutex_);
    ++attempts_;
    attempt_times.push_back(std::chrono::steady_clock::now());
    changed_.notify_all();
    if (context.client_metadata().count("authorization")) saw_authorization = true;
    if (behaviour_.throttle_next > 0) {
      --behaviour_.throttle_next;
      google::rpc::RetryInfo info;
      info.mutable_retry_delay()->set_seconds(behaviour_.throttle_delay.count() / 1000);
      info.mutable_retry_delay()->set_nanos(static_cast<int32_t>(behaviour_.throttle_delay.count() % 1000 * 1000000));
      google::rpc::Status details;
      details.set_code(static_cast<int32_t>(grpc::StatusCode::RESOURCE_EXHAUSTED));
      details.set_message("memory limit");
      details.add_details()->PackFrom(info);
      return grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "memory limit", details.SerializeAsString());
    }
    if (behaviour_.unavailable_next > 0) {
      --behaviour_.unavailable_next;
      return grpc::Status(grpc::StatusCode::UNAVAILABLE, "warming up");
    }
    if (behaviour_.fail_always != grpc::StatusCode::OK) return grpc::Status(behaviour_.fail_always, "refused");
    arrivals.push_back(kOtlpSignalNames[static_cast<size_t>(
        std::is_same_v<Request, trace_v1::ExportTraceServiceRequest>  ? OtlpSignal::kTraces
        : std::is_same_v<Request, logs_v1::ExportLogsServiceRequest> ? OtlpSignal::kLogs
                                                                      : OtlpSignal::kMetrics)]);
    if constexpr (std::is_same_v<Request, trace_v1::ExportTraceServiceRequest>) {
      traces.push_back(request);
      if (behaviour_.rejected) {
        response.mutable_partial_success()->set_rejected_spans(behaviour_.rejected);
        response.mutable_partial_success()->set_error_message("spans too old");
      }
    } else if constexpr (std::is_same_v<Request, logs_v1::ExportLogsServiceRequest>) {
      logs.push_back(request);
      if (behaviour_.rejected) response.mutable_partial_success()->set_rejected_log_records(behaviour_.rejected);
    } else {
      metrics.push_back(request);
      if (behaviour_.rejected) response.mutable_partial_success()->set_rejected_data_points(behaviour_.rejected);
    }
    return grpc::Status::OK;
  }

 public:
  std::mutex mutex_;  // guards the recorded requests too: lock it (or use waitFor) to read them

 private:
  std::condition_variable changed_;
  Behaviour behaviour_;
  size_t attempts_ = 0;
  Recorder<trace_v1::TraceService::Service, trace_v1::ExportTraceServiceRequest, trace_v1::ExportTraceServiceResponse> trace_;
  Recorder<logs_v1::LogsService::Service, logs_v1::ExportLogsServiceRequest, logs_v1::ExportLogsServiceResponse> logs_;
  Recorder<metrics_v1::MetricsService::Service, metrics_v1::ExportMetricsServiceRequest, metrics_v1::ExportMetricsServiceResponse> metrics_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
};

// A sender, as an SDK or agent would be.
class Sender {
 public:
  explicit Sender(int port,
                  std::shared_ptr<grpc::ChannelCredentials> credentials = grpc::InsecureChannelCredentials())
      : channel_(grpc::CreateChannel("127.0.0.1:" + std::to_string(port), credentials)),
        trace_(trace_v1::TraceService::NewStub(channel_)),
        logs_(logs_v1::LogsService::NewStub(channel_)),
        metrics_(metrics_v1::MetricsService::NewStub(channel_)) {}

  std::string token;  // non-empty: sent as `authorization: Bearer <token>`
  bool gzip = false;
  std::multimap<std::string, std::string> trailers;  // of the last call

  grpc::Status send(const trace_v1::ExportTraceServiceRequest& request, trace_v1::ExportTraceServiceResponse* response = nullptr) {
    trace_v1::ExportTraceServiceResponse ignored;
    return call([&](grpc::ClientContext* context) { return trace_->Export(context, request, response ? response : &ignored); });
  }
  grpc::Status send(const logs_v1::ExportLogsServiceRequest& request, logs_v1::ExportLogsServiceResponse* response = nullptr) {
    logs_v1::ExportLogsServiceResponse ignored;
    return call([&](grpc::ClientContext* context) { return logs_->Export(context, request, response ? response : &ignored); });
  }
  grpc::Status send(const metrics_v1::ExportMetricsServiceRequest& request, metrics_v1::ExportMetricsServiceResponse* response = nullptr) {
    metrics_v1::ExportMetricsServiceResponse ignored;
    return call([&](grpc::ClientContext* context) { return metrics_->Export(context, request, response ? response : &ignored); });
  }

  // grpc.health.v1.Health/Check for the whole server, without generated health stubs: the
  // request is an empty message and SERVING is `08 01`.
  grpc::Status checkHealth(std::string& response_bytes) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + kWait);
    grpc::ByteBuffer request, response;
    grpc::Slice empty;
    request = grpc::ByteBuffer(&empty, 1);
    const grpc::internal::RpcMethod method("/grpc.health.v1.Health/Check", grpc::internal::RpcMethod::NORMAL_RPC);
    const auto status = grpc::internal::BlockingUnaryCall<grpc::ByteBuffer, grpc::ByteBuffer>(
        channel_.get(), method, &context, request, &response);
    std::vector<grpc::Slice> slices;
    response_bytes.clear();
    if (status.ok() && response.Dump(&slices).ok())
      for (const auto& slice : slices) response_bytes.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
    return status;
  }

 private:
  grpc::Status call(const std::function<grpc::Status(grpc::ClientContext*)>& export_call) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + kWait);
    if (!token.empty()) context.AddMetadata("authorization", "Bearer " + token);
    if (gzip) context.set_compression_algorithm(GRPC_COMPRESS_GZIP);
    const auto status = export_call(&context);
    trailers.clear();
    for (const auto& [key, value] : context.GetServerTrailingMetadata())
      trailers.emplace(std::string(key.data(), key.size()), std::string(value.data(), value.size()));
    return status;
  }

  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<trace_v1::TraceService::Stub> trace_;
  std::unique_ptr<logs_v1::LogsService::Stub> logs_;
  std::unique_ptr<metrics_v1::MetricsService::Stub> metrics_;
};

class OtlpServerTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(downstream_.start()); }

  // Starts veil on a free port in front of the fake collector.
  void startVeil(const std::function<void(OtlpServerOptions&)>& adjust = {}) {
    OtlpServerOptions options;
    options.listen_address = "127.0.0.1:0";
    options.forward_address = downstream_.address();
    options.retry_initial_backoff = 5ms;
    options.retry_max_backoff = 40ms;
    if (adjust) adjust(options);
    std::string error;
    server_ = OtlpServer::start(foundationPolicy(), options, &error);
    ASSERT_TRUE(server_) << error;
    sender_ = std::make_unique<Sender>(server_->port());
  }

  FakeCollector downstream_;
  std::unique_ptr<OtlpServer> server_;
  std::unique_ptr<Sender> sender_;
};

TEST_F(OtlpServerTest, RedactsSpansBeforeForwarding) {
  startVeil();
  ASSERT_TRUE(sender_->send(traceRequest(false)).ok());
  std::lock_guard lock(downstream_.mutex_);
  ASSERT_EQ(downstream_.traces.size(), 1u);
  EXPECT_TRUE(sameMessage(traceRequest(true), downstream_.traces[0]));
  const auto stats = server_->stats();
  EXPECT_EQ(stats.requests, 1u);
  EXPECT_EQ(stats.forwarded, 1u);
  EXPECT_EQ(stats.values_redacted, 4u);
}

TEST_F(OtlpServerTest, LargeRequestsAreRedactedByThreadsSharingThem) {
  startVeil([](OtlpServerOptions& options) {
    options.redaction_threads = 3;
    options.share_min_records = 4;
  });
  // 40 spans over 4 resources: shared by three threads.
  trace_v1::ExportTraceServiceRequest sent, expected;
  for (int i = 0; i < 4; ++i) {
    auto one = traceRequest(false), redacted = traceRequest(true);
    auto* spans = one.mutable_resource_spans(0)->mutable_scope_spans(0)->mutable_spans();
    auto* redacted_spans = redacted.mutable_resource_spans(0)->mutable_scope_spans(0)->mutable_spans();
    for (int j = 1; j < 10; ++j) {
      spans->Add()->CopyFrom(spans->Get(0));
      redacted_spans->Add()->CopyFrom(redacted_spans->Get(0));
    }
    sent.MergeFrom(one);
    expected.MergeFrom(redacted);
  }
  ASSERT_TRUE(sender_->send(sent).ok());
  std::lock_guard lock(downstream_.mutex_);
  ASSERT_EQ(downstream_.traces.size(), 1u);
  EXPECT_TRUE(sameMessage(expected, downstream_.traces[0]));
}

// A key logged one line per record in a request large enough to be shared between threads:
// the records after its BEGIN line are masked before the shares start.
TEST_F(OtlpServerTest, KeyBodyLogRecordsAreMaskedWhenARequestIsShared) {
  startVeil([](OtlpServerOptions& options) {
    options.redaction_threads = 3;
    options.share_min_records = 4;
  });
  logs_v1::ExportLogsServiceRequest sent;
  auto* records = sent.add_resource_logs()->add_scope_logs()->mutable_log_records();
  const std::string body = "MIIEpAIBAAKCAQEA9QTYrwA2Ne3pDXhg+rVlaxKQoTLHrEVWFk9VA/ZowuweIj+0";
  records->Add()->mutable_body()->set_string_value("-----BEGIN PRIVATE KEY-----");
  for (int i = 0; i < 20; ++i) records->Add()->mutable_body()->set_string_value(body);
  records->Add()->mutable_body()->set_string_value("-----END PRIVATE KEY-----");
  records->Add()->mutable_body()->set_string_value(body);
  ASSERT_TRUE(sender_->send(sent).ok());
  std::lock_guard lock(downstream_.mutex_);
  ASSERT_EQ(downstream_.logs.size(), 1u);
  const auto& got = downstream_.logs[0].resource_logs(0).scope_logs(0).log_records();
  ASSERT_EQ(got.size(), 23);
  for (int i = 0; i <= 20; ++i) EXPECT_EQ(got[i].body().string_value(), "[REDACTED:private-key-header]") << i;
  EXPECT_EQ(got[21].body().string_value(), "-----END PRIVATE KEY-----");
  EXPECT_EQ(got[22].body().string_value(), body);
}

TEST_F(OtlpServerTest, RedactsLogRecordsBeforeForwarding) {
  startVeil();
  ASSERT_TRUE(sender_->send(logsRequest(false)).ok());
  std::lock_guard lock(downstream_.mutex_);
  ASSERT_EQ(downstream_.logs.size(), 1u);
  EXPECT_TRUE(sameMessage(logsRequest(true), downstream_.logs[0]));
}

TEST_F(OtlpServerTest, RedactsMetricDataPointsBeforeForwarding) {
  startVeil();
  ASSERT_TRUE(sender_->send(metricsRequest(false)).ok());
  std::lock_guard lock(downstream_.mutex_);
  ASSERT_EQ(downstream_.metrics.size(), 1u);
  EXPECT_TRUE(sameMessage(metricsRequest(true), downstream_.metrics[0]));
}

TEST_F(OtlpServerTest, AcceptsGzipFromSender) {
  startVeil();
  sender_->gzip = true;
  ASSERT_TRUE(sender_->send(logsRequest(false, std::string(4096, 'z'))).ok());
  std::lock_guard lock(downstream_.mutex_);
  ASSERT_EQ(downstream_.logs.size(), 1u);
  EXPECT_TRUE(sameMessage(logsRequest(true, std::string(4096, 'z')), downstream_.logs[0]));
}

TEST_F(OtlpServerTest, ForwardsCleanRequestUnchangedWithGzip) {
  startVeil([](OtlpServerOptions& options) { options.forward_gzip = true; });
  const auto clean = traceRequest(true);  // already redacted: nothing left to find
  ASSERT_TRUE(sender_->send(clean).ok());
  std::lock_guard lock(downstream_.mutex_);
  ASSERT_EQ(downstream_.traces.size(), 1u);
  EXPECT_EQ(downstream_.traces[0].SerializeAsString(), clean.SerializeAsString());
}

TEST_F(OtlpServerTest, PassesPartialSuccessBack) {
  startVeil();
  downstream_.set({.rejected = 3});
  trace_v1::ExportTraceServiceResponse traces;
  ASSERT_TRUE(sender_->send(traceRequest(false), &traces).ok());
  EXPECT_EQ(traces.partial_success().rejected_spans(), 3);
  EXPECT_EQ(traces.partial_success().error_message(), "spans too old");
  logs_v1::ExportLogsServiceResponse logs;
  ASSERT_TRUE(sender_->send(logsRequest(false), &logs).ok());
  EXPECT_EQ(logs.partial_success().rejected_log_records(), 3);
  metrics_v1::ExportMetricsServiceResponse metrics;
  ASSERT_TRUE(sender_->send(metricsRequest(false), &metrics).ok());
  EXPECT_EQ(metrics.partial_success().rejected_data_points(), 3);
}

TEST_F(OtlpServerTest, PassesNonRetryableErrorBack) {
  startVeil();
  downstream_.set({.fail_always = grpc::StatusCode::INVALID_ARGUMENT});
  const auto status = sender_->send(logsRequest(false));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "refused");
  const auto stats = server_->stats();
  EXPECT_EQ(stats.failed, 1u);
  EXPECT_EQ(stats.queued, 0u);
}

TEST_F(OtlpServerTest, QueuesWhileDownstreamUnavailableThenDeliversInOrder) {
  startVeil();
  downstream_.set({.unavailable_next = 4});
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(sender_->send(traceRequest(false, "span " + std::to_string(i))).ok());
  ASSERT_TRUE(downstream_.waitFor([&] { return downstream_.traces.size() == 3; }));
  {
    std::lock_guard lock(downstream_.mutex_);
    for (int i = 0; i < 3; ++i)
      EXPECT_TRUE(sameMessage(traceRequest(true, "span " + std::to_string(i)), downstream_.traces[i]));
  }
  EXPECT_TRUE(server_->shutdown(kWait));  // the retry thread has counted its last answer
  const auto stats = server_->stats();
  EXPECT_GE(stats.queued, 1u);
  EXPECT_EQ(stats.forwarded + stats.delivered_from_queue, 3u);
}

TEST_F(OtlpServerTest, ConcurrentSendersLoseNothingWhileDownstreamFlaps) {
  startVeil();
  downstream_.set({.unavailable_next = 10});
  constexpr int kSenders = 4, kEach = 25;
  std::vector<std::thread> senders;
  std::atomic<int> failures{0};
  for (int s = 0; s < kSenders; ++s)
    senders.emplace_back([&, s] {
      Sender sender(server_->port());
      for (int i = 0; i < kEach; ++i)
        if (!sender.send(traceRequest(false, std::to_string(s) + "/" + std::to_string(i))).ok()) ++failures;
    });
  for (auto& sender : senders) sender.join();
  EXPECT_EQ(failures, 0);
  ASSERT_TRUE(downstream_.waitFor([&] { return downstream_.traces.size() == kSenders * kEach; }));
  std::lock_guard lock(downstream_.mutex_);
  // Each sender's requests arrive once, redacted, in the order it sent them.
  std::vector<int> next(kSenders, 0);
  for (const auto& request : downstream_.traces) {
    const std::string name = request.resource_spans(0).scope_spans(0).spans(0).name();
    const int s = std::stoi(name.substr(0, name.find('/')));
    ASSERT_TRUE(sameMessage(traceRequest(true, std::to_string(s) + "/" + std::to_string(next[s])), request));
    ++next[s];
  }
}

TEST_F(OtlpServerTest, DeliversQueuedRequestsAfterDownstreamRestarts) {
  startVeil();
  const int port = downstream_.port();
  downstream_.stop();
  ASSERT_TRUE(sender_->send(logsRequest(false)).ok());  // connection refused: queued
  EXPECT_EQ(server_->stats().queue_requests, 1u);
  ASSERT_TRUE(downstream_.start(port));
  ASSERT_TRUE(downstream_.waitFor([&] { return downstream_.logs.size() == 1; }));
  std::lock_guard lock(downstream_.mutex_);
  EXPECT_TRUE(sameMessage(logsRequest(true), downstream_.logs[0]));
}

TEST_F(OtlpServerTest, AnswersResourceExhaustedWithPushbackWhenQueueFull) {
  const auto request = logsRequest(true);
  startVeil([&](OtlpServerOptions& options) {
    options.queue_max_bytes = request.ByteSizeLong() * 3 / 2;  // room for one
    options.queue_full_pushback = 250ms;
  });
  downstream_.set({.fail_always = grpc::StatusCode::UNAVAILABLE});
  ASSERT_TRUE(sender_->send(request).ok());
  const auto status = sender_->send(request);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  ASSERT_EQ(sender_->trailers.count("grpc-retry-pushback-ms"), 1u);
  EXPECT_EQ(sender_->trailers.find("grpc-retry-pushback-ms")->second, "250");
  const auto stats = server_->stats();
  EXPECT_EQ(stats.rejected_queue_full, 1u);
  EXPECT_EQ(stats.queue_requests, 1u);
  EXPECT_FALSE(server_->shutdown(0ms));  // the queued one is dropped, and counted
  EXPECT_EQ(server_->stats().dropped, 1u);
}

TEST_F(OtlpServerTest, ShutdownDrainsQueue) {
  startVeil();
  downstream_.set({.unavailable_next = 3});
  ASSERT_TRUE(sender_->send(metricsRequest(false)).ok());
  EXPECT_TRUE(server_->shutdown(5s));
  std::lock_guard lock(downstream_.mutex_);
  ASSERT_EQ(downstream_.metrics.size(), 1u);
  EXPECT_TRUE(sameMessage(metricsRequest(true), downstream_.metrics[0]));
}

TEST_F(OtlpServerTest, RefusesRequestLargerThanMaxMessageSize) {
  startVeil([](OtlpServerOptions& options) { options.max_message_bytes = 4096; });
  const auto status = sender_->send(logsRequest(false, std::string(8192, 'x')));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_TRUE(sender_->send(logsRequest(false)).ok());
  EXPECT_EQ(downstream_.attempts(), 1u);
}

TEST_F(OtlpServerTest, RequiresBearerTokenWhenConfigured) {
  startVeil([](OtlpServerOptions& options) { options.bearer_token = "s3cret-token"; });
  EXPECT_EQ(sender_->send(traceRequest(false)).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  sender_->token = "s3cret-tokeN";
  EXPECT_EQ(sender_->send(traceRequest(false)).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  sender_->token = "s3cret-token";
  EXPECT_TRUE(sender_->send(traceRequest(false)).ok());
  EXPECT_EQ(server_->stats().unauthenticated, 2u);
  std::lock_guard lock(downstream_.mutex_);
  EXPECT_EQ(downstream_.traces.size(), 1u);
  EXPECT_FALSE(downstream_.saw_authorization);  // the sender's credentials stay with veil
}

TEST_F(OtlpServerTest, HealthServiceAnswersServingWithoutToken) {
  startVeil([](OtlpServerOptions& options) { options.bearer_token = "s3cret-token"; });
  std::string response;
  ASSERT_TRUE(sender_->checkHealth(response).ok());
  EXPECT_EQ(response, std::string("\x08\x01", 2));
}

TEST_F(OtlpServerTest, AnswersQueueFullWithRetryInfoInStatusDetails) {
  const auto request = logsRequest(true);
  startVeil([&](OtlpServerOptions& options) {
    options.queue_max_bytes = request.ByteSizeLong() * 3 / 2;  // room for one
    options.queue_full_pushback = 1250ms;
  });
  downstream_.set({.fail_always = grpc::StatusCode::UNAVAILABLE});
  ASSERT_TRUE(sender_->send(request).ok());
  const auto status = sender_->send(request);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  const auto details = statusDetails(status);
  EXPECT_EQ(details.code(), static_cast<int32_t>(grpc::StatusCode::RESOURCE_EXHAUSTED));
  EXPECT_EQ(details.message(), status.error_message());
  ASSERT_EQ(details.details_size(), 1);
  EXPECT_EQ(details.details(0).type_url(), "type.googleapis.com/google.rpc.RetryInfo");
  google::rpc::RetryInfo info;
  ASSERT_TRUE(details.details(0).UnpackTo(&info));
  EXPECT_EQ(info.retry_delay().seconds(), 1);
  EXPECT_EQ(info.retry_delay().nanos(), 250000000);
}

TEST_F(OtlpServerTest, WaitsAsLongAsTheDownstreamsRetryInfoAsks) {
  startVeil();  // backoff 5..40 ms: far below what the downstream asks
  downstream_.set({.throttle_next = 2, .throttle_delay = 200ms});
  ASSERT_TRUE(sender_->send(logsRequest(false)).ok());  // throttled on the first attempt: queued
  ASSERT_TRUE(downstream_.waitFor([&] { return downstream_.logs.size() == 1; }));
  std::lock_guard lock(downstream_.mutex_);
  ASSERT_EQ(downstream_.attempt_times.size(), 3u);
  // Asked on the first attempt (then queued) and on the first resend alike.
  for (size_t i = 1; i < 3; ++i)
    EXPECT_GE(downstream_.attempt_times[i] - downstream_.attempt_times[i - 1], 190ms) << "attempt " << i;
  EXPECT_TRUE(sameMessage(logsRequest(true), downstream_.logs[0]));
}

// Veil in front of the fake collector with its retry queue in a fresh directory.
class OtlpDiskQueueTest : public OtlpServerTest {
 protected:
  void SetUp() override {
    OtlpServerTest::SetUp();
    char pattern[] = "/tmp/veil-otlp-queue-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    root_ = pattern;
    queue_dir_ = root_ / "queue";  // made by veil
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  void startVeilOnDisk(const std::function<void(OtlpServerOptions&)>& adjust = {}) {
    startVeil([&](OtlpServerOptions& options) {
      options.queue_dir = queue_dir_.string();
      if (adjust) adjust(options);
    });
  }
  // The names of the files in the queue directory, sorted.
  std::vector<std::string> files() const {
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(queue_dir_))
      names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }
  // Waits until the retry queue is empty.
  bool drained() {
    const auto give_up = std::chrono::steady_clock::now() + kWait;
    while (server_->stats().queue_requests > 0) {
      if (std::chrono::steady_clock::now() > give_up) return false;
      std::this_thread::sleep_for(1ms);
    }
    return true;
  }

  std::filesystem::path root_, queue_dir_;
};

TEST_F(OtlpDiskQueueTest, QueuedRequestsSurviveARestartAndArriveInOrderOnce) {
  startVeilOnDisk();
  const int port = downstream_.port();
  downstream_.stop();
  // Every signal, interleaved: the file order must be the queue order.
  for (int i = 0; i < 6; ++i) {
    const auto tag = std::to_string(i);
    const auto status = i % 3 == 0   ? sender_->send(traceRequest(false, "span " + tag))
                        : i % 3 == 1 ? sender_->send(logsRequest(false, " #" + tag))
                                     : sender_->send(metricsRequest(false));
    ASSERT_TRUE(status.ok()) << i << ": " << status.error_message();
  }
  EXPECT_EQ(files().size(), 6u);  // acknowledged, so already on disk
  EXPECT_EQ(std::filesystem::status(queue_dir_).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_all);
  EXPECT_EQ(std::filesystem::status(queue_dir_ / files()[0]).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  EXPECT_TRUE(server_->shutdown(50ms));  // nothing dropped: all of it stays on disk
  auto stats = server_->stats();
  EXPECT_EQ(stats.left_on_disk, 6u);
  EXPECT_EQ(stats.dropped, 0u);
  EXPECT_EQ(files().size(), 6u);
  server_.reset();

  ASSERT_TRUE(downstream_.start(port));
  startVeilOnDisk();
  ASSERT_TRUE(drained());
  stats = server_->stats();
  EXPECT_EQ(stats.loaded_from_disk, 6u);
  EXPECT_EQ(stats.delivered_from_queue, 6u);
  EXPECT_EQ(stats.disk_corrupt, 0u);
  EXPECT_TRUE(files().empty());
  EXPECT_TRUE(server_->shutdown(kWait));
  std::lock_guard lock(downstream_.mutex_);
  const std::vector<std::string> order = {"traces", "logs", "metrics", "traces", "logs", "metrics"};
  EXPECT_EQ(downstream_.arrivals, order);
  ASSERT_EQ(downstream_.traces.size(), 2u);
  ASSERT_EQ(downstream_.logs.size(), 2u);
  ASSERT_EQ(downstream_.metrics.size(), 2u);
  for (int k = 0; k < 2; ++k) {
    EXPECT_TRUE(sameMessage(traceRequest(true, "span " + std::to_string(3 * k)), downstream_.traces[k]));
    EXPECT_TRUE(sameMessage(logsRequest(true, " #" + std::to_string(3 * k + 1)), downstream_.logs[k]));
    EXPECT_TRUE(sameMessage(metricsRequest(true), downstream_.metrics[k]));
  }
}

TEST_F(OtlpDiskQueueTest, MovesCorruptAndTruncatedFilesAsideAndDeliversTheRest) {
  startVeilOnDisk();
  const int port = downstream_.port();
  downstream_.stop();
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(sender_->send(logsRequest(false, " #" + std::to_string(i))).ok());
  server_->shutdown(0ms);
  server_.reset();
  const auto names = files();
  ASSERT_EQ(names.size(), 3u);
  {  // the first: one payload byte flipped
    std::fstream file(queue_dir_ / names[0], std::ios::in | std::ios::out | std::ios::binary);
    file.seekg(-1, std::ios::end);
    const char last = static_cast<char>(file.get());
    file.seekp(-1, std::ios::end);
    file.put(static_cast<char>(last ^ 0x20));
  }
  std::filesystem::resize_file(queue_dir_ / names[2], std::filesystem::file_size(queue_dir_ / names[2]) - 5);

  ASSERT_TRUE(downstream_.start(port));
  startVeilOnDisk();
  ASSERT_TRUE(drained());
  const auto stats = server_->stats();
  EXPECT_EQ(stats.disk_corrupt, 2u);
  EXPECT_EQ(stats.loaded_from_disk, 1u);
  const std::vector<std::string> left = {names[0] + ".corrupt", names[2] + ".corrupt"};
  EXPECT_EQ(files(), left);
  std::lock_guard lock(downstream_.mutex_);
  ASSERT_EQ(downstream_.logs.size(), 1u);
  EXPECT_TRUE(sameMessage(logsRequest(true, " #1"), downstream_.logs[0]));
}

TEST_F(OtlpDiskQueueTest, RefusesToStartWhenTheQueueDirectoryCannotBeCreatedOrWritten) {
  OtlpServerOptions options;
  options.listen_address = "127.0.0.1:0";
  options.forward_address = downstream_.address();
  std::ofstream(root_ / "file") << "not a directory";
  options.queue_dir = (root_ / "file" / "queue").string();
  std::string error;
  EXPECT_FALSE(OtlpServer::start(foundationPolicy(), options, &error));
  EXPECT_EQ(error, "queue directory '" + options.queue_dir + "': cannot create: Not a directory");

  if (::geteuid() != 0) {  // root writes anywhere
    const auto read_only = root_ / "read-only";
    std::filesystem::create_directory(read_only);
    std::filesystem::permissions(read_only, std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec);
    options.queue_dir = read_only.string();
    EXPECT_FALSE(OtlpServer::start(foundationPolicy(), options, &error));
    EXPECT_EQ(error, "queue directory '" + options.queue_dir + "': cannot write: Permission denied");
    std::filesystem::permissions(read_only, std::filesystem::perms::owner_all);
  }

  // A second veil on a directory in use would send everything twice.
  startVeilOnDisk();
  options.queue_dir = queue_dir_.string();
  EXPECT_FALSE(OtlpServer::start(foundationPolicy(), options, &error));
  EXPECT_EQ(error, "queue directory '" + options.queue_dir + "': in use by another veil");
}

TEST_F(OtlpDiskQueueTest, AnswersUnavailableWhenTheQueueFileCannotBeWritten) {
  startVeilOnDisk();
  downstream_.stop();
  std::filesystem::remove_all(queue_dir_);  // veil holds the directory open; files can no longer be made
  const auto status = sender_->send(logsRequest(false));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);  // not acknowledged: the sender retries
  EXPECT_EQ(status.error_message(), "veil cannot store the export for retry");
  const auto stats = server_->stats();
  EXPECT_EQ(stats.disk_errors, 1u);
  EXPECT_EQ(stats.queued, 0u);
  EXPECT_EQ(stats.queue_requests, 0u);
}

TEST_F(OtlpDiskQueueTest, QueueBytesBoundHoldsOnDisk) {
  const auto request = logsRequest(true);
  startVeilOnDisk([&](OtlpServerOptions& options) {
    options.queue_max_bytes = request.ByteSizeLong() * 5 / 2;  // room for two
  });
  downstream_.stop();
  ASSERT_TRUE(sender_->send(request).ok());
  ASSERT_TRUE(sender_->send(request).ok());
  EXPECT_EQ(sender_->send(request).error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  const auto names = files();
  ASSERT_EQ(names.size(), 2u);
  uintmax_t payload_bytes = 0;
  for (const auto& name : names) payload_bytes += std::filesystem::file_size(queue_dir_ / name) - DiskQueue::kHeaderBytes;
  EXPECT_LE(payload_bytes, request.ByteSizeLong() * 5 / 2);
  const auto stats = server_->stats();
  EXPECT_EQ(stats.rejected_queue_full, 1u);
  EXPECT_EQ(stats.queue_bytes, payload_bytes);
}

// A throwaway PKI for TLS tests: a CA, and leaf certificates it signs for 127.0.0.1.
class TestPki {
 public:
  struct Pem {
    std::string cert, key;
  };

  TestPki() {
    char pattern[] = "/tmp/veil-otlp-tls-XXXXXX";
    dir_ = ::mkdtemp(pattern);
    ca_key_ = EVP_EC_gen("P-256");
    ca_ = makeCert("veil test CA", ca_key_, nullptr, nullptr, true);
    ca_pem_ = pem(ca_, ca_key_).cert;
  }
  ~TestPki() {
    X509_free(ca_);
    EVP_PKEY_free(ca_key_);
    std::filesystem::remove_all(dir_);
  }

  const std::string& caPem() const { return ca_pem_; }
  Pem issue(const std::string& name) {
    EVP_PKEY* key = EVP_EC_gen("P-256");
    X509* cert = makeCert(name, key, ca_, ca_key_, false);
    Pem result = pem(cert, key);
    X509_free(cert);
    EVP_PKEY_free(key);
    return result;
  }
  // Writes `text` to a file in the PKI's directory; returns its path.
  std::string write(const std::string& name, const std::string& text) {
    const auto path = dir_ / name;
    std::ofstream(path, std::ios::binary) << text;
    return path.string();
  }

 private:
  static X509* makeCert(const std::string& name, EVP_PKEY* key, X509* issuer, EVP_PKEY* issuer_key, bool ca) {
    X509* cert = X509_new();
    X509_set_version(cert, 2);
    static long serial = 1;
    ASN1_INTEGER_set(X509_get_serialNumber(cert), serial++);
    X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert), 24 * 3600);
    X509_set_pubkey(cert, key);
    X509_NAME_add_entry_by_txt(X509_get_subject_name(cert), "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>(name.c_str()), -1, -1, 0);
    X509_set_issuer_name(cert, X509_get_subject_name(issuer ? issuer : cert));
    X509V3_CTX context;
    X509V3_set_ctx(&context, issuer ? issuer : cert, cert, nullptr, nullptr, 0);
    const std::vector<std::pair<int, const char*>> extensions =
        ca ? std::vector<std::pair<int, const char*>>{{NID_basic_constraints, "critical,CA:TRUE"},
                                                      {NID_key_usage, "critical,keyCertSign,cRLSign"}}
           : std::vector<std::pair<int, const char*>>{{NID_basic_constraints, "CA:FALSE"},
                                                      {NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1"},
                                                      {NID_ext_key_usage, "serverAuth,clientAuth"}};
    for (const auto& [nid, value] : extensions) {
      X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &context, nid, value);
      X509_add_ext(cert, extension, -1);
      X509_EXTENSION_free(extension);
    }
    X509_sign(cert, issuer_key ? issuer_key : key, EVP_sha256());
    return cert;
  }
  static Pem pem(X509* cert, EVP_PKEY* key) {
    auto text = [](auto write) {
      BIO* bio = BIO_new(BIO_s_mem());
      write(bio);
      char* data = nullptr;
      const long size = BIO_get_mem_data(bio, &data);
      std::string out(data, static_cast<size_t>(size));
      BIO_free(bio);
      return out;
    };
    return {text([&](BIO* bio) { PEM_write_bio_X509(bio, cert); }),
            text([&](BIO* bio) { PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr); })};
  }

  std::filesystem::path dir_;
  EVP_PKEY* ca_key_ = nullptr;
  X509* ca_ = nullptr;
  std::string ca_pem_;
};

// mTLS on both sides: the sender to veil, and veil to the collector.
TEST(OtlpServerTlsTest, ReceivesAndForwardsOverMutualTls) {
  TestPki pki;
  const auto collector_pem = pki.issue("collector");
  const auto veil_pem = pki.issue("veil");
  const auto sender_pem = pki.issue("sender");

  grpc::SslServerCredentialsOptions collector_tls(GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  collector_tls.pem_root_certs = pki.caPem();
  collector_tls.pem_key_cert_pairs.push_back({collector_pem.key, collector_pem.cert});
  FakeCollector downstream;
  ASSERT_TRUE(downstream.start(0, grpc::SslServerCredentials(collector_tls)));

  OtlpServerOptions options;
  options.listen_address = "127.0.0.1:0";
  options.forward_address = downstream.address();
  options.listen_tls = true;
  options.listen_tls_files = {.cert_file = pki.write("veil.crt", veil_pem.cert),
                              .key_file = pki.write("veil.key", veil_pem.key),
                              .ca_file = pki.write("ca.crt", pki.caPem())};
  options.forward_tls = true;
  options.forward_tls_files = options.listen_tls_files;
  std::string error;
  auto server = OtlpServer::start(foundationPolicy(), options, &error);
  ASSERT_TRUE(server) << error;

  Sender without_certificate(server->port(), grpc::SslCredentials({.pem_root_certs = pki.caPem(), .pem_private_key = "", .pem_cert_chain = ""}));
  EXPECT_FALSE(without_certificate.send(traceRequest(false)).ok());
  Sender plaintext(server->port());
  EXPECT_FALSE(plaintext.send(traceRequest(false)).ok());

  Sender sender(server->port(), grpc::SslCredentials({.pem_root_certs = pki.caPem(),
                                                      .pem_private_key = sender_pem.key,
                                                      .pem_cert_chain = sender_pem.cert}));
  ASSERT_TRUE(sender.send(traceRequest(false)).ok());
  std::lock_guard lock(downstream.mutex_);
  ASSERT_EQ(downstream.traces.size(), 1u);
  EXPECT_TRUE(sameMessage(traceRequest(true), downstream.traces[0]));
}

TEST(OtlpServerStartTest, ReportsMissingForwardAddressAndUnreadableTlsFiles) {
  std::string error;
  OtlpServerOptions options;
  options.listen_address = "127.0.0.1:0";
  EXPECT_FALSE(OtlpServer::start(foundationPolicy(), options, &error));
  EXPECT_EQ(error, "no forward address: the downstream collector (HOST:PORT) is required");
  options.forward_address = "127.0.0.1:1";
  options.listen_tls = true;
  options.listen_tls_files = {.cert_file = "/nonexistent/cert.pem", .key_file = "/nonexistent/key.pem", .ca_file = ""};
  EXPECT_FALSE(OtlpServer::start(foundationPolicy(), options, &error));
  EXPECT_EQ(error, "cannot read listener certificate '/nonexistent/cert.pem'");
}

// gRPC binds with SO_REUSEPORT unless told not to: a second veil on the same port would start
// and silently take a share of the senders.
TEST_F(OtlpServerTest, RefusesToStartOnThePortOfARunningServer) {
  startVeil();
  OtlpServerOptions options;
  options.listen_address = "127.0.0.1:" + std::to_string(server_->port());
  options.forward_address = downstream_.address();
  std::string error;
  EXPECT_FALSE(OtlpServer::start(foundationPolicy(), options, &error));
  EXPECT_EQ(error.rfind("cannot listen on '" + options.listen_address + "'", 0), 0u) << error;
  // The first one still serves.
  EXPECT_TRUE(sender_->send(traceRequest(false)).ok());
  EXPECT_EQ(server_->stats().forwarded, 1u);
}

// Sends `request` as it is to 127.0.0.1:`port` and returns everything the server answers
// until it closes the connection.
std::string httpExchange(int port, const std::string& request) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return "socket failed";
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string answer;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
    ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
    char buffer[4096];
    while (true) {
      pollfd readable{fd, POLLIN, 0};
      if (::poll(&readable, 1, 5000) <= 0) break;
      const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
      if (n <= 0) break;
      answer.append(buffer, static_cast<size_t>(n));
    }
  } else {
    answer = "connect failed";
  }
  ::close(fd);
  return answer;
}

std::string httpGet(int port, const std::string& target) {
  return httpExchange(port, "GET " + target + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
}

// The lines of an exposition that are samples (not # comments).
std::vector<std::string> sampleLines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (!line.empty() && line[0] != '#') lines.push_back(line);
  return lines;
}

::testing::AssertionResult hasLine(const std::string& text, const std::string& line) {
  for (const auto& sample : sampleLines(text))
    if (sample == line) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "no line '" << line << "' in:\n" << text;
}

class OtlpMetricsTest : public OtlpServerTest {
 protected:
  void startMetrics() {
    std::string error;
    metrics_ = MetricsHttpServer::start(
        "127.0.0.1:0", [this] { return prometheusText(server_->stats()); }, &error);
    ASSERT_TRUE(metrics_) << error;
    ASSERT_NE(metrics_->port(), 0);
  }
  // The body of GET /metrics, after checking the status line and content type.
  std::string scrape() {
    const std::string answer = httpGet(metrics_->port(), "/metrics");
    EXPECT_EQ(answer.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << answer;
    EXPECT_NE(answer.find("\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n"), std::string::npos) << answer;
    const size_t body = answer.find("\r\n\r\n");
    return body == std::string::npos ? "" : answer.substr(body + 4);
  }

  void TearDown() override {
    if (metrics_) metrics_->stop();
  }

  std::unique_ptr<MetricsHttpServer> metrics_;
};

TEST_F(OtlpMetricsTest, ServesCountersOfAnExportOnMetricsPort) {
  startVeil();
  startMetrics();
  const auto request = traceRequest(false);
  ASSERT_TRUE(sender_->send(request).ok());
  const std::string text = scrape();
  EXPECT_TRUE(hasLine(text, "veil_otlp_requests_total{signal=\"traces\"} 1"));
  EXPECT_TRUE(hasLine(text, "veil_otlp_requests_total{signal=\"logs\"} 0"));
  EXPECT_TRUE(hasLine(text, "veil_otlp_requests_total{signal=\"metrics\"} 0"));
  EXPECT_TRUE(hasLine(text, "veil_otlp_records_received_total{signal=\"traces\"} 1"));
  EXPECT_TRUE(hasLine(text, "veil_otlp_received_bytes_total " + std::to_string(request.ByteSizeLong())));
  EXPECT_TRUE(hasLine(text, "veil_values_redacted_total 4"));
  EXPECT_TRUE(hasLine(text, "veil_findings_total{rule=\"github-token\"} 3"));
  EXPECT_TRUE(hasLine(text, "veil_findings_total{rule=\"authorization-field\"} 1"));
  EXPECT_TRUE(hasLine(text, "veil_otlp_forwarded_total 1"));
  EXPECT_TRUE(hasLine(text, "veil_otlp_forward_errors_total 0"));
  EXPECT_TRUE(hasLine(text, "veil_otlp_retries_total 0"));
  EXPECT_TRUE(hasLine(text, "veil_otlp_queue_requests 0"));
  EXPECT_TRUE(hasLine(text, "veil_otlp_queue_bytes 0"));
  EXPECT_TRUE(hasLine(text, "veil_otlp_added_latency_seconds_bucket{le=\"+Inf\"} 1"));
  EXPECT_TRUE(hasLine(text, "veil_otlp_added_latency_seconds_count 1"));
  EXPECT_TRUE(hasLine(text, "veil_policy_reloads_total 0"));
  EXPECT_NE(text.find("# TYPE veil_otlp_added_latency_seconds histogram\n"), std::string::npos);
  EXPECT_EQ(text.find(kGithubToken), std::string::npos);
}

TEST_F(OtlpMetricsTest, CountsRecordsOfEverySignal) {
  startVeil();
  startMetrics();
  auto logs = logsRequest(false);
  logs.mutable_resource_logs(0)->mutable_scope_logs(0)->add_log_records()->mutable_body()->set_string_value("ok");
  ASSERT_TRUE(sender_->send(logs).ok());
  auto metrics = metricsRequest(false);
  auto* scope = metrics.mutable_resource_metrics(0)->mutable_scope_metrics(0);
  scope->mutable_metrics(0)->mutable_sum()->add_data_points()->set_as_int(1);
  auto* histogram = scope->add_metrics()->mutable_histogram();
  histogram->add_data_points();
  histogram->add_data_points();
  scope->add_metrics()->mutable_gauge()->add_data_points();
  ASSERT_TRUE(sender_->send(metrics).ok());
  const std::string text = scrape();
  EXPECT_TRUE(hasLine(text, "veil_otlp_requests_total{signal=\"logs\"} 1"));
  EXPECT_TRUE(hasLine(text, "veil_otlp_requests_total{signal=\"metrics\"} 1"));
  EXPECT_TRUE(hasLine(text, "veil_otlp_records_received_total{signal=\"traces\"} 0"));
  EXPECT_TRUE(hasLine(text, "veil_otlp_records_received_total{signal=\"logs\"} 2"));
  EXPECT_TRUE(hasLine(text, "veil_otlp_records_received_total{signal=\"metrics\"} 5"));
  EXPECT_TRUE(hasLine(text, "veil_otlp_received_bytes_total " +
                                std::to_string(logs.ByteSizeLong() + metrics.ByteSizeLong())));
  EXPECT_TRUE(hasLine(text, "veil_findings_total{rule=\"github-token\"} 2"));
  EXPECT_TRUE(hasLine(text, "veil_findings_total{rule=\"aws-access-key-id\"} 1"));
  EXPECT_TRUE(hasLine(text, "veil_otlp_added_latency_seconds_count 2"));
}

TEST_F(OtlpMetricsTest, CountsForwardErrorsRetriesAndQueue) {
  startVeil();
  startMetrics();
  downstream_.set(Behaviour{.unavailable_next = 3});
  ASSERT_TRUE(sender_->send(logsRequest(false)).ok());
  ASSERT_TRUE(downstream_.waitFor([&] { return downstream_.logs.size() == 1; }));
  // The retry thread updates its counters after the downstream answered.
  const auto give_up = std::chrono::steady_clock::now() + kWait;
  while (server_->stats().delivered_from_queue == 0 && std::chrono::steady_clock::now() < give_up)
    std::this_thread::sleep_for(1ms);
  const std::string text = scrape();
  EXPECT_TRUE(hasLine(text, "veil_otlp_forward_errors_total 3"));
  EXPECT_TRUE(hasLine(text, "veil_otlp_retries_total 3"));
  EXPECT_TRUE(hasLine(text, "veil_otlp_queued_total 1"));
  EXPECT_TRUE(hasLine(text, "veil_otlp_delivered_from_queue_total 1"));
  EXPECT_TRUE(hasLine(text, "veil_otlp_forwarded_total 0"));
  EXPECT_TRUE(hasLine(text, "veil_otlp_queue_requests 0"));
}

TEST_F(OtlpMetricsTest, AnswersNotFoundWithoutEchoingTheRequest) {
  startVeil();
  startMetrics();
  const std::string secret = std::string("/") + kGithubToken;
  const std::string not_found = httpGet(metrics_->port(), secret);
  EXPECT_EQ(not_found.rfind("HTTP/1.1 404 Not Found\r\n", 0), 0u) << not_found;
  EXPECT_EQ(not_found.find(kGithubToken), std::string::npos);
  const std::string post = httpExchange(
      metrics_->port(), "POST /metrics HTTP/1.1\r\nContent-Length: 4\r\n\r\nbody");
  EXPECT_EQ(post.rfind("HTTP/1.1 404 Not Found\r\n", 0), 0u) << post;
  const std::string garbage = httpExchange(metrics_->port(), std::string(kGithubToken) + "\r\n\r\n");
  EXPECT_EQ(garbage.rfind("HTTP/1.1 400 Bad Request\r\n", 0), 0u) << garbage;
  EXPECT_EQ(garbage.find(kGithubToken), std::string::npos);
  // Still serving after all that, and with a query string.
  EXPECT_EQ(httpGet(metrics_->port(), "/metrics?x=1").rfind("HTTP/1.1 200 OK\r\n", 0), 0u);
}

TEST(MetricsHttpServerTest, ReportsAddressErrors) {
  std::string error;
  EXPECT_FALSE(MetricsHttpServer::start("localhost", [] { return std::string(); }, &error));
  EXPECT_EQ(error, "metrics address 'localhost' is not HOST:PORT");
  auto first = MetricsHttpServer::start("127.0.0.1:0", [] { return std::string(); }, &error);
  ASSERT_TRUE(first) << error;
  const std::string taken = "127.0.0.1:" + std::to_string(first->port());
  EXPECT_FALSE(MetricsHttpServer::start(taken, [] { return std::string(); }, &error));
  EXPECT_EQ(error, "cannot listen for metrics on '" + taken + "': Address already in use");
}

TEST(PrometheusTextTest, EscapesRuleIdsAndMakesHistogramCumulative) {
  OtlpServerStats stats;
  stats.findings_by_rule = {{"odd\"rule\\id\nx", 2}};
  stats.added_latency_buckets[0] = 2;
  stats.added_latency_buckets[3] = 1;
  stats.added_latency_buckets[11] = 1;
  stats.added_latency_seconds_sum = 1.5;
  const std::string text = prometheusText(stats);
  EXPECT_TRUE(hasLine(text, "veil_findings_total{rule=\"odd\\\"rule\\\\id\\nx\"} 2"));
  EXPECT_TRUE(hasLine(text, "veil_otlp_added_latency_seconds_bucket{le=\"0.0005\"} 2"));
  EXPECT_TRUE(hasLine(text, "veil_otlp_added_latency_seconds_bucket{le=\"0.0025\"} 2"));
  EXPECT_TRUE(hasLine(text, "veil_otlp_added_latency_seconds_bucket{le=\"0.005\"} 3"));
  EXPECT_TRUE(hasLine(text, "veil_otlp_added_latency_seconds_bucket{le=\"1\"} 3"));
  EXPECT_TRUE(hasLine(text, "veil_otlp_added_latency_seconds_bucket{le=\"+Inf\"} 4"));
  EXPECT_TRUE(hasLine(text, "veil_otlp_added_latency_seconds_sum 1.5"));
  EXPECT_TRUE(hasLine(text, "veil_otlp_added_latency_seconds_count 4"));
}

TEST(PrometheusTextTest, ShowsTheDiskQueueCounters) {
  OtlpServerStats stats;
  stats.left_on_disk = 4;
  stats.loaded_from_disk = 3;
  stats.disk_corrupt = 2;
  stats.disk_errors = 1;
  const std::string text = prometheusText(stats);
  EXPECT_TRUE(hasLine(text, "veil_otlp_left_on_disk_total 4"));
  EXPECT_TRUE(hasLine(text, "veil_otlp_loaded_from_disk_total 3"));
  EXPECT_TRUE(hasLine(text, "veil_otlp_queue_files_corrupt_total 2"));
  EXPECT_TRUE(hasLine(text, "veil_otlp_queue_disk_errors_total 1"));
}

// A policy that knows nothing of the foundation rules: only the user name "bob".
std::shared_ptr<const core::Policy> bobPolicy() {
  static const auto policy = testing::makePolicy({{"user-bob", R"(\bbob\b)"}});
  return policy;
}

std::string logBody(const logs_v1::ExportLogsServiceRequest& request) {
  return request.resource_logs(0).scope_logs(0).log_records(0).body().string_value();
}
std::string logUser(const logs_v1::ExportLogsServiceRequest& request) {
  return request.resource_logs(0).scope_logs(0).log_records(0).attributes(1).value().string_value();
}

TEST_F(OtlpServerTest, ReplacedPolicyRedactsRequestsAfterTheSwap) {
  startVeil();
  ASSERT_TRUE(sender_->send(logsRequest(false)).ok());
  EXPECT_FALSE(server_->replacePolicy(nullptr));
  ASSERT_TRUE(server_->replacePolicy(bobPolicy()));
  ASSERT_TRUE(sender_->send(logsRequest(false)).ok());
  {
    std::lock_guard lock(downstream_.mutex_);
    ASSERT_EQ(downstream_.logs.size(), 2u);
    EXPECT_TRUE(sameMessage(logsRequest(true), downstream_.logs[0]));  // before: the old rules
    EXPECT_EQ(logBody(downstream_.logs[1]), std::string("deploy key ") + kGithubToken + " rotated");
    EXPECT_EQ(logUser(downstream_.logs[1]), "[REDACTED:user-bob]");
  }
  const auto stats = server_->stats();
  EXPECT_EQ(stats.policy_reloads, 1u);
  EXPECT_EQ(stats.values_redacted, 3u);
  // Counted by id across both policies.
  const std::vector<std::pair<std::string, uint64_t>> findings = {
      {"aws-access-key-id", 1}, {"github-token", 1}, {"user-bob", 1}};
  EXPECT_EQ(stats.findings_by_rule, findings);
}

TEST_F(OtlpServerTest, RequestsRacingPolicySwapsUseOnePolicyWhole) {
  startVeil();
  const std::string old_body = "deploy key [REDACTED:github-token] rotated";
  const std::string new_body = std::string("deploy key ") + kGithubToken + " rotated";
  std::atomic<bool> sending{true};
  std::vector<std::thread> senders;
  std::atomic<int> failures{0};
  for (int i = 0; i < 4; ++i)
    senders.emplace_back([&] {
      Sender sender(server_->port());
      while (sending)
        if (!sender.send(logsRequest(false)).ok()) ++failures;
    });
  for (int swap = 0; swap < 40; ++swap) {
    server_->replacePolicy(swap % 2 ? foundationPolicy() : bobPolicy());
    std::this_thread::sleep_for(2ms);
  }
  sending = false;
  for (auto& thread : senders) thread.join();
  EXPECT_EQ(failures, 0);
  std::lock_guard lock(downstream_.mutex_);
  EXPECT_GT(downstream_.logs.size(), 0u);
  for (const auto& request : downstream_.logs) {
    const std::string body = logBody(request), user = logUser(request);
    const bool old_policy = body == old_body && user == "bob";
    const bool new_policy = body == new_body && user == "[REDACTED:user-bob]";
    EXPECT_TRUE(old_policy || new_policy) << body << " / " << user;
  }
}

#ifdef VEIL_BINARY
// `veil serve` as a process: bundled packs, token from the environment, SIGTERM ends it with 0.
TEST(VeilServeTest, RedactsWithBundledPacksAndExitsZeroOnSigterm) {
  FakeCollector downstream;
  ASSERT_TRUE(downstream.start());
  int err[2];
  ASSERT_EQ(::pipe(err), 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, err[1], 2);
  posix_spawn_file_actions_addclose(&actions, err[0]);
  const std::string patterns = std::string(VEIL_SOURCE_DIR) + "/patterns";
  const std::string forward = downstream.address();
  std::vector<std::string> args = {VEIL_BINARY, "serve", "--patterns-dir", patterns, "--no-cache",
                                   "--log-level", "info", "--listen", "127.0.0.1:0", "--forward", forward,
                                   "--token-env", "VEIL_TEST_OTLP_TOKEN", "--drain-timeout-ms", "2000"};
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_strings = {"VEIL_TEST_OTLP_TOKEN=tok-123"};
  for (char** e = environ; *e; ++e) env_strings.emplace_back(*e);
  std::vector<char*> envp;
  for (auto& entry : env_strings) envp.push_back(entry.data());
  envp.push_back(nullptr);
  pid_t pid = 0;
  ASSERT_EQ(posix_spawn(&pid, VEIL_BINARY, &actions, nullptr, argv.data(), envp.data()), 0);
  posix_spawn_file_actions_destroy(&actions);
  ::close(err[1]);

  // The chosen port is in the start-up log line.
  std::string log;
  int port = 0;
  const auto give_up = std::chrono::steady_clock::now() + 60s;
  // Kills veil if an assertion ends the test early.
  std::shared_ptr<void> reaper(nullptr, [&](void*) {
    if (pid > 0) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
    }
  });
  bool open = true;
  auto readLog = [&](int timeout_ms) {  // false once veil has closed stderr
    pollfd readable{err[0], POLLIN, 0};
    if (::poll(&readable, 1, timeout_ms) <= 0) return open;
    char buffer[4096];
    const ssize_t n = ::read(err[0], buffer, sizeof buffer);
    if (n <= 0) return open = false;
    log.append(buffer, static_cast<size_t>(n));
    return true;
  };
  while (port == 0 && std::chrono::steady_clock::now() < give_up && readLog(200)) {
    const auto at = log.find("listening on port ");
    if (at != std::string::npos && log.find(' ', at + 18) != std::string::npos) port = std::stoi(log.substr(at + 18));
  }
  ASSERT_NE(port, 0) << log;

  Sender sender(port);
  const std::string token = "ghp_8mYh4QZMivh55Ew3OyxsDt5D2SYHPbQPo8dP";
  logs_v1::ExportLogsServiceRequest request;
  request.add_resource_logs()->add_scope_logs()->add_log_records()->mutable_body()->set_string_value(
      "set GITHUB_TOKEN " + token);
  EXPECT_EQ(sender.send(request).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  sender.token = "tok-123";
  EXPECT_TRUE(sender.send(request).ok());

  ASSERT_EQ(::kill(pid, SIGTERM), 0);
  const auto exit_by = std::chrono::steady_clock::now() + 30s;
  while (std::chrono::steady_clock::now() < exit_by && readLog(200)) {
  }  // until veil closes stderr by exiting
  ASSERT_FALSE(open) << "veil did not exit on SIGTERM\n" << log;
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  pid = 0;
  ::close(err[0]);
  ASSERT_TRUE(WIFEXITED(status)) << log;
  EXPECT_EQ(WEXITSTATUS(status), 0) << log;
  EXPECT_EQ(log.find(token), std::string::npos) << "a payload reached the log";
  std::lock_guard lock(downstream.mutex_);
  ASSERT_EQ(downstream.logs.size(), 1u);
  EXPECT_EQ(downstream.logs[0].resource_logs(0).scope_logs(0).log_records(0).body().string_value(),
            "set GITHUB_TOKEN [REDACTED:github-pat-classic]");
}

// `veil serve` with --metrics-listen: SIGHUP reads the rule file again; a broken one keeps the
// policy in use and says why.
TEST(VeilServeTest, ReloadsPolicyOnSighupKeepsItWhenBrokenAndServesMetrics) {
  FakeCollector downstream;
  ASSERT_TRUE(downstream.start());
  const auto dir = std::filesystem::temp_directory_path() / ("veil-reload-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::shared_ptr<void> cleanup(nullptr, [&](void*) { std::filesystem::remove_all(dir); });
  const auto rules = dir / "tickets.yaml";
  auto writeRules = [&](const std::string& id, const std::string& pattern) {
    std::ofstream(rules) << "pack: tickets\ndescription: test tickets\nrules:\n  - id: " << id
                         << "\n    description: a ticket\n    category: other\n    pattern: '" << pattern << "'\n";
  };
  writeRules("ticket-one", R"(\bTICKET-1111\b)");

  int err[2];
  ASSERT_EQ(::pipe(err), 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, err[1], 2);
  posix_spawn_file_actions_addclose(&actions, err[0]);
  const std::string patterns = std::string(VEIL_SOURCE_DIR) + "/patterns";
  std::vector<std::string> args = {VEIL_BINARY, "serve", "--patterns-dir", patterns, "--no-cache", "--log-level",
                                   "info", "--listen", "127.0.0.1:0", "--forward", downstream.address(),
                                   "--metrics-listen", "127.0.0.1:0", "--rules", rules.string()};
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  ASSERT_EQ(posix_spawn(&pid, VEIL_BINARY, &actions, nullptr, argv.data(), environ), 0);
  posix_spawn_file_actions_destroy(&actions);
  ::close(err[1]);
  std::shared_ptr<void> reaper(nullptr, [&](void*) {
    if (pid > 0) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
    }
    ::close(err[0]);
  });
  std::string log;
  bool open = true;
  auto readLog = [&](int timeout_ms) {
    pollfd readable{err[0], POLLIN, 0};
    if (::poll(&readable, 1, timeout_ms) <= 0) return open;
    char buffer[4096];
    const ssize_t n = ::read(err[0], buffer, sizeof buffer);
    if (n <= 0) return open = false;
    log.append(buffer, static_cast<size_t>(n));
    return true;
  };
  // Reads the log until `text` appears `count` times.
  auto waitForLog = [&](const std::string& text, size_t count = 1) {
    const auto give_up = std::chrono::steady_clock::now() + 60s;
    while (std::chrono::steady_clock::now() < give_up) {
      size_t seen = 0;
      for (size_t at = log.find(text); at != std::string::npos; at = log.find(text, at + 1)) ++seen;
      if (seen >= count) return true;
      if (!readLog(200)) return false;
    }
    return false;
  };
  auto portAfter = [&](const std::string& text) {
    const auto at = log.find(text);
    return at == std::string::npos ? 0 : std::atoi(log.c_str() + at + text.size());
  };
  ASSERT_TRUE(waitForLog("Prometheus metrics listening on port ")) << log;
  const int port = portAfter("OTLP receiver listening on port ");
  const int metrics_port = portAfter("Prometheus metrics listening on port ");
  ASSERT_NE(port, 0) << log;
  ASSERT_NE(metrics_port, 0) << log;

  Sender sender(port);
  logs_v1::ExportLogsServiceRequest request;
  request.add_resource_logs()->add_scope_logs()->add_log_records()->mutable_body()->set_string_value(
      "closed TICKET-1111 and TICKET-2222");
  ASSERT_TRUE(sender.send(request).ok());

  writeRules("ticket-two", R"(\bTICKET-2222\b)");
  ASSERT_EQ(::kill(pid, SIGHUP), 0);
  ASSERT_TRUE(waitForLog("policy reloaded")) << log;
  ASSERT_TRUE(sender.send(request).ok());

  writeRules("ticket-three", R"((unclosed)");
  ASSERT_EQ(::kill(pid, SIGHUP), 0);
  ASSERT_TRUE(waitForLog("policy reload failed, keeping the previous policy: ")) << log;
  ASSERT_TRUE(sender.send(request).ok());

  const std::string scrape = httpGet(metrics_port, "/metrics");
  EXPECT_TRUE(hasLine(scrape, "veil_otlp_requests_total{signal=\"logs\"} 3"));
  EXPECT_TRUE(hasLine(scrape, "veil_findings_total{rule=\"ticket-one\"} 1"));
  EXPECT_TRUE(hasLine(scrape, "veil_findings_total{rule=\"ticket-two\"} 2"));
  EXPECT_TRUE(hasLine(scrape, "veil_policy_reloads_total 1"));

  ASSERT_EQ(::kill(pid, SIGTERM), 0);
  const auto exit_by = std::chrono::steady_clock::now() + 30s;
  while (std::chrono::steady_clock::now() < exit_by && readLog(200)) {
  }
  ASSERT_FALSE(open) << "veil did not exit on SIGTERM\n" << log;
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  pid = 0;
  ASSERT_TRUE(WIFEXITED(status)) << log;
  EXPECT_EQ(WEXITSTATUS(status), 0) << log;
  EXPECT_EQ(log.find("closed TICKET"), std::string::npos) << "a payload reached the log";
  std::lock_guard lock(downstream.mutex_);
  ASSERT_EQ(downstream.logs.size(), 3u);
  auto body = [&](size_t i) { return logBody(downstream.logs[i]); };
  EXPECT_EQ(body(0), "closed [REDACTED:ticket-one] and TICKET-2222");
  EXPECT_EQ(body(1), "closed TICKET-1111 and [REDACTED:ticket-two]");
  EXPECT_EQ(body(2), "closed TICKET-1111 and [REDACTED:ticket-two]");
}
#endif

}  // namespace
}  // namespace veil::frontends
