#include "formats/otlp_redactor.h"

#include "formats/key_block.h"

#include <algorithm>

#include <array>
#include <charconv>
#include <functional>
#include <string>
#include <string_view>

namespace veil::formats {
namespace {

namespace common = opentelemetry::proto::common::v1;
using KeyValues = google::protobuf::RepeatedPtrField<common::KeyValue>;

// Strings already found clean in this request. SDKs repeat the same few attribute keys (and
// low-cardinality span names) on every span of a batch, and a clean verdict on a key depends on
// the key alone, so each distinct one is judged once per request instead of once per span.
// Direct-mapped: a colliding string replaces the older one. Keeps its own copy of the bytes,
// so nothing it holds depends on what the walk does to the message.
class CleanStrings {
 public:
  bool contains(std::string_view text) const {
    const Slot& slot = slots_[slotOf(text)];
    return slot.size == text.size() && slot.size > 0 &&
           std::string_view(bytes_).substr(slot.offset, slot.size) == text;
  }
  void add(std::string_view text) {
    // Bounded: a request of unique strings stops being remembered, it does not grow this.
    if (text.size() > kMaxBytes || bytes_.size() + text.size() > kMaxTotalBytes) return;
    slots_[slotOf(text)] = {static_cast<uint32_t>(bytes_.size()),
                            static_cast<uint32_t>(text.size())};
    bytes_.append(text);
  }

 private:
  static constexpr size_t kSlots = 128;
  static constexpr size_t kMaxBytes = 256;
  static constexpr size_t kMaxTotalBytes = 64 * 1024;
  struct Slot {
    uint32_t offset = 0;
    uint32_t size = 0;
  };
  static size_t slotOf(std::string_view text) {
    return std::hash<std::string_view>{}(text) % kSlots;
  }
  std::array<Slot, kSlots> slots_{};
  std::string bytes_;
};

}  // namespace

// One pass over one request. Strings are redacted into `redacted_` and written back only when
// something was found, so clean values are never copied into the message.
class OtlpRedactor::Walk {
 public:
  Walk(const RecordRedactor& records, Workspace& workspace)
      : records_(records),
        redactor_(records.redactor()),
        policy_(redactor_.policy()),
        ws_(workspace) {}

  size_t replaced() const { return replaced_; }

  // Resource and scope of one ResourceSpans/ResourceLogs/ResourceMetrics and its scopes.
  template <typename ResourceT>
  void resource(ResourceT& owner) {
    if (owner.has_resource()) attributes(*owner.mutable_resource()->mutable_attributes());
  }
  template <typename ScopeT>
  void scope(ScopeT& owner) {
    if (owner.has_scope()) attributes(*owner.mutable_scope()->mutable_attributes());
  }

  void span(opentelemetry::proto::trace::v1::Span& span) {
    if (name(span.name())) span.set_name(redacted_);
    attributes(*span.mutable_attributes());
    for (auto& event : *span.mutable_events()) {
      if (name(event.name())) event.set_name(redacted_);
      attributes(*event.mutable_attributes());
    }
    for (auto& link : *span.mutable_links()) attributes(*link.mutable_attributes());
    if (span.has_status() && freeText(span.status().message())) {
      span.mutable_status()->set_message(redacted_);
    }
  }

  void logRecord(opentelemetry::proto::logs::v1::LogRecord& record) {
    if (record.has_body()) anyValue(*record.mutable_body(), {});
    attributes(*record.mutable_attributes());
  }

  void metric(opentelemetry::proto::metrics::v1::Metric& metric) {
    using Metric = opentelemetry::proto::metrics::v1::Metric;
    attributes(*metric.mutable_metadata());
    switch (metric.data_case()) {
      case Metric::kGauge:
        dataPoints(*metric.mutable_gauge()->mutable_data_points());
        break;
      case Metric::kSum:
        dataPoints(*metric.mutable_sum()->mutable_data_points());
        break;
      case Metric::kHistogram:
        dataPoints(*metric.mutable_histogram()->mutable_data_points());
        break;
      case Metric::kExponentialHistogram:
        dataPoints(*metric.mutable_exponential_histogram()->mutable_data_points());
        break;
      case Metric::kSummary:
        dataPoints(*metric.mutable_summary()->mutable_data_points());
        break;
      case Metric::DATA_NOT_SET:
      default:
        break;
    }
  }

 private:
  template <typename PointT>
  void dataPoints(google::protobuf::RepeatedPtrField<PointT>& points) {
    for (auto& point : points) {
      attributes(*point.mutable_attributes());
      // Summary points have no exemplars.
      if constexpr (requires { point.mutable_exemplars(); }) {
        for (auto& exemplar : *point.mutable_exemplars()) {
          attributes(*exemplar.mutable_filtered_attributes());
        }
      }
    }
  }

