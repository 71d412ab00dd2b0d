'use strict';
// Compares what the sink received (JSON lines from sink.js) with what sender.js says must
// arrive: every span and log record, field by field. Values veil must leave alone are compared
// exactly, with their OTLP type (intValue, doubleValue, boolValue, ...); values carrying a
// planted secret must hold the exact `[REDACTED:rule]` replacement, the text around it intact.
//
// Usage: node check.js --expected FILE --received FILE [--wait SECONDS]
// Waits up to --wait seconds for all spans and log records to arrive. Prints one PASS or FAIL
// line per check; exit 0 when all pass, 1 otherwise.

const fs = require('node:fs');

const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];

let failures = 0;
const pass = (what) => console.log(`PASS  ${what}`);
const fail = (what, why) => {
  failures += 1;
  console.log(`FAIL  ${what}`);
  for (const line of [].concat(why)) console.log(`        ${line}`);
};
const check = (what, problems) => (problems.length ? fail(what, problems) : pass(what));

// ---- Reading what arrived ----------------------------------------------------------------

function readReceived(file) {
  const out = { requests: { traces: 0, logs: 0, metrics: 0 }, resources: [], scopes: [], spans: [], logs: [] };
  if (!fs.existsSync(file)) return out;
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line) continue;
    const { signal, request } = JSON.parse(line);
    out.requests[signal] += 1;
    if (signal === 'traces') {
      for (const rs of request.resourceSpans || []) {
        out.resources.push({ signal, resource: rs.resource });
        for (const ss of rs.scopeSpans || []) {
          out.scopes.push({ signal, scope: ss.scope });
          out.spans.push(...(ss.spans || []));
        }
      }
    } else if (signal === 'logs') {
      for (const rl of request.resourceLogs || []) {
        out.resources.push({ signal, resource: rl.resource });
        for (const sl of rl.scopeLogs || []) {
          out.scopes.push({ signal, scope: sl.scope });
          out.logs.push(...(sl.logRecords || []));
        }
      }
    }
  }
  return out;
}

// An AnyValue as plain JSON-ish text, for messages.
function show(av) {
  if (!av || !av.value) return '(unset)';
  const member = av.value;
  if (member === 'arrayValue') return `[${(av.arrayValue.values || []).map(show).join(', ')}]`;
  if (member === 'kvlistValue') return `{${(av.kvlistValue.values || []).map((kv) => `${kv.key}: ${show(kv.value)}`).join(', ')}}`;
  return `${member}:${JSON.stringify(av[member])}`;
}

// Differences between the JS value the sender expects and the AnyValue received, as messages.
// A JS integer must arrive as intValue, any other number as doubleValue (as the SDK sends them).
function diffValue(expected, av, where) {
  const member = av && av.value;
  const bad = () => [`${where}: expected ${JSON.stringify(expected)}, got ${show(av)}`];
  switch (typeof expected) {
    case 'string': return member === 'stringValue' && av.stringValue === expected ? [] : bad();
    case 'boolean': return member === 'boolValue' && av.boolValue === expected ? [] : bad();
    case 'number':
      if (Number.isInteger(expected)) return member === 'intValue' && av.intValue === String(expected) ? [] : bad();
      return member === 'doubleValue' && av.doubleValue === expected ? [] : bad();
    default:
      if (Array.isArray(expected)) {
        if (member !== 'arrayValue') return bad();
        const values = av.arrayValue.values || [];
        if (values.length !== expected.length) return bad();
        return expected.flatMap((e, i) => diffValue(e, values[i], `${where}[${i}]`));
      }
      if (expected && typeof expected === 'object') {
        if (member !== 'kvlistValue') return bad();
        return diffAttributes(expected, av.kvlistValue.values, where);
      }
      return bad();
  }
}

// The whole list of key-values must hold exactly the expected keys, each once.
function diffAttributes(expected, keyValues, where) {
  const problems = [];
  const got = new Map();
  for (const kv of keyValues || []) {
    if (got.has(kv.key)) problems.push(`${where}: key ${kv.key} twice`);
    got.set(kv.key, kv.value);
  }
  for (const key of Object.keys(expected)) {
    if (!got.has(key)) problems.push(`${where}: ${key} missing`);
    else problems.push(...diffValue(expected[key], got.get(key), `${where}.${key}`));
  }
  for (const key of got.keys()) {
    if (!(key in expected)) problems.push(`${where}: unexpected ${key} = ${show(got.get(key))}`);
  }
  return problems;
}

const eq = (what, expected, actual) =>
  (expected === actual ? [] : [`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`]);
const orEmpty = (value) => value || '';

function spanProblems(exp, got) {
  const status = got.status || {};
  const problems = [
    ...eq('name', exp.name, got.name),
    ...eq('kind', exp.kind, got.kind),
    ...eq('traceId', exp.traceId, got.traceId),
    ...eq('parentSpanId', orEmpty(exp.parentSpanId), orEmpty(got.parentSpanId)),
    ...eq('startTimeUnixNano', exp.startTimeUnixNano, got.startTimeUnixNano),
    ...eq('endTimeUnixNano', exp.endTimeUnixNano, got.endTimeUnixNano),
    ...eq('status.code', exp.status.code || 'STATUS_CODE_UNSET', status.code || 'STATUS_CODE_UNSET'),
    ...eq('status.message', orEmpty(exp.status.message), orEmpty(status.message)),
    ...diffAttributes(exp.attributes, got.attributes, 'attributes'),
  ];
  const events = got.events || [];
  problems.push(...eq('event count', exp.events.length, events.length));
  exp.events.forEach((e, i) => {
    if (!events[i]) return;
    problems.push(...eq(`events[${i}].name`, e.name, events[i].name));
    problems.push(...diffAttributes(e.attributes, events[i].attributes, `events[${i}]`));
  });
  const links = got.links || [];
  problems.push(...eq('link count', exp.links.length, links.length));
  exp.links.forEach((l, i) => {
    if (!links[i]) return;
    problems.push(...eq(`links[${i}].traceId`, l.traceId, links[i].traceId));
    problems.push(...eq(`links[${i}].spanId`, l.spanId, links[i].spanId));
    problems.push(...diffAttributes(l.attributes, links[i].attributes, `links[${i}]`));
  });
  return problems;
}

