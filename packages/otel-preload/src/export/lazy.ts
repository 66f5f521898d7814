import { ExportResultCode } from '@opentelemetry/core';
import type { ExportResult } from '@opentelemetry/core';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import type { PreloadEnv } from '../config/env.ts';
import { otlpExporterSettings } from '../config/env.ts';
import type { Diagnostics } from '../diag.ts';
import { loadLazy } from '../lazy/load.ts';
import type { RejectedHandler } from './exporter.ts';
import type { OtlpHttpSettings } from './otlp-http.ts';

type Signal = 'traces' | 'logs';

interface Exporter<I> {
  export(items: I[], done: (result: ExportResult) => void): void;
  shutdown(): Promise<void>;
  forceFlush?(): Promise<void>;
}

/** The OTLP/HTTP settings of one signal, per-signal variables over generic ones. */
export function settingsFor(config: PreloadEnv, signal: Signal): OtlpHttpSettings {
  const { protocol, ...settings } = otlpExporterSettings(config, signal);
  return {
    ...settings,
    contentType: protocol === 'http/json' ? 'application/json' : 'application/x-protobuf',
  };
}

/**
 * An exporter created on its first export rather than at startup (the codec and the HTTP client
 * load then). Failures and partial successes cost one rate-limited warning each; a failed batch
 * is dropped after the export timeout, never retried without bound.
 */
class LazyExporter<I> implements Exporter<I> {
  private exporter: Exporter<I> | undefined;
  private readonly create: () => Exporter<I>;
  private readonly describe: string;
  private readonly diag: Diagnostics;

  constructor(create: () => Exporter<I>, describe: string, diag: Diagnostics) {
    this.create = create;
    this.describe = describe;
    this.diag = diag;
  }

  export(items: I[], done: (result: ExportResult) => void): void {
    this.exporter ??= this.create();
    this.exporter.export(items, (result) => {
      if (result.code !== ExportResultCode.SUCCESS) {
        this.diag.warnLimited(
          `${this.describe}-export`,
          `could not export ${items.length} ${this.describe}: ${result.error?.message ?? 'failed'}`,
        );
      }
      done(result);
    });
  }

  shutdown(): Promise<void> {
    return this.exporter?.shutdown() ?? Promise.resolve();
  }

  forceFlush(): Promise<void> {
    return this.exporter?.forceFlush?.() ?? Promise.resolve();
  }
}

const rejectedWarning =
  (diag: Diagnostics, what: string): RejectedHandler =>
  (rejected, message) =>
    diag.warnLimited(
      `${what}-rejected`,
      `the receiver rejected ${rejected} ${what}: ${message || 'no reason given'}`,
    );

/** The OTLP span exporter the preload's batch processor uses. */
export function lazySpanExporter(config: PreloadEnv, diag: Diagnostics): SpanExporter {
  return new LazyExporter<ReadableSpan>(
    () =>
      loadLazy('otlp-exporter').createSpanExporter(
        settingsFor(config, 'traces'),
        rejectedWarning(diag, 'spans'),
      ),
    'spans',
    diag,
  );
}

/** The OTLP log record exporter the preload's batch processor uses. */
export function lazyLogExporter(config: PreloadEnv, diag: Diagnostics): LogRecordExporter {
  return new LazyExporter<ReadableLogRecord>(
    () =>
      loadLazy('otlp-exporter').createLogExporter(
        settingsFor(config, 'logs'),
        rejectedWarning(diag, 'log records'),
      ),
    'log records',
    diag,
  );
}