  // One attribute list: drops, replaces and scans in place, keeping the order of what stays.
  void attributes(KeyValues& list) {
    int kept = 0;
    for (int i = 0; i < list.size(); ++i) {
      common::KeyValue& attribute = list[i];
      if (!keepAttribute(attribute)) continue;
      if (kept != i) list.SwapElements(kept, i);
      ++kept;
    }
    if (kept != list.size()) list.DeleteSubrange(kept, list.size() - kept);
  }

  // Returns false when the attribute is to be removed (a sensitive key under `drop`).
  bool keepAttribute(common::KeyValue& attribute) {
    // The value is judged by the key as sent, before the key itself may be redacted.
    const std::string& key = attribute.key();
    if (clean_keys_.contains(key)) {
      if (attribute.has_value()) anyValue(*attribute.mutable_value(), key);
      return true;
    }
    const auto rule = policy_.sensitiveField(key);
    if (rule && policy_.actionFor(*rule).kind == core::ActionKind::kDrop) {
      ws_.scan.countFinding(*rule);
      ++replaced_;
      return false;
    }
    if (attribute.has_value()) {
      if (rule && (!attribute.value().has_string_value() ||
                   policy_.fieldValueSensitive(*rule, attribute.value().string_value()))) {
        replaceSensitive(*attribute.mutable_value(), *rule);
      } else {
        anyValue(*attribute.mutable_value(), key);
      }
    }
    // Keys are data too (maps keyed by e-mail address): scanned like free text.
    if (freeText(key)) {
      attribute.set_key(redacted_);
    } else if (!rule) {
      clean_keys_.add(key);
    }
    return true;
  }

  // `key`: the attribute this value belongs to, or empty for a log body (or an element of
  // one's arrays), whose strings are whole records of text.
  void anyValue(common::AnyValue& value, std::string_view key) {
    switch (value.value_case()) {
      case common::AnyValue::kStringValue:
        if (key.empty() ? freeText(value.string_value()) : fieldText(key, value.string_value())) {
          value.set_string_value(redacted_);
        }
        break;
      case common::AnyValue::kArrayValue:
        // Elements of an array under a name share it as context, as in JSON.
        for (auto& element : *value.mutable_array_value()->mutable_values()) anyValue(element, key);
        break;
      case common::AnyValue::kKvlistValue:
        attributes(*value.mutable_kvlist_value()->mutable_values());
        break;
      default:  // numbers and bools hold no text; bytes are opaque by contract
        break;
    }
  }

  // The whole value goes, whatever its type: one string in its place. Scalars are handed to the
  // action as their text; bytes and nested values only to `hash`, as their serialised form (a
  // partial or truncated view of an encoding would not be valid UTF-8, and could show part of
  // a nested secret), and are masked under any other action.
  void replaceSensitive(common::AnyValue& value, uint32_t rule) {
    char number[32];
    std::string_view secret;
    bool encoded = false;
    switch (value.value_case()) {
      case common::AnyValue::kStringValue:
        secret = value.string_value();
        // An empty or already starred string has nothing to hide.
        if (secret.find_first_not_of('*') == std::string_view::npos) return;
        break;
      case common::AnyValue::kBoolValue:
        secret = value.bool_value() ? "true" : "false";
        break;
      case common::AnyValue::kIntValue: {
        const auto end = std::to_chars(number, number + sizeof number, value.int_value()).ptr;
        secret = std::string_view(number, static_cast<size_t>(end - number));
        break;
      }
      case common::AnyValue::kDoubleValue: {
        const auto end = std::to_chars(number, number + sizeof number, value.double_value()).ptr;
        secret = std::string_view(number, static_cast<size_t>(end - number));
        break;
      }
      case common::AnyValue::kBytesValue:
      case common::AnyValue::kArrayValue:
      case common::AnyValue::kKvlistValue:
        encoded = true;
        break;
      case common::AnyValue::VALUE_NOT_SET:
      default:
        return;  // like JSON null: nothing to hide
    }
    redacted_.clear();
    if (!encoded) {
      redactor_.appendReplacement({rule, 0, 0}, secret, redacted_);
    } else if (policy_.actionFor(rule).kind == core::ActionKind::kHash) {
      redactor_.appendReplacement({rule, 0, 0}, value.SerializeAsString(), redacted_);
    } else {
      redactor_.appendMask(rule, redacted_);
    }
    ws_.scan.countFinding(rule);
    ++replaced_;
    value.set_string_value(redacted_);
  }

  // Text that stands alone (a log body, a span name, a key): JSON structurally, else as a
  // line of text. True when redacted, with the result in redacted_.
  bool freeText(const std::string& text) {
    if (text.empty()) return false;
    redacted_.clear();
    return count(records_.redact(ws_, text, redacted_));
  }

