// One span, one metric and one log, sent with the official OpenTelemetry JS exporters to the real
// Collector, read back from the real Jaeger, Prometheus and Elasticsearch with exact values.
import { randomUUID } from 'node:crypto';
import { SeverityNumber } from '@opentelemetry/api';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StackEnv } from '../support/stack.ts';
import { ensureStack, eventually, getJson } from '../support/stack.ts';

interface JaegerTrace {
  traceID: string;
  spans: {
    spanID: string;
    operationName: string;
    tags: { key: string; value: unknown }[];
    processID: string;
  }[];
  processes: Record<string, { serviceName: string }>;
}

interface PromVector {
  data: { result: { metric: Record<string, string>; value: [number, string] }[] };
}

interface EsHits {
  hits: { hits: { _source: Record<string, unknown> }[] };
}

describe('collector fan-out to the real backends', () => {
  let stack: { env: StackEnv; release: () => void };
  const runId = randomUUID().slice(0, 8);
  const service = `e2e-fanout-${runId}`;
  const resource = resourceFromAttributes({
    'service.name': service,
    'deployment.environment.name': 'e2e',
  });

  beforeAll(() => {
    stack = ensureStack();
  });
  afterAll(() => stack?.release());

  it('delivers a span to Jaeger with its exact attributes', async () => {
    const exporter = new OTLPTraceExporter({ url: `${stack.env.OTELCOL_OTLP_HTTP_URL}/v1/traces` });
    const provider = new TracerProvider({
      resource,
      spanProcessors: [new SimpleSpanProcessor({ exporter })],
    });
    const span = provider.getTracer('e2e').startSpan('POST /checkout', {
      attributes: { 'http.route': '/checkout', 'order.items': 3, 'order.express': true },
    });
    const { traceId, spanId } = span.spanContext();
    span.end();
    await provider.forceFlush();
    await provider.shutdown();

    const trace = await eventually('the span in Jaeger', async () => {
      const body = await getJson<{ data: JaegerTrace[] }>(
        `${stack.env.JAEGER_URL}/api/traces?service=${service}&lookback=1h&limit=20`,
      );
      return body.data.find((t) => t.traceID === traceId);
    });
    expect(trace.spans).toHaveLength(1);
    const [got] = trace.spans;
    expect(got!.spanID).toBe(spanId);
    expect(got!.operationName).toBe('POST /checkout');
    expect(trace.processes[got!.processID]!.serviceName).toBe(service);
    const tags = Object.fromEntries(got!.tags.map((tag) => [tag.key, tag.value]));
    expect(tags).toMatchObject({
      'http.route': '/checkout',
      'order.items': 3,
      'order.express': true,
    });
  });

  it('delivers a counter to Prometheus with its exact labels and value', async () => {
    const reader = new PeriodicExportingMetricReader({
      exporter: new OTLPMetricExporter({ url: `${stack.env.OTELCOL_OTLP_HTTP_URL}/v1/metrics` }),
      exportIntervalMillis: 60_000,
    });
    const provider = new MeterProvider({ resource, readers: [reader] });
    const orders = provider.getMeter('e2e').createCounter('e2e_orders', { unit: '1' });
    orders.add(3, { route: '/checkout', method: 'POST' });
    orders.add(4, { route: '/checkout', method: 'POST' });
    await provider.forceFlush();
    await provider.shutdown();

    const series = await eventually('the counter in Prometheus', async () => {
      const query = encodeURIComponent(`e2e_orders_total{job="${service}"}`);
      const body = await getJson<PromVector>(
        `${stack.env.PROMETHEUS_URL}/api/v1/query?query=${query}`,
      );
      return body.data.result[0];
    });
    expect(series.metric).toMatchObject({
      __name__: 'e2e_orders_total',
      job: service,
      route: '/checkout',
      method: 'POST',
    });
    expect(Number(series.value[1])).toBe(7);
  });

  it('delivers a log record to Elasticsearch with its exact fields', async () => {
    const provider = new LoggerProvider({
      resource,
      processors: [
        new SimpleLogRecordProcessor({
          exporter: new OTLPLogExporter({ url: `${stack.env.OTELCOL_OTLP_HTTP_URL}/v1/logs` }),
        }),
      ],
    });
    provider.getLogger('e2e').emit({
      severityNumber: SeverityNumber.WARN,
      severityText: 'WARN',
      body: `payment retried ${runId}`,
      attributes: { 'order.id': `o-${runId}`, 'payment.attempt': 2 },
    });
    await provider.forceFlush();
    await provider.shutdown();

    const doc = await eventually('the log record in Elasticsearch', async () => {
      const body = await getJson<EsHits>(`${stack.env.ELASTICSEARCH_URL}/otel-logs/_search`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: { term: { 'Resource.service.name.keyword': service } } }),
      });
      return body.hits.hits[0]?._source;
    });
    expect(doc).toMatchObject({
      Body: `payment retried ${runId}`,
      SeverityText: 'WARN',
      SeverityNumber: SeverityNumber.WARN,
      'Resource.service.name': service,
      'Resource.deployment.environment.name': 'e2e',
      'order.id': `o-${runId}`,
      'payment.attempt': 2,
    });
  });
});
