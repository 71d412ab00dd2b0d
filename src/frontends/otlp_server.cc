#include "frontends/otlp_server.h"

#include <google/protobuf/arena.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/support/message_allocator.h>
#include <openssl/crypto.h>
#include <openssl/sha.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <fstream>
#include <functional>
#include <latch>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <sstream>
#include <string_view>
#include <thread>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "formats/otlp_redactor.h"
#include "formats/record_redactor.h"
#include "frontends/disk_queue.h"
#include "frontends/share_pool.h"
#include "google/rpc/retry_info.pb.h"
#include "google/rpc/status.pb.h"
#include "opentelemetry/proto/collector/logs/v1/logs_service.grpc.pb.h"
#include "opentelemetry/proto/collector/metrics/v1/metrics_service.grpc.pb.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.grpc.pb.h"

namespace veil::frontends {
namespace {

namespace trace_v1 = opentelemetry::proto::collector::trace::v1;
namespace logs_v1 = opentelemetry::proto::collector::logs::v1;
namespace metrics_v1 = opentelemetry::proto::collector::metrics::v1;

using Clock = std::chrono::steady_clock;

bool readFile(const std::string& path, std::string& out, const char* what, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  if (in) text << in.rdbuf();
  if (!in || in.bad()) {
    *error = std::string("cannot read ") + what + " '" + path + "'";
    return false;
  }
  out = text.str();
  return true;
}

// The OTLP specification's retryable codes. RESOURCE_EXHAUSTED counts only with status
// details attached (the collector's RetryInfo): gRPC's own "message larger than max" carries
// none, and resending that would block the queue forever.
bool isRetryable(const grpc::Status& status) {
  switch (status.error_code()) {
    case grpc::StatusCode::CANCELLED:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
    case grpc::StatusCode::ABORTED:
    case grpc::StatusCode::OUT_OF_RANGE:
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DATA_LOSS:
      return true;
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return !status.error_details().empty();
    default:
      return false;
  }
}

// A downstream may ask for hours; past this a stuck queue costs more than ignoring it.
constexpr std::chrono::milliseconds kMaxRetryDelay = std::chrono::minutes(1);

// The delay a RetryInfo in `status`'s details asks for (capped at kMaxRetryDelay), if any.
std::optional<std::chrono::milliseconds> retryDelay(const grpc::Status& status) {
  if (status.error_details().empty()) return std::nullopt;
  google::rpc::Status details;
  if (!details.ParseFromString(status.error_details())) return std::nullopt;
  for (const auto& detail : details.details()) {
    google::rpc::RetryInfo info;
    if (!detail.Is<google::rpc::RetryInfo>() || !detail.UnpackTo(&info)) continue;
    const auto& delay = info.retry_delay();
    if (delay.seconds() < 0 || delay.nanos() < 0) return std::nullopt;
    if (delay.seconds() >= std::chrono::duration_cast<std::chrono::seconds>(kMaxRetryDelay).count())
      return kMaxRetryDelay;
    return std::chrono::seconds(delay.seconds()) +
           std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::nanoseconds(delay.nanos()));
  }
  return std::nullopt;
}

// A status as the Collector sends it when it wants a sender to wait: the code and message
// again in a google.rpc.Status, with one RetryInfo detail, in `grpc-status-details-bin`.
grpc::Status withRetryInfo(grpc::StatusCode code, const std::string& message, std::chrono::milliseconds delay) {
  google::rpc::RetryInfo info;
  info.mutable_retry_delay()->set_seconds(delay.count() / 1000);
  info.mutable_retry_delay()->set_nanos(static_cast<int32_t>(delay.count() % 1000 * 1000000));
  google::rpc::Status details;
  details.set_code(static_cast<int32_t>(code));
  details.set_message(message);
  details.add_details()->PackFrom(info);
  return grpc::Status(code, message, details.SerializeAsString());
}

std::array<unsigned char, SHA256_DIGEST_LENGTH> sha256(std::string_view text) {
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest.data());
  return digest;
}

// Workspaces for the gRPC threads: one per Export running at once, reused afterwards. A pool
// rather than thread_local because gRPC starts and ends its threads as it likes, and a
// Workspace must not outlive the Policy it was built from.
class WorkspacePool {
 public:
  explicit WorkspacePool(const core::Policy& policy) : policy_(policy) {}

  // A Workspace and the part of its per-rule finding counts already added to the server's.
  struct Slot {
    explicit Slot(const core::Policy& policy) : workspace(policy) {}
    formats::Workspace workspace;
    std::vector<uint64_t> reported;
  };

  class Lease {
   public:
    explicit Lease(WorkspacePool& pool) : pool_(pool), slot_(pool.acquire()) {}
    ~Lease() { pool_.release(std::move(slot_)); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Slot& operator*() { return *slot_; }

   private:
    WorkspacePool& pool_;
    std::unique_ptr<Slot> slot_;
  };

