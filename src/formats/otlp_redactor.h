#pragma once

#include <cstddef>

#include "formats/record_redactor.h"
#include "opentelemetry/proto/collector/logs/v1/logs_service.pb.h"
#include "opentelemetry/proto/collector/metrics/v1/metrics_service.pb.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"

namespace veil::formats {

// Redacts OTLP export requests (protobuf messages, as a gRPC receiver gets them) in place, with
// the policy, text logic and counters of a RecordRedactor. One walk over each message.
//
// What is scanned: every attribute list (resource, scope, span, span event, span link, log
// record, metric metadata, data point and exemplar of every metric type, and key-value lists
// nested in attribute values and log bodies, at any depth) and the free-text strings: span
// name, event name and status message, and the log record body (string, array and kvlist
// values, recursively). A string that holds JSON is redacted structurally, as
// RecordRedactor::redact does. Ids, timestamps, numbers, bytes values (unless under a sensitive
// key), metric and scope names, severity text, schema URLs and unknown fields are not scanned
// and pass unchanged.
//
// Attributes: an attribute key is scanned like text. A key that field-name rules call
// sensitive (`http.request.header.authorization`, `db.connection_string`, ...) has its value
// replaced whatever its type by a string value holding the rule's action output (an unset
// value, an empty or all-`*` string is left as it is). Numbers and bools are handed to the
// action as text; bytes, array and kvlist values are hashed in their serialised form under
// `hash` and masked under any other action. Under `drop` the KeyValue is removed from its list.
// Any other string value is scanned with its key as context (RecordRedactor::redactFieldText),
// so rules that need the name still fire; arrays pass their key on to their elements.
//
// A string with no finding is not copied or rewritten, and a message with nothing to redact
// comes out byte for byte as it went in. A call allocates a few scratch buffers once, never per
// clean value; it recurses once per level of AnyValue nesting (bounded for parsed messages by
// protobuf's recursion limit).
//
// Thread safety: the methods are const; concurrent calls are safe as long as each thread
// passes its own Workspace, built from the same Policy as `records`. Neither the request nor
// the Workspace may be used by another thread during a call.
// Which part of a request one OtlpRedactor call redacts, so that threads can share a large
// request: the records (spans, log records, metrics) whose position in the request modulo
// `count` is `index`; share 0 also takes every resource and scope. The shares of one request
// may run at the same time, each with its own Workspace: they touch disjoint messages.
struct RequestShare {
  unsigned index = 0;
  unsigned count = 1;
};

class OtlpRedactor {
 public:
  using Share = RequestShare;

  // `records` must outlive this object.
  explicit OtlpRedactor(const RecordRedactor& records) : records_(records) {}

  // Each returns the number of values replaced (one per finding in a string, one per replaced
  // or dropped attribute value). They never throw on any message content (allocation failure
  // aside) and leave the message valid: every string written is valid UTF-8 when the input's
  // strings were.
  size_t redact(Workspace& workspace,
                opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest& request,
                Share share = {}) const;
  size_t redact(Workspace& workspace,
                opentelemetry::proto::collector::logs::v1::ExportLogsServiceRequest& request,
                Share share = {}) const;
  size_t redact(Workspace& workspace,
                opentelemetry::proto::collector::metrics::v1::ExportMetricsServiceRequest& request,
                Share share = {}) const;

  // The part of redaction that depends on the order of records, run once per request before
  // its shares (redact() with a single share runs it itself): a private key logged one line per
  // log record (a file tailed by the collector's filelog receiver) has its BEGIN line found
  // by the rules, and here the string bodies that follow it in the same scope are masked as
  // key material (formats/key_block.h). Returns the number of bodies masked.
  size_t redactAcrossRecords(
      Workspace& workspace,
      opentelemetry::proto::collector::logs::v1::ExportLogsServiceRequest& request) const;
  // Spans and metrics carry nothing across records.
  size_t redactAcrossRecords(Workspace&,
                             opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest&) const {
    return 0;
  }
  size_t redactAcrossRecords(
      Workspace&, opentelemetry::proto::collector::metrics::v1::ExportMetricsServiceRequest&) const {
    return 0;
  }

 private:
  class Walk;
  const RecordRedactor& records_;
};

}  // namespace veil::formats
