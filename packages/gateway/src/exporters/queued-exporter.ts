import { z } from 'zod';
import type { Exporter, Settings } from '../component.ts';
import type { Batch } from '../signal.ts';
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
  .default({ capacity: 1000, consumers: 4, on_full: 'refuse' });

export type QueueConfig = z.infer<typeof queueConfigSchema>;

/** `permanent: HTTP 400` → `permanent`; the metric label keeps a small fixed set of values. */
const reasonLabel = (reason: string) =>
  reason.slice(0, reason.indexOf(':') === -1 ? undefined : reason.indexOf(':')).replace(/ /g, '_');

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
  private readonly countFullDrop: (batch: Batch) => void;

  constructor(
    settings: Settings,
    queue: QueueConfig,
    retry: RetryConfig,
    send: (batch: Batch, signal: AbortSignal) => Promise<SendOutcome>,
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
    metrics.queueCapacity.set({ exporter: id }, queue.capacity);
    const observeSize = () => metrics.queueSize.set({ exporter: id }, this.queue.size);
    this.queue = new SendingQueue({
      capacity: queue.capacity,
      consumers: queue.consumers,
      retry,
      send: async (batch, signal) => {
        const outcome = await send(batch, signal);
        this.consecutiveFailures = outcome.ok ? 0 : this.consecutiveFailures + 1;
        observeSize();
        return outcome;
      },
      events: {
        sent: (batch, _attempts, latencyMs) => {
          metrics.exporterSent.inc({ exporter: id, signal: batch.signal }, batch.items);
          metrics.exportLatency.observe({ exporter: id, signal: batch.signal }, latencyMs / 1000);
        },
        dropped: (batch, reason) => {
          metrics.exporterDropped.inc(
            { exporter: id, signal: batch.signal, reason: reasonLabel(reason) },
            batch.items,
          );
          logger.warn({ signal: batch.signal, items: batch.items, reason }, 'dropped a batch');
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

  offer(batch: Batch): boolean {
    if (this.queue.offer(batch)) return true;
    if (!this.dropWhenFull) return false;
    this.countFullDrop(batch);
    return true;
  }

  healthy(): boolean {
    return this.consecutiveFailures < 3;
  }

  shutdown(deadline: AbortSignal): Promise<void> {
    this.shutdownPromise ??= this.queue.drain(deadline).then(() => this.onShutdown());
    return this.shutdownPromise;
  }
}