 private:
  std::unique_ptr<Slot> acquire() {
    {
      std::lock_guard lock(mutex_);
      if (!free_.empty()) {
        auto slot = std::move(free_.back());
        free_.pop_back();
        return slot;
      }
    }
    return std::make_unique<Slot>(policy_);
  }
  void release(std::unique_ptr<Slot> slot) {
    std::lock_guard lock(mutex_);
    free_.push_back(std::move(slot));
  }

  const core::Policy& policy_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Slot>> free_;
};

// One policy with everything built from it. Immutable but for the pool; an Export holds the
// Engine it started with until it ends, so a replaced policy and its Workspaces live exactly
// as long as the last Export using them. Members are destroyed in reverse: Workspaces before
// the Policy they point into.
struct Engine {
  explicit Engine(std::shared_ptr<const core::Policy> p)
      : policy(std::move(p)), records(*policy), otlp(records), workspaces(*policy) {}
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  std::shared_ptr<const core::Policy> policy;
  formats::RecordRedactor records;
  formats::OtlpRedactor otlp;
  mutable WorkspacePool workspaces;  // the one part that changes: thread-safe
};

OtlpSignal signalOf(const trace_v1::ExportTraceServiceRequest&) { return OtlpSignal::kTraces; }
OtlpSignal signalOf(const logs_v1::ExportLogsServiceRequest&) { return OtlpSignal::kLogs; }
OtlpSignal signalOf(const metrics_v1::ExportMetricsServiceRequest&) { return OtlpSignal::kMetrics; }

uint64_t recordCount(const trace_v1::ExportTraceServiceRequest& request) {
  uint64_t count = 0;
  for (const auto& resource : request.resource_spans())
    for (const auto& scope : resource.scope_spans()) count += static_cast<uint64_t>(scope.spans_size());
  return count;
}

uint64_t recordCount(const logs_v1::ExportLogsServiceRequest& request) {
  uint64_t count = 0;
  for (const auto& resource : request.resource_logs())
    for (const auto& scope : resource.scope_logs()) count += static_cast<uint64_t>(scope.log_records_size());
  return count;
}

uint64_t recordCount(const metrics_v1::ExportMetricsServiceRequest& request) {
  uint64_t count = 0;
  for (const auto& resource : request.resource_metrics())
    for (const auto& scope : resource.scope_metrics())
      for (const auto& metric : scope.metrics()) {
        int points = 0;
        if (metric.has_gauge()) points = metric.gauge().data_points_size();
        else if (metric.has_sum()) points = metric.sum().data_points_size();
        else if (metric.has_histogram()) points = metric.histogram().data_points_size();
        else if (metric.has_exponential_histogram()) points = metric.exponential_histogram().data_points_size();
        else if (metric.has_summary()) points = metric.summary().data_points_size();
        count += static_cast<uint64_t>(points);
      }
  return count;
}

using AnyRequest = std::variant<trace_v1::ExportTraceServiceRequest, logs_v1::ExportLogsServiceRequest,
                                metrics_v1::ExportMetricsServiceRequest>;

// A request read back from the disk queue; nullopt when the payload does not parse.
std::optional<AnyRequest> parseRequest(OtlpSignal signal, const std::string& payload) {
  auto parse = [&](auto message) -> std::optional<AnyRequest> {
    if (!message.ParseFromString(payload)) return std::nullopt;
    return AnyRequest(std::move(message));
  };
  switch (signal) {
    case OtlpSignal::kTraces: return parse(trace_v1::ExportTraceServiceRequest());
    case OtlpSignal::kLogs: return parse(logs_v1::ExportLogsServiceRequest());
    case OtlpSignal::kMetrics: return parse(metrics_v1::ExportMetricsServiceRequest());
  }
  return std::nullopt;
}

// What one Export owns for as long as it runs, handed to gRPC through a MessageAllocator: gRPC
// parses the request into it and serializes the response from it, and releases it only after
// the RPC is done (after Finish, in OnDone), so the request can be redacted in place and
// forwarded asynchronously without a copy. Request and response live on an arena: parsing a
// span's messages and strings becomes bump allocation, and freeing them all one pass over a
// few blocks instead of tens of frees per span (protobuf 3.21 still mallocs the characters of
// strings longer than 15 bytes).
template <class Request, class Response>
class ExportMessages final : public grpc::MessageHolder<Request, Response> {
 public:
  ExportMessages() : arena_(arenaOptions()) {
    this->set_request(google::protobuf::Arena::CreateMessage<Request>(&arena_));
    this->set_response(google::protobuf::Arena::CreateMessage<Response>(&arena_));
  }
  void Release() override { delete this; }

  // The forward call, which must outlive its asynchronous completion; the Export finishes
  // only from that completion, so it cannot end first.
  grpc::ClientContext forward;

 private:
  static google::protobuf::ArenaOptions arenaOptions() {
    google::protobuf::ArenaOptions options;
    // A 100-span request takes about 100 KB on the arena: a few blocks rather than the
    // default's dozens of 8 KB ones, still under glibc's mmap threshold.
    options.start_block_size = 4096;
    options.max_block_size = 64 * 1024;
    return options;
  }

