#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/policy.h"

namespace veil::frontends {

// TLS material, as PEM file paths. Empty cert and key: plaintext.
struct OtlpTlsFiles {
  std::string cert_file;  // listener: server certificate; forwarder: client certificate (mTLS)
  std::string key_file;   // the private key of cert_file
  // Listener: CA that client certificates must chain to (set: mTLS required).
  // Forwarder: CA that the downstream's certificate must chain to (empty: system roots).
  std::string ca_file;
};

struct OtlpServerOptions {
  std::string listen_address = "127.0.0.1:4317";
  std::string forward_address;  // required: the downstream collector, HOST:PORT
  // Larger requests are refused by gRPC with RESOURCE_EXHAUSTED before they are read.
  int max_message_bytes = 16 << 20;
  std::chrono::milliseconds forward_timeout{5000};
  bool forward_gzip = false;  // compress forwarded requests (received gzip is always accepted)
  // Threads that redact one large request together: the gRPC thread that received it and
  // redaction_threads - 1 helpers. Requests with fewer records (spans, log records, metrics)
  // than share_min_records are redacted by the receiving thread alone.
  unsigned redaction_threads = 1;
  size_t share_min_records = 128;

  // Requests the downstream refused with a retryable code wait in memory, up to this many
  // (serialized) bytes, and are resent in order with exponential backoff and jitter. With
  // queue_dir the same bound holds for the files there (each adds a 48-byte header).
  size_t queue_max_bytes = size_t{64} << 20;
  std::chrono::milliseconds retry_initial_backoff{100};
  std::chrono::milliseconds retry_max_backoff{5000};
  // Sent when the queue is full, with RESOURCE_EXHAUSTED, twice: as `grpc-retry-pushback-ms`
  // and as a google.rpc.RetryInfo in the status details (what OTLP exporters read).
  std::chrono::milliseconds queue_full_pushback{1000};
  // Non-empty: the retry queue is also kept in this directory (see DiskQueue), so that what
  // was acknowledged survives a restart or crash: a request is acknowledged only once its file
  // is durable, its file is deleted when the downstream accepts it or refuses it for good, and
  // at start the files found there are queued again, in order, before anything new. Created
  // mode 0700 when missing; start() fails naming it when it cannot be created, locked (another
  // veil uses it) or written. Empty: memory only, and what is queued at shutdown is lost.
  std::string queue_dir;

  // Non-empty: every Export must carry `authorization: Bearer <token>` (compared in constant
  // time), else UNAUTHENTICATED. The health service stays open for probes.
  std::string bearer_token;
  bool listen_tls = false;
  OtlpTlsFiles listen_tls_files;
  bool forward_tls = false;
  OtlpTlsFiles forward_tls_files;
};

enum class OtlpSignal { kTraces = 0, kLogs = 1, kMetrics = 2 };
inline constexpr std::array<const char*, 3> kOtlpSignalNames = {"traces", "logs", "metrics"};

// Upper bounds, in seconds, of the added-latency histogram buckets (a last bucket: +Inf).
inline constexpr std::array<double, 11> kAddedLatencyBounds = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0};

struct OtlpServerStats {
  uint64_t requests = 0;           // Exports received and authorized
  uint64_t values_redacted = 0;    // values replaced across all requests
  uint64_t forwarded = 0;          // forwarded on the first attempt and answered OK
  uint64_t queued = 0;             // put in the retry queue
  uint64_t delivered_from_queue = 0;
  uint64_t rejected_queue_full = 0;
  uint64_t failed = 0;             // non-retryable downstream errors passed back
  uint64_t unauthenticated = 0;
  uint64_t dropped = 0;            // still queued when the shutdown deadline passed (no queue_dir)
  uint64_t left_on_disk = 0;       // still queued when the shutdown deadline passed, kept in queue_dir
  uint64_t loaded_from_disk = 0;   // found in queue_dir at start and queued again
  uint64_t disk_corrupt = 0;       // files in queue_dir at start that were unusable: renamed *.corrupt
  // Queue file writes that failed (the Export was refused with UNAVAILABLE) or deletions that
  // failed (the request will be sent again after a restart).
  uint64_t disk_errors = 0;
  size_t queue_bytes = 0;          // now
  size_t queue_requests = 0;       // now

