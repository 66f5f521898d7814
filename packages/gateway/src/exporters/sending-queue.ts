import { EncodedBatch } from '../encoded-batch.ts';
import type { Signal } from '../signal.ts';
import type { RetryConfig, SendOutcome } from './retry.ts';
import { backoffMs } from './retry.ts';

/** Why a batch was given up on: the `reason` label of the dropped-items metric. */
export type DropKind = 'permanent' | 'retries_exhausted' | 'shutdown';

/** What the queue reports to the exporter's telemetry. */
export interface QueueEvents {
  sent(batch: EncodedBatch, attempts: number, latencyMs: number): void;
  /** A batch given up on; `detail` says what happened (for the log, never a metric label). */
  dropped(batch: EncodedBatch, kind: DropKind, detail: string): void;
  retrying(batch: EncodedBatch, attempt: number, delayMs: number, reason: string): void;
}

/** How offered batches are merged before sending (the Collector's batch processor). */
export interface BatchingOptions {
  enabled: boolean;
  /** A merged batch is sent as soon as it holds this many items... */
  min_items: number;
  /** ...or would grow past this many encoded bytes (a larger single offer is sent alone)... */
  max_bytes: number;
  /** ...or has waited this long. */
  timeout_ms: number;
}

export interface SendingQueueOptions {
  /** Most batches held (open, waiting, not counting those in flight). */
  capacity: number;
  /** Most encoded bytes held, in flight included: the queue's memory bound. */
  maxBytes: number;
  /** Batches sent at once. */
  consumers: number;
  batching: BatchingOptions;
  retry: RetryConfig;
  send(batch: EncodedBatch, signal: AbortSignal): Promise<SendOutcome>;
  events: QueueEvents;
  now?: () => number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

const defaultSleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });

/** A batch still taking offers, and the timer that closes it. */
interface OpenBatch {
  batch: EncodedBatch;
  timer: NodeJS.Timeout | undefined;
}

/**
 * A bounded in-memory queue with its own consumers and retry loop, one per exporter, so a slow
 * or dead destination never stalls another. `offer` is synchronous and refuses when full (by
 * batch count or by bytes), which lets a fan-out check every destination before accepting
 * anything (no partial acceptance). Offers are merged per signal into an open batch that closes
 * on items, bytes or timeout. Every accepted item ends in exactly one `sent` or `dropped` (with a
 * reason): nothing accepted disappears uncounted.
 */
export class SendingQueue {
  private readonly waiting: EncodedBatch[] = [];
  private readonly open = new Map<Signal, OpenBatch>();
  private inFlight = 0;
  private heldItems = 0;
  private heldBytes = 0;
  private readonly stopping = new AbortController();
  private closed = false;
  private idle: (() => void) | undefined;
  private readonly opts: Required<SendingQueueOptions>;

  constructor(options: SendingQueueOptions) {
    this.opts = { now: Date.now, sleep: defaultSleep, ...options };
  }

  /** Batches held and not yet sending (open ones included). */
  get size(): number {
    return this.waiting.length + this.open.size;
  }

  get capacity(): number {
    return this.opts.capacity;
  }

  /** Items (spans, points, records) held or in flight. */
  get pendingItems(): number {
    return this.heldItems;
  }

  /** Encoded bytes held or in flight. */
  get pendingBytes(): number {
    return this.heldBytes;
  }

  hasRoom(): boolean {
    return !this.closed && this.size < this.opts.capacity && this.heldBytes < this.opts.maxBytes;
  }

  /**
   * Accepts a batch if there is room; never blocks. The batch's bytes are shared, never changed,
   * so the caller may offer the same batch to other queues.
   */
  offer(batch: EncodedBatch): boolean {
    if (!this.hasRoom()) return false;
    this.heldItems += batch.items;
    this.heldBytes += batch.bytes;
    const { batching } = this.opts;
    if (!batching.enabled) {
      this.waiting.push(batch); // never appended to: only open batches are, and they are ours
      this.pump();
      return true;
    }
    let current = this.open.get(batch.signal);
    if (current && current.batch.bytes + batch.bytes > batching.max_bytes) {
      this.close(batch.signal);
      current = undefined;
    }
    if (!current) {
      current = { batch: new EncodedBatch(batch.signal), timer: undefined };
      this.open.set(batch.signal, current);
      const signal = batch.signal;
      current.timer = setTimeout(() => this.close(signal), batching.timeout_ms);
      current.timer.unref();
    }
    current.batch.append(batch);
    if (current.batch.items >= batching.min_items || current.batch.bytes >= batching.max_bytes)
      this.close(batch.signal);
    return true;
  }

  /** Moves the open batch of `signal` to the send line. */
  private close(signal: Signal): void {
    const current = this.open.get(signal);
    if (!current) return;
    clearTimeout(current.timer);
    this.open.delete(signal);
    this.waiting.push(current.batch);
    this.pump();
  }

  private pump(): void {
    while (this.inFlight < this.opts.consumers && this.waiting.length > 0) {
      const batch = this.waiting.shift()!;
      this.inFlight++;
      void this.deliver(batch).finally(() => {
        this.inFlight--;
        this.heldItems -= batch.items;
        this.heldBytes -= batch.bytes;
        this.pump();
        if (this.inFlight === 0 && this.size === 0) this.idle?.();
      });
    }
  }

  private async deliver(batch: EncodedBatch): Promise<void> {
    const { retry, send, events, now, sleep } = this.opts;
    const started = now();
    for (let attempt = 1; ; attempt++) {
      let outcome: SendOutcome;
      try {
        outcome = await send(batch, this.stopping.signal);
      } catch (error) {
        outcome = { ok: false, retryable: true, reason: String(error) };
      }
      if (outcome.ok) {
        events.sent(batch, attempt, now() - started);
        return;
      }
      if (!outcome.retryable || !retry.enabled) {
        events.dropped(batch, 'permanent', outcome.reason);
        return;
      }
      const delay = backoffMs(retry, attempt, outcome.retryAfterMs);
      if (now() + delay - started > retry.max_elapsed_ms) {
        events.dropped(batch, 'retries_exhausted', `after ${attempt} attempts: ${outcome.reason}`);
        return;
      }
      if (this.stopping.signal.aborted) {
        events.dropped(batch, 'shutdown', outcome.reason);
        return;
      }
      events.retrying(batch, attempt, delay, outcome.reason);
      await sleep(delay, this.stopping.signal);
      if (this.stopping.signal.aborted) {
        events.dropped(batch, 'shutdown', outcome.reason);
        return;
      }
    }
  }

  /**
   * Stops accepting, sends open batches at once, then waits for every accepted batch to be sent
   * or dropped. At `deadline` it aborts in-flight sends and retry waits; batches still waiting
   * are dropped and counted.
   */
  async drain(deadline: AbortSignal): Promise<void> {
    this.closed = true;
    for (const signal of [...this.open.keys()]) this.close(signal);
    const done = new Promise<void>((resolve) => {
      if (this.inFlight === 0 && this.size === 0) resolve();
      else this.idle = resolve;
    });
    const onDeadline = () => {
      this.stopping.abort();
      for (const batch of this.waiting.splice(0)) {
        this.heldItems -= batch.items;
        this.heldBytes -= batch.bytes;
        this.opts.events.dropped(batch, 'shutdown', 'never sent');
      }
      if (this.inFlight === 0) this.idle?.();
    };
    if (deadline.aborted) onDeadline();
    else deadline.addEventListener('abort', onDeadline, { once: true });
    await done;
    deadline.removeEventListener('abort', onDeadline);
  }
}
