// End-to-end OTLP/gRPC load test: a load generator and a sink in one process, either talking
// directly (the baseline: what gRPC and protobuf cost on this machine) or through `veil serve`
// started by bench/otlp_load.sh. Spans are shaped like the OpenTelemetry SDK benchmark (10
// attributes, 20-character keys and values); a fraction of them carries a planted synthetic
// GitHub token so the redaction path runs.
//
// Latency is one-way, generator to sink: the first span's start_time_unix_nano carries the
// send time (steady clock of this process; veil passes timestamps through unchanged) and the
// sink subtracts it from the arrival time. In open-loop mode requests are sent on a fixed
// schedule whatever happens to earlier ones, and the stamp is the *scheduled* time, so a
// stall shows up in every request it delays instead of pausing the generator (coordinated
// omission). Closed-loop mode keeps K requests in flight for the maximum throughput.
//
// Before any figure is printed the run is checked: every sent span reached the sink, every
// call was answered OK, and (through veil) no planted token arrived while each one arrived
// redacted. A failed check exits 1.
#include <grpcpp/grpcpp.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cinttypes>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "opentelemetry/proto/collector/trace/v1/trace_service.grpc.pb.h"
#include "sdk_spans.h"

namespace {

namespace collector = opentelemetry::proto::collector::trace::v1;
using collector::ExportTraceServiceRequest;
using collector::ExportTraceServiceResponse;
using Clock = std::chrono::steady_clock;

constexpr std::string_view kSecretPrefix = "ghp_";
constexpr std::string_view kRedactedMarker = "[REDACTED:github-pat-classic]";

int64_t nowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count();
}

struct Options {
  bool direct = false;
  std::string target;  // veil's listen address (ignored with --direct)
  int sink_port = 0;   // 0: any free port (only useful with --direct)
  bool closed = false;
  double rate = 10000;  // spans/s, open loop
  int inflight = 8;     // closed loop
  int spans_per_request = 100;
  double secret_fraction = 0.05;
  double duration_s = 10;
  double warmup_s = 2;
  int channels = 1;
  int templates = 16;
  int veil_pid = 0;
  std::string veil_metrics;  // HOST:PORT of veil's --metrics-listen
  std::string label;
};

[[noreturn]] void usage(const char* error) {
  if (error) std::fprintf(stderr, "veil_otlp_load: %s\n", error);
  std::fprintf(stderr,
               "usage: veil_otlp_load (--direct | --target HOST:PORT --sink-port P) [--closed --inflight K | "
               "--rate SPANS_PER_S]\n"
               "         [--spans-per-request N] [--secret-fraction F] [--duration S] [--warmup S]\n"
               "         [--channels C] [--veil-pid PID] [--veil-metrics HOST:PORT] [--label TEXT]\n"
               "       veil_otlp_load --free-port\n");
  std::exit(2);
}

// --- request templates -----------------------------------------------------------------

// Synthetic, random: shaped like a classic GitHub token, valid for nothing.
std::string syntheticToken(std::mt19937_64& random) {
  static constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::string out(kSecretPrefix);
  for (int i = 0; i < 36; ++i) out.push_back(alphabet[random() % alphabet.size()]);
  return out;
}

struct Template {
  ExportTraceServiceRequest request;
  int spans = 0;
  int planted = 0;
};

// One SDK-like batch: one resource, one scope, `spans` spans. Keys are the same across the
// batch (an instrumented service reuses its attribute names); values are random.
Template makeTemplate(int spans, double secret_fraction, uint64_t seed) {
  std::mt19937_64 random(seed);
  // Exactly the fraction asked for in every request (rounded), on spans chosen at random.
  std::vector<bool> plant(static_cast<size_t>(spans), false);
  std::fill_n(plant.begin(), std::lround(secret_fraction * spans), true);
  std::shuffle(plant.begin(), plant.end(), random);
  Template out;
  out.spans = spans;
  out.request = veil::bench::sdkShapedBatch(spans, random, [&](int s) {
    if (!plant[static_cast<size_t>(s)]) return std::string();
    ++out.planted;
    return syntheticToken(random);
  });
  return out;
}

void setStamp(ExportTraceServiceRequest& request, int64_t stamp) {
  request.mutable_resource_spans(0)->mutable_scope_spans(0)->mutable_spans(0)->set_start_time_unix_nano(
      static_cast<uint64_t>(stamp));
}

