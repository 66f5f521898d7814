import type { Resource } from '@opentelemetry/resources';
import type { LoggerProvider, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { BatchLogProcessor, BatchQueue, batchSettingsFrom } from './export/batch.ts';
import type { PreloadEnv } from './config/env.ts';
import { logRecordLimits } from './config/env.ts';
import type { Diagnostics } from './diag.ts';
import { lazyExporter, logBatches } from './export/lazy.ts';
import { loadLazy } from './lazy/load.ts';

/**
 * The logger provider behind OTLP log export and its batch queue, or undefined when
 * OTEL_LOGS_EXPORTER does not include otlp. Off by default: most platforms already collect
 * stdout, and exporting the same lines over OTLP too would store every log twice.
 */
export function createLoggerProvider(
  config: PreloadEnv,
  resource: Resource,
  diag: Diagnostics,
): { provider: LoggerProvider; queue: BatchQueue<ReadableLogRecord> } | undefined {
  if (!config.OTEL_LOGS_EXPORTER.includes('otlp')) return undefined;
  const { LoggerProvider } = loadLazy('logs');
  const queue = new BatchQueue(
    lazyExporter(config, 'logs', diag),
    batchSettingsFrom(config, 'log records', logBatches(config)),
    diag,
  );
  const provider = new LoggerProvider({
    resource,
    logRecordLimits: logRecordLimits(config),
    processors: [new BatchLogProcessor(queue)],
  });
  return { provider, queue };
}