  google::protobuf::Arena arena_;
};

}  // namespace

class OtlpServer::Impl {
 public:
  Impl(std::shared_ptr<const core::Policy> policy, OtlpServerOptions options)
      : engine_(std::make_shared<const Engine>(std::move(policy))),
        options_(std::move(options)),
        trace_service_(*this),
        logs_service_(*this),
        metrics_service_(*this) {}

  ~Impl() { shutdown(std::chrono::milliseconds(0)); }

  bool start(std::string* error);
  bool shutdown(std::chrono::milliseconds drain);
  int port() const { return port_; }
  OtlpServerStats stats() const;
  void replacePolicy(std::shared_ptr<const core::Policy> policy);

  // One Export, whatever the signal: authorize, redact in place, forward (asynchronously) or
  // queue. Finishes the returned reactor, at once or from the forward call's completion.
  template <class Request, class Response>
  grpc::ServerUnaryReactor* handle(grpc::CallbackServerContext& context, ExportMessages<Request, Response>& messages);

 private:
  // The callback API rather than the synchronous one: there the handler gets a const request
  // that gRPC destroys after it returns, so redacting meant copying it (a third of veil's CPU
  // with the frees); here the request is in an ExportMessages that we allocate and gRPC
  // releases when the RPC is done. Handlers run on gRPC's own threads and must not block on
  // the network, hence the asynchronous forward.
  template <class Service, class Request, class Response>
  class ExportService final : public Service {
   public:
    explicit ExportService(Impl& impl) : impl_(impl) { this->SetMessageAllocatorFor_Export(&allocator_); }
    grpc::ServerUnaryReactor* Export(grpc::CallbackServerContext* context, const Request*, Response*) override {
      // The allocator set above made this state: the mutable owner of the request and response
      // that gRPC passes as pointers.
      auto* messages = static_cast<ExportMessages<Request, Response>*>(context->GetRpcAllocatorState());
      return impl_.handle(*context, *messages);
    }

   private:
    class Allocator final : public grpc::MessageAllocator<Request, Response> {
     public:
      grpc::MessageHolder<Request, Response>* AllocateMessages() override {
        return new ExportMessages<Request, Response>();
      }
    };

    Impl& impl_;
    Allocator allocator_;  // outlives server_ (declared after the services), as gRPC requires
  };

  struct Queued {
    AnyRequest request;
    size_t bytes;
    uint64_t sequence = 0;  // its file in the disk queue; 0: in memory only
  };

  bool authorized(const grpc::ServerContextBase& context) const;
  void prepare(grpc::ClientContext& client) const;
  // The first forward of an Export, completing with `done` on a gRPC thread.
  void callAsync(grpc::ClientContext& client, const trace_v1::ExportTraceServiceRequest& request,
                 trace_v1::ExportTraceServiceResponse& response, std::function<void(grpc::Status)> done) {
    trace_stub_->async()->Export(&client, &request, &response, std::move(done));
  }
  void callAsync(grpc::ClientContext& client, const logs_v1::ExportLogsServiceRequest& request,
                 logs_v1::ExportLogsServiceResponse& response, std::function<void(grpc::Status)> done) {
    logs_stub_->async()->Export(&client, &request, &response, std::move(done));
  }
  void callAsync(grpc::ClientContext& client, const metrics_v1::ExportMetricsServiceRequest& request,
                 metrics_v1::ExportMetricsServiceResponse& response, std::function<void(grpc::Status)> done) {
    metrics_stub_->async()->Export(&client, &request, &response, std::move(done));
  }
  // What the sender gets once the first forward of `request` has ended with `status`.
  template <class Request, class Response>
  grpc::Status forwarded(grpc::ServerContextBase& context, const Request& request, Response& response,
                         const grpc::Status& status);
  grpc::Status call(grpc::ClientContext& client, const trace_v1::ExportTraceServiceRequest& request,
                    trace_v1::ExportTraceServiceResponse& response) {
    return trace_stub_->Export(&client, request, &response);
  }
  grpc::Status call(grpc::ClientContext& client, const logs_v1::ExportLogsServiceRequest& request,
                    logs_v1::ExportLogsServiceResponse& response) {
    return logs_stub_->Export(&client, request, &response);
  }
  grpc::Status call(grpc::ClientContext& client, const metrics_v1::ExportMetricsServiceRequest& request,
                    metrics_v1::ExportMetricsServiceResponse& response) {
    return metrics_stub_->Export(&client, request, &response);
  }
  // Adds `request` to the retry queue (and the disk queue, if any), or answers
  // RESOURCE_EXHAUSTED when it does not fit and UNAVAILABLE when its file cannot be written.
  // `asked` is the downstream's RetryInfo delay, if it gave one. Called with mutex_ held. The
  // queue keeps its own copy, on the heap: `request` goes with its Export's arena.
  template <class Request>
  grpc::Status enqueue(grpc::ServerContextBase& context, const Request& request,
                       std::optional<std::chrono::milliseconds> asked = std::nullopt);
  // Opens options_.queue_dir and queues what an earlier run left there.
  bool openDiskQueue(std::string* error);
  // Takes the head off the queue (and its file off the disk), delivered or given up on.
  void popHead();
  void retryLoop();
  std::shared_ptr<const Engine> engine() const {
    std::lock_guard lock(engine_mutex_);
    return engine_;
  }
  // Adds what `slot`'s Workspace counted since it was last reported to findings_by_rule_.
  void reportFindings(const core::Policy& policy, WorkspacePool::Slot& slot);
  void recordAddedLatency(Clock::duration latency);