// --- sink ------------------------------------------------------------------------------

struct Arrival {
  int64_t stamp;
  int64_t arrived;
  int spans;
};

class Sink final : public collector::TraceService::CallbackService {
 public:
  grpc::ServerUnaryReactor* Export(grpc::CallbackServerContext* context, const ExportTraceServiceRequest* request,
                                   ExportTraceServiceResponse*) override {
    const int64_t arrived = nowNs();
    int spans = 0, leaked = 0, redacted = 0;
    int64_t stamp = 0;
    for (const auto& resource : request->resource_spans())
      for (const auto& scope : resource.scope_spans())
        for (const auto& span : scope.spans()) {
          if (spans++ == 0) stamp = static_cast<int64_t>(span.start_time_unix_nano());
          for (const auto& attribute : span.attributes()) {
            const std::string_view value = attribute.value().string_value();
            if (value.find(kSecretPrefix) != std::string_view::npos) ++leaked;
            if (value.find(kRedactedMarker) != std::string_view::npos) ++redacted;
          }
        }
    {
      std::lock_guard lock(mutex_);
      arrivals_.push_back({stamp, arrived, spans});
      spans_ += spans;
      leaked_ += leaked;
      redacted_ += redacted;
    }
    auto* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }

  struct Totals {
    uint64_t requests, spans, leaked, redacted;
  };
  Totals totals() {
    std::lock_guard lock(mutex_);
    return {arrivals_.size(), spans_, leaked_, redacted_};
  }
  std::vector<Arrival> arrivals() {
    std::lock_guard lock(mutex_);
    return arrivals_;
  }

 private:
  std::mutex mutex_;
  std::vector<Arrival> arrivals_;
  uint64_t spans_ = 0, leaked_ = 0, redacted_ = 0;
};

// --- generator -------------------------------------------------------------------------

struct Completion {
  int64_t stamp;    // scheduled (open loop) or actual (closed loop) send time
  int64_t sent;     // when the call was started
  int64_t done;
  int spans;
  bool ok;
};

