#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

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

  // Requests the downstream refused with a retryable code wait in memory, up to this many
  // (serialized) bytes, and are resent in order with exponential backoff and jitter.
  size_t queue_max_bytes = size_t{64} << 20;
  std::chrono::milliseconds retry_initial_backoff{100};
  std::chrono::milliseconds retry_max_backoff{5000};
  // Sent as `grpc-retry-pushback-ms` with RESOURCE_EXHAUSTED when the queue is full.
  std::chrono::milliseconds queue_full_pushback{1000};

  // Non-empty: every Export must carry `authorization: Bearer <token>` (compared in constant
  // time), else UNAUTHENTICATED. The health service stays open for probes.
  std::string bearer_token;
  bool listen_tls = false;
  OtlpTlsFiles listen_tls_files;
  bool forward_tls = false;
  OtlpTlsFiles forward_tls_files;
};

struct OtlpServerStats {
  uint64_t requests = 0;           // Exports received and authorized
  uint64_t values_redacted = 0;    // values replaced across all requests
  uint64_t forwarded = 0;          // forwarded on the first attempt and answered OK
  uint64_t queued = 0;             // put in the retry queue
  uint64_t delivered_from_queue = 0;
  uint64_t rejected_queue_full = 0;
  uint64_t failed = 0;             // non-retryable downstream errors passed back
  uint64_t unauthenticated = 0;
  uint64_t dropped = 0;            // still queued when the shutdown deadline passed
  size_t queue_bytes = 0;          // now
  size_t queue_requests = 0;       // now
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
// RESOURCE_EXHAUSTED with `grpc-retry-pushback-ms`.
//
// Nothing the server logs contains request content: counts, sizes and status codes only.
//
// Thread safety: start, shutdown and the destructor from one thread; stats() from any.
class OtlpServer {
 public:
  // Binds the listener and starts serving. Returns null and sets `error` (the address, file or
  // option at fault) when the options are invalid, a TLS file cannot be read or the address
  // cannot be bound. `policy` is kept alive by the server.
  static std::unique_ptr<OtlpServer> start(std::shared_ptr<const core::Policy> policy,
                                           OtlpServerOptions options, std::string* error);
  ~OtlpServer();  // shutdown with a zero drain deadline, if not done
  OtlpServer(const OtlpServer&) = delete;
  OtlpServer& operator=(const OtlpServer&) = delete;

  // The port bound (useful with port 0 in the listen address).
  int port() const;

  // Stops accepting, lets running Exports finish, then resends what is queued until the queue
  // is empty or `drain` has passed; what is left is dropped and counted. Returns true when
  // nothing was dropped. Idempotent.
  bool shutdown(std::chrono::milliseconds drain);

  OtlpServerStats stats() const;

  class Impl;

 private:
  explicit OtlpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace veil::frontends