  // A span or event name: free text, but low-cardinality by convention, so remembered.
  bool name(const std::string& text) {
    if (clean_names_.contains(text)) return false;
    if (freeText(text)) return true;
    clean_names_.add(text);
    return false;
  }

  // A string attribute value under `key`.
  bool fieldText(std::string_view key, const std::string& text) {
    if (text.empty()) return false;
    redacted_.clear();
    if (looksLikeJson(text)) return count(records_.redact(ws_, text, redacted_));
    return count(records_.redactFieldText(ws_, key, text, redacted_));
  }

  bool count(size_t found) {
    replaced_ += found;
    return found > 0;
  }

  const RecordRedactor& records_;
  const core::Redactor& redactor_;
  const core::Policy& policy_;
  Workspace& ws_;
  // Reused for every string of the request: grows once, then no allocation per value.
  std::string redacted_;
  CleanStrings clean_keys_;  // neither sensitive nor holding a finding
  CleanStrings clean_names_;
  size_t replaced_ = 0;
};

namespace {

// Walks the resources, scopes and records of one request for one share of it.
template <typename Walk, typename Resources, typename ScopesOf, typename RecordsOf, typename OnRecord>
void walkShare(Walk& walk, Resources& resources, ScopesOf scopes_of, RecordsOf records_of,
               OnRecord on_record, OtlpRedactor::Share share) {
  const unsigned count = std::max(share.count, 1u);
  size_t position = 0;
  for (auto& resource : resources) {
    if (share.index == 0) walk.resource(resource);
    for (auto& scope : *scopes_of(resource)) {
      if (share.index == 0) walk.scope(scope);
      for (auto& record : *records_of(scope)) {
        if (position++ % count == share.index) on_record(record);
      }
    }
  }
}

}  // namespace

size_t OtlpRedactor::redact(
    Workspace& workspace,
    opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest& request,
    Share share) const {
  Walk walk(records_, workspace);
  walkShare(
      walk, *request.mutable_resource_spans(), [](auto& r) { return r.mutable_scope_spans(); },
      [](auto& s) { return s.mutable_spans(); }, [&](auto& span) { walk.span(span); }, share);
  return walk.replaced();
}

size_t OtlpRedactor::redactAcrossRecords(
    Workspace& workspace,
    opentelemetry::proto::collector::logs::v1::ExportLogsServiceRequest& request) const {
  const auto rule = keyBlockRule(records_.redactor().policy());
  if (!rule) return 0;
  size_t masked = 0;
  std::string body;
  for (auto& resource : *request.mutable_resource_logs()) {
    for (auto& scope : *resource.mutable_scope_logs()) {
      bool open = false;  // the record before opened a key block, or continued one
      for (auto& record : *scope.mutable_log_records()) {
        if (!record.has_body() || !record.body().has_string_value()) {
          open = false;
          continue;
        }
        const std::string_view text = record.body().string_value();
        if (open) {
          if (const auto span = keyBodySpan(text)) {
            if (span->begin == span->end) continue;
            // Only the key material is replaced here; the walk scans the rest of the body. Always
            // the mask: `partial` or `truncate` per record would leave part of every line.
            body.assign(text.substr(0, span->begin));
            records_.redactor().appendMask(*rule, body);
            body.append(text.substr(span->end));
            record.mutable_body()->set_string_value(body);
            workspace.scan.countFinding(*rule);
            ++masked;
            continue;
          }
        }
        open = opensKeyBlock(text);
      }
    }
  }
  return masked;
}

size_t OtlpRedactor::redact(
    Workspace& workspace,
    opentelemetry::proto::collector::logs::v1::ExportLogsServiceRequest& request,
    Share share) const {
  size_t masked = share.count <= 1 ? redactAcrossRecords(workspace, request) : 0;
  Walk walk(records_, workspace);
  walkShare(
      walk, *request.mutable_resource_logs(), [](auto& r) { return r.mutable_scope_logs(); },
      [](auto& s) { return s.mutable_log_records(); }, [&](auto& record) { walk.logRecord(record); },
      share);
  return masked + walk.replaced();
}

size_t OtlpRedactor::redact(
    Workspace& workspace,
    opentelemetry::proto::collector::metrics::v1::ExportMetricsServiceRequest& request,
    Share share) const {
  Walk walk(records_, workspace);
  walkShare(
      walk, *request.mutable_resource_metrics(), [](auto& r) { return r.mutable_scope_metrics(); },
      [](auto& s) { return s.mutable_metrics(); }, [&](auto& metric) { walk.metric(metric); }, share);
  return walk.replaced();
}

}  // namespace veil::formats