class Generator {
 public:
  Generator(const Options& options, const std::string& address) : options_(options) {
    for (int i = 0; i < options.templates; ++i)
      templates_.push_back(makeTemplate(options.spans_per_request, options.secret_fraction, 0x5eed0000u + static_cast<uint64_t>(i)));
    for (int c = 0; c < options.channels; ++c) {
      grpc::ChannelArguments arguments;
      // Separate subchannel pools: each channel gets a TCP connection of its own.
      arguments.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
      arguments.SetMaxSendMessageSize(-1);
      auto channel = grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), arguments);
      channels_.push_back(channel);
      stubs_.push_back(collector::TraceService::NewStub(channel));
    }
  }

  bool connect(std::chrono::seconds timeout) {
    for (auto& channel : channels_)
      if (!channel->WaitForConnected(std::chrono::system_clock::now() + timeout)) return false;
    return true;
  }

  // Sends until `end` (steady ns). Returns when every call has been answered or `drain` passed.
  void run(int64_t start, int64_t end, std::chrono::seconds drain) {
    end_ = end;
    if (options_.closed) {
      for (int i = 0; i < options_.inflight; ++i) send(acquire(), nowNs());
    } else {
      const double interval_ns = 1e9 * options_.spans_per_request / options_.rate;
      for (uint64_t i = 0;; ++i) {
        const int64_t at = start + static_cast<int64_t>(static_cast<double>(i) * interval_ns);
        if (at >= end) break;
        std::this_thread::sleep_until(Clock::time_point(std::chrono::nanoseconds(at)));
        send(acquire(), at);
      }
    }
    std::unique_lock lock(mutex_);
    done_changed_.wait_until(lock, Clock::time_point(std::chrono::nanoseconds(end)) + drain,
                             [&] { return nowNs() >= end_ && inflight_ == 0; });
  }

  struct Totals {
    uint64_t calls, spans, planted, failed, inflight;
  };
  Totals totals() {
    std::lock_guard lock(mutex_);
    return {calls_, spans_, planted_, failed_, inflight_};
  }
  std::vector<Completion> completions() {
    std::lock_guard lock(mutex_);
    return completions_;
  }
  std::string firstError() {
    std::lock_guard lock(mutex_);
    return first_error_;
  }

 private:
  struct Slot {
    ExportTraceServiceRequest request;
    ExportTraceServiceResponse response;
    std::unique_ptr<grpc::ClientContext> context;  // a ClientContext serves one call only
    int spans = 0, planted = 0;
    int64_t stamp = 0, sent = 0;
    size_t channel = 0;
  };

  // The slot counts as in flight from here until its last call is answered.
  Slot* acquire() {
    std::lock_guard lock(mutex_);
    ++inflight_;
    if (!free_.empty()) {
      Slot* slot = free_.back();
      free_.pop_back();
      return slot;
    }
    auto slot = std::make_unique<Slot>();
    const auto& pattern = templates_[slots_.size() % templates_.size()];
    slot->request = pattern.request;
    slot->spans = pattern.spans;
    slot->planted = pattern.planted;
    slot->channel = slots_.size() % stubs_.size();
    slots_.push_back(std::move(slot));
    return slots_.back().get();
  }

  void send(Slot* slot, int64_t stamp) {
    slot->stamp = stamp;
    setStamp(slot->request, stamp);
    slot->response.Clear();
    slot->context = std::make_unique<grpc::ClientContext>();
    slot->context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    {
      std::lock_guard lock(mutex_);
      ++calls_;
      spans_ += static_cast<uint64_t>(slot->spans);
      planted_ += static_cast<uint64_t>(slot->planted);
    }
    slot->sent = nowNs();
    stubs_[slot->channel]->async()->Export(slot->context.get(), &slot->request, &slot->response,
                                            [this, slot](grpc::Status status) { finished(slot, status); });
  }

  void finished(Slot* slot, const grpc::Status& status) {
    const int64_t done = nowNs();
    bool again = false;
    {
      std::lock_guard lock(mutex_);
      completions_.push_back({slot->stamp, slot->sent, done, slot->spans, status.ok()});
      if (!status.ok()) {
        ++failed_;
        if (first_error_.empty())
          first_error_ = "code " + std::to_string(static_cast<int>(status.error_code())) + ": " + status.error_message();
      }
      again = options_.closed && done < end_;
      if (!again) {
        free_.push_back(slot);
        --inflight_;
      }
    }
    if (again) {
      send(slot, nowNs());
    } else {
      done_changed_.notify_all();
    }
  }

  const Options& options_;
  std::vector<Template> templates_;
  std::vector<std::shared_ptr<grpc::Channel>> channels_;
  std::vector<std::unique_ptr<collector::TraceService::Stub>> stubs_;
  std::atomic<int64_t> end_{0};

  std::mutex mutex_;
  std::condition_variable done_changed_;
  std::vector<std::unique_ptr<Slot>> slots_;
  std::vector<Slot*> free_;
  std::vector<Completion> completions_;
  uint64_t calls_ = 0, spans_ = 0, planted_ = 0, failed_ = 0, inflight_ = 0;
  std::string first_error_;
};

// --- measurements of veil from outside ------------------------------------------------

// utime + stime of a process, in seconds; negative when it cannot be read.
double processCpuSeconds(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t paren = text.rfind(')');
  if (paren == std::string::npos) return -1;
  std::istringstream fields(text.substr(paren + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  // After "pid (comm) ": state is field 3; utime and stime are fields 14 and 15.
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14) utime = std::stoull(field);
    if (i == 15) stime = std::stoull(field);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

long processPeakRssKb(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
  return -1;
}

double selfCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// GET /metrics over plain HTTP/1.0 on loopback; the samples by name-with-labels. Empty when
// it fails: the Prometheus figures are a bonus, not a condition of the run.
std::map<std::string, double> scrapeMetrics(const std::string& address) {
  std::map<std::string, double> samples;
  const size_t colon = address.rfind(':');
  if (colon == std::string::npos) return samples;
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return samples;
  sockaddr_in peer{};
  peer.sin_family = AF_INET;
  peer.sin_port = htons(static_cast<uint16_t>(std::stoi(address.substr(colon + 1))));
  peer.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string response;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&peer), sizeof peer) == 0) {
    const std::string request = "GET /metrics HTTP/1.0\r\nHost: localhost\r\n\r\n";
    if (::write(fd, request.data(), request.size()) == static_cast<ssize_t>(request.size())) {
      char buffer[65536];
      ssize_t got;
      while ((got = ::read(fd, buffer, sizeof buffer)) > 0) response.append(buffer, static_cast<size_t>(got));
    }
  }
  ::close(fd);
  const size_t body = response.find("\r\n\r\n");
  if (body == std::string::npos) return samples;
  std::istringstream lines(response.substr(body + 4));
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] == '#') continue;
    const size_t space = line.rfind(' ');
    if (space == std::string::npos) continue;
    samples[line.substr(0, space)] = std::strtod(line.c_str() + space + 1, nullptr);
  }
  return samples;
}

