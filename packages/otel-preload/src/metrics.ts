import { readFileSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Resource } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  AggregationType,
  InstrumentType,
  MeterProvider,
  MetricReader,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import type { MetricProducer } from '@opentelemetry/sdk-metrics';
import type { PreloadEnv } from './config/env.ts';
import { otlpExporterSettings } from './config/env.ts';
import type { Diagnostics } from './diag.ts';
import type { DurationAggregations } from './instrumentations/request-durations.ts';
import { loadLazy } from './lazy/load.ts';

/** How long after startup the Prometheus endpoint starts listening. */
const PROMETHEUS_START_DELAY_MS = 200;

/** Servers the preload runs; the HTTP instrumentation leaves their requests untraced. */
export const ownServers = new WeakSet<object>();

/** True for a request to one of the preload's own servers (the Prometheus endpoint). */
export const isOwnRequest = (req: IncomingMessage) =>
  ownServers.has((req.socket as { server?: object }).server ?? {});

/**
 * The Prometheus endpoint: a pull reader whose HTTP server (and the serializer it needs) start
 * shortly after startup rather than during it, on a timer that never keeps the process alive.
 * Answers GET /metrics with the text format; anything else is 404.
 */
export class PrometheusEndpoint extends MetricReader {
  private server: Server | undefined;
  private readonly timer: NodeJS.Timeout;

  constructor(
    host: string,
    port: number,
    diag: Diagnostics,
    metricProducers: MetricProducer[] = [],
    delayMs = PROMETHEUS_START_DELAY_MS,
  ) {
    super({
      aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE,
      metricProducers,
    });
    this.timer = setTimeout(() => this.listen(host, port, diag), delayMs).unref();
  }

  private listen(host: string, port: number, diag: Diagnostics): void {
    const { PrometheusSerializer } = loadLazy('prometheus');
    const serializer = new PrometheusSerializer();
    const handle = (req: IncomingMessage, res: ServerResponse) => {
      const path = (req.url ?? '').split('?')[0];
      if (req.method !== 'GET' || path !== '/metrics') {
        res.statusCode = 404;
        return res.end();
      }
      this.collect().then(
        ({ resourceMetrics }) => {
          res.setHeader('content-type', 'text/plain; version=0.0.4; charset=utf-8');
          res.end(serializer.serialize(resourceMetrics));
        },
        (error: unknown) => {
          res.statusCode = 500;
          res.end(`# failed to collect metrics: ${String(error)}\n`);
        },
      );
    };
    // Loaded here, not imported: node:http is part of what is kept off startup.
    const http = process.getBuiltinModule('node:http');
    const server = http.createServer(handle);
    ownServers.add(server);
    server.on('error', (error) =>
      diag.warn(`Prometheus endpoint ${host}:${port} unavailable: ${error.message}`),
    );
    server.listen(port, host, () => {
      // The port bound, which differs from the one asked for when that was 0.
      const bound = server.address();
      const at = typeof bound === 'object' && bound !== null ? bound.port : port;
      diag.debug(`Prometheus endpoint on http://${host}:${at}/metrics`);
    });
    server.unref();
    this.server = server;
  }

  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }

  protected override onShutdown(): Promise<void> {
    clearTimeout(this.timer);
    const server = this.server;
    return new Promise((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }
}

/**
 * The meter provider: a Prometheus endpoint (127.0.0.1:9464 unless configured; never all
 * interfaces by default) and/or OTLP push, as OTEL_METRICS_EXPORTER says. Each reader also reads
 * its own aggregation of the HTTP server durations, when `durations` is given.
 */
export function createMeterProvider(
  config: PreloadEnv,
  resource: Resource,
  diag: Diagnostics,
  durations?: DurationAggregations,
): MeterProvider | undefined {
  const readers: MetricReader[] = [];
  const exporters = config.OTEL_METRICS_EXPORTER;
  const producers = (temporality: AggregationTemporality) =>
    durations ? [durations.forReader(temporality)] : [];
  if (exporters.includes('prometheus')) {
    readers.push(
      new PrometheusEndpoint(
        config.OTEL_EXPORTER_PROMETHEUS_HOST,
        config.OTEL_EXPORTER_PROMETHEUS_PORT,
        diag,
        producers(AggregationTemporality.CUMULATIVE),
      ),
    );
  }
  if (exporters.includes('otlp')) {
    const lazy = loadLazy('metric-exporter');
    const settings = otlpExporterSettings(config, 'metrics');
    const OTLPMetricExporter =
      settings.protocol === 'http/json'
        ? lazy.OtlpJsonMetricExporter
        : lazy.OtlpProtoMetricExporter;
    const read = (file: string | undefined) => {
      if (!file) return undefined;
      try {
        return readFileSync(file);
      } catch (error) {
        diag.warn(`OTLP metrics: cannot read ${file} (${String(error)}); exporting without it`);
        return undefined;
      }
    };
    readers.push(
      new PeriodicExportingMetricReader({
        exporter: new OTLPMetricExporter({
          url: settings.url,
          headers: settings.headers,
          timeoutMillis: settings.timeoutMs,
          compression: settings.compression as never,
          temporalityPreference:
            lazy.AggregationTemporalityPreference[
              config.OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE.toUpperCase() as
                'DELTA' | 'CUMULATIVE' | 'LOWMEMORY'
            ],
          ...(config.OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION ===
          'base2_exponential_bucket_histogram'
            ? {
                aggregationPreference: (kind: InstrumentType) =>
                  kind === InstrumentType.HISTOGRAM
                    ? { type: AggregationType.EXPONENTIAL_HISTOGRAM }
                    : { type: AggregationType.DEFAULT },
              }
            : {}),
          httpAgentOptions: {
            ca: read(settings.certificateFile),
            key: read(settings.clientKeyFile),
            cert: read(settings.clientCertificateFile),
          },
        }),
        // Delta and low-memory preferences both make histograms delta.
        metricProducers: producers(
          config.OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE === 'cumulative'
            ? AggregationTemporality.CUMULATIVE
            : AggregationTemporality.DELTA,
        ),
        exportIntervalMillis: config.OTEL_METRIC_EXPORT_INTERVAL,
        exportTimeoutMillis: Math.min(
          config.OTEL_METRIC_EXPORT_TIMEOUT,
          config.OTEL_METRIC_EXPORT_INTERVAL,
        ),
      }),
    );
  }
  if (readers.length === 0) return undefined;
  return new MeterProvider({ resource, readers });
}