function logProblems(exp, got) {
  return [
    ...eq('severityNumber', exp.severityNumber, got.severityNumber),
    ...eq('severityText', exp.severityText, got.severityText),
    ...eq('timeUnixNano', exp.timeUnixNano, got.timeUnixNano),
    ...eq('traceId', orEmpty(exp.traceId), orEmpty(got.traceId)),
    ...eq('spanId', orEmpty(exp.spanId), orEmpty(got.spanId)),
    ...diffValue(exp.body, got.body, 'body'),
    ...diffAttributes(exp.attributes, got.attributes, 'attributes'),
  ];
}

// Every string in an expected value that carries a redaction marker.
function countMarkers(value) {
  if (typeof value === 'string') return value.includes('[REDACTED:') ? 1 : 0;
  if (Array.isArray(value)) return value.reduce((n, v) => n + countMarkers(v), 0);
  if (value && typeof value === 'object') return Object.values(value).reduce((n, v) => n + countMarkers(v), 0);
  return 0;
}

// ---- Main ----------------------------------------------------------------------------------

async function main() {
  const expected = JSON.parse(fs.readFileSync(args.expected, 'utf8'));
  const waitUntil = Date.now() + Number(args.wait || 0) * 1000;
  let got = readReceived(args.received);
  while ((got.spans.length < expected.spanCount || got.logs.length < expected.logCount) && Date.now() < waitUntil) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    got = readReceived(args.received);
  }
  // Anything sent twice (a resend after an answer that was lost) would show up here.
  await new Promise((resolve) => setTimeout(resolve, 300));
  got = readReceived(args.received);

  check(`span count: ${got.spans.length} received, ${expected.spanCount} sent (${got.requests.traces} trace requests)`,
    eq('spans', expected.spanCount, got.spans.length));
  check(`log record count: ${got.logs.length} received, ${expected.logCount} sent (${got.requests.logs} log requests)`,
    eq('log records', expected.logCount, got.logs.length));

  const sentSpanIds = new Set(expected.spans.map((s) => s.spanId));
  const gotSpanIds = new Set(got.spans.map((s) => s.spanId));
  const sentTraceIds = new Set(expected.spans.map((s) => s.traceId));
  const gotTraceIds = new Set(got.spans.map((s) => s.traceId));
  check(`span ids: ${gotSpanIds.size} distinct received, ${sentSpanIds.size} sent, the same set`, [
    ...eq('distinct span ids', sentSpanIds.size, gotSpanIds.size),
    ...[...sentSpanIds].filter((id) => !gotSpanIds.has(id)).map((id) => `span id ${id} not received`),
  ]);
  check(`trace ids: ${gotTraceIds.size} distinct received, ${sentTraceIds.size} sent, the same set`, [
    ...eq('distinct trace ids', sentTraceIds.size, gotTraceIds.size),
    ...[...sentTraceIds].filter((id) => !gotTraceIds.has(id)).map((id) => `trace id ${id} not received`),
  ]);

  check(`resource attributes in all ${got.resources.length} resource blocks (service.name, telemetry.sdk.*, redacted ones)`,
    got.resources.flatMap(({ signal, resource }) =>
      diffAttributes(expected.resource, resource && resource.attributes, `${signal} resource`)));
  check('instrumentation scope names and versions', got.scopes.flatMap(({ signal, scope }) => [
    ...eq(`${signal} scope name`, expected.scopes[signal].name, scope && scope.name),
    ...eq(`${signal} scope version`, expected.scopes[signal].version, scope && scope.version),
  ]));

  const spansById = new Map(got.spans.map((s) => [s.spanId, s]));
  for (const exp of expected.spans) {
    const span = spansById.get(exp.spanId);
    const what = `span '${exp.name}': name, kind, ids, times, ${Object.keys(exp.attributes).length} attributes, ` +
      `${exp.events.length} events, ${exp.links.length} links, status`;
    check(what, span ? spanProblems(exp, span) : ['not received']);
  }

  const logsByCase = new Map();
  for (const record of got.logs) {
    const key = (record.attributes || []).find((kv) => kv.key === 'test.case');
    if (key) logsByCase.set(key.value.stringValue, record);
  }
  for (const exp of expected.logs) {
    const record = logsByCase.get(exp.key);
    const what = `log record '${exp.key}': body, severity, time, trace context, ${Object.keys(exp.attributes).length} attributes`;
    check(what, record ? logProblems(exp, record) : ['not received']);
  }

  const markers = countMarkers(expected.resource) + countMarkers(expected.spans) + countMarkers(expected.logs);
  if (failures === 0) pass(`all ${markers} values expected to carry [REDACTED:rule] do, with the exact rule and surrounding text`);
  process.exit(failures ? 1 : 0);
}

main().catch((err) => {
  console.log(`FAIL  check.js: ${err && err.stack ? err.stack : err}`);
  process.exit(1);
});
