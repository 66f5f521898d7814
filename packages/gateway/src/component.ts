import type { Logger } from 'pino';
import type { z } from 'zod';
import type { EncodedBatch } from './encoded-batch.ts';
import type { InFlightBytes } from './memory/guard.ts';
import type { BatchConsumer } from './pipeline/consumer.ts';
import type { Signal } from './signal.ts';
import type { GatewayMetrics } from './telemetry/metrics.ts';

/**
 * The lifecycle every component implements. Contract:
 * - `start()` is called once, exporters first and receivers last.
 * - `shutdown(deadline)` works without a prior `start()`, may be called twice (the second call
 *   waits for the first), flushes what the component holds into its consumers, and returns by
 *   the time `deadline` aborts (it may drop what is left then, counting it).
 * Components are stopped in reverse start order, so each stage drains into consumers that run.
 */
export interface Lifecycle {
  start(): Promise<void>;
  shutdown(deadline: AbortSignal): Promise<void>;
}

/** What the host hands every component: its id, a child logger, the shared self-metrics. */
export interface Settings {
  /** `type` or `type/name`, as written in the config. */
  id: string;
  logger: Logger;
  metrics: GatewayMetrics;
  /** Receivers add the bytes of bodies they are reading, so memory pressure sees them. */
  inFlight: InFlightBytes;
}

/**
 * A destination. `offer` never blocks: it takes the encoded batch and returns true, or returns
 * false when full (the receiver then applies backpressure). Encoded batches are immutable, so
 * one encoding is shared by every exporter of a fan-out.
 */
export interface Exporter extends Lifecycle {
  readonly id: string;
  hasRoom(): boolean;
  offer(batch: EncodedBatch): boolean;
  /** True while the destination answers (for /readyz: not ready when every exporter fails). */
  healthy(): boolean;
}

export interface ExporterFactory<C = unknown> {
  kind: 'exporter';
  type: string;
  configSchema: z.ZodType<C>;
  /** Signals the exporter can carry. */
  signals: readonly Signal[];
  create(settings: Settings, config: C): Exporter;
}

/** A source of data: listens, decodes, hands batches to its consumer. */
export interface Receiver extends Lifecycle {
  /** The bound port (listeners configured with port 0 get one from the OS). */
  readonly port: number;
  /** Switches to a new consumer on hot reload; requests in flight finish with the old one. */
  retarget(next: BatchConsumer): void;
}

export interface ReceiverFactory<C = unknown> {
  kind: 'receiver';
  type: string;
  configSchema: z.ZodType<C>;
  create(settings: Settings, config: C, next: BatchConsumer): Receiver;
}
