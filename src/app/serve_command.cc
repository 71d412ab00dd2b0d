// `veil serve` in process: the OTLP receiver and forwarder with its signals, token and metrics.
#include <poll.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <spdlog/spdlog.h>

#include "app/serve.h"
#include "app/signals.h"
#include "frontends/metrics_http.h"
#include "frontends/otlp_server.h"

namespace veil::app {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitRuntimeError = 1;
constexpr int kExitConfigError = 2;

// SIGHUP: a new policy replaces the old one whole; a bad one leaves the old one serving.
void reloadPolicy(frontends::OtlpServer& server, const PolicyRebuild& rebuild) {
  spdlog::info("SIGHUP: reloading the policy");
  const auto start = std::chrono::steady_clock::now();
  try {
    auto policy = rebuild();
    const size_t rules = policy->ruleCount();
    server.replacePolicy(std::move(policy));
    spdlog::info("policy reloaded: {} rules, in use for new exports ({:.1f} ms)", rules,
                 std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  } catch (const std::exception& e) {
    // Configuration errors name files, lines and rule ids, never telemetry content.
    spdlog::error("policy reload failed, keeping the previous policy: {}", e.what());
  }
}

// The bearer token from a file (trailing whitespace removed) or an environment variable,
// never from argv, where `ps` would show it. Empty and true when neither is set.
bool readBearerToken(const ServeSettings& flags, std::string& token) {
  if (!flags.token_file.empty()) {
    std::ifstream in(flags.token_file, std::ios::binary);
    std::ostringstream text;
    if (in) text << in.rdbuf();
    if (!in) {
      std::fprintf(stderr, "veil: cannot read token file '%s'\n", flags.token_file.c_str());
      return false;
    }
    token = text.str();
  } else if (!flags.token_env.empty()) {
    const char* value = std::getenv(flags.token_env.c_str());
    if (!value) {
      std::fprintf(stderr, "veil: environment variable '%s' (--token-env) is not set\n", flags.token_env.c_str());
      return false;
    }
    token = value;
  } else {
    return true;
  }
  while (!token.empty() && std::isspace(static_cast<unsigned char>(token.back()))) token.pop_back();
  if (token.empty()) {
    std::fprintf(stderr, "veil: the bearer token (%s) is empty\n",
                 flags.token_file.empty() ? flags.token_env.c_str() : flags.token_file.c_str());
    return false;
  }
  return true;
}

}  // namespace

int runServe(std::shared_ptr<const core::Policy> policy, const ServeSettings& flags, bool print_stats,
             const PolicyRebuild& rebuild) {
  frontends::OtlpServerOptions options = flags.options;
  if (options.forward_address.empty()) {
    std::fprintf(stderr, "veil: serve needs a collector to forward to: --forward HOST:PORT or serve.forward in the config\n");
    return kExitConfigError;
  }
  if (!readBearerToken(flags, options.bearer_token)) return kExitConfigError;
  const int stop_fd = installStopSignals();
  const int reload_fd = installReloadSignal();
  if (stop_fd < 0 || reload_fd < 0) {
    std::fprintf(stderr, "veil: cannot set up signal handling: %s\n", std::strerror(errno));
    return kExitRuntimeError;
  }
  std::string error;
  auto server = frontends::OtlpServer::start(std::move(policy), options, &error);
  if (!server) {
    std::fprintf(stderr, "veil: %s\n", error.c_str());
    return kExitConfigError;
  }
  // Declared after `server`: stopped (by its destructor too) before the server it reads goes.
  std::unique_ptr<frontends::MetricsHttpServer> metrics;
  if (!flags.metrics_listen.empty()) {
    auto* otlp = server.get();
    metrics = frontends::MetricsHttpServer::start(
        flags.metrics_listen, [otlp] { return frontends::prometheusText(otlp->stats()); }, &error);
    if (!metrics) {
      std::fprintf(stderr, "veil: %s\n", error.c_str());
      server->shutdown(std::chrono::milliseconds(0));
      return kExitConfigError;
    }
  }
  while (true) {
    pollfd signals[2] = {{stop_fd, POLLIN, 0}, {reload_fd, POLLIN, 0}};
    if (::poll(signals, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (signals[0].revents) break;
    if (signals[1].revents) {
      // One reload for any number of SIGHUPs that arrived before it starts.
      char bytes[64];
      while (::read(reload_fd, bytes, sizeof bytes) > 0) {
      }
      reloadPolicy(*server, rebuild);
    }
  }
  spdlog::info("stopping: draining the retry queue for up to {} ms", flags.drain_timeout_ms);
  server->shutdown(std::chrono::milliseconds(flags.drain_timeout_ms));
  if (metrics) metrics->stop();
  const auto stats = server->stats();
  if (print_stats)
    std::fprintf(stderr,
                 "veil: %llu exports, %llu values redacted; %llu forwarded, %llu queued (%llu delivered later, "
                 "%llu dropped at shutdown, %llu left on disk, %llu loaded from disk), %llu refused with queue full, %llu failed downstream, %llu unauthenticated\n",
                 static_cast<unsigned long long>(stats.requests), static_cast<unsigned long long>(stats.values_redacted),
                 static_cast<unsigned long long>(stats.forwarded), static_cast<unsigned long long>(stats.queued),
                 static_cast<unsigned long long>(stats.delivered_from_queue), static_cast<unsigned long long>(stats.dropped),
                 static_cast<unsigned long long>(stats.left_on_disk), static_cast<unsigned long long>(stats.loaded_from_disk),
                 static_cast<unsigned long long>(stats.rejected_queue_full), static_cast<unsigned long long>(stats.failed),
                 static_cast<unsigned long long>(stats.unauthenticated));
  return kExitOk;
}

}  // namespace veil::app
