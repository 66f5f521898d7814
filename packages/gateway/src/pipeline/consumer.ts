import type { Batch, Signal } from '../signal.ts';

/**
 * Why data was refused; receivers map it to HTTP/gRPC status codes, and `reason` is the refusal
 * metric's label (a fixed set; anything specific goes in `detail`).
 */
export type Refusal =
  | { retryable: true; reason: 'backpressure' | 'memory' | 'shutting_down' }
  | { retryable: false; reason: 'no_pipeline' | 'processor_error'; detail?: string };

/**
 * What a receiver hands its data to. Both calls are synchronous: processors are plain functions
 * and exporters' queues accept or refuse at once, so a batch is either fully accepted by every
 * destination or refused before any takes it (no duplicates when the client retries).
 */
export interface BatchConsumer {
  /** A refusal to apply before reading and decoding a request of `signal`, or undefined. */
  precheck(signal: Signal): Refusal | undefined;
  /** Runs the pipelines; undefined when accepted (the batch then belongs to them). */
  accept(batch: Batch): Refusal | undefined;
}
