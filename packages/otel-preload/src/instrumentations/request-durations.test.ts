import type { HistogramMetricData, MetricProducer } from '@opentelemetry/sdk-metrics';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import type { RequestDurations } from './request-durations.ts';
import { DurationAggregations, InstrumentDurations } from './request-durations.ts';

/** A reader with `producers`, and what it collects of http.server.request.duration. */
function readerWith(temporality: AggregationTemporality, producers: MetricProducer[] = []) {
  const exporter = new InMemoryMetricExporter(temporality);
  const reader = new PeriodicExportingMetricReader({
    exporter,
    exportIntervalMillis: 60_000,
    metricProducers: producers,
  });
  const provider = new MeterProvider({ readers: [reader] });
  const collect = async () => {
    const { resourceMetrics } = await reader.collect();
    const metric = resourceMetrics.scopeMetrics
      .flatMap((s) => s.metrics)
      .find((m) => m.descriptor.name === 'http.server.request.duration') as
      HistogramMetricData | undefined;
    return (metric?.dataPoints ?? [])
      .map(({ attributes, value, startTime, endTime }) => ({
        attributes,
        value,
        startTime,
        endTime,
      }))
      .sort((a, b) => JSON.stringify(a.attributes).localeCompare(JSON.stringify(b.attributes)));
  };
  return { provider, collect };
}

/** Requests of several kinds: routes, statuses, an aborted one, HTTP/2, https. */
function recordRequests(durations: RequestDurations) {
  durations.record(0.003, 'GET', 'http', '1.1', 200, false, '/orders/:id');
  durations.record(0.02, 'GET', 'http', '1.1', 200, false, '/orders/:id');
  durations.record(0.3, 'GET', 'http', '1.1', 200, false, '/orders/:id');
  durations.record(12, 'POST', 'https', '2', 503, false, '/orders');
  durations.record(0.1, 'GET', 'http', '1.1', 200, true, undefined);
  durations.record(0.005, 'GET', 'http', '1.0', 200, false, undefined);
  durations.record(0.0051, '_OTHER', 'http', '1.1', 404, false, undefined);
}

const withoutTimes = <T extends { startTime: unknown; endTime: unknown }>(points: T[]) =>
  points.map(({ startTime: _s, endTime: _e, ...rest }) => rest);

describe('DurationAggregations', () => {
  it('aggregates as the SDK histogram with the advised buckets does', async () => {
    const sdk = readerWith(AggregationTemporality.CUMULATIVE);
    recordRequests(new InstrumentDurations(sdk.provider.getMeter('sdk')));
    const ours = new DurationAggregations();
    const own = readerWith(AggregationTemporality.CUMULATIVE, [
      ours.forReader(AggregationTemporality.CUMULATIVE),
    ]);
    recordRequests(ours);
    const expected = withoutTimes(await sdk.collect());
    expect(expected).toHaveLength(5);
    expect(expected.find((p) => p.attributes['error.type'] === 'aborted')).toBeDefined();
    expect(withoutTimes(await own.collect())).toEqual(expected);
  });

  it('reports each measurement once to a delta reader, beside a cumulative one', async () => {
    const durations = new DurationAggregations();
    const delta = readerWith(AggregationTemporality.DELTA, [
      durations.forReader(AggregationTemporality.DELTA),
    ]);
    const cumulative = readerWith(AggregationTemporality.CUMULATIVE, [
      durations.forReader(AggregationTemporality.CUMULATIVE),
    ]);
    recordRequests(durations);
    const first = await delta.collect();
    durations.record(0.2, 'GET', 'http', '1.1', 200, false, '/orders/:id');
    const second = await delta.collect();
    expect(first).toHaveLength(5);
    expect(second).toHaveLength(1);
    expect(second[0]!.value.count).toBe(1);
    expect(second[0]!.startTime).toEqual(first[0]!.endTime);
    const total = (await cumulative.collect()).reduce((sum, p) => sum + p.value.count, 0);
    expect(total).toBe(8);
  });

  it('puts measurements past the cardinality limit in one overflow series', async () => {
    const durations = new DurationAggregations();
    const reader = readerWith(AggregationTemporality.CUMULATIVE, [
      durations.forReader(AggregationTemporality.CUMULATIVE),
    ]);
    for (let i = 0; i < 2500; i++)
      durations.record(0.01, 'GET', 'http', '1.1', 200, false, `/items/${i}`);
    // Past the limit nothing is kept per attribute set, not even a lookup entry.
    const kept = durations.aggregations[0] as unknown as { byRoute: Map<string, unknown> };
    expect(kept.byRoute.size).toBe(1999);
    const points = await reader.collect();
    expect(points).toHaveLength(2000);
    const overflow = points.find((p) => p.attributes['otel.metric.overflow'] === true);
    expect(overflow?.value.count).toBe(501);
    expect(points.reduce((sum, p) => sum + p.value.count, 0)).toBe(2500);
  });
});
