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

/**
 * Items gathered for one export. A batch may encode each item as it is added (spans in
 * protobuf) or keep the items until {@link encode} (JSON, log records).
 */
export interface Batch<I> {
  readonly count: number;
  /** Adds an item; throws if it cannot be encoded, leaving the batch as it was. */
  add(item: I): void;
  /** What must settle before the batch is encoded (resources still detecting attributes). */
  ready(): Promise<unknown> | undefined;
  /** The OTLP request body. */
  encode(): Uint8Array;
}

/** What a batch queue hands its encoded batches to. */
export interface BatchExporter {
  export(body: Uint8Array, count: number, done: (result: ExportResult) => void): void;
  shutdown(): Promise<void>;
  /** Gives up what is in flight at once, so that nothing of the exporter keeps the process up. */
  abort(): void;
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
  /** A new, empty batch. */
  newBatch: () => Batch<I>;
}

/** The queue settings of spans (OTEL_BSP_*) or log records (OTEL_BLRP_*). */
export function batchSettingsFrom<I>(
  config: PreloadEnv,
  kind: 'spans' | 'log records',
  newBatch: () => Batch<I>,
): BatchSettings<I> {
  const prefix = kind === 'spans' ? 'OTEL_BSP' : 'OTEL_BLRP';
  return {
    maxQueueSize: config[`${prefix}_MAX_QUEUE_SIZE`],
    maxExportBatchSize: config[`${prefix}_MAX_EXPORT_BATCH_SIZE`],
    scheduledDelayMillis: config[`${prefix}_SCHEDULE_DELAY`],
    exportTimeoutMillis: config[`${prefix}_EXPORT_TIMEOUT`],
    queueVariable: `${prefix}_MAX_QUEUE_SIZE`,
    describe: kind,
    newBatch,
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

/** A batch that keeps its items and encodes them all at once when exported. */
export class ItemBatch<I extends { readonly resource: Resource }> implements Batch<I> {
  readonly items: I[] = [];
  private readonly encodeItems: (items: readonly I[]) => Uint8Array;

  constructor(encodeItems: (items: readonly I[]) => Uint8Array) {
    this.encodeItems = encodeItems;
  }

  get count(): number {
    return this.items.length;
  }

  add(item: I): void {
    this.items.push(item);
  }

  ready(): Promise<unknown> | undefined {
    return pendingResources(this.items);
  }

  encode(): Uint8Array {
    return this.encodeItems(this.items);
  }
}

/** Items encoded together at most (see {@link BatchQueue.pending}). */
const GROUP = 64;

/**
 * A bounded queue exported in batches, one export at a time: a full queue drops new items (and
 * says so, rate-limited), an item that cannot be encoded is dropped (and said so), an export
 * that outlives its timeout is given up on, and every export runs with tracing suppressed so
 * the exporter's own requests are never traced. `drain` hands over what is queued for a last
 * synchronous export when the process is about to die.
 */
export class BatchQueue<I> {
  /** Full batches waiting for their export, oldest first. */
  private readonly full: Batch<I>[] = [];
  /** The batch new items go to. */
  private open: Batch<I> | undefined;
  /** Items in `full` and `open`. */
  private queued = 0;
  /**
   * Items added since the last encoding pass. They are encoded together, {@link GROUP} at a time
   * or at the end of the event-loop turn: one at a time between requests, the encoder ran with
   * cold caches and cost several times as much per item.
   */
  private pending: I[] = [];
  private immediate: NodeJS.Immediate | undefined;
  private timer: NodeJS.Timeout | undefined;
  private exporting: Promise<void> | undefined;
  /** The batch being exported, until its export ends. */
  private inFlight: Batch<I> | undefined;
  private dropped = 0;
  private closed = false;
  private readonly exporter: BatchExporter;
  private readonly settings: BatchSettings<I>;
  private readonly diag: Diagnostics;

  constructor(exporter: BatchExporter, settings: BatchSettings<I>, diag: Diagnostics) {
    this.exporter = exporter;
    this.settings = settings;
    this.diag = diag;
  }

  add(item: I): void {
    if (this.closed) return;
    const { maxQueueSize, describe } = this.settings;
    if (this.queued + this.pending.length >= maxQueueSize) {
      this.dropped++;
      this.diag.warnLimited(
        `${describe}-dropped`,
        `dropped ${this.dropped} ${describe} so far: the export queue (${this.settings.queueVariable}=${maxQueueSize}) is full`,
      );
      return;
    }
    this.pending.push(item);
    if (this.pending.length >= GROUP) this.encodePending();
    else this.immediate ??= setImmediate(() => this.encodePending()).unref();
  }

  /** Encodes the pending items into the open batch, closing batches as they fill. */
  private encodePending(): void {
    clearImmediate(this.immediate);
    this.immediate = undefined;
    const items = this.pending;
    this.pending = [];
    for (let i = 0; i < items.length; i++) this.encode(items[i]!);
  }

  private encode(item: I): void {
    const { maxExportBatchSize, scheduledDelayMillis, describe } = this.settings;
    let batch: Batch<I>;
    try {
      batch = this.open ??= this.settings.newBatch();
      batch.add(item);
    } catch (error) {
      this.diag.warnLimited(
        `${describe}-unencodable`,
        `dropped ${describe} that could not be encoded: ${String(error)}`,
      );
      return;
    }
    this.queued++;
    if (batch.count >= maxExportBatchSize) {
      this.full.push(batch);
      this.open = undefined;
      this.kick();
    } else this.timer ??= setTimeout(() => this.kick(), scheduledDelayMillis).unref();
  }

  /** Exports everything queued; resolves when done (each export bounded by its timeout). */
  async flush(): Promise<void> {
    for (;;) {
      this.encodePending();
      if (this.exporting) await this.exporting;
      else if (this.queued > 0) this.kick();
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
  drain(): Batch<I>[] {
    this.encodePending();
    this.clearTimer();
    const batches = [this.inFlight, ...this.full.splice(0), this.open].filter(
      (batch): batch is Batch<I> => batch !== undefined && batch.count > 0,
    );
    this.inFlight = undefined;
    this.open = undefined;
    this.queued = 0;
    return batches;
  }

  private kick(): void {
    this.clearTimer();
    if (this.exporting) return;
    let batch = this.full.shift();
    if (batch === undefined && this.open !== undefined && this.open.count > 0) {
      batch = this.open;
      this.open = undefined;
    }
    if (batch === undefined) return;
    this.queued -= batch.count;
    this.inFlight = batch;
    this.exporting = this.send(batch).finally(() => {
      this.exporting = undefined;
      this.inFlight = undefined;
      if (this.full.length > 0) this.kick();
      else if (this.queued > 0)
        this.timer ??= setTimeout(() => this.kick(), this.settings.scheduledDelayMillis).unref();
    });
  }

  private send(batch: Batch<I>): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, this.settings.exportTimeoutMillis).unref();
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      const run = () => {
        try {
          const body = batch.encode();
          context.with(suppressTracing(context.active()), () =>
            this.exporter.export(body, batch.count, done),
          );
        } catch (error) {
          this.diag.warnLimited(
            `${this.settings.describe}-export-error`,
            `exporting ${this.settings.describe} failed: ${String(error)}`,
          );
          done();
        }
      };
      let ready: Promise<unknown> | undefined;
      try {
        ready = batch.ready();
      } catch {
        // Resources that cannot say whether they are complete are exported as they are.
      }
      if (ready) void ready.then(run, run);
      else run();
    });
  }

  /**
   * Gives up: drops what is queued and aborts the export in flight, so that no timer or socket
   * of the queue keeps the process alive (a flush at shutdown ran out of time). Later items are
   * dropped.
   */
  abandon(): void {
    this.closed = true;
    this.pending = []; // dropped unencoded: drain would encode them
    this.drain();
    this.exporter.abort();
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