  mutable std::mutex engine_mutex_;
  std::shared_ptr<const Engine> engine_;
  OtlpServerOptions options_;
  SharePool share_pool_{options_.redaction_threads > 1 ? options_.redaction_threads - 1 : 0};
  std::array<unsigned char, SHA256_DIGEST_LENGTH> token_digest_{};

  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<trace_v1::TraceService::Stub> trace_stub_;
  std::unique_ptr<logs_v1::LogsService::Stub> logs_stub_;
  std::unique_ptr<metrics_v1::MetricsService::Stub> metrics_stub_;

  ExportService<trace_v1::TraceService::CallbackService, trace_v1::ExportTraceServiceRequest,
                trace_v1::ExportTraceServiceResponse>
      trace_service_;
  ExportService<logs_v1::LogsService::CallbackService, logs_v1::ExportLogsServiceRequest,
                logs_v1::ExportLogsServiceResponse>
      logs_service_;
  ExportService<metrics_v1::MetricsService::CallbackService, metrics_v1::ExportMetricsServiceRequest,
                metrics_v1::ExportMetricsServiceResponse>
      metrics_service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;

  // The retry queue. References to queue_.front() stay valid while others push_back.
  mutable std::mutex mutex_;
  std::condition_variable queue_changed_;
  std::deque<Queued> queue_;
  size_t queue_bytes_ = 0;
  bool queue_full_logged_ = false;
  bool disk_error_logged_ = false;
  Clock::time_point resume_at_{};  // no resend before this: the downstream's RetryInfo or our backoff
  std::unique_ptr<DiskQueue> disk_queue_;  // null without queue_dir
  bool stop_ = false;                       // the retry thread ends
  grpc::ClientContext* resend_ = nullptr;   // the retry thread's call in flight, to cancel
  std::thread retry_thread_;
  bool shut_down_ = false;
  bool started_ = false;

  std::atomic<uint64_t> requests_{0}, values_redacted_{0}, forwarded_{0}, queued_{0},
      delivered_from_queue_{0}, rejected_queue_full_{0}, failed_{0}, unauthenticated_{0}, dropped_{0},
      bytes_received_{0}, forward_errors_{0}, retries_{0}, policy_reloads_{0}, left_on_disk_{0},
      loaded_from_disk_{0}, disk_corrupt_{0}, disk_errors_{0};
  std::array<std::atomic<uint64_t>, 3> requests_by_signal_{};
  std::array<std::atomic<uint64_t>, 3> records_by_signal_{};
  std::array<std::atomic<uint64_t>, kAddedLatencyBounds.size() + 1> latency_buckets_{};
  std::atomic<uint64_t> latency_nanoseconds_sum_{0};
  // By rule id, not number: counts stay meaningful across policy reloads.
  mutable std::mutex findings_mutex_;
  std::map<std::string, uint64_t, std::less<>> findings_by_rule_;
};

