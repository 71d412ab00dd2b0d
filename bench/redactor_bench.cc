// Micro-benchmarks of the engine: the Redactor on values of growing size, with and without a
// secret, under the default packs and under every pack.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <fstream>

#include "app/policy_builder.h"
#include "bench_policy.h"
#include "core/redactor.h"

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

void BM_RedactDefaultPacksClean(benchmark::State& s) { redact(s, "", false); }
void BM_RedactDefaultPacksWithSecret(benchmark::State& s) { redact(s, "", true); }
void BM_RedactAllPacksClean(benchmark::State& s) { redact(s, "all", false); }

BENCHMARK(BM_RedactDefaultPacksClean)->RangeMultiplier(8)->Range(32, 64 << 10);
BENCHMARK(BM_RedactDefaultPacksWithSecret)->RangeMultiplier(8)->Range(128, 64 << 10);
BENCHMARK(BM_RedactAllPacksClean)->RangeMultiplier(8)->Range(32, 64 << 10);

}  // namespace

BENCHMARK_MAIN();
