// Micro-benchmarks of the engine: the Redactor on values of growing size, with and without a
// secret, under the default packs and under every pack; the cost as the rule count grows; and
// the JSON walker on NDJSON records.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>

#include "app/policy_builder.h"
#include "bench_policy.h"
#include "core/redactor.h"
#include "formats/record_redactor.h"

namespace {

using veil::app::LoadedPolicy;
using veil::app::PolicyOptions;

using veil::bench::policyFor;

// Real log text (loghub) repeated to `size` bytes, newlines replaced so it is one value.
std::string logText(size_t size) {
  static std::string corpus = [] {
    std::string text;
    const std::filesystem::path dir = std::filesystem::path(VEIL_SOURCE_DIR) / "../shared/data/loghub";
    for (const char* name : {"OpenSSH_2k.log", "Apache_2k.log", "HDFS_2k.log", "Linux_2k.log"}) {
      std::ifstream in(dir / name);
      std::string line;
      while (std::getline(in, line)) text += line + ' ';
    }
    if (text.empty()) text = "INFO dfs.DataNode: Receiving block blk_123 src: /10.0.0.1:5000 ";
    return text;
  }();
  std::string out;
  while (out.size() < size) out += corpus.substr(0, size - out.size());
  return out;
}

void redact(benchmark::State& state, const std::string& packs, bool with_secret) {
  const auto& policy = *policyFor(packs).policy;
  veil::core::Redactor redactor(policy);
  veil::core::ScanContext ctx(policy.patterns());
  std::string value = logText(static_cast<size_t>(state.range(0)));
  if (with_secret && value.size() > 64) {
    value.replace(value.size() / 2, 40, "ghp_0123456789abcdefghijABCDEFGHIJ012345");
  }
  std::string out;
  for (auto _ : state) {
    out.clear();
    benchmark::DoNotOptimize(redactor.redact(ctx, value, out));
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
  state.counters["rules"] = static_cast<double>(policy.rules().size());
}

// The first `count` pattern rules of the default packs, without field-name rules: how the cost
// of a clean 4 KiB value grows with the rules compiled into the database.
const veil::core::Policy& firstRules(size_t count) {
  static std::map<size_t, std::unique_ptr<veil::core::Policy>> cache;
  auto& slot = cache[count];
  if (!slot) {
    const auto& all = policyFor("").policy->rules();
    std::vector<veil::core::Rule> rules(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(std::min(count, all.size())));
    veil::core::CompileError error;
    bool used_cache = false;
    auto patterns = veil::core::PatternSet::build(std::move(rules), {}, &error, &used_cache);
    std::vector<veil::core::Action> actions(patterns->rules().size());
    slot = std::make_unique<veil::core::Policy>(patterns, std::move(actions));
  }
  return *slot;
}

void BM_RedactRuleCount(benchmark::State& state) {
  const auto& policy = firstRules(static_cast<size_t>(state.range(0)));
  veil::core::Redactor redactor(policy);
  veil::core::ScanContext ctx(policy.patterns());
  const std::string value = logText(4096);
  std::string out;
  for (auto _ : state) {
    out.clear();
    benchmark::DoNotOptimize(redactor.redact(ctx, value, out));
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * 4096);
  state.counters["rules"] = static_cast<double>(policy.rules().size());
}

// One NDJSON record of about `size` bytes: a message of real log text and the fields a
// structured logger adds; with a secret, a token in the message and a password field.
void jsonRecord(benchmark::State& state, bool with_secret) {
  const auto& policy = *policyFor("").policy;
  veil::formats::RecordRedactor records(policy);
  veil::formats::Workspace workspace(policy);
  std::string message = logText(static_cast<size_t>(state.range(0)));
  for (char& c : message) {
    if (c == '"' || c == '\\') c = ' ';
  }
  if (with_secret && message.size() > 64) message.replace(message.size() / 2, 40, "ghp_0123456789abcdefghijABCDEFGHIJ012345");
  const std::string record = R"({"ts":"2026-11-26T02:00:00.123Z","level":"INFO","service":"api","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","msg":")" +
                             message + R"(","user":"alice","password":")" + (with_secret ? "Zx8Lm2Qp7Rt4" : "") + R"(","latency_ms":12})";
  std::string out;
  for (auto _ : state) {
    out.clear();
    benchmark::DoNotOptimize(records.redact(workspace, record, out));
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * record.size()));
}

void BM_JsonRecordClean(benchmark::State& s) { jsonRecord(s, false); }
void BM_JsonRecordWithSecrets(benchmark::State& s) { jsonRecord(s, true); }

void BM_RedactDefaultPacksClean(benchmark::State& s) { redact(s, "", false); }
void BM_RedactDefaultPacksWithSecret(benchmark::State& s) { redact(s, "", true); }
void BM_RedactAllPacksClean(benchmark::State& s) { redact(s, "all", false); }

BENCHMARK(BM_RedactDefaultPacksClean)->RangeMultiplier(8)->Range(32, 64 << 10);
BENCHMARK(BM_RedactDefaultPacksWithSecret)->RangeMultiplier(8)->Range(128, 64 << 10);
BENCHMARK(BM_RedactAllPacksClean)->RangeMultiplier(8)->Range(32, 64 << 10);
BENCHMARK(BM_RedactRuleCount)->Arg(10)->Arg(30)->Arg(100)->Arg(1000);  // 1000: all of them
BENCHMARK(BM_JsonRecordClean)->RangeMultiplier(8)->Range(64, 64 << 10);
BENCHMARK(BM_JsonRecordWithSecrets)->RangeMultiplier(8)->Range(64, 64 << 10);

}  // namespace

BENCHMARK_MAIN();