bool OtlpServer::Impl::start(std::string* error) {
  if (options_.forward_address.empty()) {
    *error = "no forward address: the downstream collector (HOST:PORT) is required";
    return false;
  }
  if (options_.max_message_bytes <= 0) {
    *error = "max message size must be positive";
    return false;
  }
  if (options_.retry_initial_backoff.count() <= 0 || options_.retry_max_backoff < options_.retry_initial_backoff) {
    *error = "retry backoff: the initial delay must be positive and not above the maximum";
    return false;
  }
  if (!options_.bearer_token.empty()) token_digest_ = sha256("Bearer " + options_.bearer_token);

  // Forward channel. Reconnect attempts follow our backoff, not gRPC's default of up to 2 min,
  // so a downstream that comes back is used soon.
  std::shared_ptr<grpc::ChannelCredentials> channel_credentials = grpc::InsecureChannelCredentials();
  if (options_.forward_tls) {
    grpc::SslCredentialsOptions ssl;
    const auto& files = options_.forward_tls_files;
    if (!files.ca_file.empty() && !readFile(files.ca_file, ssl.pem_root_certs, "forward CA file", error)) return false;
    if (files.cert_file.empty() != files.key_file.empty()) {
      *error = "forward TLS: a client certificate needs its key, and a key its certificate";
      return false;
    }
    if (!files.cert_file.empty() &&
        (!readFile(files.cert_file, ssl.pem_cert_chain, "forward client certificate", error) ||
         !readFile(files.key_file, ssl.pem_private_key, "forward client key", error)))
      return false;
    channel_credentials = grpc::SslCredentials(ssl);
  }
  grpc::ChannelArguments arguments;
  if (options_.forward_gzip) arguments.SetCompressionAlgorithm(GRPC_COMPRESS_GZIP);
  arguments.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, static_cast<int>(options_.retry_initial_backoff.count()));
  arguments.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, static_cast<int>(options_.retry_initial_backoff.count()));
  arguments.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, static_cast<int>(options_.retry_max_backoff.count()));
  channel_ = grpc::CreateCustomChannel(options_.forward_address, channel_credentials, arguments);
  trace_stub_ = trace_v1::TraceService::NewStub(channel_);
  logs_stub_ = logs_v1::LogsService::NewStub(channel_);
  metrics_stub_ = metrics_v1::MetricsService::NewStub(channel_);

  if (!options_.queue_dir.empty() && !openDiskQueue(error)) return false;

  // Listener.
  std::shared_ptr<grpc::ServerCredentials> server_credentials = grpc::InsecureServerCredentials();
  if (options_.listen_tls) {
    const auto& files = options_.listen_tls_files;
    if (files.cert_file.empty() || files.key_file.empty()) {
      *error = "listener TLS needs a certificate file and a key file";
      return false;
    }
    grpc::SslServerCredentialsOptions ssl(GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
    grpc::SslServerCredentialsOptions::PemKeyCertPair pair;
    if (!readFile(files.cert_file, pair.cert_chain, "listener certificate", error) ||
        !readFile(files.key_file, pair.private_key, "listener key", error))
      return false;
    ssl.pem_key_cert_pairs.push_back(std::move(pair));
    if (!files.ca_file.empty()) {
      if (!readFile(files.ca_file, ssl.pem_root_certs, "listener client CA file", error)) return false;
      ssl.client_certificate_request = GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
    }
    server_credentials = grpc::SslServerCredentials(ssl);
  }
  grpc::EnableDefaultHealthCheckService(true);
  grpc::ServerBuilder builder;
  builder.AddListeningPort(options_.listen_address, server_credentials, &port_);
  // Applies to what is received: a larger request fails with RESOURCE_EXHAUSTED unread.
  builder.SetMaxReceiveMessageSize(options_.max_message_bytes);
  // gRPC sets SO_REUSEPORT by default: a second veil on the same port would start and take a
  // share of the connections (each with its own queue and policy) instead of failing.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.RegisterService(&trace_service_);
  builder.RegisterService(&logs_service_);
  builder.RegisterService(&metrics_service_);
  server_ = builder.BuildAndStart();
  if (!server_ || port_ == 0) {
    *error = "cannot listen on '" + options_.listen_address +
             "': the port is in use (another veil serve?) or the address is not this host's";
    server_.reset();
    return false;
  }
  retry_thread_ = std::thread([this] { retryLoop(); });
  started_ = true;
  spdlog::info("OTLP receiver listening on port {} ({}), forwarding to {} ({})", port_,
               options_.listen_tls ? "TLS" : "plaintext", options_.forward_address,
               options_.forward_tls ? "TLS" : "plaintext");
  return true;
}

bool OtlpServer::Impl::authorized(const grpc::ServerContextBase& context) const {
  if (options_.bearer_token.empty()) return true;
  const auto& metadata = context.client_metadata();
  const auto found = metadata.find("authorization");
  if (found == metadata.end()) return false;
  // Digests of equal length, compared in constant time: neither content nor length leaks.
  const auto digest = sha256(std::string_view(found->second.data(), found->second.size()));
  return CRYPTO_memcmp(digest.data(), token_digest_.data(), digest.size()) == 0;
}

void OtlpServer::Impl::prepare(grpc::ClientContext& client) const {
  // gRPC takes system_clock deadlines only.
  client.set_deadline(std::chrono::system_clock::now() + options_.forward_timeout);
}

