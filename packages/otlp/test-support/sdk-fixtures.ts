// Telemetry produced by the real OpenTelemetry JS SDK and serialized by the official exporters'
// serializers: the conformance fixtures for the codec tests and the benchmark.
import type { HrTime } from '@opentelemetry/api';
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import {
  JsonLogsSerializer,
  JsonMetricsSerializer,
  JsonTraceSerializer,
  ProtobufLogsSerializer,
  ProtobufMetricsSerializer,
  ProtobufTraceSerializer,
} from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import {
  InMemoryLogRecordExporter,
  LoggerProvider,
  SimpleLogRecordProcessor,
} from '@opentelemetry/sdk-logs';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import {
  AggregationType,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  AggregationTemporality,
} from '@opentelemetry/sdk-metrics';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';

export const fixtureResource = resourceFromAttributes({
  'service.name': 'checkout',
  'service.version': '1.4.2',
  'deployment.environment.name': 'production',
  'host.name': 'web-1',
});

export function hrTimeToBigint([seconds, nanos]: HrTime): bigint {
  return BigInt(seconds) * 1_000_000_000n + BigInt(nanos);
}

/**
 * `count` finished spans from the SDK: a server root with children, `attributesPerSpan`
 * attributes of every type, events, a link, error status on some.
 */
export function sdkSpans(count: number, attributesPerSpan = 10): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: fixtureResource,
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
  const tracer = provider.getTracer('fixtures', '2.0.0');
  const root = tracer.startSpan('POST /checkout', { kind: SpanKind.SERVER });
  const rootContext = trace.setSpan(context.active(), root);
  for (let i = 1; i < count; i++) {
    const attributes: Record<string, string | number | boolean | string[]> = {};
    for (let a = 0; a < attributesPerSpan; a++) {
      const kind = a % 5;
      const key = `attr.${a}.${['str', 'int', 'dbl', 'bool', 'arr'][kind]}`;
      attributes[key] =
        kind === 0
          ? `value-${i}-${a}`
          : kind === 1
            ? i * 1000 + a
            : kind === 2
              ? i + a / 10
              : kind === 3
                ? a % 2 === 0
                : [`x${i}`, `y${a}`];
    }
    const span = tracer.startSpan(
      i % 3 === 0 ? 'SELECT orders' : `GET /inventory/${i % 7}`,
      {
        kind: i % 3 === 0 ? SpanKind.CLIENT : SpanKind.INTERNAL,
        attributes,
        links:
          i % 10 === 0
            ? [{ context: root.spanContext(), attributes: { 'link.reason': 'retry' } }]
            : [],
      },
      rootContext,
    );
    if (i % 4 === 0) span.addEvent('cache.miss', { 'cache.key': `k-${i}`, 'cache.size': i });
    if (i % 9 === 0) span.setStatus({ code: SpanStatusCode.ERROR, message: 'inventory timeout' });
    span.end();
  }
  root.setStatus({ code: SpanStatusCode.OK });
  root.setAttribute('http.route', '/checkout');
  root.setAttribute('ünïcødé.key', 'välüe ✓ 🚀');
  root.end();
  return exporter.getFinishedSpans();
}

export const traceProtobuf = (spans: ReadableSpan[]): Uint8Array =>
  ProtobufTraceSerializer.serializeRequest(spans)!;
export const traceJson = (spans: ReadableSpan[]): Uint8Array =>
  JsonTraceSerializer.serializeRequest(spans)!;

/** Metrics of every type from the SDK: counter, up-down counter, gauge, histogram, exponential histogram. */
export async function sdkMetrics(): Promise<ResourceMetrics> {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const provider = new MeterProvider({
    resource: fixtureResource,
    readers: [reader],
    views: [
      {
        instrumentName: 'payment.latency',
        aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM, options: { maxSize: 160 } },
      },
    ],
  });
  const meter = provider.getMeter('fixtures', '2.0.0');
  const sales = meter.createCounter('ticket_sales_total', {
    description: 'tickets sold',
    unit: '1',
  });
  sales.add(3, { venue: 'arena' });
  sales.add(4, { venue: 'club' });
  const queue = meter.createUpDownCounter('queue.depth');
  queue.add(10);
  queue.add(-3.5);
  const temperature = meter.createGauge('room.temperature', { unit: 'Cel' });
  temperature.record(21.5, { room: 'a' });
  const duration = meter.createHistogram('http.server.request.duration', { unit: 's' });
  for (const value of [0.003, 0.02, 0.02, 0.4, 7])
    duration.record(value, { 'http.route': '/checkout' });
  const latency = meter.createHistogram('payment.latency', { unit: 'ms' });
  for (const value of [0.5, 1, 2, 4, 100, 1000, -1]) latency.record(Math.abs(value));
  await reader.forceFlush();
  const [batch] = exporter.getMetrics();
  await provider.shutdown();
  return batch!;
}

export const metricsProtobuf = (metrics: ResourceMetrics): Uint8Array =>
  ProtobufMetricsSerializer.serializeRequest(metrics)!;
export const metricsJson = (metrics: ResourceMetrics): Uint8Array =>
  JsonMetricsSerializer.serializeRequest(metrics)!;

/** Log records from the SDK with bodies of several types and trace context. */
export function sdkLogs(count: number): ReadableLogRecord[] {
  const exporter = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({
    resource: fixtureResource,
    processors: [new SimpleLogRecordProcessor({ exporter })],
  });
  const logger = provider.getLogger('fixtures', '2.0.0');
  const span = new TracerProvider().getTracer('t').startSpan('parent');
  const ctx = trace.setSpan(context.active(), span);
  for (let i = 0; i < count; i++) {
    logger.emit({
      severityNumber: 9 + (i % 12),
      severityText: ['INFO', 'WARN', 'ERROR'][i % 3]!,
      body: i % 2 === 0 ? `order ${i} placed` : { order: i, items: [1, 2], ok: true },
      attributes: { 'order.id': `o-${i}`, 'order.total': i * 10.5, 'user.vip': i % 2 === 0 },
      ...(i % 5 === 0 ? { eventName: 'order.placed' } : {}),
      context: ctx,
    });
  }
  span.end();
  return exporter.getFinishedLogRecords();
}

export const logsProtobuf = (logs: ReadableLogRecord[]): Uint8Array =>
  ProtobufLogsSerializer.serializeRequest(logs)!;
export const logsJson = (logs: ReadableLogRecord[]): Uint8Array =>
  JsonLogsSerializer.serializeRequest(logs)!;
