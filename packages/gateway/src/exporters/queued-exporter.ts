import { z } from 'zod';
import type { Exporter, Settings } from '../component.ts';
import type { EncodedBatch } from '../encoded-batch.ts';
import type { RetryConfig, SendOutcome } from './retry.ts';
import { SendingQueue } from './sending-queue.ts';

export const queueConfigSchema = z
  .strictObject({
    capacity: z
      .number()
      .int()
      .positive()
      .default(1000)
      .describe('Most batches waiting; beyond it receivers refuse (backpressure).'),
    max_size_mib: z
      .number()
      .positive()
      .default(64)
      .describe(
        "Most encoded data held (waiting and in flight), in MiB: the queue's memory bound. Beyond it receivers refuse.",
      ),
    consumers: z
      .number()
      .int()
      .positive()
      .max(256)
      .default(4)
      .describe('Batches sent concurrently.'),
    on_full: z
      .enum(['refuse', 'drop'])
      .default('refuse')
      .describe(
        'refuse: receivers answer 503/UNAVAILABLE so clients retry (nothing lost); drop: this destination skips the batch, counted in otelgw_exporter_dropped_items_total{reason="queue_full"}, so a dead non-critical destination never stalls the others.',
      ),
  })
  .default({ capacity: 1000, max_size_mib: 64, consumers: 4, on_full: 'refuse' });

export type QueueConfig = z.infer<typeof queueConfigSchema>;

const MIB = 1024 * 1024;

export const batchConfigSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Merge incoming requests before sending.'),
    min_items: z
      .number()
      .int()
      .positive()
      .default(8192)
      .describe('Send a merged batch once it holds this many spans, data points or log records.'),
    max_bytes: z
      .number()
      .int()
      .positive()
      .default(3 * MIB)
      .describe(
        'Never merge past this encoded size (below the common 4 MiB gRPC message limit); one larger request is sent alone.',
      ),
    timeout_ms: z
      .number()
      .int()
      .positive()
      .default(200)
      .describe('Send whatever is merged after this long.'),
  })
  .default({ enabled: true, min_items: 8192, max_bytes: 3 * MIB, timeout_ms: 200 });

export type BatchConfig = z.infer<typeof batchConfigSchema>;

/** What every queued exporter is configured with. */
export interface QueuedExporterOptions {
  queue: QueueConfig;
  batch: BatchConfig;
  retry: RetryConfig;
}

/**
 * The shared exporter wrapper (the Collector's exporterhelper): a sending queue with retry in
 * front of a `send` function, plus the standard counters. Concrete exporters only encode and
 * transmit one batch and classify the outcome.
 */
export class QueuedExporter implements Exporter {
  readonly id: string;
  private readonly queue: SendingQueue;
  private consecutiveFailures = 0;
  private shutdownPromise: Promise<void> | undefined;
  private readonly onShutdown: () => Promise<void>;
  private readonly dropWhenFull: boolean;
  private readonly unwatch: () => void;
  private readonly countFullDrop: (batch: EncodedBatch) => void;

  constructor(
    settings: Settings,
    { queue, batch: batching, retry }: QueuedExporterOptions,
    send: (batch: EncodedBatch, signal: AbortSignal) => Promise<SendOutcome>,
    onShutdown: () => Promise<void> = () => Promise.resolve(),
  ) {
    this.id = settings.id;
    this.onShutdown = onShutdown;
    this.dropWhenFull = queue.on_full === 'drop';
    this.countFullDrop = (batch) =>
      settings.metrics.exporterDropped.inc(
        { exporter: settings.id, signal: batch.signal, reason: 'queue_full' },
        batch.items,
      );
    const { metrics, logger } = settings;
    const id = settings.id;
    this.unwatch = metrics.watchQueue(id, () => ({
      size: this.queue.size,
      capacity: queue.capacity,
      bytes: this.queue.pendingBytes,
      bytesCapacity: queue.max_size_mib * MIB,
    }));
    this.queue = new SendingQueue({
      capacity: queue.capacity,
      maxBytes: queue.max_size_mib * MIB,
      consumers: queue.consumers,
      batching,
      retry,
      send: async (batch, signal) => {
        const outcome = await send(batch, signal);
        this.consecutiveFailures = outcome.ok ? 0 : this.consecutiveFailures + 1;
        return outcome;
      },
      events: {
        sent: (batch, _attempts, latencyMs) => {
          metrics.exporterSent.inc({ exporter: id, signal: batch.signal }, batch.items);
          metrics.exportLatency.observe({ exporter: id, signal: batch.signal }, latencyMs / 1000);
        },
        dropped: (batch, kind, detail) => {
          metrics.exporterDropped.inc(
            { exporter: id, signal: batch.signal, reason: kind },
            batch.items,
          );
          logger.warn(
            { signal: batch.signal, items: batch.items, reason: kind, detail },
            'dropped a batch',
          );
        },
        retrying: (batch, attempt, delayMs, reason) => {
          metrics.exporterRetries.inc({ exporter: id, signal: batch.signal });
          if (attempt === 1)
            logger.info({ signal: batch.signal, delayMs, reason }, 'send failed, retrying');
        },
      },
    });
  }

  start(): Promise<void> {
    return Promise.resolve();
  }

  hasRoom(): boolean {
    return this.dropWhenFull || this.queue.hasRoom();
  }

  offer(batch: EncodedBatch): boolean {
    if (this.queue.offer(batch)) return true;
    if (!this.dropWhenFull) return false;
    this.countFullDrop(batch);
    return true;
  }

  healthy(): boolean {
    return this.consecutiveFailures < 3;
  }

  shutdown(deadline: AbortSignal): Promise<void> {
    this.shutdownPromise ??= this.queue.drain(deadline).then(() => {
      this.unwatch();
      return this.onShutdown();
    });
    return this.shutdownPromise;
  }
}
