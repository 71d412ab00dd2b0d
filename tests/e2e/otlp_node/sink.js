'use strict';
// The downstream collector of the end-to-end test: an OTLP/gRPC server (grpc-js) for the
// trace, logs and metrics services that answers every Export with OK and records what it got.
//
// It decodes with the repository's own proto/ files (through @grpc/proto-loader), so what it
// checks is the wire contract veil implements, not a copy bundled with some SDK. Each request
// is appended to OUT (JSON lines: {"signal", "request"}, ids and other bytes as hex) and its raw
// bytes to OUT.bin, so a secret hiding in a field the .proto files do not know is caught too.
//
// Usage: node sink.js --proto-dir DIR --out FILE --port-file FILE
// Binds 127.0.0.1 on a port the kernel picks and writes that port to --port-file once serving.
// Stops on SIGTERM/SIGINT.

const fs = require('node:fs');
const path = require('node:path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
for (const name of ['proto-dir', 'out', 'port-file']) {
  if (!args[name]) {
    console.error(`sink: --${name} is required`);
    process.exit(2);
  }
}

const SERVICES = [
  { signal: 'traces', file: 'opentelemetry/proto/collector/trace/v1/trace_service.proto', pkg: 'opentelemetry.proto.collector.trace.v1', service: 'TraceService' },
  { signal: 'logs', file: 'opentelemetry/proto/collector/logs/v1/logs_service.proto', pkg: 'opentelemetry.proto.collector.logs.v1', service: 'LogsService' },
  { signal: 'metrics', file: 'opentelemetry/proto/collector/metrics/v1/metrics_service.proto', pkg: 'opentelemetry.proto.collector.metrics.v1', service: 'MetricsService' },
];

const definition = protoLoader.loadSync(SERVICES.map((s) => s.file), {
  includeDirs: [path.resolve(args['proto-dir'])],
  keepCase: false,   // camelCase field names, as in the OTLP/JSON encoding
  longs: String,     // 64-bit integers (timestamps, intValue) exactly, as decimal strings
  enums: String,     // SPAN_KIND_SERVER, STATUS_CODE_ERROR, SEVERITY_NUMBER_INFO
  bytes: Buffer,     // turned into hex below
  defaults: false,   // fields left unset stay absent
  oneofs: true,      // AnyValue tells which member it holds
});
const proto = grpc.loadPackageDefinition(definition);

// Buffers (trace ids, span ids, bytesValue) as lowercase hex.
function toJson(message) {
  return JSON.stringify(message, function replacer(key, value) {
    const raw = this[key];
    if (Buffer.isBuffer(raw)) return raw.toString('hex');
    return value;
  });
}

const jsonOut = fs.openSync(args.out, 'a');
const binOut = fs.openSync(`${args.out}.bin`, 'a');
let received = 0;

const server = new grpc.Server({ 'grpc.max_receive_message_length': 64 << 20 });
for (const { signal, pkg, service } of SERVICES) {
  const serviceDefinition = pkg.split('.').reduce((node, part) => node[part], proto)[service].service;
  // Keep the undecoded request next to the decoded one.
  const exportMethod = serviceDefinition.Export;
  const decode = exportMethod.requestDeserialize;
  const withRaw = {
    ...serviceDefinition,
    Export: { ...exportMethod, requestDeserialize: (bytes) => ({ bytes, message: decode(bytes) }) },
  };
  server.addService(withRaw, {
    Export(call, callback) {
      const { bytes, message } = call.request;
      fs.writeSync(binOut, bytes);
      fs.writeSync(jsonOut, `${toJson({ signal, request: message })}\n`);
      received += 1;
      callback(null, {});  // an empty Export*ServiceResponse: everything accepted
    },
  });
}

server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, port) => {
  if (err) {
    console.error(`sink: cannot bind: ${err.message}`);
    process.exit(1);
  }
  // Written whole under a temporary name, then renamed: a reader never sees half a port.
  fs.writeFileSync(`${args['port-file']}.tmp`, `${port}\n`);
  fs.renameSync(`${args['port-file']}.tmp`, args['port-file']);
});

function stop() {
  server.tryShutdown(() => {
    fs.closeSync(jsonOut);
    fs.closeSync(binOut);
    console.error(`sink: ${received} requests received`);
    process.exit(0);
  });
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
