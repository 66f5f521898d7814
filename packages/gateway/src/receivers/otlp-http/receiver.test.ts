// The built CLI, driven by the official OpenTelemetry JS exporters and by raw HTTP for the
// status-code table, exporting to a recording OTLP/HTTP sink.
import { gzipSync } from 'node:zlib';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { decodeTraceResponse } from '@org/otlp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayProcess } from '../../../test-support/gateway-process.ts';
import { startGateway } from '../../../test-support/gateway-process.ts';
import type { Sink } from '../../../test-support/otlp-sink.ts';
import { startSink } from '../../../test-support/otlp-sink.ts';
import { sampleValue, scrapeMetrics } from '../../../test-support/prometheus.ts';
import { traceRequestBytes as traceBody } from '../../../test-support/spans.ts';
import { until } from '../../../test-support/wait.ts';

const config = (exporters: string, pipelineExporters: string, receiver = '') => `
receivers:
  otlp_http:
    endpoint: 127.0.0.1:0
    max_body_bytes: 65536
    ${receiver}
exporters:
${exporters}
service:
  admin: { endpoint: 127.0.0.1:0 }
  shutdown_timeout_ms: 5000
  pipelines:
    traces: { receivers: [otlp_http], exporters: [${pipelineExporters}] }
    metrics: { receivers: [otlp_http], exporters: [${pipelineExporters}] }
`;

const upstream = (
  id: string,
  url: string,
  queue = '{ capacity: 100, consumers: 2 }',
  batch = '{ enabled: true }',
) => `  ${id}:
    endpoint: ${url}
    sending_queue: ${queue}
    batch: ${batch}
    retry_on_failure: { initial_interval_ms: 100, max_interval_ms: 500, max_elapsed_ms: 60000 }
`;

const post = (url: string, body: Uint8Array | string, headers: Record<string, string>) =>
  fetch(url, { method: 'POST', body, headers });
const proto = { 'content-type': 'application/x-protobuf' };

