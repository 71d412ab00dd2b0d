// The OTLP walker on spans shaped like the OpenTelemetry SDK benchmark: 10 attributes per span,
// each a 20-character key and a 20-character value, without secrets and with one secret per
// span, under the default packs. Reports spans/s (items_per_second) on one thread, i.e. per
// core. The outcome (0 or one replacement per span) is checked before time counts.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "app/policy_builder.h"
#include "bench_policy.h"
#include "sdk_spans.h"
#include "formats/otlp_redactor.h"

namespace {

using opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest;
using veil::app::LoadedPolicy;
using veil::app::PolicyOptions;

// 20 characters, like the SDK benchmark's values; caught by aws-access-key-id.
const std::string kSecret = "AKIAQ7XK2M4P6R8T0V3W";

using veil::bench::policyFor;

// One request with `spans` spans in one scope, like an SDK batch export.
ExportTraceServiceRequest makeRequest(int spans, bool with_secret) {
  std::mt19937_64 random(2024);
  return veil::bench::sdkShapedBatch(spans, random, [&](int) { return with_secret ? kSecret : std::string(); });
}

struct Fixture {
  explicit Fixture(const std::string& packs)
      : policy(*policyFor(packs).policy), records(policy), otlp(records), workspace(policy) {}
  const veil::core::Policy& policy;
  veil::formats::RecordRedactor records;
  veil::formats::OtlpRedactor otlp;
  veil::formats::Workspace workspace;
};

// Redacts each request in place: a clean request is never changed, so it is reused; with a
// secret, a fresh copy is made outside the timed region.
void redactSpans(benchmark::State& state, const std::string& packs, bool with_secret) {
  Fixture fixture(packs);
  const int spans = static_cast<int>(state.range(0));
  const ExportTraceServiceRequest pristine = makeRequest(spans, with_secret);
  ExportTraceServiceRequest request = pristine;
  const size_t expected = with_secret ? static_cast<size_t>(spans) : 0;
  if (const size_t replaced = fixture.otlp.redact(fixture.workspace, request);
      replaced != expected) {
    state.SkipWithError(
        ("replaced " + std::to_string(replaced) + " values, expected " + std::to_string(expected))
            .c_str());
    return;
  }
  for (auto _ : state) {
    if (with_secret) {
      state.PauseTiming();
      request = pristine;
      state.ResumeTiming();
    }
    benchmark::DoNotOptimize(fixture.otlp.redact(fixture.workspace, request));
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * spans);
  state.counters["rules"] = static_cast<double>(fixture.policy.rules().size());
}

// What a gRPC stage does per request: parse, redact, serialise.
void parseRedactSerialize(benchmark::State& state, bool with_secret) {
  Fixture fixture("");
  const int spans = static_cast<int>(state.range(0));
  const std::string wire = makeRequest(spans, with_secret).SerializeAsString();
  ExportTraceServiceRequest request;
  std::string out;
  const auto once = [&] {
    if (!request.ParseFromString(wire)) return SIZE_MAX;
    const size_t replaced = fixture.otlp.redact(fixture.workspace, request);
    request.SerializeToString(&out);
    return replaced;
  };
  if (once() != (with_secret ? static_cast<size_t>(spans) : 0)) {
    state.SkipWithError("unexpected number of replaced values");
    return;
  }
  for (auto _ : state) {
    benchmark::DoNotOptimize(once());
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * spans);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * wire.size()));
}

void BM_OtlpSpansClean(benchmark::State& s) { redactSpans(s, "", false); }
void BM_OtlpSpansOneSecretEach(benchmark::State& s) { redactSpans(s, "", true); }
void BM_OtlpSpansCleanAllPacks(benchmark::State& s) { redactSpans(s, "all", false); }
void BM_OtlpParseRedactSerializeClean(benchmark::State& s) { parseRedactSerialize(s, false); }
void BM_OtlpParseRedactSerializeOneSecretEach(benchmark::State& s) {
  parseRedactSerialize(s, true);
}

BENCHMARK(BM_OtlpSpansClean)->Arg(1)->Arg(100)->Arg(512);
BENCHMARK(BM_OtlpSpansOneSecretEach)->Arg(100)->Arg(512);
BENCHMARK(BM_OtlpSpansCleanAllPacks)->Arg(512);
BENCHMARK(BM_OtlpParseRedactSerializeClean)->Arg(512);
BENCHMARK(BM_OtlpParseRedactSerializeOneSecretEach)->Arg(512);

}  // namespace

BENCHMARK_MAIN();