  // By signal, indexed by OtlpSignal: authorized Exports, and the records in them (spans, log
  // records, data points of every metric type).
  std::array<uint64_t, 3> requests_by_signal{};
  std::array<uint64_t, 3> records_by_signal{};
  uint64_t bytes_received = 0;     // serialized (uncompressed) size of authorized Exports
  uint64_t forward_errors = 0;     // downstream calls, first or resent, that did not answer OK
  uint64_t retries = 0;            // resends from the retry queue
  uint64_t policy_reloads = 0;     // replacePolicy calls that took effect
  // Findings per rule id since start (across policy reloads), sorted by id; rules with none
  // are left out.
  std::vector<std::pair<std::string, uint64_t>> findings_by_rule;
  // The time veil adds to an Export before it is forwarded or queued (authorization and
  // redaction; not the downstream call): counts per bucket of kAddedLatencyBounds, the last
  // one for anything slower, plus their sum.
  std::array<uint64_t, kAddedLatencyBounds.size() + 1> added_latency_buckets{};
  double added_latency_seconds_sum = 0;
};

// The OTLP/gRPC receiver and forwarder: implements the collector's TraceService, LogsService
// and MetricsService (plus grpc.health.v1.Health), redacts every request with OtlpRedactor
// and forwards it to the downstream collector, answering with the downstream's response (so
// partial_success travels back unchanged).
//
// Delivery: a downstream answer with a retryable code puts the redacted request in the retry
// queue and the sender gets OK (with an empty response); while the queue holds anything, new
// requests join its end instead of being forwarded directly, so order is kept. Retryable, as
// the OTLP specification lists them: CANCELLED, DEADLINE_EXCEEDED, ABORTED, OUT_OF_RANGE,
// UNAVAILABLE, DATA_LOSS; and RESOURCE_EXHAUSTED only when the downstream attached status
// details (the collector's RetryInfo) — without them it means "too large", which no retry
// fixes. Any other code goes back to the sender as it came. A full queue answers
// RESOURCE_EXHAUSTED with `grpc-retry-pushback-ms` and a RetryInfo. A RetryInfo from the
// downstream holds resends back for as long as it asks when that is longer than the backoff
// (at most a minute).
//
// Nothing the server logs contains request content: counts, sizes and status codes only.
//
// Thread safety: start, shutdown and the destructor from one thread; stats() and
// replacePolicy() from any.
class OtlpServer {
 public:
  // Binds the listener and starts serving. Returns null and sets `error` (the address, file or
  // option at fault) when the options are invalid, a TLS file cannot be read or the address
  // cannot be bound, including when another process listens on the port (the listener does
  // not share it through SO_REUSEPORT). `policy` is kept alive by the server.
  static std::unique_ptr<OtlpServer> start(std::shared_ptr<const core::Policy> policy,
                                           OtlpServerOptions options, std::string* error);
  ~OtlpServer();  // shutdown with a zero drain deadline, if not done
  OtlpServer(const OtlpServer&) = delete;
  OtlpServer& operator=(const OtlpServer&) = delete;

  // The port bound (useful with port 0 in the listen address).
  int port() const;

  // Stops accepting, lets running Exports finish, then resends what is queued until the queue
  // is empty or `drain` has passed; what is left is dropped and counted, or with queue_dir
  // left on disk for the next start (counted as left_on_disk, not dropped), and the
  // directory is unlocked. Returns true when nothing was dropped. Idempotent.
  bool shutdown(std::chrono::milliseconds drain);

  OtlpServerStats stats() const;

  // Swaps in a new policy whole: Exports that begin after the call are redacted with it, those
  // already running finish with the policy they started with (kept alive until they end, with
  // the per-thread Workspaces built from it). Returns false, changing nothing, for a null
  // policy.
  bool replacePolicy(std::shared_ptr<const core::Policy> policy);

  class Impl;

 private:
  explicit OtlpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace veil::frontends
