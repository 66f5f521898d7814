// Fuzz target: the OTLP/HTTP receiver's whole request path on the built code, over a real
// loopback socket: credentials, path, method, content type, content encoding (with valid and
// broken compressed streams), body reading with memory reservations, decoding within limits,
// validation, tenant stamping and acceptance. Bytes 0 and 1 pick the request's headers; the rest
// is the body. A finding is a 5xx or any status outside the receiver's table, a request that
// leaves memory reserved, or a request that never gets an answer (the fuzzer's timeout).
import { Agent, request } from 'node:http';
import { deflateSync, gzipSync } from 'node:zlib';
import { pino } from 'pino';
import type { Settings } from '../../dist/component.js';
import { MemoryGuard } from '../../dist/memory/guard.js';
import type { BatchConsumer } from '../../dist/pipeline/consumer.js';
import { otlpHttpReceiverConfigSchema } from '../../dist/receivers/otlp-http/config.js';
import { OtlpHttpReceiver } from '../../dist/receivers/otlp-http/receiver.js';
import { codecs } from '../../dist/signal.js';
import { GatewayMetrics } from '../../dist/telemetry/metrics.js';
import { ExecStats } from '../stats.ts';
import { FUZZ_LIMITS } from './limits.ts';

const TOKEN = 'fuzz-token-0123456789abcdef';
const ANSWERS = new Set([200, 400, 401, 404, 405, 408, 413, 415, 503]);
const PATHS = ['/v1/traces', '/v1/metrics', '/v1/logs', '/v1/profiles'];
const TYPES = [
  'application/x-protobuf',
  'application/json',
  'application/protobuf; x=1',
  'text/plain',
];
const ENCODINGS = ['identity', 'gzip', 'deflate', 'br'];

const memory = new MemoryGuard(512, 768);
const settings: Settings = {
  id: 'otlp_http',
  logger: pino({ level: 'silent' }),
  metrics: new GatewayMetrics({ processMetrics: false }),
  memory,
};
/** Accepts everything, encoding what a processor would have changed, as the queues do. */
const consumer: BatchConsumer = {
  precheck: () => undefined,
  accept: (batch) => {
    if (!batch.wire) codecs[batch.signal].encode(batch.request as never);
    return undefined;
  },
};
const receiver = new OtlpHttpReceiver(
  settings,
  otlpHttpReceiverConfigSchema.parse({
    endpoint: '127.0.0.1:0',
    max_body_bytes: 1024 * 1024,
    limits: FUZZ_LIMITS,
    auth: { tenants: { fuzz: { bearer_token: TOKEN } } },
  }),
  consumer,
);
await receiver.start();
const agent = new Agent({ keepAlive: true, maxSockets: 1 });
export const stats = new ExecStats();

function send(data: Buffer): Promise<number> {
  const [a = 0, b = 0] = data;
  const encoding = ENCODINGS[(a >> 5) & 3]!;
  let body: Buffer = data.subarray(2);
  if (a & 0x80 && encoding === 'gzip') body = gzipSync(body);
  if (a & 0x80 && encoding === 'deflate') body = deflateSync(body);
  const headers: Record<string, string> = {
    'content-type': TYPES[(a >> 3) & 3]!,
    'content-encoding': encoding,
  };
  if (!(b & 1)) headers.authorization = `Bearer ${b & 2 ? 'not-the-token-at-all' : TOKEN}`;
  // Without a length the body is sent chunked, said explicitly: Node's client frames no body of
  // a GET otherwise, and the unframed bytes would reach the server as a broken next request.
  if (b & 4) headers['transfer-encoding'] = 'chunked';
  else headers['content-length'] = String(body.length);
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port: receiver.port,
      path: PATHS[a & 3],
      method: a & 4 ? 'GET' : 'POST',
      headers,
      agent,
    });
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

export async function fuzz(data: Buffer): Promise<void> {
  const started = performance.now();
  try {
    const status = await send(data);
    if (!ANSWERS.has(status)) throw new Error(`the receiver answered ${status}`);
    if (memory.reservedBytes !== 0)
      throw new Error(`${memory.reservedBytes} bytes left reserved after the answer`);
  } finally {
    stats.record((performance.now() - started) * 1000, data);
  }
}
