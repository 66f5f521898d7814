// Conformance against the real clients: telemetry produced by the OpenTelemetry JS SDK and
// serialized by the official exporters' serializers (protobuf and JSON) decodes to exactly the
// values the SDK recorded.
import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import {
  fixtureResource,
  hrTimeToBigint,
  logsJson,
  logsProtobuf,
  metricsJson,
  metricsProtobuf,
  sdkLogs,
  sdkMetrics,
  sdkSpans,
  traceJson,
  traceProtobuf,
} from '../test-support/sdk-fixtures.ts';
import type { AnyValue, KeyValue } from './index.ts';
import {
  decodeLogsRequest,
  decodeLogsRequestJson,
  decodeMetricsRequest,
  decodeMetricsRequestJson,
  decodeTraceRequest,
  decodeTraceRequestJson,
} from './index.ts';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

/** The OTLP AnyValue the SDK's serializers produce for a JS attribute value. */
function expectedValue(value: unknown): AnyValue {
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  if (typeof value === 'number')
    return Number.isInteger(value) ? { intValue: BigInt(value) } : { doubleValue: value };
  if (Array.isArray(value)) return { arrayValue: { values: value.map(expectedValue) } };
  if (typeof value === 'object' && value !== null) {
    return {
      kvlistValue: {
        values: Object.entries(value).map(([key, v]) => ({ key, value: expectedValue(v) })),
      },
    };
  }
  throw new Error(`no OTLP form for ${String(value)}`);
}

const expectedAttributes = (attributes: Record<string, unknown>): KeyValue[] =>
  Object.entries(attributes).map(([key, value]) => ({ key, value: expectedValue(value) }));

/** Drops properties whose value is undefined, so decoded and expected objects compare by content. */
function plain(value: unknown): unknown {
  if (value instanceof Uint8Array) return hex(value);
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, plain(v)]),
    );
  }
  return value;
}

describe('traces from the OpenTelemetry JS SDK', () => {
  const spans = sdkSpans(40, 10);
  const fromProto = decodeTraceRequest(traceProtobuf(spans));
  const fromJson = decodeTraceRequestJson(traceJson(spans));

  it('decode to exactly what the SDK recorded', () => {
    const [rs] = fromProto.resourceSpans;
    expect(rs!.resource!.attributes).toEqual(expectedAttributes(fixtureResource.attributes));
    const [ss] = rs!.scopeSpans;
    expect(ss!.scope).toMatchObject({ name: 'fixtures', version: '2.0.0' });
    expect(ss!.spans).toHaveLength(spans.length);
    ss!.spans.forEach((got, i) => {
      const want = spans[i]!;
      const ctx = want.spanContext();
      expect(hex(got.traceId)).toBe(ctx.traceId);
      expect(hex(got.spanId)).toBe(ctx.spanId);
      expect(hex(got.parentSpanId)).toBe(want.parentSpanContext?.spanId ?? '');
      expect(got.name).toBe(want.name);
      expect(got.kind).toBe(want.kind + 1);
      expect(got.flags).toBe(ctx.traceFlags | 0x100);
      expect(got.startTimeUnixNano).toBe(hrTimeToBigint(want.startTime));
      expect(got.endTimeUnixNano).toBe(hrTimeToBigint(want.endTime));
      expect(got.attributes).toEqual(expectedAttributes(want.attributes));
      expect(
        got.events.map((e) => ({ name: e.name, time: e.timeUnixNano, attributes: e.attributes })),
      ).toEqual(
        want.events.map((e) => ({
          name: e.name,
          time: hrTimeToBigint(e.time),
          attributes: expectedAttributes(e.attributes ?? {}),
        })),
      );
      expect(got.links.map((l) => [hex(l.traceId), hex(l.spanId), l.attributes])).toEqual(
        want.links.map((l) => [
          l.context.traceId,
          l.context.spanId,
          expectedAttributes(l.attributes ?? {}),
        ]),
      );
      expect(got.status?.code ?? 0).toBe(want.status.code);
      expect(got.status?.message ?? '').toBe(want.status.message ?? '');
    });
    expect(ss!.spans.at(-1)!.attributes).toContainEqual({
      key: 'ünïcødé.key',
      value: { stringValue: 'välüe ✓ 🚀' },
    });
  });

  it('decode identically from OTLP/JSON', () => {
    expect(plain(fromJson)).toEqual(plain(fromProto));
  });
});