describe('OTLP/HTTP receiver', () => {
  let sink: Sink;
  let gateway: GatewayProcess | undefined;
  beforeAll(async () => {
    sink = await startSink();
  });
  afterAll(() => sink.close());
  afterEach(async () => {
    await gateway?.stop('SIGKILL');
    gateway = undefined;
    sink.spans.length = 0;
    sink.tenants.length = 0;
    sink.behaviour = { delayMs: 0, status: 200, hang: false };
  });

  it('authenticates with bearer tokens or API keys and stamps the tenant', async () => {
    const tokenA = 'team-a-token-0123456789';
    const keyB = 'team-b-key-0123456789ab';
    gateway = await startGateway(
      config(
        upstream('otlp_http', sink.url),
        'otlp_http',
        'auth: { tenants: { team-a: { bearer_token: "${env:TOKEN_A}" }, team-b: { api_key: "${env:KEY_B}" } } }',
      ),
      { TOKEN_A: tokenA, KEY_B: keyB },
    );
    const url = `${gateway.otlpUrl}/v1/traces`;
    const none = await post(url, traceBody(['anonymous']), proto);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect(
      (
        await post(url, traceBody(['wrong']), {
          ...proto,
          authorization: 'Bearer not-a-known-token-000',
        })
      ).status,
    ).toBe(401);
    expect(
      (await post(url, traceBody(['from-a']), { ...proto, authorization: `Bearer ${tokenA}` }))
        .status,
    ).toBe(200);
    expect((await post(url, traceBody(['from-b']), { ...proto, 'x-api-key': keyB })).status).toBe(
      200,
    );
    const spoof = JSON.stringify({
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'tenant.id', value: { stringValue: 'team-a' } }] },
          scopeSpans: [
            {
              spans: [
                {
                  traceId: '0102030405060708090a0b0c0d0e0f10',
                  spanId: '0102030405060708',
                  name: 'spoofed',
                },
              ],
            },
          ],
        },
      ],
    });
    expect(
      (await post(url, spoof, { 'content-type': 'application/json', 'x-api-key': keyB })).status,
    ).toBe(200);
    await until('three spans', () => sink.spans.length === 3);
    expect(Object.fromEntries(sink.spans.map((name, i) => [name, sink.tenants[i]]))).toEqual({
      'from-a': 'team-a',
      'from-b': 'team-b',
      spoofed: 'team-b',
    });
    const metrics = await scrapeMetrics(gateway.adminUrl);
    expect(
      sampleValue(metrics, 'otelgw_receiver_refused_requests_total', {
        receiver: 'otlp_http',
        signal: 'traces',
        reason: 'unauthorized',
      }),
    ).toBe(2);
    expect(gateway.output()).not.toContain(tokenA);
    expect(gateway.output()).not.toContain(keyB);
  });

  it('answers every case of the status-code table', async () => {
    gateway = await startGateway(config(upstream('otlp_http', sink.url), 'otlp_http'));
    const url = `${gateway.otlpUrl}/v1/traces`;

    const ok = await post(url, traceBody(['a']), proto);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe('application/x-protobuf');
    expect((await ok.arrayBuffer()).byteLength).toBe(0);

    const json = await post(url, JSON.stringify({ resourceSpans: [] }), {
      'content-type': 'application/json',
    });
    expect(json.status).toBe(200);
    expect(await json.json()).toEqual({});

    const partial = await post(url, traceBody(['bad'], new Uint8Array(16)), proto);
    expect(partial.status).toBe(200);
    const answer = decodeTraceResponse(new Uint8Array(await partial.arrayBuffer()));
    expect(answer.partialSuccess).toMatchObject({
      rejectedSpans: 1n,
      errorMessage: 'rejected 1 items: invalid trace id',
    });

    const malformed = await post(url, Uint8Array.from([0x0a, 0xff]), proto);
    expect(malformed.status).toBe(400);
    expect(Buffer.from(await malformed.arrayBuffer())[0]).toBe(0x08); // google.rpc.Status.code
    const badJson = await post(url, '{"resourceSpans": [', { 'content-type': 'application/json' });
    expect(badJson.status).toBe(400);
    expect(((await badJson.json()) as { code: number }).code).toBe(3);

    const bomb = gzipSync(Buffer.alloc(10 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(65536);
    expect((await post(url, bomb, { ...proto, 'content-encoding': 'gzip' })).status).toBe(413);
    expect((await post(url, Buffer.alloc(70_000), proto)).status).toBe(413);

    expect((await post(url, 'x', { 'content-type': 'text/plain' })).status).toBe(415);
    expect((await post(url, traceBody(['a']), { ...proto, 'content-encoding': 'br' })).status).toBe(
      415,
    );
    const get = await fetch(url);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect((await post(`${gateway.otlpUrl}/v1/profiles`, 'x', proto)).status).toBe(404);
    expect((await post(`${gateway.otlpUrl}/v1/logs`, traceBody([]), proto)).status).toBe(404);

    const gz = await post(url, gzipSync(traceBody(['gzipped'])), {
      ...proto,
      'content-encoding': 'gzip',
    });
    expect(gz.status).toBe(200);
    await until('spans at the sink', () => sink.spans.includes('gzipped'));
    expect(sink.spans).not.toContain('bad');
  });

  it('reports a partial success for invalid spans, in JSON', async () => {
    gateway = await startGateway(config(upstream('otlp_http', sink.url), 'otlp_http'));
    const span = (traceId: string, name: string) => ({ traceId, spanId: '0102030405060708', name });
    const body = JSON.stringify({
      resourceSpans: [
        {
          scopeSpans: [
            {
              spans: [
                span('0102030405060708090a0b0c0d0e0f10', 'good'),
                span('00000000000000000000000000000000', 'zero-id'),
              ],
            },
          ],
        },
      ],
    });
    const response = await post(`${gateway.otlpUrl}/v1/traces`, body, {
      'content-type': 'application/json',
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      partialSuccess: { rejectedSpans: '1', errorMessage: 'rejected 1 items: invalid trace id' },
    });
    await until('the good span', () => sink.spans.includes('good'));
    expect(sink.spans).toEqual(['good']);
  });

  it('carries spans from the official protobuf and JSON exporters', async () => {
    gateway = await startGateway(config(upstream('otlp_http', sink.url), 'otlp_http'));
    for (const [label, Exporter] of [
      ['proto', ProtoTraceExporter],
      ['json', JsonTraceExporter],
    ] as const) {
      const exporter = new Exporter({ url: `${gateway.otlpUrl}/v1/traces` });
      const provider = new TracerProvider({
        resource: resourceFromAttributes({ 'service.name': 'sdk' }),
        spanProcessors: [new SimpleSpanProcessor({ exporter })],
      });
      for (let i = 0; i < 5; i++) provider.getTracer('t').startSpan(`${label}-${i}`).end();
      await provider.forceFlush();
      await provider.shutdown();
    }
    await until('ten spans', () => sink.spans.length === 10);
    expect([...sink.spans].sort()).toEqual([
      'json-0',
      'json-1',
      'json-2',
      'json-3',
      'json-4',
      'proto-0',
      'proto-1',
      'proto-2',
      'proto-3',
      'proto-4',
    ]);
  });

  it('refuses with 503 and Retry-After when the queue is full, and counts it', async () => {
    sink.behaviour.hang = true;
    gateway = await startGateway(
      config(
        upstream('otlp_http', sink.url, '{ capacity: 1, consumers: 1 }', '{ enabled: false }'),
        'otlp_http',
        'retry_after_s: 7',
      ),
    );
    const url = `${gateway.otlpUrl}/v1/traces`;
    expect((await post(url, traceBody(['in-flight']), proto)).status).toBe(200);
    expect((await post(url, traceBody(['queued']), proto)).status).toBe(200);
    const refused = await post(url, traceBody(['refused']), proto);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('7');
    const metrics = await scrapeMetrics(gateway.adminUrl);
    const receiver = { receiver: 'otlp_http', signal: 'traces' };
    expect(
      sampleValue(metrics, 'otelgw_receiver_refused_requests_total', {
        ...receiver,
        reason: 'backpressure',
      }),
    ).toBe(1);
    expect(sampleValue(metrics, 'otelgw_receiver_accepted_items_total', receiver)).toBe(2);
    expect(sampleValue(metrics, 'otelgw_exporter_queue_capacity', { exporter: 'otlp_http' })).toBe(
      1,
    );
  });

  it('a dead destination does not stall a healthy one', async () => {
    gateway = await startGateway(
      config(
        upstream(
          'otlp_http/dead',
          'http://127.0.0.1:9',
          '{ capacity: 2, consumers: 1, on_full: drop }',
          '{ enabled: false }',
        ) + upstream('otlp_http/live', sink.url),
        'otlp_http/dead, otlp_http/live',
      ),
    );
    const url = `${gateway.otlpUrl}/v1/traces`;
    for (let i = 0; i < 20; i++)
      expect((await post(url, traceBody([`s${i}`]), proto)).status).toBe(200);
    await until('all spans at the live sink', () => sink.spans.length === 20);
    const metrics = await scrapeMetrics(gateway.adminUrl);
    expect(
      sampleValue(metrics, 'otelgw_exporter_sent_items_total', {
        exporter: 'otlp_http/live',
        signal: 'traces',
      }),
    ).toBe(20);
    // One span in flight (retrying the refused connection) and two queued; the other 17 skipped.
    expect(
      sampleValue(metrics, 'otelgw_exporter_dropped_items_total', {
        exporter: 'otlp_http/dead',
        signal: 'traces',
        reason: 'queue_full',
      }),
    ).toBe(17);
    expect((await fetch(`${gateway.adminUrl}/readyz`)).status).toBe(200);
  });

  it('on SIGTERM drains every acknowledged batch to the destination and exits 0', async () => {
    sink.behaviour.delayMs = 150;
    gateway = await startGateway(
      config(upstream('otlp_http', sink.url, '{ capacity: 100, consumers: 1 }'), 'otlp_http'),
    );
    const url = `${gateway.otlpUrl}/v1/traces`;
    for (let i = 0; i < 12; i++)
      expect((await post(url, traceBody([`d${i}`]), proto)).status).toBe(200);
    expect(sink.spans.length).toBeLessThan(12);
    expect(await gateway.stop('SIGTERM')).toBe(0);
    expect(sink.spans).toHaveLength(12);
    expect(gateway.output()).toContain('"stopped"');
  });
});
