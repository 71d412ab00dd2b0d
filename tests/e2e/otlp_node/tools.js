'use strict';
// Helpers for otlp_node_test.sh.
//   node tools.js free-port                  a TCP port on 127.0.0.1 nobody listens on now
//   node tools.js wait-serving HOST:PORT S [PID]
//       waits up to S seconds for grpc.health.v1.Health/Check to answer SERVING, giving up early
//       when process PID has exited; exit 0 when it answers, 1 if not

const net = require('node:net');
const grpc = require('@grpc/grpc-js');

function freePort() {
  const server = net.createServer();
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address();
    server.close(() => console.log(port));
  });
}

// The health service's messages are tiny and fixed, so they are written by hand instead of
// loading health.proto: HealthCheckRequest{} is empty; HealthCheckResponse{status = SERVING}
// is field 1, varint 1 (bytes 08 01).
function checkOnce(client, deadlineMs) {
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      '/grpc.health.v1.Health/Check',
      () => Buffer.alloc(0),
      (bytes) => bytes,
      {},
      { deadline: Date.now() + deadlineMs },
      (err, response) => resolve(!err && response.equals(Buffer.from([0x08, 0x01]))));
  });
}

function alive(pid) {
  if (!pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

async function waitServing(address, seconds, pid) {
  const client = new grpc.Client(address, grpc.credentials.createInsecure());
  const until = Date.now() + seconds * 1000;
  while (Date.now() < until && alive(pid)) {
    if (await checkOnce(client, 1000)) {
      client.close();
      return true;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  client.close();
  return false;
}

const [command, ...rest] = process.argv.slice(2);
if (command === 'free-port') {
  freePort();
} else if (command === 'wait-serving') {
  waitServing(rest[0], Number(rest[1] || 10), Number(rest[2] || 0)).then((ok) => process.exit(ok ? 0 : 1));
} else {
  console.error('usage: node tools.js free-port | wait-serving HOST:PORT SECONDS [PID]');
  process.exit(2);
}