template <class Request, class Response>
grpc::ServerUnaryReactor* OtlpServer::Impl::handle(grpc::CallbackServerContext& context,
                                                   ExportMessages<Request, Response>& messages) {
  grpc::ServerUnaryReactor* reactor = context.DefaultReactor();
  if (!authorized(context)) {
    ++unauthenticated_;
    reactor->Finish(grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "missing or wrong bearer token"));
    return reactor;
  }
  const auto began = Clock::now();
  Request& request = *messages.request();
  ++requests_;
  const auto signal = static_cast<size_t>(signalOf(request));
  ++requests_by_signal_[signal];
  records_by_signal_[signal] += recordCount(request);
  bytes_received_ += request.ByteSizeLong();
  {
    // The Engine current now serves this whole Export, even if a reload replaces it meanwhile.
    const auto current = engine();
    const uint64_t records = recordCount(request);
    const unsigned shares =
        records >= options_.share_min_records
            ? static_cast<unsigned>(std::min<uint64_t>(share_pool_.helpers() + 1, records))
            : 1;
    if (shares <= 1) {
      WorkspacePool::Lease slot(current->workspaces);
      values_redacted_ += current->otlp.redact((*slot).workspace, request);
      reportFindings(*current->policy, *slot);
    } else {
      {
        WorkspacePool::Lease slot(current->workspaces);
        values_redacted_ += current->otlp.redactAcrossRecords((*slot).workspace, request);
        reportFindings(*current->policy, *slot);
      }
      share_pool_.run(shares, [&](unsigned index) {
        WorkspacePool::Lease slot(current->workspaces);
        values_redacted_ += current->otlp.redact((*slot).workspace, request, {index, shares});
        reportFindings(*current->policy, *slot);
      });
    }
  }
  {
    // While requests wait, new ones queue behind them: order is kept and a downstream known
    // to be failing is not asked again by every sender.
    std::unique_lock lock(mutex_);
    if (!queue_.empty()) {
      recordAddedLatency(Clock::now() - began);
      const grpc::Status status = enqueue(context, request);
      lock.unlock();
      reactor->Finish(status);
      return reactor;
    }
  }
  recordAddedLatency(Clock::now() - began);
  prepare(messages.forward);
  // From here on `messages` and `context` belong to the completion: once it has called Finish
  // gRPC may release them at any time, so neither is touched after callAsync.
  callAsync(messages.forward, request, *messages.response(),
            [this, reactor, &context, &messages](grpc::Status status) {
              reactor->Finish(forwarded(context, *messages.request(), *messages.response(), status));
            });
  return reactor;
}

template <class Request, class Response>
grpc::Status OtlpServer::Impl::forwarded(grpc::ServerContextBase& context, const Request& request,
                                         Response& response, const grpc::Status& status) {
  if (status.ok()) {
    ++forwarded_;
    return status;
  }
  ++forward_errors_;
  if (!isRetryable(status)) {
    ++failed_;
    spdlog::warn("downstream refused an export with status {}: passed back to the sender",
                 static_cast<int>(status.error_code()));
    return status;
  }
  response.Clear();
  std::lock_guard lock(mutex_);
  return enqueue(context, request, retryDelay(status));
}

bool OtlpServer::Impl::openDiskQueue(std::string* error) {
  DiskQueue::Recovered recovered;
  disk_queue_ = DiskQueue::open(options_.queue_dir, &recovered, error);
  if (!disk_queue_) return false;
  disk_corrupt_ += recovered.corrupt;
  for (auto& record : recovered.records) {
    auto request = parseRequest(record.signal, record.payload);
    if (!request) {
      disk_queue_->moveAside(record.sequence, "not a valid OTLP request");
      ++disk_corrupt_;
      continue;
    }
    // All of it, even beyond queue_max_bytes: every one was acknowledged. New Exports are
    // refused until the queue is back under the bound.
    queue_bytes_ += record.payload.size();
    queue_.push_back(Queued{std::move(*request), record.payload.size(), record.sequence});
    ++loaded_from_disk_;
  }
  if (!queue_.empty())
    spdlog::info("queue directory '{}': resending {} exports ({} bytes) left by the previous run",
                 options_.queue_dir, queue_.size(), queue_bytes_);
  return true;
}

template <class Request>
grpc::Status OtlpServer::Impl::enqueue(grpc::ServerContextBase& context, const Request& request,
                                       std::optional<std::chrono::milliseconds> asked) {
  const size_t bytes = request.ByteSizeLong();
  if (queue_bytes_ + bytes > options_.queue_max_bytes) {
    ++rejected_queue_full_;
    if (!queue_full_logged_) {
      spdlog::warn("retry queue full ({} requests, {} bytes): refusing exports until it drains",
                   queue_.size(), queue_bytes_);
      queue_full_logged_ = true;
    }
    // Both forms: gRPC clients read the trailer, OTLP exporters the RetryInfo.
    context.AddTrailingMetadata("grpc-retry-pushback-ms", std::to_string(options_.queue_full_pushback.count()));
    return withRetryInfo(grpc::StatusCode::RESOURCE_EXHAUSTED, "veil retry queue full: downstream unavailable",
                         options_.queue_full_pushback);
  }
  uint64_t sequence = 0;
  if (disk_queue_) {
    // Written under the queue lock, so file order is queue order; the fsyncs are paid only
    // while the downstream fails. The sender's OK waits for the file to be durable.
    std::string payload;
    request.SerializeToString(&payload);
    std::string error;
    sequence = disk_queue_->append(signalOf(request), payload, &error);
    if (sequence == 0) {
      ++disk_errors_;
      if (!disk_error_logged_) {
        spdlog::error("{}: refusing exports that need queueing until a write succeeds", error);
        disk_error_logged_ = true;
      }
      return grpc::Status(grpc::StatusCode::UNAVAILABLE, "veil cannot store the export for retry");
    }
    disk_error_logged_ = false;
  }
  if (queue_.empty()) spdlog::warn("downstream unavailable: queueing exports for retry");
  if (asked) resume_at_ = std::max(resume_at_, Clock::now() + *asked);
  // A heap copy, made only once accepted: the arena goes with the Export.
  queue_.push_back(Queued{AnyRequest(std::in_place_type<Request>, request), bytes, sequence});
  queue_bytes_ += bytes;
  ++queued_;
  queue_changed_.notify_all();
  return grpc::Status::OK;
}

