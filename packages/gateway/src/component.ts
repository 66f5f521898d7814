import type { Logger } from 'pino';
import type { z } from 'zod';
import type { EncodedBatch } from './encoded-batch.ts';
import type { MemoryBudget } from './memory/guard.ts';
import type { BatchConsumer } from './pipeline/consumer.ts';
import type { Delivery } from './pipeline/delivery.ts';
import type { Batch, RequestContext, Signal } from './signal.ts';
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
  /** Receivers reserve the bytes of bodies they are reading, so concurrent bodies cannot all pass. */
  memory: MemoryBudget;
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

/**
 * Work a component does only if the request it is processing is accepted: counting what it
 * redacted, routed or dropped. A request refused after processing (a full destination found by a
 * connector further on, a processor that throws) is retried by the client, so counting it then
 * would count the same data again on every retry.
 */
export interface Effects {
  defer(effect: () => void): void;
}

/** Effects applied at once: for a processor or connector used outside a pipeline (tests). */
export const IMMEDIATE: Effects = { defer: (effect) => effect() };

/** A processor's answer that removes the whole batch (filtering, sampling). */
export const DROP: unique symbol = Symbol('drop');
/** A processor's answer that it changed nothing: the batch keeps the bytes it arrived in. */
export const UNCHANGED: unique symbol = Symbol('unchanged');

/**
 * A step of a pipeline: a synchronous function of the batch. Returning a batch (the same object,
 * changed in place, or a new one) means it may have changed, so its received encoding is dropped
 * and it is encoded again before export; return UNCHANGED when nothing changed. A processor keeps
 * `batch.items` current, never writes into a byte array of the request (ids and bytes values are
 * views of the received body, shared with every exporter: replace them instead), and never calls
 * the next stage itself: the shared wrapper (`ProcessorStage`) forwards, counts and maps errors.
 */
export interface Processor extends Lifecycle {
  /**
   * `context` is the batch's own (`batch.context`): the receiver, tenant and passed-on headers.
   * Counting goes through `effects`, so it happens only if the request is accepted.
   */
  process(
    batch: Batch,
    context: RequestContext,
    effects: Effects,
  ): Batch | typeof DROP | typeof UNCHANGED;
}

export interface ProcessorFactory<C = unknown> {
  kind: 'processor';
  type: string;
  configSchema: z.ZodType<C>;
  /**
   * True when `process` may change the batch it is given in place. A fan-out gives each mutating
   * branch its own copy (the last one the original) and shares the batch among the others.
   */
  mutates: boolean;
  /** One instance per pipeline that lists the processor (pipelines never share state). */
  create(settings: Settings, config: C): Processor;
}

/**
 * What a connector feeds: one pipeline that lists the connector as a receiver. Pipelines
 * implement it; `route` runs the pipeline and adds its offers to `delivery` without making them.
 */
export interface Downstream {
  readonly id: string;
  readonly signal: Signal;
  /** True when the pipeline, or anything downstream of it, changes batches in place. */
  readonly mutates: boolean;
  saturated(): boolean;
  route(batch: Batch, delivery: Delivery): void;
}

/**
 * The exporter end of one pipeline joined to the receiver end of others. It runs inside the
 * caller's synchronous accept, so acceptance stays all-or-nothing across the whole graph.
 */
export interface Connector extends Lifecycle {
  readonly id: string;
  /** True when some pipeline the connector may feed changes batches in place. */
  readonly mutates: boolean;
  /**
   * False when no request could be accepted now: the receiver then refuses before reading the
   * body. A connector that routes by content may still refuse a given request in `route`, by
   * throwing `RouteFull` before anything is offered.
   */
  hasRoom(): boolean;
  route(batch: Batch, delivery: Delivery): void;
}

/** The pipelines joined by a connector, by name. */
export interface ConnectorUse {
  from: readonly string[];
  to: readonly string[];
}

/** A problem a component finds in its config, at a path inside that config. */
export interface ConfigProblem {
  path: (string | number)[];
  message: string;
}

export interface ConnectorFactory<C = unknown> {
  kind: 'connector';
  type: string;
  configSchema: z.ZodType<C>;
  /** Whether data of signal `from` may leave through the connector into a pipeline of `to`. */
  connects(from: Signal, to: Signal): boolean;
  /**
   * Checks the connector's own config against how the pipelines use it: `from` lists the
   * pipelines exporting to it, `to` those receiving from it. Run by the config schema, so a bad
   * table is refused at start and on reload. Paths are relative to the connector's config.
   */
  checkUse?(config: C, use: ConnectorUse): ConfigProblem[];
  /** `downstream`: the pipelines listing the connector as a receiver, by pipeline id. */
  create(settings: Settings, config: C, downstream: ReadonlyMap<string, Downstream>): Connector;
}
