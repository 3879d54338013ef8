// Readiness probe for the test broker: sends one Kafka Metadata v1 request over a raw TCP
// socket and exits 0 only if the broker answers with at least one registered broker.
// Dependency-free on purpose (only Node's `net`), so `services.sh up` works before `npm ci`
// and without kcat. Usage: node kafka-ready.mjs HOST:PORT [timeoutMs]
//
// Why not just a TCP connect: Kafka's BrokerServer opens its listening socket early and enables
// request processing only after the broker is unfenced, so the port accepts connections before
// requests are served. A Metadata answer listing the broker means clients can really use it.
// Metadata v1 is inside the range Kafka 4.x still accepts (Metadata is 0-13 after KIP-896).
import net from 'node:net';

const [hostPort, timeoutArg] = process.argv.slice(2);
if (!hostPort) {
  console.error('usage: node kafka-ready.mjs HOST:PORT [timeoutMs]');
  process.exit(2);
}
const sep = hostPort.lastIndexOf(':');
const host = hostPort.slice(0, sep);
const port = Number(hostPort.slice(sep + 1));
const timeoutMs = Number(timeoutArg ?? 3000);

const clientId = Buffer.from('driftmon-ready');
const correlationId = 4242;
// request header v1: api_key, api_version, correlation_id, client_id (int16-length string)
// body v1: topics = null array (int32 -1) meaning "all topics" (we only need the broker list)
const payload = Buffer.alloc(2 + 2 + 4 + 2 + clientId.length + 4);
let o = 0;
o = payload.writeInt16BE(3, o); // api_key: Metadata
o = payload.writeInt16BE(1, o); // api_version: 1
o = payload.writeInt32BE(correlationId, o);
o = payload.writeInt16BE(clientId.length, o);
o += clientId.copy(payload, o);
payload.writeInt32BE(-1, o);
const frame = Buffer.concat([Buffer.alloc(4), payload]);
frame.writeInt32BE(payload.length, 0);

const fail = (msg) => {
  console.error(`kafka-ready: ${msg}`);
  process.exit(1);
};
const socket = net.connect({ host, port });
const timer = setTimeout(() => {
  socket.destroy();
  fail(`no Metadata response from ${hostPort} within ${timeoutMs} ms`);
}, timeoutMs);
let buf = Buffer.alloc(0);
socket.on('connect', () => socket.write(frame));
socket.on('error', (e) => {
  clearTimeout(timer);
  fail(`${hostPort}: ${e.message}`);
});
socket.on('data', (chunk) => {
  buf = Buffer.concat([buf, chunk]);
  if (buf.length < 4 || buf.length < 4 + buf.readInt32BE(0)) return;
  clearTimeout(timer);
  socket.destroy();
  // response v1: correlation_id, brokers[int32 count]{node_id, host, port, rack}, ...
  let p = 4;
  const corr = buf.readInt32BE(p); p += 4;
  if (corr !== correlationId) fail(`unexpected correlation id ${corr}`);
  const count = buf.readInt32BE(p); p += 4;
  const brokers = [];
  for (let i = 0; i < count; i++) {
    const nodeId = buf.readInt32BE(p); p += 4;
    const hl = buf.readInt16BE(p); p += 2;
    const h = buf.toString('utf8', p, p + hl); p += hl;
    const bp = buf.readInt32BE(p); p += 4;
    const rl = buf.readInt16BE(p); p += 2;
    if (rl > 0) p += rl;
    brokers.push(`${nodeId}@${h}:${bp}`);
  }
  if (brokers.length === 0) fail('Metadata response lists no brokers yet');
  console.log(`kafka-ready: brokers ${brokers.join(',')}`);
  process.exit(0);
});
