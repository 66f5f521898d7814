// Span encoder micro-benchmark: `node bench/encode.ts`. Encodes server spans like the preload's
// (eight attributes, 284 bytes) into 512-span batches with ProtobufSpans, as the batch processor
// does, and prints nanoseconds per span: in a tight loop, and with EVICT_KIB of memory written
// between spans, as a request served in between would push the encoder's code and data out of
// the CPU caches. The eviction itself is timed apart and left out.
import { SpanKind, SpanStatusCode, TraceFlags } from '@opentelemetry/api';
import type { HrTime } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { ProtobufSpans } from '../src/export/proto-spans.ts';

const BATCH = 512;
const ROUNDS = 5;
const BATCHES_PER_ROUND = 200;
const EVICT_KIB = [0, 256, 1024];

const resource = {
  attributes: { 'service.name': 'hello', 'host.name': 'bench' },
  asyncAttributesPending: false,
} as unknown as Resource;
const scope = { name: '@org/otel-preload/http', version: '0.1.0' };

function serverSpan(n: number): ReadableSpan {
  const id = n.toString(16).padStart(16, '0');
  const context = { traceId: id + id, spanId: id, traceFlags: TraceFlags.SAMPLED };
  return {
    name: 'GET',
    kind: SpanKind.SERVER,
    spanContext: () => context,
    startTime: [1_700_000_000, 123_456_789] as HrTime,
    endTime: [1_700_000_000, 223_456_789] as HrTime,
    duration: [0, 100_000_000] as HrTime,
    status: { code: SpanStatusCode.UNSET },
    attributes: {
      'http.request.method': 'GET',
      'url.scheme': 'http',
      'url.path': '/',
      'network.protocol.version': '1.1',
      'server.address': '127.0.0.1',
      'server.port': 8080,
      'client.address': '127.0.0.1',
      'http.response.status_code': 200,
    },
    links: [],
    events: [],
    ended: true,
    resource,
    instrumentationScope: scope,
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  };
}

const spans = Array.from({ length: BATCH }, (_, i) => serverSpan(i + 1));
const codec = new ProtobufSpans();
const junk = new Uint8Array(4 << 20);
let cursor = 0;
/** Writes one byte in each 64-byte line of `kib` KiB, wrapping around a 4 MiB array. */
const evict = (kib: number) => {
  for (let i = 0; i < kib * 16; i++) {
    junk[cursor] = (junk[cursor]! + 1) & 0xff;
    cursor = (cursor + 64) % junk.length;
  }
};

let bytes = 0;
for (const kib of EVICT_KIB) {
  const perRound: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    let encoding = 0n;
    for (let b = 0; b < BATCHES_PER_ROUND; b++) {
      const batch = codec.batch();
      for (const span of spans) {
        evict(kib);
        const started = process.hrtime.bigint();
        batch.add(span);
        encoding += process.hrtime.bigint() - started;
      }
      const started = process.hrtime.bigint();
      bytes += batch.encode().length;
      encoding += process.hrtime.bigint() - started;
    }
    perRound.push(Number(encoding) / (BATCHES_PER_ROUND * BATCH));
  }
  perRound.sort((a, b) => a - b);
  const median = perRound[ROUNDS >> 1]!;
  process.stdout.write(
    `${kib} KiB written between spans: ${median.toFixed(0)} ns per span (median of ${ROUNDS} rounds of ${BATCHES_PER_ROUND * BATCH} spans)\n`,
  );
}
process.stdout.write(
  `${(bytes / (EVICT_KIB.length * ROUNDS * BATCHES_PER_ROUND * BATCH)).toFixed(0)} bytes per span\n`,
);