void OtlpServer::Impl::popHead() {
  const uint64_t sequence = queue_.front().sequence;
  queue_bytes_ -= queue_.front().bytes;
  queue_.pop_front();
  std::string error;
  if (sequence != 0 && !disk_queue_->remove(sequence, &error)) {
    ++disk_errors_;
    spdlog::error("{}: it will be sent again after a restart", error);
  }
}

void OtlpServer::Impl::retryLoop() {
  std::minstd_rand random(std::random_device{}());
  auto backoff = options_.retry_initial_backoff;
  std::unique_lock lock(mutex_);
  while (true) {
    queue_changed_.wait(lock, [&] { return stop_ || !queue_.empty(); });
    if (stop_) return;
    if (Clock::now() < resume_at_) {
      // resume_at_ may move later meanwhile (a first attempt told to wait): look again.
      queue_changed_.wait_until(lock, resume_at_, [&] { return stop_; });
      continue;
    }
    Queued& head = queue_.front();
    grpc::ClientContext client;
    prepare(client);
    resend_ = &client;
    lock.unlock();
    ++retries_;
    const grpc::Status status = std::visit(
        [&](const auto& request) {
          using Request = std::decay_t<decltype(request)>;
          if constexpr (std::is_same_v<Request, trace_v1::ExportTraceServiceRequest>) {
            trace_v1::ExportTraceServiceResponse response;
            return call(client, request, response);
          } else if constexpr (std::is_same_v<Request, logs_v1::ExportLogsServiceRequest>) {
            logs_v1::ExportLogsServiceResponse response;
            return call(client, request, response);
          } else {
            metrics_v1::ExportMetricsServiceResponse response;
            return call(client, request, response);
          }
        },
        head.request);
    lock.lock();
    resend_ = nullptr;
    if (!status.ok()) ++forward_errors_;
    // A delivered request is taken off the queue even when shutdown has just given up on it.
    if (status.ok() || !isRetryable(status)) {
      // The sender already has its OK; a request the downstream now rejects for good (or
      // answers with partial success) cannot be reported back, only counted.
      if (status.ok()) {
        ++delivered_from_queue_;
      } else {
        ++failed_;
        spdlog::warn("downstream refused a queued export with status {}: dropped",
                     static_cast<int>(status.error_code()));
      }
      popHead();
      queue_full_logged_ = false;
      backoff = options_.retry_initial_backoff;
      if (queue_.empty()) spdlog::info("retry queue drained");
      queue_changed_.notify_all();
      continue;
    }
    if (stop_) return;
    // Jitter in the upper half: spreads many veils retrying the same collector.
    std::uniform_int_distribution<long long> jitter(backoff.count() / 2, backoff.count());
    auto wait = std::chrono::milliseconds(jitter(random));
    // A downstream that says how long to wait (RetryInfo, as the Collector sends) is obeyed
    // when it asks for longer than our backoff.
    if (const auto asked = retryDelay(status)) wait = std::max(wait, *asked);
    backoff = std::min(backoff * 2, options_.retry_max_backoff);
    resume_at_ = std::max(resume_at_, Clock::now() + wait);
  }
}

bool OtlpServer::Impl::shutdown(std::chrono::milliseconds drain) {
  if (!started_ || shut_down_) return dropped_ == 0;
  shut_down_ = true;
  const auto deadline = Clock::now() + drain;
  if (auto* health = server_->GetHealthCheckService()) health->SetServingStatus(false);
  // Stops accepting; Exports still running get until the deadline, then are cancelled (one
  // already forwarding finishes that call first: shutdown may take up to forward_timeout more).
  server_->Shutdown(std::chrono::system_clock::now() + drain);
  {
    std::unique_lock lock(mutex_);
    queue_changed_.wait_until(lock, deadline, [&] { return queue_.empty(); });
    stop_ = true;
    if (resend_) resend_->TryCancel();
    queue_changed_.notify_all();
  }
  retry_thread_.join();
  server_->Wait();
  std::lock_guard lock(mutex_);
  if (!queue_.empty()) {
    if (disk_queue_) {
      left_on_disk_ += queue_.size();
      spdlog::warn("shutdown deadline passed: {} queued exports ({} bytes) left in '{}' for the next start",
                   queue_.size(), queue_bytes_, options_.queue_dir);
    } else {
      dropped_ += queue_.size();
      spdlog::error("shutdown deadline passed: {} queued exports ({} bytes) dropped", queue_.size(), queue_bytes_);
    }
    queue_.clear();
    queue_bytes_ = 0;
  }
  disk_queue_.reset();  // unlocks the directory for the next veil
  return dropped_ == 0;
}

