import type { Resource } from '@opentelemetry/resources';
import type { LoggerProvider } from '@opentelemetry/sdk-logs';
import type { PreloadEnv } from './config/env.ts';
import { logRecordLimits } from './config/env.ts';
import type { Diagnostics } from './diag.ts';
import { lazyLogExporter } from './export/lazy.ts';
import { loadLazy } from './lazy/load.ts';

/**
 * The logger provider behind OTLP log export, or undefined when OTEL_LOGS_EXPORTER does not
 * include otlp. Off by default: most platforms already collect stdout, and exporting the same
 * lines over OTLP too would store every log twice.
 */
export function createLoggerProvider(
  config: PreloadEnv,
  resource: Resource,
  diag: Diagnostics,
): LoggerProvider | undefined {
  if (!config.OTEL_LOGS_EXPORTER.includes('otlp')) return undefined;
  const { BatchLogRecordProcessor, LoggerProvider } = loadLazy('logs');
  return new LoggerProvider({
    resource,
    logRecordLimits: logRecordLimits(config),
    processors: [
      new BatchLogRecordProcessor({
        exporter: lazyLogExporter(config, diag),
        maxQueueSize: config.OTEL_BLRP_MAX_QUEUE_SIZE,
        maxExportBatchSize: config.OTEL_BLRP_MAX_EXPORT_BATCH_SIZE,
        scheduledDelayMillis: config.OTEL_BLRP_SCHEDULE_DELAY,
        exportTimeoutMillis: config.OTEL_BLRP_EXPORT_TIMEOUT,
      }),
    ],
  });
}
