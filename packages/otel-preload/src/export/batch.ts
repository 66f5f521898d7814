import { context, TraceFlags } from '@opentelemetry/api';
import type { Context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import type { ExportResult } from '@opentelemetry/core';
import type {
  LogRecordProcessor,
  ReadableLogRecord,
  ReadWriteLogRecord,
} from '@opentelemetry/sdk-logs';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';
import type { Resource } from '@opentelemetry/resources';
import type { PreloadEnv } from '../config/env.ts';
import type { Diagnostics } from '../diag.ts';

/** What a batch queue hands its items to. */
export interface BatchExporter<I> {
  export(items: I[], done: (result: ExportResult) => void): void;
  shutdown(): Promise<void>;
}

export interface BatchSettings<I = unknown> {
  maxQueueSize: number;
  maxExportBatchSize: number;
  scheduledDelayMillis: number;
  exportTimeoutMillis: number;
  /** The variable that bounds the queue, for the warning when it is full. */
  queueVariable: string;
  /** What the items are, for messages ("spans", "log records"). */
  describe: string;
  /** What must settle before a batch is exported (resources still detecting attributes). */
  ready?: (items: I[]) => Promise<unknown> | undefined;
}

/**
 * The queue settings of spans (OTEL_BSP_*) or log records (OTEL_BLRP_*), waiting for resources
 * still detecting attributes.
 */
export function batchSettingsFrom<I extends { readonly resource: Resource }>(
  config: PreloadEnv,
  kind: 'spans' | 'log records',
): BatchSettings<I> {
  const prefix = kind === 'spans' ? 'OTEL_BSP' : 'OTEL_BLRP';
  return {
    maxQueueSize: config[`${prefix}_MAX_QUEUE_SIZE`],
    maxExportBatchSize: config[`${prefix}_MAX_EXPORT_BATCH_SIZE`],
    scheduledDelayMillis: config[`${prefix}_SCHEDULE_DELAY`],
    exportTimeoutMillis: config[`${prefix}_EXPORT_TIMEOUT`],
    queueVariable: `${prefix}_MAX_QUEUE_SIZE`,
    describe: kind,
    ready: pendingResources,
  };
}

/**
 * The detections still running on the items' resources (cloud detectors query the network),
 * or undefined when every resource is complete; exporting earlier would lose their attributes.
 */
export function pendingResources(
  items: readonly { resource: Resource }[],
): Promise<unknown> | undefined {
  let pending: Map<Resource, Promise<void>> | undefined;
  for (let i = 0; i < items.length; i++) {
    const { resource } = items[i]!;
    if (!resource.asyncAttributesPending || pending?.has(resource)) continue;
    const waiting = resource.waitForAsyncAttributes?.();
    if (waiting) (pending ??= new Map()).set(resource, waiting);
  }
  return pending && Promise.all(pending.values());
}

/**
 * A bounded queue exported in batches, one export at a time: a full queue drops new items (and
 * says so, rate-limited), an export that outlives its timeout is given up on, and every export
 * runs with tracing suppressed so the exporter's own requests are never traced. `drain` hands
 * over what is queued for a last synchronous export when the process is about to die.
 */
export class BatchQueue<I> {
  private queue: I[] = [];
  private timer: NodeJS.Timeout | undefined;
  private exporting: Promise<void> | undefined;
  /** The batch being exported, until its export ends. */
  private inFlight: I[] | undefined;
  private dropped = 0;
  private closed = false;
  private readonly exporter: BatchExporter<I>;
  private readonly settings: BatchSettings<I>;
  private readonly diag: Diagnostics;

  constructor(exporter: BatchExporter<I>, settings: BatchSettings<I>, diag: Diagnostics) {
    this.exporter = exporter;
    this.settings = settings;
    this.diag = diag;
  }

  add(item: I): void {
    if (this.closed) return;
    const { maxQueueSize, maxExportBatchSize, scheduledDelayMillis } = this.settings;
    if (this.queue.length >= maxQueueSize) {
      this.dropped++;
      this.diag.warnLimited(
        `${this.settings.describe}-dropped`,
        `dropped ${this.dropped} ${this.settings.describe} so far: the export queue (${this.settings.queueVariable}=${maxQueueSize}) is full`,
      );
      return;
    }
    this.queue.push(item);
    if (this.queue.length >= maxExportBatchSize) this.kick();
    else this.timer ??= setTimeout(() => this.kick(), scheduledDelayMillis).unref();
  }

  /** Exports everything queued; resolves when done (each export bounded by its timeout). */
  async flush(): Promise<void> {
    for (;;) {
      if (this.exporting) await this.exporting;
      else if (this.queue.length > 0) this.kick();
      else return;
    }
  }

  async shutdown(): Promise<void> {
    await this.flush();
    this.closed = true;
    await this.exporter.shutdown();
  }

  /**
   * Removes and returns everything queued, and the batch being exported (whose export may never
   * finish), for a synchronous last-chance export: sending an item twice beats losing it.
   */
  drain(): I[] {
    this.clearTimer();
    const items = [...(this.inFlight ?? []), ...this.queue.splice(0)];
    this.inFlight = undefined;
    return items;
  }

  private kick(): void {
    this.clearTimer();
    if (this.exporting || this.queue.length === 0) return;
    const batch = this.queue.splice(0, this.settings.maxExportBatchSize);
    this.inFlight = batch;
    this.exporting = this.send(batch).finally(() => {
      this.exporting = undefined;
      this.inFlight = undefined;
      if (this.queue.length >= this.settings.maxExportBatchSize) this.kick();
      else if (this.queue.length > 0)
        this.timer ??= setTimeout(() => this.kick(), this.settings.scheduledDelayMillis).unref();
    });
  }

  private send(batch: I[]): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, this.settings.exportTimeoutMillis).unref();
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      const run = () => {
        try {
          context.with(suppressTracing(context.active()), () => this.exporter.export(batch, done));
        } catch (error) {
          this.diag.warnLimited(
            `${this.settings.describe}-export-error`,
            `exporting ${this.settings.describe} failed: ${String(error)}`,
          );
          done();
        }
      };
      const ready = this.settings.ready?.(batch);
      if (ready) void ready.then(run, run);
      else run();
    });
  }

  private clearTimer(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/** Sampled spans, batched through a {@link BatchQueue}. */
export class BatchSpanProcessor implements SpanProcessor {
  readonly queue: BatchQueue<ReadableSpan>;

  constructor(queue: BatchQueue<ReadableSpan>) {
    this.queue = queue;
  }

  onStart(_span: Span, _parentContext: Context): void {}

  onEnd(span: ReadableSpan): void {
    if ((span.spanContext().traceFlags & TraceFlags.SAMPLED) !== 0) this.queue.add(span);
  }

  forceFlush(): Promise<void> {
    return this.queue.flush();
  }

  shutdown(): Promise<void> {
    return this.queue.shutdown();
  }
}

/** Log records, batched through a {@link BatchQueue}. */
export class BatchLogProcessor implements LogRecordProcessor {
  readonly queue: BatchQueue<ReadableLogRecord>;

  constructor(queue: BatchQueue<ReadableLogRecord>) {
    this.queue = queue;
  }

  onEmit(record: ReadWriteLogRecord): void {
    this.queue.add(record);
  }

  forceFlush(): Promise<void> {
    return this.queue.flush();
  }

  shutdown(): Promise<void> {
    return this.queue.shutdown();
  }
}
