import { ExportResultCode } from '@opentelemetry/core';
import type { ExportResult } from '@opentelemetry/core';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import type { PreloadEnv } from '../config/env.ts';
import { otlpExporterSettings } from '../config/env.ts';
import type { Diagnostics } from '../diag.ts';
import { loadLazy } from '../lazy/load.ts';
import type { Batch, BatchExporter } from './batch.ts';
import type { BatchCodec, RejectedHandler } from './exporter.ts';
import type { OtlpHttpSettings } from './otlp-http.ts';

type Signal = 'traces' | 'logs';

interface Exporter extends BatchExporter {
  forceFlush(): Promise<void>;
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
 * An exporter created on its first export rather than at startup (the HTTP client loads
 * then). Failures and partial successes cost one rate-limited warning each; a failed batch is
 * dropped after the export timeout, never retried without bound.
 */
class LazyExporter implements Exporter {
  private exporter: Exporter | undefined;
  private readonly create: () => Exporter;
  private readonly describe: string;
  private readonly diag: Diagnostics;

  constructor(create: () => Exporter, describe: string, diag: Diagnostics) {
    this.create = create;
    this.describe = describe;
    this.diag = diag;
  }

  export(body: Uint8Array, count: number, done: (result: ExportResult) => void): void {
    this.exporter ??= this.create();
    this.exporter.export(body, count, (result) => {
      if (result.code !== ExportResultCode.SUCCESS) {
        this.diag.warnLimited(
          `${this.describe}-export`,
          `could not export ${count} ${this.describe}: ${result.error?.message ?? 'failed'}`,
        );
      }
      done(result);
    });
  }

  shutdown(): Promise<void> {
    return this.exporter?.shutdown() ?? Promise.resolve();
  }

  forceFlush(): Promise<void> {
    return this.exporter?.forceFlush() ?? Promise.resolve();
  }

  abort(): void {
    this.exporter?.abort();
  }
}

const rejectedWarning =
  (diag: Diagnostics, what: string): RejectedHandler =>
  (rejected, message) =>
    diag.warnLimited(
      `${what}-rejected`,
      `the receiver rejected ${rejected} ${what}: ${message || 'no reason given'}`,
    );

/** The OTLP exporter of one signal, for the preload's batch queue. */
export function lazyExporter(config: PreloadEnv, signal: Signal, diag: Diagnostics): Exporter {
  const describe = signal === 'traces' ? 'spans' : 'log records';
  return new LazyExporter(
    () =>
      loadLazy('otlp-exporter').createExporter(
        signal,
        settingsFor(config, signal),
        rejectedWarning(diag, describe),
      ),
    describe,
    diag,
  );
}

/**
 * New batches of spans in the configured OTLP encoding; the codec loads with the first batch,
 * at the first sampled span's end.
 */
export function spanBatches(config: PreloadEnv): () => Batch<ReadableSpan> {
  const json = settingsFor(config, 'traces').contentType === 'application/json';
  return batchesOf(() => loadLazy('otlp-exporter').spanCodec(json));
}

/** New batches of log records in the configured OTLP encoding. */
export function logBatches(config: PreloadEnv): () => Batch<ReadableLogRecord> {
  const json = settingsFor(config, 'logs').contentType === 'application/json';
  return batchesOf(() => loadLazy('otlp-exporter').logCodec(json));
}

/**
 * Batches from a codec loaded on first use. A codec that fails to load (its bundle file missing
 * from a deployment) fails every batch with the same error, without trying the load again on
 * every item; the queue drops the items and says so.
 */
function batchesOf<I>(load: () => BatchCodec<I>): () => Batch<I> {
  let codec: BatchCodec<I> | undefined;
  let failure: Error | undefined;
  return () => {
    if (codec === undefined) {
      if (failure !== undefined) throw failure;
      try {
        codec = load();
      } catch (error) {
        failure = error instanceof Error ? error : new Error(String(error));
        throw failure;
      }
    }
    return codec.batch();
  };
}