// --- statistics ------------------------------------------------------------------------

struct Distribution {
  double p50 = 0, p90 = 0, p99 = 0, p999 = 0, max = 0;
  size_t count = 0;
};

Distribution distribution(std::vector<int64_t> ns) {
  Distribution d;
  d.count = ns.size();
  if (ns.empty()) return d;
  std::sort(ns.begin(), ns.end());
  auto at = [&](double q) {  // nearest rank
    size_t rank = static_cast<size_t>(q * static_cast<double>(ns.size()) + 0.999999);
    rank = std::clamp<size_t>(rank, 1, ns.size());
    return static_cast<double>(ns[rank - 1]) / 1e6;
  };
  d.p50 = at(0.50);
  d.p90 = at(0.90);
  d.p99 = at(0.99);
  d.p999 = at(0.999);
  d.max = static_cast<double>(ns.back()) / 1e6;
  return d;
}

int freePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof address;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) != 0)
    return -1;
  ::close(fd);
  return ntohs(address.sin_port);
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage(("missing value for " + arg).c_str());
      return argv[++i];
    };
    if (arg == "--free-port") {
      std::printf("%d\n", freePort());
      std::exit(0);
    } else if (arg == "--direct") o.direct = true;
    else if (arg == "--target") o.target = value();
    else if (arg == "--sink-port") o.sink_port = std::stoi(value());
    else if (arg == "--closed") o.closed = true;
    else if (arg == "--rate") o.rate = std::stod(value());
    else if (arg == "--inflight") o.inflight = std::stoi(value());
    else if (arg == "--spans-per-request") o.spans_per_request = std::stoi(value());
    else if (arg == "--secret-fraction") o.secret_fraction = std::stod(value());
    else if (arg == "--duration") o.duration_s = std::stod(value());
    else if (arg == "--warmup") o.warmup_s = std::stod(value());
    else if (arg == "--channels") o.channels = std::stoi(value());
    else if (arg == "--veil-pid") o.veil_pid = std::stoi(value());
    else if (arg == "--veil-metrics") o.veil_metrics = value();
    else if (arg == "--label") o.label = value();
    else if (arg == "--help" || arg == "-h") usage(nullptr);
    else usage(("unknown option " + arg).c_str());
  }
  if (!o.direct && (o.target.empty() || o.sink_port == 0)) usage("give --direct, or --target and --sink-port");
  if (o.spans_per_request < 1 || o.inflight < 1 || o.rate <= 0 || o.channels < 1 || o.duration_s <= 0)
    usage("counts, rate and duration must be positive");
  return o;
}

// Quantile of Prometheus histogram deltas: the upper bound of the bucket holding it.
std::string bucketQuantile(const std::vector<std::pair<double, double>>& cumulative, double q) {
  if (cumulative.empty() || cumulative.back().second <= 0) return "n/a";
  const double want = q * cumulative.back().second;
  for (const auto& [bound, count] : cumulative)
    if (count >= want) {
      if (std::isinf(bound)) return "+Inf";
      char text[32];
      std::snprintf(text, sizeof text, "%.1f", bound * 1e3);
      return std::string("<=") + text;
    }
  return "n/a";
}

}  // namespace

