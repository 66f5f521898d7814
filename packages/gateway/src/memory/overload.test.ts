// Sustained overload against the built CLI: a destination slower than the offered load. The
// gateway must refuse with 503 + Retry-After instead of buffering without bound, keep its peak
// resident memory (the kernel's VmHWM) under the hard limit, and deliver every span it
// acknowledged once the destination recovers.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayProcess } from '../../test-support/gateway-process.ts';
import { startGateway } from '../../test-support/gateway-process.ts';
import type { Sink } from '../../test-support/otlp-sink.ts';
import { startSink } from '../../test-support/otlp-sink.ts';
import { traceRequestBytes } from '../../test-support/spans.ts';

const SOFT_MIB = 160;
const HARD_MIB = 256;
const SPANS_PER_REQUEST = 2000;
const MAX_REQUESTS = 600;
const MAX_LOAD_MS = 20_000;
const WORKERS = 8;

/** Peak resident set size of a process so far, from /proc (Linux). */
function peakRssBytes(pid: number): number {
  const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmHWM for pid ${pid}`);
  return Number(match[1]) * 1024;
}

const metric = (text: string, pattern: RegExp) =>
  [...text.matchAll(pattern)].reduce((sum, m) => sum + Number(m[1]), 0);

describe('overload', () => {
  let sink: Sink;
  let gateway: GatewayProcess;

  beforeAll(async () => {
    sink = await startSink();
    gateway = await startGateway(`
receivers:
  otlp_http: { endpoint: 127.0.0.1:0, retry_after_s: 1 }
exporters:
  otlp_http:
    endpoint: ${sink.url}
    compression: none
    sending_queue: { capacity: 100000, max_size_mib: 16, consumers: 2 }
    retry_on_failure: { initial_interval_ms: 50, max_interval_ms: 200, max_elapsed_ms: 120000 }
service:
  admin: { endpoint: 127.0.0.1:0 }
  memory: { soft_limit_mib: ${SOFT_MIB}, hard_limit_mib: ${HARD_MIB} }
  pipelines:
    traces: { receivers: [otlp_http], exporters: [otlp_http] }
`);
  });

  afterAll(async () => {
    expect(await gateway.stop()).toBe(0);
    await sink.close();
  });

  it('refuses with Retry-After, stays under the hard limit, and loses nothing it accepted', async () => {
    const names = Array.from({ length: SPANS_PER_REQUEST }, (_, i) => `span-${i}`);
    const body = traceRequestBytes(names);
    sink.behaviour.delayMs = 2000; // the destination takes ~8k spans/s: far below the offer
    let sent = 0;
    const outcomes = { accepted: 0, refused: 0, refusedWithoutRetryAfter: 0, other: 0 };
    const stopAt = Date.now() + MAX_LOAD_MS;
    await Promise.all(
      Array.from({ length: WORKERS }, async () => {
        while (sent < MAX_REQUESTS && Date.now() < stopAt) {
          sent++;
          const response = await fetch(`${gateway.otlpUrl}/v1/traces`, {
            method: 'POST',
            body,
            headers: { 'content-type': 'application/x-protobuf' },
          });
          await response.arrayBuffer();
          if (response.status === 200) outcomes.accepted++;
          else if (response.status === 503) {
            outcomes.refused++;
            if (response.headers.get('retry-after') !== '1') outcomes.refusedWithoutRetryAfter++;
          } else outcomes.other++;
        }
      }),
    );
    const peak = peakRssBytes(gateway.child.pid!);
    const duringLoad = await (await fetch(`${gateway.adminUrl}/metrics`)).text();

    expect(outcomes.other).toBe(0);
    expect(outcomes.accepted).toBeGreaterThan(0);
    expect(outcomes.refused).toBeGreaterThan(0);
    expect(outcomes.refusedWithoutRetryAfter).toBe(0);
    expect(peak).toBeLessThan(HARD_MIB * 1024 * 1024);
    expect(
      metric(
        duringLoad,
        /otelgw_receiver_refused_requests_total\{[^}]*reason="(?:backpressure|memory)"\} (\d+)/g,
      ),
    ).toBe(outcomes.refused);

    // The destination recovers: every acknowledged span arrives, none twice, none counted dropped.
    sink.behaviour.delayMs = 0;
    const acknowledged = outcomes.accepted * SPANS_PER_REQUEST;
    const deadline = Date.now() + 60_000;
    while (sink.spans.length < acknowledged && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(sink.spans.length).toBe(acknowledged);
    const after = await (await fetch(`${gateway.adminUrl}/metrics`)).text();
    expect(metric(after, /otelgw_receiver_accepted_items_total\{[^}]*\} (\d+)/g)).toBe(
      acknowledged,
    );
    expect(metric(after, /otelgw_exporter_dropped_items_total\{[^}]*\} (\d+)/g)).toBe(0);
    console.log(
      `overload: ${sent} requests, ${outcomes.accepted} accepted, ${outcomes.refused} refused; peak RSS ${(peak / 1048576).toFixed(0)} MiB (soft ${SOFT_MIB}, hard ${HARD_MIB})`,
    );
  }, 120_000);
});