OtlpServerStats OtlpServer::Impl::stats() const {
  OtlpServerStats stats;
  stats.requests = requests_;
  stats.values_redacted = values_redacted_;
  stats.forwarded = forwarded_;
  stats.queued = queued_;
  stats.delivered_from_queue = delivered_from_queue_;
  stats.rejected_queue_full = rejected_queue_full_;
  stats.failed = failed_;
  stats.unauthenticated = unauthenticated_;
  stats.dropped = dropped_;
  stats.bytes_received = bytes_received_;
  stats.forward_errors = forward_errors_;
  stats.retries = retries_;
  stats.policy_reloads = policy_reloads_;
  stats.left_on_disk = left_on_disk_;
  stats.loaded_from_disk = loaded_from_disk_;
  stats.disk_corrupt = disk_corrupt_;
  stats.disk_errors = disk_errors_;
  for (size_t i = 0; i < stats.requests_by_signal.size(); ++i) {
    stats.requests_by_signal[i] = requests_by_signal_[i];
    stats.records_by_signal[i] = records_by_signal_[i];
  }
  for (size_t i = 0; i < stats.added_latency_buckets.size(); ++i) stats.added_latency_buckets[i] = latency_buckets_[i];
  stats.added_latency_seconds_sum = static_cast<double>(latency_nanoseconds_sum_.load()) / 1e9;
  {
    std::lock_guard lock(findings_mutex_);
    stats.findings_by_rule.assign(findings_by_rule_.begin(), findings_by_rule_.end());
  }
  std::lock_guard lock(mutex_);
  stats.queue_bytes = queue_bytes_;
  stats.queue_requests = queue_.size();
  return stats;
}

void OtlpServer::Impl::reportFindings(const core::Policy& policy, WorkspacePool::Slot& slot) {
  const auto& counts = slot.workspace.scan.findingsPerRule();
  if (slot.reported.size() < counts.size()) slot.reported.resize(counts.size(), 0);
  std::unique_lock<std::mutex> lock(findings_mutex_, std::defer_lock);
  for (size_t rule = 0; rule < counts.size(); ++rule) {
    const uint64_t added = counts[rule] - slot.reported[rule];
    if (added == 0) continue;
    slot.reported[rule] = counts[rule];
    if (rule >= policy.ruleCount()) continue;  // the Workspace was built from this policy: never
    if (!lock.owns_lock()) lock.lock();
    const auto& id = policy.ruleId(static_cast<uint32_t>(rule));
    const auto found = findings_by_rule_.find(id);
    if (found != findings_by_rule_.end()) found->second += added;
    else findings_by_rule_.emplace(id, added);
  }
}

void OtlpServer::Impl::recordAddedLatency(Clock::duration latency) {
  const double seconds = std::chrono::duration<double>(latency).count();
  const auto bucket = static_cast<size_t>(
      std::lower_bound(kAddedLatencyBounds.begin(), kAddedLatencyBounds.end(), seconds) - kAddedLatencyBounds.begin());
  ++latency_buckets_[bucket];
  latency_nanoseconds_sum_ += static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(latency).count());
}

void OtlpServer::Impl::replacePolicy(std::shared_ptr<const core::Policy> policy) {
  // Built before taking the lock: Exports starting meanwhile still get the old Engine at once.
  auto replacement = std::make_shared<const Engine>(std::move(policy));
  std::shared_ptr<const Engine> previous;
  {
    std::lock_guard lock(engine_mutex_);
    previous = std::exchange(engine_, std::move(replacement));
  }
  ++policy_reloads_;
  // `previous` is released here, outside the lock; Exports still using it keep it alive.
}

std::unique_ptr<OtlpServer> OtlpServer::start(std::shared_ptr<const core::Policy> policy,
                                              OtlpServerOptions options, std::string* error) {
  std::string ignored;
  if (!error) error = &ignored;
  if (!policy) {
    *error = "no policy";
    return nullptr;
  }
  auto impl = std::make_unique<Impl>(std::move(policy), std::move(options));
  if (!impl->start(error)) return nullptr;
  return std::unique_ptr<OtlpServer>(new OtlpServer(std::move(impl)));
}

OtlpServer::OtlpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
OtlpServer::~OtlpServer() = default;
int OtlpServer::port() const { return impl_->port(); }
bool OtlpServer::shutdown(std::chrono::milliseconds drain) { return impl_->shutdown(drain); }
OtlpServerStats OtlpServer::stats() const { return impl_->stats(); }
bool OtlpServer::replacePolicy(std::shared_ptr<const core::Policy> policy) {
  if (!policy) return false;
  impl_->replacePolicy(std::move(policy));
  return true;
}

}  // namespace veil::frontends