describe('metrics of every type from the OpenTelemetry JS SDK', async () => {
  const batch = await sdkMetrics();
  const fromProto = decodeMetricsRequest(metricsProtobuf(batch));
  const fromJson = decodeMetricsRequestJson(metricsJson(batch));
  const metrics = Object.fromEntries(
    fromProto.resourceMetrics[0]!.scopeMetrics[0]!.metrics.map((m) => [m.name, m]),
  );

  it('decode counters, up-down counters and gauges exactly', () => {
    expect(fromProto.resourceMetrics[0]!.resource!.attributes).toEqual(
      expectedAttributes(fixtureResource.attributes),
    );
    const sales = metrics.ticket_sales_total!;
    expect(sales).toMatchObject({ description: 'tickets sold', unit: '1' });
    expect(sales.sum).toMatchObject({ isMonotonic: true, aggregationTemporality: 2 });
    expect(sales.sum!.dataPoints.map((p) => [p.attributes, p.asInt ?? p.asDouble])).toEqual([
      [[{ key: 'venue', value: { stringValue: 'arena' } }], 3],
      [[{ key: 'venue', value: { stringValue: 'club' } }], 4],
    ]);
    expect(metrics['queue.depth']!.sum).toMatchObject({ isMonotonic: false });
    expect(metrics['queue.depth']!.sum!.dataPoints[0]!.asDouble).toBe(6.5);
    expect(metrics['room.temperature']!.gauge!.dataPoints[0]).toMatchObject({ asDouble: 21.5 });
    const point = sales.sum!.dataPoints[0]!;
    expect(point.timeUnixNano).toBeGreaterThan(point.startTimeUnixNano);
    expect(point.timeUnixNano).toBeGreaterThan(1_600_000_000_000_000_000n);
  });

  it('decode explicit-bucket histograms exactly', () => {
    const h = metrics['http.server.request.duration']!.histogram!;
    expect(h.aggregationTemporality).toBe(2);
    const [p] = h.dataPoints;
    expect(p!.count).toBe(5n);
    expect(p!.sum).toBeCloseTo(7.443, 10);
    expect(p!.min).toBe(0.003);
    expect(p!.max).toBe(7);
    expect(p!.explicitBounds).toEqual([
      0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000,
    ]);
    expect(p!.bucketCounts.reduce((a, b) => a + b, 0n)).toBe(5n);
    expect(p!.bucketCounts[1]).toBe(4n);
    expect(p!.bucketCounts[2]).toBe(1n);
  });

  it('decode exponential histograms exactly', () => {
    const [p] = metrics['payment.latency']!.exponentialHistogram!.dataPoints;
    expect(p!.count).toBe(7n);
    expect(p!.sum).toBe(1108.5);
    expect(p!.min).toBe(0.5);
    expect(p!.max).toBe(1000);
    expect(p!.positive!.bucketCounts.reduce((a, b) => a + b, 0n)).toBe(7n);
    expect(p!.scale).toBeLessThanOrEqual(20);
  });

  it('decode identically from OTLP/JSON', () => {
    expect(plain(fromJson)).toEqual(plain(fromProto));
  });
});

describe('logs from the OpenTelemetry JS SDK', () => {
  const logs = sdkLogs(12);
  const fromProto = decodeLogsRequest(logsProtobuf(logs));
  const fromJson = decodeLogsRequestJson(logsJson(logs));

  it('decode to exactly what the SDK recorded', () => {
    const records = fromProto.resourceLogs[0]!.scopeLogs[0]!.logRecords;
    expect(records).toHaveLength(12);
    records.forEach((got, i) => {
      const want = logs[i]!;
      expect(got.severityNumber).toBe(want.severityNumber);
      expect(got.severityText).toBe(want.severityText);
      expect(got.body).toEqual(expectedValue(want.body));
      expect(got.attributes).toEqual(expectedAttributes(want.attributes));
      expect(got.timeUnixNano).toBe(hrTimeToBigint(want.hrTime));
      expect(got.observedTimeUnixNano).toBe(hrTimeToBigint(want.hrTimeObserved));
      expect(hex(got.traceId)).toBe(want.spanContext!.traceId);
      expect(hex(got.spanId)).toBe(want.spanContext!.spanId);
      expect(got.flags).toBe(want.spanContext!.traceFlags);
      expect(got.eventName).toBe(want.eventName ?? '');
    });
  });

  it('decode identically from OTLP/JSON', () => {
    expect(plain(fromJson)).toEqual(plain(fromProto));
  });
});
