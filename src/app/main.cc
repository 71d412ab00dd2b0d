// veil and veil-serve: command line entry point. Parses flags, builds the policy and runs a
// frontend. Built twice: veil-serve (VEIL_SERVE_IN_PROCESS) runs `serve` itself; veil, the line
// filter without gRPC, hands `serve` over to veil-serve.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <thread>
#include <spdlog/spdlog.h>

#include "app/config.h"
#include "app/config_error.h"
#include "app/logging.h"
#include "app/policy_builder.h"
#include "app/rule_test.h"
#include "app/serve.h"
#include "app/signals.h"
#include "core/span_regex.h"
#include "frontends/line_filter.h"

namespace {

constexpr int kExitOk = 0;
constexpr int kExitRuntimeError = 1;
constexpr int kExitConfigError = 2;

std::vector<std::string> splitList(const std::vector<std::string>& items) {
  std::vector<std::string> out;
  for (const auto& item : items) {
    size_t start = 0;
    while (start <= item.size()) {
      const size_t comma = item.find(',', start);
      std::string part = item.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      if (!part.empty()) out.push_back(part);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  return out;
}

void printStats(const veil::frontends::LineFilterResult& result, const veil::core::Policy& policy,
                double seconds) {
  const double mb = static_cast<double>(result.bytes_in) / 1e6;
  std::fprintf(stderr, "veil: %llu lines, %.1f MB in %.3f s (%.1f MB/s), %llu lines redacted",
               static_cast<unsigned long long>(result.lines), mb, seconds,
               seconds > 0 ? mb / seconds : 0.0,
               static_cast<unsigned long long>(result.lines_redacted));
  if (result.json_records || result.json_fallbacks)
    std::fprintf(stderr, ", %llu JSON records (%llu did not parse: scanned as text)",
                 static_cast<unsigned long long>(result.json_records),
                 static_cast<unsigned long long>(result.json_fallbacks));
  if (result.long_lines)
    std::fprintf(stderr, ", %llu over-long lines scanned in windows",
                 static_cast<unsigned long long>(result.long_lines));
  if (result.span_fallbacks)
    std::fprintf(stderr, ", %llu span searches too costly for PCRE2 (finished by RE2)",
                 static_cast<unsigned long long>(result.span_fallbacks));
  std::fprintf(stderr, "\n");
  std::vector<std::pair<uint64_t, std::string>> rows;
  for (size_t i = 0; i < result.findings_per_rule.size(); ++i) {
    if (result.findings_per_rule[i]) rows.emplace_back(result.findings_per_rule[i], policy.ruleId(static_cast<uint32_t>(i)));
  }
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  for (const auto& [count, id] : rows)
    std::fprintf(stderr, "veil:   %10llu  %s\n", static_cast<unsigned long long>(count), id.c_str());
}

#ifdef VEIL_SERVE_IN_PROCESS
// The config file's serve settings with each flag given on the command line on top.
veil::app::ServeSettings serveSettings(const CLI::App& serve, veil::app::ServeSettings settings,
                                       const veil::app::ServeSettings& flags) {
  auto take = [&](const char* flag, auto member) {
    if (serve.count(flag)) member(settings) = member(flags);
  };
  take("--listen", [](auto& s) -> auto& { return s.options.listen_address; });
  take("--forward", [](auto& s) -> auto& { return s.options.forward_address; });
  take("--max-message-bytes", [](auto& s) -> auto& { return s.options.max_message_bytes; });
  take("--forward-timeout-ms", [](auto& s) -> auto& { return s.options.forward_timeout; });
  take("--forward-gzip", [](auto& s) -> auto& { return s.options.forward_gzip; });
  take("--queue-bytes", [](auto& s) -> auto& { return s.options.queue_max_bytes; });
  take("--queue-dir", [](auto& s) -> auto& { return s.options.queue_dir; });
  take("--drain-timeout-ms", [](auto& s) -> auto& { return s.drain_timeout_ms; });
  take("--metrics-listen", [](auto& s) -> auto& { return s.metrics_listen; });
  // A token flag replaces the config's token source whichever kind each names.
  if (serve.count("--token-file") || serve.count("--token-env")) {
    settings.token_file = flags.token_file;
    settings.token_env = flags.token_env;
  }
  take("--tls-cert", [](auto& s) -> auto& { return s.options.listen_tls_files.cert_file; });
  take("--tls-key", [](auto& s) -> auto& { return s.options.listen_tls_files.key_file; });
  take("--tls-client-ca", [](auto& s) -> auto& { return s.options.listen_tls_files.ca_file; });
  take("--forward-tls", [](auto& s) -> auto& { return s.options.forward_tls; });
  take("--forward-tls-ca", [](auto& s) -> auto& { return s.options.forward_tls_files.ca_file; });
  take("--forward-tls-cert", [](auto& s) -> auto& { return s.options.forward_tls_files.cert_file; });
  take("--forward-tls-key", [](auto& s) -> auto& { return s.options.forward_tls_files.key_file; });
  auto& options = settings.options;
  options.listen_tls = !options.listen_tls_files.cert_file.empty() || !options.listen_tls_files.key_file.empty();
  const auto& forward_files = options.forward_tls_files;
  if (!forward_files.ca_file.empty() || !forward_files.cert_file.empty() || !forward_files.key_file.empty())
    options.forward_tls = true;
  return settings;
}
#endif

int runCommand(int argc, char** argv) {
  CLI::App app{"veil: a streaming redaction filter for logs.\n"
               "Reads log lines on stdin and writes them to stdout with tokens, secrets and\n"
               "personal data replaced."};
  app.set_version_flag("--version", std::string("veil ") + VEIL_VERSION);

  veil::app::PolicyOptions policy_options;
  std::vector<std::string> packs;
  std::vector<std::string> rule_files;
  std::string patterns_dir;
  std::string cache_dir;
  bool no_cache = false;
  bool stats = false;
  std::string log_level = "warn";
  veil::frontends::LineFilterOptions filter_options;

  app.add_option("--packs", packs, "Bundled rule packs to enable, comma-separated (default: the packs marked default; 'all' for every pack)");
  app.add_option("--rules", rule_files, "Add a rule pack of your own (YAML; repeatable)")->check(CLI::ExistingFile);
  app.add_option("--patterns-dir", patterns_dir, "Directory of the bundled rule packs (default: found automatically)");
  std::string mask_template = policy_options.mask_template;
  app.add_option("--mask-template", mask_template, "Replacement text; {rule} and {category} are substituted")->capture_default_str();
  app.add_option("--max-line-bytes", filter_options.max_record_bytes, "Lines up to this size are scanned as one record; longer lines in overlapping windows")->capture_default_str()->check(CLI::Range(size_t{1024}, size_t{1} << 30));
  app.add_option("--cache-dir", cache_dir, "Where compiled rule databases are cached (default: $VEIL_CACHE_DIR, $XDG_CACHE_HOME/veil or ~/.cache/veil)");
  filter_options.threads = std::max(1u, std::thread::hardware_concurrency());
  app.add_option("--threads", filter_options.threads, "Worker threads redacting lines, and threads sharing a large OTLP request under serve (default: the number of cores)")->capture_default_str()->check(CLI::Range(1u, 256u));
  app.add_flag("--no-cache", no_cache, "Do not read or write the compiled-database cache");
  auto* stats_flag = app.add_flag("--stats", stats, "Print lines, bytes, MB/s and findings per rule to stderr at the end");
  auto* log_level_option = app.add_option("--log-level", log_level, "veil's own log level on stderr: trace, debug, info, warn, error, off")->capture_default_str();
  app.add_flag("--mmexternal{msg}", filter_options.mmexternal_property,
               "Speak rsyslog's mmexternal protocol: read one message property per line (msg, or "
               "--mmexternal=rawmsg), answer {} for a message without findings, {\"msg\":\"...\"} for the others (and for any line over --max-line-bytes); no --stats or --log-level")
      ->check(CLI::IsMember({"msg", "rawmsg"}))
      // rsyslog reads the child's stderr from the same pipe as its replies: a line there would
      // be taken for the reply to a message and shift every reply after it.
      ->excludes(stats_flag)
      ->excludes(log_level_option);

  std::string config_file;
  app.add_option("--config", config_file, "YAML config: packs, actions, field rules, hash key, filter settings (flags given too take precedence)")->check(CLI::ExistingFile);

  auto* config_cmd = app.add_subcommand("config", "Work with config files");
  config_cmd->require_subcommand(1);
  auto* config_check = config_cmd->add_subcommand("check", "Validate a config file (and the packs and rules it names), pointing at the file and line of each error");
  std::string check_file;
  config_check->add_option("FILE", check_file, "Config file")->required()->check(CLI::ExistingFile);

  auto* rules = app.add_subcommand("rules", "Inspect and test rule packs");
  rules->require_subcommand(1);
  auto* rules_list = rules->add_subcommand("list", "List the rules of the enabled packs (honours --packs and --rules)");
  auto* rules_test = rules->add_subcommand("test", "Check every rule's examples: match examples must be found, no_match examples must not");
  std::vector<std::string> test_files;
  rules_test->add_option("FILE", test_files, "Rule pack files to test (default: every bundled pack)")->check(CLI::ExistingFile);

  auto* serve = app.add_subcommand("serve", "Receive OTLP over gRPC (traces, logs, metrics), redact it and forward it to a collector");
  serve->fallthrough();  // the policy flags (--packs, --rules, --config, ...) may follow `serve`
  // Bound to their own copy so that a flag given wins over the config file and one left out
  // does not (see serveSettings).
  veil::app::ServeSettings serve_flags;
  auto& serve_options = serve_flags.options;
  int64_t forward_timeout_ms = serve_options.forward_timeout.count();
  serve->add_option("--listen", serve_options.listen_address, "Address to receive OTLP/gRPC on, HOST:PORT")->capture_default_str();
  serve->add_option("--forward", serve_options.forward_address, "Collector to forward redacted OTLP to, HOST:PORT (or serve.forward in the config)");
  serve->add_option("--max-message-bytes", serve_options.max_message_bytes, "Largest request accepted; larger ones get RESOURCE_EXHAUSTED")->capture_default_str()->check(CLI::Range(1024, 1 << 30));
  serve->add_option("--forward-timeout-ms", forward_timeout_ms, "Deadline for each forwarded request")->capture_default_str()->check(CLI::Range(int64_t{1}, int64_t{600000}));
  serve->add_flag("--forward-gzip", serve_options.forward_gzip, "Compress forwarded requests with gzip");
  serve->add_option("--queue-bytes", serve_options.queue_max_bytes, "Memory for requests waiting while the collector is unavailable")->capture_default_str();
  serve->add_option("--queue-dir", serve_options.queue_dir, "Keep the retry queue in this directory too, so that it survives a restart (created 0700 if missing)");
  serve->add_option("--drain-timeout-ms", serve_flags.drain_timeout_ms, "On SIGTERM/SIGINT, how long to keep resending queued requests")->capture_default_str()->check(CLI::Range(int64_t{0}, int64_t{600000}));
  serve->add_option("--metrics-listen", serve_flags.metrics_listen, "Serve Prometheus metrics (GET /metrics) over HTTP on this address, HOST:PORT (default: off)");
  auto* token_file = serve->add_option("--token-file", serve_flags.token_file, "Require `authorization: Bearer <token>`, the token read from this file")->check(CLI::ExistingFile);
  serve->add_option("--token-env", serve_flags.token_env, "Require `authorization: Bearer <token>`, the token read from this environment variable")->excludes(token_file);
  serve->add_option("--tls-cert", serve_options.listen_tls_files.cert_file, "Serve TLS with this certificate (PEM)")->check(CLI::ExistingFile);
  serve->add_option("--tls-key", serve_options.listen_tls_files.key_file, "Private key of --tls-cert (PEM)")->check(CLI::ExistingFile);
  serve->add_option("--tls-client-ca", serve_options.listen_tls_files.ca_file, "Require client certificates signed by this CA (mTLS)")->check(CLI::ExistingFile);
  serve->add_flag("--forward-tls", serve_options.forward_tls, "Forward over TLS (system roots unless --forward-tls-ca)");
  serve->add_option("--forward-tls-ca", serve_options.forward_tls_files.ca_file, "CA for the collector's certificate (implies --forward-tls)")->check(CLI::ExistingFile);
  serve->add_option("--forward-tls-cert", serve_options.forward_tls_files.cert_file, "Client certificate for the collector (mTLS; implies --forward-tls)")->check(CLI::ExistingFile);
  serve->add_option("--forward-tls-key", serve_options.forward_tls_files.key_file, "Private key of --forward-tls-cert")->check(CLI::ExistingFile);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? kExitOk : kExitConfigError;
  }
#ifndef VEIL_SERVE_IN_PROCESS
  // Before any start-up work: veil-serve does it all again.
  if (serve->parsed()) return veil::app::handOffServe(argv);
#endif

  // Under mmexternal stderr shares rsyslog's reply pipe (see --mmexternal): no log lines at all.
  if (!filter_options.mmexternal_property.empty()) log_level = "off";
  if (!veil::app::setUpLogging(log_level)) {
    std::fprintf(stderr, "veil: unknown log level '%s'; allowed: trace, debug, info, warn, error, critical, off\n", log_level.c_str());
    return kExitConfigError;
  }

  if (config_check->parsed()) config_file = check_file;
  // Redacting needs no rule examples; checking a config or testing rules reads and checks them.
  policy_options.with_examples = config_check->parsed() || rules_test->parsed();
  // The config file with the flags on top; run again by `veil serve` on SIGHUP, so a changed
  // file (or pack) is read anew while the flags stay as given. Throws ConfigError.
  const veil::app::PolicyOptions policy_defaults = policy_options;
  auto resolveConfig = [&](veil::app::Config& config) {
    config.policy = policy_defaults;
    if (!config_file.empty()) veil::app::loadConfig(config_file, config);
    auto& options = config.policy;
    // Flags given on the command line win over the config file.
    if (app.count("--packs")) options.packs = splitList(packs);
    for (const auto& file : rule_files) options.rule_files.emplace_back(file);
    if (!patterns_dir.empty()) options.patterns_dir = patterns_dir;
    if (!cache_dir.empty()) options.cache_dir = cache_dir;
    if (no_cache) options.use_cache = false;
    if (app.count("--mask-template")) options.mask_template = mask_template;
  };
  veil::app::Config config;
  try {
    resolveConfig(config);
  } catch (const veil::app::ConfigError& e) {
    std::fprintf(stderr, "veil: %s\n", e.what());
    return kExitConfigError;
  }
  policy_options = config.policy;
  if (config.threads && !app.count("--threads")) filter_options.threads = *config.threads;
  if (config.max_line_bytes && !app.count("--max-line-bytes")) filter_options.max_record_bytes = *config.max_line_bytes;

  if (rules_test->parsed()) {
    if (!test_files.empty()) {
      policy_options.bundled = false;
      policy_options.rule_files.assign(test_files.begin(), test_files.end());
    } else {
      policy_options.packs = {"all"};
    }
  }

  veil::app::LoadedPolicy loaded;
  const auto build_start = std::chrono::steady_clock::now();
  try {
    loaded = veil::app::buildPolicy(policy_options);
  } catch (const veil::app::ConfigError& e) {
    std::fprintf(stderr, "veil: %s\n", e.what());
    return kExitConfigError;
  }
  const double build_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - build_start).count();
  if (config_check->parsed()) {
    std::printf("%s: ok (%zu rules from %zu packs)\n", check_file.c_str(), loaded.policy->ruleCount(), loaded.packs.size());
    return kExitOk;
  }
  spdlog::info("{} rules from {} packs ready in {:.1f} ms ({})", loaded.policy->ruleCount(),
               loaded.packs.size(), build_ms, loaded.from_cache ? "cached database" : "compiled");
  if (!veil::core::SpanRegex::jitAvailable()) {
    spdlog::warn("no JIT for span regexes here (memory cannot be made executable, e.g. systemd's "
                 "MemoryDenyWriteExecute): RE2 finds them, about half as fast on lines with secrets");
  }

  if (rules_list->parsed()) {
    for (const auto& rule : loaded.policy->rules())
      std::printf("%-40s %-11s %-12s %s\n", rule.id.c_str(), rule.category.c_str(), rule.pack.c_str(), rule.description.c_str());
    if (const auto* fields = loaded.policy->fields())
      for (const auto& rule : fields->rules())
        std::printf("%-40s %-11s %-12s %s (field name)\n", rule.id.c_str(), rule.category.c_str(), rule.pack.c_str(), rule.description.c_str());
    return kExitOk;
  }
  if (rules_test->parsed()) {
    const auto failures = veil::app::checkRuleExamples(*loaded.policy);
    for (const auto& failure : failures)
      std::printf("%s: rule '%s' %s%s%s\n", failure.origin.c_str(), failure.rule.c_str(), failure.problem.c_str(),
                  failure.example.empty() ? "" : ": ", failure.example.c_str());
    size_t examples = 0;
    for (const auto& rule : loaded.policy->rules()) examples += rule.match_examples.size() + rule.no_match_examples.size();
    if (const auto* fields = loaded.policy->fields())
      for (const auto& rule : fields->rules()) examples += rule.match_examples.size() + rule.no_match_examples.size();
    std::printf("%zu rules, %zu examples, %zu failures\n", loaded.policy->ruleCount(), examples, failures.size());
    return failures.empty() ? kExitOk : kExitRuntimeError;
  }

#ifdef VEIL_SERVE_IN_PROCESS
  if (serve->parsed()) {
    serve_options.forward_timeout = std::chrono::milliseconds(forward_timeout_ms);
    veil::app::ServeSettings settings = serveSettings(*serve, config.serve, serve_flags);
    // Large requests are redacted by as many threads as the line filter would use.
    settings.options.redaction_threads = filter_options.threads;
    const veil::app::PolicyRebuild rebuild = [&] {
      veil::app::Config reloaded;
      resolveConfig(reloaded);
      return veil::app::buildPolicy(reloaded.policy).policy;
    };
    return veil::app::runServe(loaded.policy, settings, stats, rebuild);
  }
#endif

  filter_options.stop_fd = veil::app::installStopSignals();
  if (filter_options.stop_fd < 0) {
    std::fprintf(stderr, "veil: cannot set up signal handling: %s\n", std::strerror(errno));
    return kExitRuntimeError;
  }
  const auto start = std::chrono::steady_clock::now();
  veil::frontends::LineFilter filter(*loaded.policy, filter_options);
  const auto result = filter.run();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (stats) printStats(result, *loaded.policy, seconds);

  switch (result.end) {
    case veil::frontends::LineFilterEnd::kInputError:
      spdlog::error("reading stdin failed: {}", std::strerror(result.error));
      return kExitRuntimeError;
    case veil::frontends::LineFilterEnd::kOutputError:
      spdlog::error("writing stdout failed: {}", std::strerror(result.error));
      return kExitRuntimeError;
    case veil::frontends::LineFilterEnd::kOutOfMemory:
      std::fprintf(stderr, "veil: out of memory while redacting; output ends with the last lines written whole\n");
      return kExitRuntimeError;
    default:
      return kExitOk;
  }
}

}  // namespace

// Whatever goes wrong ends with a message and an exit code, never std::terminate: a filter
// that aborts takes its producer's pipe down with it.
int main(int argc, char** argv) {
  try {
    return runCommand(argc, argv);
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "veil: out of memory\n");
  } catch (const std::exception& e) {
    // Our exceptions name files, flags and system calls, never record contents.
    std::fprintf(stderr, "veil: %s\n", e.what());
  }
  return kExitRuntimeError;
}
