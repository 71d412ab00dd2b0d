#include "frontends/metrics_http.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string_view>
#include <thread>

namespace veil::frontends {
namespace {

using Clock = std::chrono::steady_clock;

constexpr size_t kMaxRequestHeadBytes = 8192;
constexpr auto kRequestTimeout = std::chrono::seconds(2);

// Prometheus label values: backslash, double quote and newline are escaped.
std::string labelValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (const char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

class Exposition {
 public:
  void header(const char* name, const char* type, const char* help) {
    out_ += "# HELP ";
    out_ += name;
    out_ += ' ';
    out_ += help;
    out_ += "\n# TYPE ";
    out_ += name;
    out_ += ' ';
    out_ += type;
    out_ += '\n';
  }
  void sample(const char* name, uint64_t value, std::string_view labels = {}) {
    out_ += name;
    out_ += labels;
    out_ += ' ';
    out_ += std::to_string(value);
    out_ += '\n';
  }
  void sample(const char* name, double value, std::string_view labels = {}) {
    char text[64];
    std::snprintf(text, sizeof text, "%.9g", value);
    out_ += name;
    out_ += labels;
    out_ += ' ';
    out_ += text;
    out_ += '\n';
  }
  // A metric with one sample and no labels.
  void single(const char* name, const char* type, const char* help, uint64_t value) {
    header(name, type, help);
    sample(name, value);
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

// A file descriptor closed when it goes out of scope.
class Descriptor {
 public:
  explicit Descriptor(int fd = -1) : fd_(fd) {}
  ~Descriptor() { reset(); }
  Descriptor(Descriptor&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Descriptor& operator=(Descriptor&& other) noexcept {
    if (this != &other) {
      reset();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  int get() const { return fd_; }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

bool splitAddress(const std::string& address, std::string& host, std::string& port) {
  if (!address.empty() && address.front() == '[') {
    const size_t close = address.find(']');
    if (close == std::string::npos || close + 1 >= address.size() || address[close + 1] != ':') return false;
    host = address.substr(1, close - 1);
    port = address.substr(close + 2);
  } else {
    const size_t colon = address.rfind(':');
    if (colon == std::string::npos) return false;
    host = address.substr(0, colon);
    port = address.substr(colon + 1);
  }
  if (port.empty() || port.find_first_not_of("0123456789") != std::string::npos) return false;
  return true;
}

void sendAll(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // the scraper went away or stalled past SO_SNDTIMEO: nothing to do
    bytes.remove_prefix(static_cast<size_t>(n));
  }
}

std::string response(const char* status, std::string_view content_type, std::string_view body) {
  std::string out = "HTTP/1.1 ";
  out += status;
  out += "\r\nContent-Type: ";
  out += content_type;
  out += "\r\nContent-Length: " + std::to_string(body.size());
  out += "\r\nConnection: close\r\n\r\n";
  out += body;
  return out;
}

}  // namespace

std::string prometheusText(const OtlpServerStats& stats) {
  Exposition out;
  out.header("veil_otlp_requests_total", "counter", "OTLP Exports received and authorized, by signal.");
  for (size_t i = 0; i < kOtlpSignalNames.size(); ++i)
    out.sample("veil_otlp_requests_total", stats.requests_by_signal[i],
               std::string("{signal=\"") + kOtlpSignalNames[i] + "\"}");
  out.header("veil_otlp_records_received_total", "counter",
             "Spans, log records and metric data points received in authorized Exports, by signal.");
  for (size_t i = 0; i < kOtlpSignalNames.size(); ++i)
    out.sample("veil_otlp_records_received_total", stats.records_by_signal[i],
               std::string("{signal=\"") + kOtlpSignalNames[i] + "\"}");
  out.single("veil_otlp_received_bytes_total", "counter",
             "Serialized (uncompressed) size of the authorized Exports received.", stats.bytes_received);
  out.single("veil_otlp_unauthenticated_total", "counter", "Exports refused for a missing or wrong bearer token.",
             stats.unauthenticated);
  out.single("veil_values_redacted_total", "counter", "Values replaced or dropped.", stats.values_redacted);
  out.header("veil_findings_total", "counter", "Findings by rule id (rules with none are left out).");
  for (const auto& [rule, count] : stats.findings_by_rule)
    out.sample("veil_findings_total", count, "{rule=\"" + labelValue(rule) + "\"}");
  out.single("veil_otlp_forwarded_total", "counter", "Exports forwarded and accepted on the first attempt.",
             stats.forwarded);
  out.single("veil_otlp_forward_errors_total", "counter",
             "Downstream calls (first attempts and resends) that did not answer OK.", stats.forward_errors);
  out.single("veil_otlp_failed_total", "counter", "Exports the downstream refused with a non-retryable code.",
             stats.failed);
  out.single("veil_otlp_queued_total", "counter", "Exports put in the retry queue.", stats.queued);
  out.single("veil_otlp_retries_total", "counter", "Resends from the retry queue.", stats.retries);
  out.single("veil_otlp_delivered_from_queue_total", "counter", "Queued Exports the downstream accepted later.",
             stats.delivered_from_queue);
  out.single("veil_otlp_rejected_queue_full_total", "counter",
             "Exports answered RESOURCE_EXHAUSTED because the retry queue was full.", stats.rejected_queue_full);
  out.single("veil_otlp_dropped_total", "counter", "Queued Exports dropped when the shutdown deadline passed.",
             stats.dropped);
  out.single("veil_otlp_left_on_disk_total", "counter",
             "Queued Exports kept in the queue directory when the shutdown deadline passed.", stats.left_on_disk);
  out.single("veil_otlp_loaded_from_disk_total", "counter",
             "Exports found in the queue directory at start and queued again.", stats.loaded_from_disk);
  out.single("veil_otlp_queue_files_corrupt_total", "counter",
             "Unusable files in the queue directory at start, renamed *.corrupt.", stats.disk_corrupt);
  out.single("veil_otlp_queue_disk_errors_total", "counter",
             "Queue file writes (the Export was refused) or deletions that failed.", stats.disk_errors);
  out.single("veil_otlp_queue_requests", "gauge", "Exports in the retry queue now.", stats.queue_requests);
  out.single("veil_otlp_queue_bytes", "gauge", "Serialized bytes in the retry queue now.", stats.queue_bytes);
  out.single("veil_policy_reloads_total", "counter", "Policies swapped in after start (SIGHUP).",
             stats.policy_reloads);

  out.header("veil_otlp_added_latency_seconds", "histogram",
             "Time veil adds to an Export before forwarding or queueing it (redaction included, the "
             "downstream call not).");
  uint64_t cumulative = 0;
  for (size_t i = 0; i < stats.added_latency_buckets.size(); ++i) {
    cumulative += stats.added_latency_buckets[i];
    std::string labels = "{le=\"";
    if (i < kAddedLatencyBounds.size()) {
      char bound[32];
      std::snprintf(bound, sizeof bound, "%g", kAddedLatencyBounds[i]);
      labels += bound;
    } else {
      labels += "+Inf";
    }
    labels += "\"}";
    out.sample("veil_otlp_added_latency_seconds_bucket", cumulative, labels);
  }
  out.sample("veil_otlp_added_latency_seconds_sum", stats.added_latency_seconds_sum);
  out.sample("veil_otlp_added_latency_seconds_count", cumulative);
  return out.take();
}

class MetricsHttpServer::Impl {
 public:
  Impl(Descriptor listener, int port, Descriptor wake_read, Descriptor wake_write,
       std::function<std::string()> render)
      : listener_(std::move(listener)),
        port_(port),
        wake_read_(std::move(wake_read)),
        wake_write_(std::move(wake_write)),
        render_(std::move(render)),
        thread_([this] { run(); }) {}
  ~Impl() { stop(); }

  int port() const { return port_; }
  void stop() {
    if (!thread_.joinable()) return;
    const char byte = 0;
    [[maybe_unused]] const ssize_t ignored = ::write(wake_write_.get(), &byte, 1);
    thread_.join();
    listener_.reset();
  }

 private:
  void run() {
    while (true) {
      pollfd fds[2] = {{listener_.get(), POLLIN, 0}, {wake_read_.get(), POLLIN, 0}};
      if (::poll(fds, 2, -1) < 0) {
        if (errno == EINTR) continue;
        spdlog::error("metrics endpoint: poll failed: {}", std::strerror(errno));
        return;
      }
      if (fds[1].revents) return;
      if (!(fds[0].revents & POLLIN)) continue;
      Descriptor connection(::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC));
      if (connection.get() < 0) continue;  // the peer gave up before accept, or out of fds
      serve(connection.get());
    }
  }

  // Reads the request head, answers, closes. The head is only parsed, never logged or echoed.
  void serve(int fd) {
    const timeval send_timeout{2, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &send_timeout, sizeof send_timeout);
    std::string head;
    const auto deadline = Clock::now() + kRequestTimeout;
    bool complete = false;
    while (head.size() < kMaxRequestHeadBytes) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      if (left <= 0) break;
      pollfd readable{fd, POLLIN, 0};
      const int ready = ::poll(&readable, 1, static_cast<int>(left));
      if (ready < 0 && errno == EINTR) continue;
      if (ready <= 0) break;
      char buffer[2048];
      const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      head.append(buffer, static_cast<size_t>(n));
      if (head.find("\r\n\r\n") != std::string::npos || head.find("\n\n") != std::string::npos) {
        complete = true;
        break;
      }
    }
    if (head.empty()) return;
    if (!complete) {
      sendAll(fd, response("400 Bad Request", "text/plain; charset=utf-8", "bad request\n"));
      finish(fd);
      return;
    }
    // Request line: METHOD SP TARGET SP HTTP/1.x
    const std::string_view line(head.data(), head.find_first_of("\r\n"));
    const size_t first = line.find(' ');
    const size_t second = first == std::string_view::npos ? first : line.find(' ', first + 1);
    if (second == std::string_view::npos || line.substr(second + 1).substr(0, 7) != "HTTP/1.") {
      sendAll(fd, response("400 Bad Request", "text/plain; charset=utf-8", "bad request\n"));
    } else {
      const std::string_view method = line.substr(0, first);
      std::string_view target = line.substr(first + 1, second - first - 1);
      target = target.substr(0, target.find('?'));
      if (method == "GET" && target == "/metrics")
        sendAll(fd, response("200 OK", "text/plain; version=0.0.4; charset=utf-8", render_()));
      else
        sendAll(fd, response("404 Not Found", "text/plain; charset=utf-8", "not found: try GET /metrics\n"));
    }
    finish(fd);
  }

  // Half-closes and reads briefly what the client still sends, so that closing with unread
  // bytes does not reset the connection before the client has read the response.
  static void finish(int fd) {
    ::shutdown(fd, SHUT_WR);
    const auto deadline = Clock::now() + std::chrono::milliseconds(200);
    char buffer[1024];
    while (true) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      if (left <= 0) return;
      pollfd readable{fd, POLLIN, 0};
      if (::poll(&readable, 1, static_cast<int>(left)) <= 0) return;
      if (::recv(fd, buffer, sizeof buffer, 0) <= 0) return;
    }
  }

  Descriptor listener_;
  int port_;
  Descriptor wake_read_, wake_write_;
  std::function<std::string()> render_;
  std::thread thread_;  // last: starts once everything it uses is set
};

std::unique_ptr<MetricsHttpServer> MetricsHttpServer::start(const std::string& address,
                                                            std::function<std::string()> render,
                                                            std::string* error) {
  std::string ignored;
  if (!error) error = &ignored;
  std::string host, port;
  if (!splitAddress(address, host, port)) {
    *error = "metrics address '" + address + "' is not HOST:PORT";
    return nullptr;
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const int resolved = ::getaddrinfo(host.empty() ? nullptr : host.c_str(), port.c_str(), &hints, &found);
  if (resolved != 0) {
    *error = "metrics address '" + address + "': " + ::gai_strerror(resolved);
    return nullptr;
  }
  std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> addresses(found, &::freeaddrinfo);
  Descriptor listener;
  int last_errno = 0;
  for (const addrinfo* candidate = found; candidate; candidate = candidate->ai_next) {
    Descriptor fd(::socket(candidate->ai_family, candidate->ai_socktype | SOCK_CLOEXEC, candidate->ai_protocol));
    if (fd.get() < 0) {
      last_errno = errno;
      continue;
    }
    const int on = 1;
    ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    if (::bind(fd.get(), candidate->ai_addr, candidate->ai_addrlen) == 0 && ::listen(fd.get(), 16) == 0) {
      listener = std::move(fd);
      break;
    }
    last_errno = errno;
  }
  if (listener.get() < 0) {
    *error = "cannot listen for metrics on '" + address + "': " + std::strerror(last_errno);
    return nullptr;
  }
  sockaddr_storage bound{};
  socklen_t length = sizeof bound;
  int bound_port = 0;
  if (::getsockname(listener.get(), reinterpret_cast<sockaddr*>(&bound), &length) == 0)
    bound_port = ntohs(bound.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port
                                                   : reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  int wake[2];
  if (::pipe2(wake, O_CLOEXEC) != 0) {
    *error = std::string("metrics endpoint: cannot create a pipe: ") + std::strerror(errno);
    return nullptr;
  }
  auto impl = std::make_unique<Impl>(std::move(listener), bound_port, Descriptor(wake[0]), Descriptor(wake[1]),
                                     std::move(render));
  spdlog::info("Prometheus metrics listening on port {} (GET /metrics)", bound_port);
  return std::unique_ptr<MetricsHttpServer>(new MetricsHttpServer(std::move(impl)));
}

MetricsHttpServer::MetricsHttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
MetricsHttpServer::~MetricsHttpServer() = default;
int MetricsHttpServer::port() const { return impl_->port(); }
void MetricsHttpServer::stop() { impl_->stop(); }

}  // namespace veil::frontends
