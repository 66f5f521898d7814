import type { Batch } from '../signal.ts';
import type { RetryConfig, SendOutcome } from './retry.ts';
import { backoffMs } from './retry.ts';

/** What the queue reports to the exporter's telemetry. */
export interface QueueEvents {
  sent(batch: Batch, attempts: number, latencyMs: number): void;
  /** A batch given up on: non-retryable failure, retries exhausted, or shutdown deadline. */
  dropped(batch: Batch, reason: string): void;
  retrying(batch: Batch, attempt: number, delayMs: number, reason: string): void;
}

export interface SendingQueueOptions {
  /** Most batches waiting (not counting those in flight). */
  capacity: number;
  /** Batches sent at once. */
  consumers: number;
  retry: RetryConfig;
  send(batch: Batch, signal: AbortSignal): Promise<SendOutcome>;
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

/**
 * A bounded in-memory queue with its own consumers and retry loop, one per exporter, so a slow
 * or dead destination never stalls another. `offer` is synchronous and refuses when full, which
 * lets a fan-out check every destination before accepting anything (no partial acceptance).
 * Every accepted batch ends in exactly one of `sent` or `dropped` (with a reason): nothing
 * accepted disappears uncounted.
 */
export class SendingQueue {
  private readonly waiting: Batch[] = [];
  private inFlight = 0;
  private waitingItems = 0;
  private readonly stopping = new AbortController();
  private idle: (() => void) | undefined;
  private readonly opts: Required<SendingQueueOptions>;

  constructor(options: SendingQueueOptions) {
    this.opts = { now: Date.now, sleep: defaultSleep, ...options };
  }

  /** Batches waiting to be sent. */
  get size(): number {
    return this.waiting.length;
  }

  get capacity(): number {
    return this.opts.capacity;
  }

  /** Items (spans, points, records) waiting or in flight. */
  get pendingItems(): number {
    return this.waitingItems;
  }

  hasRoom(): boolean {
    return this.waiting.length < this.opts.capacity && !this.stopping.signal.aborted;
  }

  /** Accepts a batch if there is room; never blocks. The queue owns the batch afterwards. */
  offer(batch: Batch): boolean {
    if (!this.hasRoom()) return false;
    this.waiting.push(batch);
    this.waitingItems += batch.items;
    this.pump();
    return true;
  }

  private pump(): void {
    while (this.inFlight < this.opts.consumers && this.waiting.length > 0) {
      const batch = this.waiting.shift()!;
      this.inFlight++;
      void this.deliver(batch).finally(() => {
        this.inFlight--;
        this.waitingItems -= batch.items;
        this.pump();
        if (this.inFlight === 0 && this.waiting.length === 0) this.idle?.();
      });
    }
  }

  private async deliver(batch: Batch): Promise<void> {
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
        events.dropped(batch, `permanent: ${outcome.reason}`);
        return;
      }
      const delay = backoffMs(retry, attempt, outcome.retryAfterMs);
      if (now() + delay - started > retry.max_elapsed_ms) {
        events.dropped(batch, `retries exhausted after ${attempt} attempts: ${outcome.reason}`);
        return;
      }
      if (this.stopping.signal.aborted) {
        events.dropped(batch, `shutdown deadline: ${outcome.reason}`);
        return;
      }
      events.retrying(batch, attempt, delay, outcome.reason);
      await sleep(delay, this.stopping.signal);
      if (this.stopping.signal.aborted) {
        events.dropped(batch, `shutdown deadline: ${outcome.reason}`);
        return;
      }
    }
  }

  /**
   * Stops accepting, then waits for every accepted batch to be sent or dropped. At `deadline`
   * it aborts in-flight sends and retry waits; batches still waiting are dropped and counted.
   */
  async drain(deadline: AbortSignal): Promise<void> {
    const done = new Promise<void>((resolve) => {
      if (this.inFlight === 0 && this.waiting.length === 0) resolve();
      else this.idle = resolve;
    });
    const onDeadline = () => {
      this.stopping.abort();
      for (const batch of this.waiting.splice(0)) {
        this.waitingItems -= batch.items;
        this.opts.events.dropped(batch, 'shutdown deadline: never sent');
      }
      if (this.inFlight === 0) this.idle?.();
    };
    if (deadline.aborted) onDeadline();
    else deadline.addEventListener('abort', onDeadline, { once: true });
    // New batches are refused from now on, but those already waiting still go out.
    this.opts.capacity = 0;
    await done;
    deadline.removeEventListener('abort', onDeadline);
  }
}
