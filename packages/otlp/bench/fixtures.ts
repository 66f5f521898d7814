// Fixed benchmark inputs, produced by the OpenTelemetry JS SDK and serialized by its protobuf
// serializer, so both codecs read exactly what real clients send.
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  logsProtobuf,
  metricsProtobuf,
  sdkLogs,
  sdkSpans,
  traceProtobuf,
} from '../test-support/sdk-fixtures.ts';

export interface BenchFixtures {
  traces: Uint8Array;
  spanCount: number;
  metrics: Uint8Array;
  pointCount: number;
  logs: Uint8Array;
  logCount: number;
}

/** 100 counter series and 100 histogram series, 4 attributes each. */
async function metricsFixture(): Promise<{ bytes: Uint8Array; points: number }> {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': 'checkout', 'host.name': 'web-1' }),
    readers: [reader],
  });
  const meter = provider.getMeter('bench');
  const requests = meter.createCounter('http.server.requests');
  const duration = meter.createHistogram('http.server.request.duration', { unit: 's' });
  for (let i = 0; i < 100; i++) {
    const attributes = {
      'http.route': `/api/v1/items/${i}`,
      'http.request.method': i % 2 ? 'GET' : 'POST',
      'http.response.status_code': 200 + (i % 3),
      'url.scheme': 'https',
    };
    requests.add(i + 1, attributes);
    duration.record((i % 17) / 10, attributes);
  }
  await reader.forceFlush();
  const [batch] = exporter.getMetrics();
  await provider.shutdown();
  return { bytes: metricsProtobuf(batch!), points: 200 };
}

export async function benchFixtures(): Promise<BenchFixtures> {
  const metrics = await metricsFixture();
  return {
    traces: traceProtobuf(sdkSpans(200, 10)),
    spanCount: 200,
    metrics: metrics.bytes,
    pointCount: metrics.points,
    logs: logsProtobuf(sdkLogs(200)),
    logCount: 200,
  };
}