int main(int argc, char** argv) {
  const Options options = parse(argc, argv);

  Sink sink;
  grpc::ServerBuilder builder;
  int sink_port = 0;
  builder.AddListeningPort("127.0.0.1:" + std::to_string(options.sink_port), grpc::InsecureServerCredentials(),
                           &sink_port);
  builder.SetMaxReceiveMessageSize(64 << 20);
  builder.RegisterService(&sink);
  auto server = builder.BuildAndStart();
  if (!server || sink_port == 0) {
    std::fprintf(stderr, "veil_otlp_load: cannot listen on 127.0.0.1:%d\n", options.sink_port);
    return 1;
  }
  const std::string target = options.direct ? "127.0.0.1:" + std::to_string(sink_port) : options.target;

  Generator generator(options, target);
  if (!generator.connect(std::chrono::seconds(15))) {
    std::fprintf(stderr, "veil_otlp_load: cannot connect to %s\n", target.c_str());
    return 1;
  }

  const int64_t start = nowNs();
  const int64_t begin = start + static_cast<int64_t>(options.warmup_s * 1e9);
  const int64_t end = begin + static_cast<int64_t>(options.duration_s * 1e9);

  // Samples at the edges of the measured window, taken by a thread of their own so that
  // the open-loop pacer is never late because of them.
  double veil_cpu[2] = {-1, -1}, self_cpu[2] = {0, 0};
  std::map<std::string, double> metrics[2];
  std::thread sampler([&] {
    for (int edge = 0; edge < 2; ++edge) {
      std::this_thread::sleep_until(Clock::time_point(std::chrono::nanoseconds(edge == 0 ? begin : end)));
      self_cpu[edge] = selfCpuSeconds();
      if (options.veil_pid) veil_cpu[edge] = processCpuSeconds(options.veil_pid);
      if (!options.veil_metrics.empty()) metrics[edge] = scrapeMetrics(options.veil_metrics);
    }
  });
  generator.run(start, end, std::chrono::seconds(30));
  sampler.join();

  // Everything sent must have arrived; through veil a request is acknowledged once forwarded,
  // so the sink has it already, but allow a moment for a retry-queue delivery.
  const auto sent = generator.totals();
  auto received = sink.totals();
  for (int i = 0; i < 100 && received.spans < sent.spans; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    received = sink.totals();
  }
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));

  std::vector<std::string> problems;
  if (sent.inflight != 0) problems.push_back(std::to_string(sent.inflight) + " calls still unanswered");
  if (sent.failed != 0) problems.push_back(std::to_string(sent.failed) + " calls failed, first: " + generator.firstError());
  if (received.spans != sent.spans)
    problems.push_back("sink received " + std::to_string(received.spans) + " spans, sent " + std::to_string(sent.spans));
  if (options.direct) {
    // Proves the leak check can see a token: direct, every planted one must arrive.
    if (received.leaked != sent.planted)
      problems.push_back("direct: " + std::to_string(received.leaked) + " tokens seen, " + std::to_string(sent.planted) + " planted");
  } else {
    if (received.leaked != 0) problems.push_back(std::to_string(received.leaked) + " planted tokens reached the sink");
    if (received.redacted != sent.planted)
      problems.push_back(std::to_string(received.redacted) + " redaction markers, " + std::to_string(sent.planted) + " planted");
  }

  // The measured window: requests stamped inside it.
  std::vector<int64_t> one_way, round_trip, lateness;
  uint64_t window_spans_done = 0;
  for (const auto& a : sink.arrivals())
    if (a.stamp >= begin && a.stamp < end) one_way.push_back(a.arrived - a.stamp);
  for (const auto& c : generator.completions()) {
    if (c.done >= begin && c.done < end && c.ok) window_spans_done += static_cast<uint64_t>(c.spans);
    if (c.stamp >= begin && c.stamp < end) {
      round_trip.push_back(c.done - c.stamp);
      lateness.push_back(c.sent - c.stamp);
    }
  }
  const Distribution latency = distribution(one_way), rtt = distribution(round_trip), late = distribution(lateness);
  const double spans_per_s = static_cast<double>(window_spans_done) / options.duration_s;
  const double veil_cpu_s = veil_cpu[0] >= 0 && veil_cpu[1] >= 0 ? veil_cpu[1] - veil_cpu[0] : -1;
  const double self_cpu_s = self_cpu[1] - self_cpu[0];

  std::string mode = options.closed ? "closed loop, " + std::to_string(options.inflight) + " in flight"
                                    : "open loop, " + std::to_string(static_cast<long>(options.rate)) + " spans/s";
  std::printf("%s%s%s: %s, %d spans/request, %.0f%% with a planted token, %.0f s (+%.0f s warm-up)\n",
              options.label.c_str(), options.label.empty() ? "" : " — ", options.direct ? "direct" : "via veil",
              mode.c_str(), options.spans_per_request, options.secret_fraction * 100, options.duration_s,
              options.warmup_s);
  std::printf("  check: sent %" PRIu64 " spans in %" PRIu64 " requests, sink got %" PRIu64 "; planted %" PRIu64
              ", leaked %" PRIu64 ", redacted %" PRIu64 " -> %s\n",
              sent.spans, sent.calls, received.spans, sent.planted, received.leaked, received.redacted,
              problems.empty() ? "OK" : "FAILED");
  for (const auto& problem : problems) std::printf("  problem: %s\n", problem.c_str());
  std::printf("  throughput: %.0f spans/s acknowledged in the window\n", spans_per_s);
  std::printf("  one-way latency ms (n=%zu): p50 %.3f p90 %.3f p99 %.3f p99.9 %.3f max %.3f\n", latency.count,
              latency.p50, latency.p90, latency.p99, latency.p999, latency.max);
  std::printf("  round trip ms: p50 %.3f p99 %.3f max %.3f; send lateness p99 %.3f max %.3f\n", rtt.p50, rtt.p99,
              rtt.max, late.p99, late.max);
  std::printf("  CPU s in the window: this process (generator + sink) %.2f", self_cpu_s);
  if (veil_cpu_s >= 0)
    std::printf(", veil %.2f -> %.0f spans per veil CPU-second; veil peak RSS %ld MB", veil_cpu_s,
                veil_cpu_s > 0 ? static_cast<double>(window_spans_done) / veil_cpu_s : 0.0,
                processPeakRssKb(options.veil_pid) / 1024);
  std::printf("\n");

  // veil's own view: its added-latency histogram over the window.
  std::string veil_p50 = "n/a", veil_p99 = "n/a";
  double veil_mean_ms = -1;
  if (!metrics[0].empty() && !metrics[1].empty()) {
    std::vector<std::pair<double, double>> cumulative;
    const std::string prefix = "veil_otlp_added_latency_seconds_bucket{le=\"";
    for (const auto& [name, value] : metrics[1]) {
      if (name.rfind(prefix, 0) != 0) continue;
      const std::string bound = name.substr(prefix.size(), name.size() - prefix.size() - 2);
      const double le = bound == "+Inf" ? INFINITY : std::strtod(bound.c_str(), nullptr);
      cumulative.push_back({le, value - metrics[0][name]});
    }
    std::sort(cumulative.begin(), cumulative.end());
    veil_p50 = bucketQuantile(cumulative, 0.50);
    veil_p99 = bucketQuantile(cumulative, 0.99);
    const double count = metrics[1]["veil_otlp_added_latency_seconds_count"] - metrics[0]["veil_otlp_added_latency_seconds_count"];
    const double sum = metrics[1]["veil_otlp_added_latency_seconds_sum"] - metrics[0]["veil_otlp_added_latency_seconds_sum"];
    if (count > 0) veil_mean_ms = sum / count * 1e3;
    std::printf("  veil's added-latency histogram (window, %.0f Exports): p50 %s ms, p99 %s ms, mean %.3f ms\n", count,
                veil_p50.c_str(), veil_p99.c_str(), veil_mean_ms);
  }

  // One line for scripts.
  std::printf("RESULT ok=%d via=%s spans_per_s=%.0f p50=%.3f p90=%.3f p99=%.3f p999=%.3f max=%.3f rtt_p50=%.3f "
              "rtt_p99=%.3f late_p99=%.3f self_cpu=%.2f veil_cpu=%.2f veil_spans_per_cpu_s=%.0f veil_hist_p50=%s "
              "veil_hist_p99=%s veil_hist_mean=%.3f\n",
              problems.empty() ? 1 : 0, options.direct ? "direct" : "veil", spans_per_s, latency.p50, latency.p90,
              latency.p99, latency.p999, latency.max, rtt.p50, rtt.p99, late.p99, self_cpu_s, veil_cpu_s,
              veil_cpu_s > 0 ? static_cast<double>(window_spans_done) / veil_cpu_s : 0.0, veil_p50.c_str(),
              veil_p99.c_str(), veil_mean_ms);
  std::fflush(stdout);
  return problems.empty() ? 0 : 1;
}
