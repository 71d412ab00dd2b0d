#pragma once

#include <functional>
#include <memory>
#include <string>

#include "frontends/otlp_server.h"

namespace veil::frontends {

// The Prometheus text exposition (format 0.0.4) of an OtlpServer's counters, every name
// prefixed `veil_`. Label values are escaped; rule ids are the only label values that come
// from configuration, and nothing comes from requests.
std::string prometheusText(const OtlpServerStats& stats);

// A minimal HTTP/1.1 server for Prometheus scrapes on its own address: one thread, one
// connection at a time, each closed after its response. `GET /metrics` (a query string is
// ignored) answers 200 with `text/plain; version=0.0.4` and the body `render` returns; any
// other method or path answers 404, a request that is not HTTP or does not arrive within
// two seconds 400 or nothing. Responses never contain any part of the request.
//
// Thread safety: start, stop and the destructor from one thread; `render` is called from the
// server's thread and must be safe to call from there.
class MetricsHttpServer {
 public:
  // Binds `address` (HOST:PORT; `[v6]:PORT`; port 0 picks a free one) and starts the thread.
  // Returns null and sets `error` (the address and the system's reason) when the address does
  // not resolve or cannot be bound.
  static std::unique_ptr<MetricsHttpServer> start(const std::string& address,
                                                  std::function<std::string()> render,
                                                  std::string* error);
  ~MetricsHttpServer();  // stop()
  MetricsHttpServer(const MetricsHttpServer&) = delete;
  MetricsHttpServer& operator=(const MetricsHttpServer&) = delete;

  int port() const;  // the port bound
  // Closes the listener and joins the thread (a response being written is finished first).
  // Idempotent.
  void stop();

  class Impl;

 private:
  explicit MetricsHttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace veil::frontends
