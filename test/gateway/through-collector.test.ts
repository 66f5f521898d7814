// The gateway in front of the real Collector: spans, metrics and logs sent by the official
// OpenTelemetry JS exporters to the gateway arrive in Jaeger, Prometheus and Elasticsearch.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { SeverityNumber } from '@opentelemetry/api';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StackEnv } from '../support/stack.ts';
import { ensureStack, eventually, getJson } from '../support/stack.ts';

const cli = join(
  dirname(createRequire(import.meta.url).resolve('@org/otel-gateway/package.json')),
  'dist',
  'cli.js',
);

// The same journey through each upstream exporter: OTLP/HTTP and OTLP/gRPC to the Collector.
const upstreams = [
  {
    exporter: 'otlp_http',
    yaml: '  otlp_http/collector:\n    endpoint: ${env:COLLECTOR_URL}',
    env: (env: StackEnv) => env.OTELCOL_OTLP_HTTP_URL,
  },
  {
    exporter: 'otlp_grpc',
    yaml: '  otlp_grpc/collector:\n    endpoint: ${env:COLLECTOR_URL}\n    tls: { insecure: true }',
    env: (env: StackEnv) => env.OTELCOL_OTLP_GRPC_ENDPOINT,
  },
];

describe.each(upstreams)('gateway → $exporter → Collector → backends', (upstream) => {
  let stack: { env: StackEnv; release: () => void };
  let stopGateway: () => Promise<number | null>;
  let gatewayUrl = '';
  const service = `e2e-gateway-${upstream.exporter}-${randomUUID().slice(0, 8)}`;
  const resource = resourceFromAttributes({ 'service.name': service });

  beforeAll(async () => {
    stack = ensureStack();
    const dir = mkdtempSync(join(tmpdir(), 'gateway-e2e-'));
    writeFileSync(
      join(dir, 'gateway.yaml'),
      `receivers:
  otlp_http: { endpoint: 127.0.0.1:0 }
exporters:
${upstream.yaml}
service:
  admin: { endpoint: 127.0.0.1:0 }
  pipelines:
    traces: { receivers: [otlp_http], exporters: [${upstream.exporter}/collector] }
    metrics: { receivers: [otlp_http], exporters: [${upstream.exporter}/collector] }
    logs: { receivers: [otlp_http], exporters: [${upstream.exporter}/collector] }
`,
    );
    const child = spawn(process.execPath, [cli, '--config', join(dir, 'gateway.yaml')], {
      env: { ...process.env, COLLECTOR_URL: upstream.env(stack.env) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise<number | null>((resolve) =>
      child.once('exit', (code) => resolve(code)),
    );
    stopGateway = () => {
      child.kill('SIGTERM');
      return exited;
    };
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await eventually(
      'the gateway to listen',
      () => {
        const match = /"endpoint":"(127\.0\.0\.1:\d+)","msg":"OTLP\/HTTP receiver listening"/.exec(
          output,
        );
        return Promise.resolve(match ? match[1] : undefined);
      },
      15_000,
    ).then((endpoint) => (gatewayUrl = `http://${endpoint}`));
  });

  afterAll(async () => {
    expect(await stopGateway()).toBe(0);
    stack.release();
  });

  it('delivers traces, metrics and logs', async () => {
    const tracer = new TracerProvider({
      resource,
      spanProcessors: [
        new SimpleSpanProcessor({
          exporter: new OTLPTraceExporter({ url: `${gatewayUrl}/v1/traces` }),
        }),
      ],
    });
    const span = tracer
      .getTracer('e2e')
      .startSpan('via-gateway', { attributes: { hop: 'gateway' } });
    const { traceId } = span.spanContext();
    span.end();
    await tracer.shutdown();

    const reader = new PeriodicExportingMetricReader({
      exporter: new OTLPMetricExporter({ url: `${gatewayUrl}/v1/metrics` }),
      exportIntervalMillis: 60_000,
    });
    const meters = new MeterProvider({ resource, readers: [reader] });
    meters.getMeter('e2e').createCounter('gateway_hops').add(5, { hop: 'gateway' });
    await meters.shutdown();

    const logs = new LoggerProvider({
      resource,
      processors: [
        new SimpleLogRecordProcessor({
          exporter: new OTLPLogExporter({ url: `${gatewayUrl}/v1/logs` }),
        }),
      ],
    });
    logs.getLogger('e2e').emit({
      severityNumber: SeverityNumber.INFO,
      body: `through the gateway ${service}`,
      attributes: { hop: 'gateway' },
    });
    await logs.shutdown();

    const trace = await eventually('the span in Jaeger', async () => {
      const body = await getJson<{
        data: { spans: { operationName: string; tags: { key: string; value: unknown }[] }[] }[];
      }>(`${stack.env.JAEGER_URL}/api/traces/${traceId}`).catch(() => undefined);
      return body?.data[0];
    });
    expect(trace.spans[0]!.operationName).toBe('via-gateway');
    expect(trace.spans[0]!.tags).toContainEqual({ key: 'hop', type: 'string', value: 'gateway' });

    const sample = await eventually('the counter in Prometheus', async () => {
      const query = encodeURIComponent(`gateway_hops_total{job="${service}"}`);
      const body = await getJson<{
        data: { result: { metric: Record<string, string>; value: [number, string] }[] };
      }>(`${stack.env.PROMETHEUS_URL}/api/v1/query?query=${query}`);
      return body.data.result[0];
    });
    expect(sample.metric.hop).toBe('gateway');
    expect(sample.value[1]).toBe('5');

    const doc = await eventually('the log in Elasticsearch', async () => {
      const body = await getJson<{ hits: { hits: { _source: Record<string, unknown> }[] } }>(
        `${stack.env.ELASTICSEARCH_URL}/otel-logs/_search`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: { term: { 'Resource.service.name.keyword': service } } }),
        },
      );
      return body.hits.hits[0]?._source;
    });
    expect(doc).toMatchObject({ Body: `through the gateway ${service}`, hop: 'gateway' });
  });
});
