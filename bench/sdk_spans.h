#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"

namespace veil::bench {

// Spans shaped like the OpenTelemetry SDK benchmark's, which issue #7's OTLP targets name:
// 10 attributes per span, each a 20-character key and a 20-character value.
inline constexpr int kAttributesPerSpan = 10;

inline std::string letters(std::mt19937_64& random, size_t size) {
  std::string out;
  for (size_t i = 0; i < size; ++i) out.push_back(static_cast<char>('a' + random() % 26));
  return out;
}

inline std::string randomBytes(std::mt19937_64& random, size_t size) {
  std::string out;
  for (size_t i = 0; i < size; ++i) out.push_back(static_cast<char>(random() & 0xff));
  return out;
}

// One SDK-like batch: one resource, one scope, `spans` spans. Keys are the same across the batch
// (an instrumented service reuses its attribute names); values are random letters, except the
// middle attribute of span s, which is `middle(s)` when that is not empty.
template <typename MiddleValue>
opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest sdkShapedBatch(
    int spans, std::mt19937_64& random, MiddleValue middle) {
  std::vector<std::string> keys;
  for (int i = 0; i < kAttributesPerSpan; ++i) keys.push_back("app." + letters(random, 16));
  opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest request;
  auto* resource_spans = request.add_resource_spans();
  auto* service = resource_spans->mutable_resource()->add_attributes();
  service->set_key("service.name");
  service->mutable_value()->set_string_value("checkout");
  auto* scope_spans = resource_spans->add_scope_spans();
  scope_spans->mutable_scope()->set_name("io.opentelemetry.sdk.bench");
  for (int s = 0; s < spans; ++s) {
    auto* span = scope_spans->add_spans();
    span->set_trace_id(randomBytes(random, 16));
    span->set_span_id(randomBytes(random, 8));
    span->set_parent_span_id(randomBytes(random, 8));
    span->set_name("span-" + std::to_string(s % 16));
    span->set_kind(opentelemetry::proto::trace::v1::Span::SPAN_KIND_INTERNAL);
    span->set_start_time_unix_nano(1700000000000000000ull + static_cast<uint64_t>(s) * 1000);
    span->set_end_time_unix_nano(1700000000000000000ull + static_cast<uint64_t>(s) * 1000 + 500);
    const std::string planted = middle(s);
    for (int a = 0; a < kAttributesPerSpan; ++a) {
      auto* attribute = span->add_attributes();
      attribute->set_key(keys[static_cast<size_t>(a)]);
      attribute->mutable_value()->set_string_value(
          a == kAttributesPerSpan / 2 && !planted.empty() ? planted : letters(random, 20));
    }
  }
  return request;
}

}  // namespace veil::bench
