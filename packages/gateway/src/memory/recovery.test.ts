// After one large request the heap holds its garbage, and an RSS-based guard used to refuse every
// request (while /readyz said ready) until V8 happened to give the pages back, minutes later.
// Against the built CLI: a large valid request takes memory in use over the soft limit; valid
// requests are accepted again within a second or two of its answer, and /readyz agrees with the
// receivers throughout.
import type { Span } from '@org/otlp';
import { encodeTraceRequest } from '@org/otlp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayProcess } from '../../test-support/gateway-process.ts';
import { startGateway } from '../../test-support/gateway-process.ts';
import type { Sink } from '../../test-support/otlp-sink.ts';
import { startSink } from '../../test-support/otlp-sink.ts';
import { sampleValue, scrapeMetrics } from '../../test-support/prometheus.ts';
import { span, traceRequestBytes } from '../../test-support/spans.ts';
import { until } from '../../test-support/wait.ts';

const SOFT_MIB = 128;
const SPANS = 100_000;

/** `count` spans with 10 string attributes each: ~370 bytes per span on the wire. */
function largeRequest(count: number): Uint8Array {
  const spans: Span[] = Array.from({ length: count }, (_, i) =>
    span(
      `large-${i}`,
      i,
      Uint8Array.from({ length: 16 }, (_, j) => ((i >> 8) + j + 1) & 0xff || 1),
      {
        kind: 2,
        attributes: Array.from({ length: 10 }, (_, k) => ({
          key: `attribute.${k}`,
          value: { stringValue: `value-${i}-${k}` },
        })),
      },
    ),
  );
  return encodeTraceRequest({
    resourceSpans: [
      {
        resource: { attributes: [], droppedAttributesCount: 0, entityRefs: [] },
        scopeSpans: [{ scope: undefined, spans, schemaUrl: '' }],
        schemaUrl: '',
      },
    ],
  });
}

describe('memory recovery', () => {
  let sink: Sink;
  let gateway: GatewayProcess;

  beforeAll(async () => {
    sink = await startSink();
    gateway = await startGateway(`
receivers:
  otlp_http:
    endpoint: 127.0.0.1:0
    limits: { max_items: ${SPANS}, max_values: 1100000, max_nodes: 2200000 }
exporters:
  otlp_http: { endpoint: ${sink.url}, batch: { enabled: false }, sending_queue: { max_size_mib: 64 } }
service:
  admin: { endpoint: 127.0.0.1:0 }
  memory: { soft_limit_mib: ${SOFT_MIB}, hard_limit_mib: 512 }
  pipelines:
    traces: { receivers: [otlp_http], exporters: [otlp_http] }
`);
  });
  afterAll(async () => {
    expect(await gateway.stop()).toBe(0);
    await sink.close();
  });

  it('accepts valid requests again within two seconds of a large one, and /readyz agrees', async () => {
    const large = largeRequest(SPANS);
    const collections = async () =>
      sampleValue(await scrapeMetrics(gateway.adminUrl), 'otelgw_memory_collections_total') ?? 0;
    const before = await collections();
    const response = await fetch(`${gateway.otlpUrl}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf' },
      body: large,
    });
    expect(response.status).toBe(200);
    const answered = performance.now();
    const rss = sampleValue(
      await scrapeMetrics(gateway.adminUrl),
      'otelgw_process_resident_memory_bytes',
    );
    expect(rss).toBeGreaterThan(SOFT_MIB * 1024 * 1024); // what the old, RSS-based guard refused on

    // Valid requests from now on: each refusal must agree with /readyz, and the first
    // acceptance must come within two seconds.
    let firstAccepted: number | undefined;
    let disagreements = 0;
    for (let i = 0; performance.now() - answered < 5000 && firstAccepted === undefined; i++) {
      const ready = (await fetch(`${gateway.adminUrl}/readyz`)).status;
      const status = (
        await fetch(`${gateway.otlpUrl}/v1/traces`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-protobuf' },
          body: traceRequestBytes([`after-${i}`]),
        })
      ).status;
      if (status === 200) firstAccepted = performance.now() - answered;
      else if (ready === 200) disagreements++;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(firstAccepted).toBeDefined();
    expect(firstAccepted!).toBeLessThan(2000);
    expect(disagreements).toBe(0);
    expect((await fetch(`${gateway.adminUrl}/readyz`)).status).toBe(200);
    await until(
      'the large request at the sink',
      () => sink.spans.includes(`large-${SPANS - 1}`),
      30_000,
    );
    // Memory in use went over the soft limit, and the guard collected instead of refusing.
    const forced = (await collections()) - before;
    expect(forced).toBeGreaterThan(0);
    console.log(
      `recovery: first valid request accepted ${firstAccepted!.toFixed(0)} ms after a ${(large.length / 1048576).toFixed(1)} MiB request (RSS then ${(rss! / 1048576).toFixed(0)} MiB); ${forced} forced collections`,
    );
  });
});
