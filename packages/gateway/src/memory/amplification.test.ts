// Requests that cost far more than their size, against the built CLI with the default limits and
// memory settings: a 31 KB gzip body of 16 million empty spans, the same as JSON `{}` spans, one
// span with 33 million attributes, unknown-field and bucket-count floods, 16 concurrent gzip
// bodies of zeros. Each is refused or bounded, the kernel's peak RSS (VmHWM) stays under the hard
// limit, and a valid client is served right after each.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bucketFlood,
  emptySpans,
  emptySpansJson,
  gzip,
  gzipZeros,
  oneSpanManyAttributes,
  unknownFieldFlood,
} from '../../test-support/amplification.ts';
import type { GatewayProcess } from '../../test-support/gateway-process.ts';
import { startGateway } from '../../test-support/gateway-process.ts';
import type { Sink } from '../../test-support/otlp-sink.ts';
import { startSink } from '../../test-support/otlp-sink.ts';
import { sampleValue, scrapeMetrics } from '../../test-support/prometheus.ts';
import { traceRequestBytes } from '../../test-support/spans.ts';
import { until } from '../../test-support/wait.ts';

const HARD_MIB = 768; // the default

/** Peak resident set size of a process so far, from /proc (Linux). */
function peakRssBytes(pid: number): number {
  const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmHWM for pid ${pid}`);
  return Number(match[1]) * 1024;
}

interface Shape {
  name: string;
  path: '/v1/traces' | '/v1/metrics';
  body: () => Uint8Array;
  type: 'application/x-protobuf' | 'application/json';
  gzip: boolean;
  status: number;
  reason: string;
}

const shapes: Shape[] = [
  {
    name: '16 million empty spans in a 31 KB gzip body',
    path: '/v1/traces',
    body: () => gzip(emptySpans(16_000_000)),
    type: 'application/x-protobuf',
    gzip: true,
    status: 413,
    reason: 'limit_items',
  },
  {
    name: '4 million empty spans in an 8 KB gzip body',
    path: '/v1/traces',
    body: () => gzip(emptySpans(4_000_000)),
    type: 'application/x-protobuf',
    gzip: true,
    status: 413,
    reason: 'limit_items',
  },
  {
    name: '21 million JSON {} spans in a 61 KB gzip body',
    path: '/v1/traces',
    body: () => gzip(emptySpansJson(21_000_000)),
    type: 'application/json',
    gzip: true,
    status: 413,
    reason: 'limit_nodes',
  },
  {
    name: 'one span with 33 million empty attributes in a 64 KB gzip body',
    path: '/v1/traces',
    body: () => gzip(oneSpanManyAttributes(33_000_000)),
    type: 'application/x-protobuf',
    gzip: true,
    status: 400,
    reason: 'limit_attributes',
  },
  {
    name: '20 million unknown fields kept for pass-through',
    path: '/v1/traces',
    body: () => gzip(unknownFieldFlood(20_000_000)),
    type: 'application/x-protobuf',
    gzip: true,
    status: 413,
    reason: 'limit_nodes',
  },
  {
    name: '60 million packed histogram bucket counts',
    path: '/v1/metrics',
    body: () => gzip(bucketFlood(60_000_000)),
    type: 'application/x-protobuf',
    gzip: true,
    status: 413,
    reason: 'limit_nodes',
  },
];

describe('amplification', () => {
  let sink: Sink;
  let gateway: GatewayProcess;
  let valid = 0;

  beforeAll(async () => {
    sink = await startSink();
    gateway = await startGateway(`
receivers:
  otlp_http: { endpoint: 127.0.0.1:0 }
exporters:
  otlp_http: { endpoint: ${sink.url}, batch: { enabled: false } }
service:
  admin: { endpoint: 127.0.0.1:0 }
  pipelines:
    traces: { receivers: [otlp_http], exporters: [otlp_http] }
    metrics: { receivers: [otlp_http], exporters: [otlp_http] }
`);
  });
  afterAll(async () => {
    expect(await gateway.stop()).toBe(0);
    await sink.close();
  });

  const post = (path: string, body: Uint8Array, type: string, zipped: boolean) =>
    fetch(`${gateway.otlpUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': type, ...(zipped ? { 'content-encoding': 'gzip' } : {}) },
      body,
    });

  /** Milliseconds until a valid span is accepted (503s retried at once), and it reaches the sink. */
  async function servesValidClient(): Promise<number> {
    const name = `valid-${++valid}`;
    const started = performance.now();
    for (;;) {
      const response = await post(
        '/v1/traces',
        traceRequestBytes([name]),
        'application/x-protobuf',
        false,
      );
      if (response.status === 200) break;
      expect(response.status).toBe(503);
      if (performance.now() - started > 10_000) throw new Error('valid requests refused for 10 s');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const waited = performance.now() - started;
    await until(`${name} at the sink`, () => sink.spans.includes(name));
    return waited;
  }

  it.each(shapes)(
    '$name: refused as $status ($reason), and a valid client is served right after',
    async (shape) => {
      const body = shape.body();
      const before = await scrapeMetrics(gateway.adminUrl);
      const labels = { receiver: 'otlp_http', signal: shape.path.slice(4), reason: shape.reason };
      const response = await post(shape.path, body, shape.type, shape.gzip);
      expect(response.status).toBe(shape.status);
      // google.rpc.Status in the request's encoding: the message is readable text in both.
      expect(Buffer.from(await response.arrayBuffer()).toString('latin1')).toMatch(/more than \d+/);
      const after = await scrapeMetrics(gateway.adminUrl);
      const refused = (text: string) =>
        sampleValue(text, 'otelgw_receiver_refused_requests_total', labels) ?? 0;
      expect(refused(after) - refused(before)).toBe(1);
      expect(await servesValidClient()).toBeLessThan(2000);
      expect(peakRssBytes(gateway.child.pid!)).toBeLessThan(HARD_MIB * 1024 * 1024);
      console.log(
        `${shape.name}: peak RSS ${(peakRssBytes(gateway.child.pid!) / 1048576).toFixed(0)} MiB`,
      );
    },
  );

  it('16 concurrent gzip bodies of 60 MiB of zeros stay under the hard limit', async () => {
    const body = gzipZeros(60);
    const statuses = await Promise.all(
      Array.from({ length: 16 }, async () => {
        const response = await post('/v1/traces', body, 'application/x-protobuf', true);
        await response.arrayBuffer();
        return response.status;
      }),
    );
    // Each is either read in full and found malformed (zeros are not protobuf) or refused for
    // memory as its chunks arrive; never accepted, never a crash.
    expect(statuses.every((s) => s === 400 || s === 503)).toBe(true);
    expect(peakRssBytes(gateway.child.pid!)).toBeLessThan(HARD_MIB * 1024 * 1024);
    expect(await servesValidClient()).toBeLessThan(2000);
    console.log(
      `amplification: 16 concurrent 60 MiB gzip bodies → ${statuses.filter((s) => s === 400).length}× 400, ${statuses.filter((s) => s === 503).length}× 503; peak RSS ${(peakRssBytes(gateway.child.pid!) / 1048576).toFixed(0)} MiB (hard ${HARD_MIB})`,
    );
  });
});
