import { metrics } from '@opentelemetry/api';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { afterAll, describe, expect, it } from 'vitest';
import { counter, gauge, histogram } from './business-metrics.ts';

const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 });
metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
afterAll(() => metrics.disable());

describe('business metrics', () => {
  it('records counters, histograms and gauges with their labels', async () => {
    const sales = counter('ticket_sales', { description: 'Tickets sold.', labels: ['event'] });
    sales.add(2, { event: 'concert' });
    sales.add(undefined, { event: 'concert' });
    sales.add(-5, { event: 'concert' }); // counters never go down: ignored
    histogram('checkout.duration', { unit: 's', buckets: [0.1, 1] }).record(0.5);
    gauge('queue.depth', { labels: ['queue'] }).set(7, { queue: 'email' });
    await reader.forceFlush();
    const exported = exporter.getMetrics().at(-1)!.scopeMetrics[0]!.metrics;
    const byName = new Map(exported.map((m) => [m.descriptor.name, m]));
    expect(byName.get('ticket_sales')!.dataPoints[0]).toMatchObject({
      value: 3,
      attributes: { event: 'concert' },
    });
    expect(byName.get('checkout.duration')!.dataPoints[0]!.value).toMatchObject({
      count: 1,
      buckets: { boundaries: [0.1, 1], counts: [0, 1, 0] },
    });
    expect(byName.get('queue.depth')!.dataPoints[0]).toMatchObject({
      value: 7,
      attributes: { queue: 'email' },
    });
  });

  it('drops a label that was not declared, and names it once', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.message);
    process.on('warning', onWarning);
    const refunds = counter('refunds', { labels: ['reason'] });
    const loose = { reason: 'late', order_id: 'o-1' } as unknown as { reason: string };
    refunds.add(1, loose);
    refunds.add(1, { ...loose, order_id: 'o-2' } as typeof loose);
    await reader.forceFlush();
    await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on next tick
    process.off('warning', onWarning);
    const points = exporter
      .getMetrics()
      .at(-1)!
      .scopeMetrics[0]!.metrics.find((m) => m.descriptor.name === 'refunds')!.dataPoints;
    expect(points).toMatchObject([{ value: 2, attributes: { reason: 'late' } }]);
    expect(loose).toEqual({ reason: 'late', order_id: 'o-1' });
    expect(warnings).toEqual([
      'counter "refunds": label "order_id" was not declared (labels: reason); dropped',
    ]);
  });

  it('rejects invalid names, label names and buckets with the offending value named', () => {
    expect(() => counter('9lives')).toThrow('counter name "9lives" is invalid');
    expect(() => counter('ok', { labels: ['bad label'] })).toThrow('label name "bad label"');
    expect(() => histogram('h', { buckets: [1, 1] })).toThrow('histogram "h": buckets');
  });
});
