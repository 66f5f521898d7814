import { createRequire } from 'node:module';
import type { MetricReader } from '@opentelemetry/sdk-metrics';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import type { Resource } from '@opentelemetry/resources';
import type { PreloadEnv } from './config/env.ts';
import { signalUrl } from './config/env.ts';
import type { Diagnostics } from './diag.ts';

const require = createRequire(import.meta.url);

/**
 * The meter provider: a Prometheus endpoint (127.0.0.1:9464 unless configured; never all
 * interfaces by default) and/or OTLP push, as OTEL_METRICS_EXPORTER says.
 */
export function createMeterProvider(
  config: PreloadEnv,
  resource: Resource,
  diag: Diagnostics,
): MeterProvider | undefined {
  const readers: MetricReader[] = [];
  const exporters = config.OTEL_METRICS_EXPORTER;
  if (exporters.includes('prometheus')) {
    const { PrometheusExporter } = require('@opentelemetry/exporter-prometheus') as {
      PrometheusExporter: new (options: object, callback: (error?: Error) => void) => MetricReader;
    };
    const host = config.OTEL_EXPORTER_PROMETHEUS_HOST;
    const port = config.OTEL_EXPORTER_PROMETHEUS_PORT;
    readers.push(
      new PrometheusExporter({ host, port }, (error) => {
        if (error) diag.warn(`Prometheus endpoint ${host}:${port} unavailable: ${error.message}`);
        else diag.debug(`Prometheus endpoint on http://${host}:${port}/metrics`);
      }),
    );
  }
  if (exporters.includes('otlp')) {
    const pkg =
      config.OTEL_EXPORTER_OTLP_PROTOCOL === 'http/json'
        ? '@opentelemetry/exporter-metrics-otlp-http'
        : '@opentelemetry/exporter-metrics-otlp-proto';
    const { OTLPMetricExporter } = require(pkg) as {
      OTLPMetricExporter: new (
        options: object,
      ) => ConstructorParameters<typeof PeriodicExportingMetricReader>[0]['exporter'];
    };
    readers.push(
      new PeriodicExportingMetricReader({
        exporter: new OTLPMetricExporter({
          url: signalUrl(config, 'metrics'),
          headers: config.OTEL_EXPORTER_OTLP_HEADERS,
          timeoutMillis: config.OTEL_EXPORTER_OTLP_TIMEOUT,
        }),
      }),
    );
  }
  if (readers.length === 0) return undefined;
  return new MeterProvider({ resource, readers });
}
