import { describe, expect, it } from 'vitest';
import { EncodedBatch } from '../encoded-batch.ts';
import type { SendOutcome } from './retry.ts';
import { backoffMs, retryConfigSchema } from './retry.ts';
import type { BatchingOptions } from './sending-queue.ts';
import { SendingQueue } from './sending-queue.ts';

/** A batch whose one byte names it; merged batches are named by their bytes joined with '+'. */
const batch = (id: number, items = 1, signal: 'traces' | 'logs' = 'traces') =>
  new EncodedBatch(signal, [Uint8Array.of(id)], items);
const nameOf = (b: EncodedBatch) => [...b.body()].join('+');
const unbatched: BatchingOptions = {
  enabled: false,
  min_items: 1,
  max_bytes: 1 << 20,
  timeout_ms: 1000,
};
const retry = retryConfigSchema.parse({
  initial_interval_ms: 100,
  max_interval_ms: 1000,
  max_elapsed_ms: 5000,
  jitter: 0,
});

/** A queue over a scripted sender, with a virtual clock so retries take no real time. */
function harness(
  script: (
    b: EncodedBatch,
    attempt: number,
    signal: AbortSignal,
  ) => SendOutcome | Promise<SendOutcome>,
  capacity = 10,
  consumers = 2,
  batching = unbatched,
  maxBytes = 1 << 20,
) {
  let clock = 0;
  const attempts = new Map<string, number>();
  const log = {
    sent: [] as string[],
    dropped: [] as [string, string][],
    retried: [] as string[],
    delays: [] as number[],
  };
  const queue = new SendingQueue({
    capacity,
    maxBytes,
    consumers,
    batching,
    retry,
    now: () => clock,
    sleep: async (ms) => {
      log.delays.push(ms);
      clock += ms;
      await Promise.resolve();
    },
    send: (b, signal) => {
      const n = (attempts.get(nameOf(b)) ?? 0) + 1;
      attempts.set(nameOf(b), n);
      return Promise.resolve(script(b, n, signal));
    },
    events: {
      sent: (b) => log.sent.push(nameOf(b)),
      dropped: (b, kind, detail) => log.dropped.push([nameOf(b), `${kind}: ${detail}`]),
      retrying: (b) => log.retried.push(nameOf(b)),
    },
  });
  return { queue, log, attempts };
}

const settle = async () => {
  for (let i = 0; i < 50; i++) await new Promise((resolve) => setImmediate(resolve));
};

describe('SendingQueue', () => {
  it('delivers every accepted batch', async () => {
    const { queue, log } = harness(() => ({ ok: true }));
    for (let i = 0; i < 5; i++) expect(queue.offer(batch(i))).toBe(true);
    await settle();
    expect(log.sent.sort()).toEqual(['0', '1', '2', '3', '4']);
    expect(queue.pendingItems).toBe(0);
  });

  it('refuses when full instead of dropping', () => {
    const never = new Promise<SendOutcome>(() => undefined);
    const { queue } = harness(() => never, 2, 1);
    expect(queue.offer(batch(1))).toBe(true); // in flight
    expect(queue.offer(batch(2))).toBe(true);
    expect(queue.offer(batch(3))).toBe(true);
    expect(queue.hasRoom()).toBe(false);
    expect(queue.offer(batch(4))).toBe(false);
    expect(queue.size).toBe(2);
  });

  it('retries retryable failures with backoff, honouring Retry-After', async () => {
    const { queue, log, attempts } = harness((_b, n) =>
      n < 3
        ? {
            ok: false,
            retryable: true,
            reason: 'HTTP 503',
            retryAfterMs: n === 2 ? 2500 : undefined,
          }
        : { ok: true },
    );
    queue.offer(batch(1));
    await settle();
    expect(attempts.get('1')).toBe(3);
    expect(log.delays).toEqual([100, 2500]);
    expect(log.sent).toEqual(['1']);
  });

  it('drops a permanent failure at once, with the reason', async () => {
    const { queue, log, attempts } = harness(() => ({
      ok: false,
      retryable: false,
      reason: 'HTTP 400',
    }));
    queue.offer(batch(1));
    await settle();
    expect(attempts.get('1')).toBe(1);
    expect(log.dropped).toEqual([['1', 'permanent: HTTP 400']]);
  });

  it('gives up after max_elapsed_ms and counts the batch', async () => {
    const { queue, log } = harness(() => ({
      ok: false,
      retryable: true,
      reason: 'connection refused',
    }));
    queue.offer(batch(1));
    await settle();
    expect(log.sent).toEqual([]);
    expect(log.dropped).toHaveLength(1);
    expect(log.dropped[0]![1]).toMatch(
      /^retries_exhausted: after \d+ attempts: connection refused$/,
    );
    expect(log.delays.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(5000);
  });

  it('drain sends what was accepted, then refuses new batches', async () => {
    const { queue, log } = harness(() => ({ ok: true }), 10, 1);
    for (let i = 0; i < 4; i++) queue.offer(batch(i));
    await queue.drain(new AbortController().signal);
    expect(log.sent).toHaveLength(4);
    expect(queue.offer(batch(9))).toBe(false);
  });

  it('at the shutdown deadline, aborts the send in flight and drops every batch, with the reason', async () => {
    // A send that hangs until the queue aborts it, then fails retryably, as a timed-out request.
    const { queue, log, attempts } = harness(
      (_b, _n, signal) =>
        new Promise<SendOutcome>((resolve) =>
          signal.addEventListener('abort', () =>
            resolve({ ok: false, retryable: true, reason: 'request aborted' }),
          ),
        ),
      10,
      1,
    );
    for (let i = 0; i < 4; i++) expect(queue.offer(batch(i, 10))).toBe(true);
    const deadline = new AbortController();
    const drained = queue.drain(deadline.signal);
    await settle();
    expect(log.dropped).toEqual([]); // nothing is given up before the deadline
    deadline.abort();
    await drained;
    expect(log.sent).toEqual([]);
    expect(log.dropped).toEqual([
      ['1', 'shutdown: never sent'],
      ['2', 'shutdown: never sent'],
      ['3', 'shutdown: never sent'],
      ['0', 'shutdown: request aborted'],
    ]);
    expect(Object.fromEntries(attempts)).toEqual({ '0': 1 });
    expect(log.retried).toEqual([]); // a failure after the deadline is not retried
    expect([queue.pendingItems, queue.pendingBytes, queue.size]).toEqual([0, 0, 0]);
  });

  it('counts a send that completes after the deadline as sent, and drops only the waiting', async () => {
    let finish: (outcome: SendOutcome) => void = () => undefined;
    const { queue, log } = harness(
      () => new Promise<SendOutcome>((resolve) => (finish = resolve)),
      10,
      1,
    );
    for (let i = 0; i < 3; i++) queue.offer(batch(i, 10));
    const deadline = new AbortController();
    const drained = queue.drain(deadline.signal);
    deadline.abort();
    finish({ ok: true }); // the destination answers despite the abort
    await drained;
    expect(log.sent).toEqual(['0']);
    expect(log.dropped).toEqual([
      ['1', 'shutdown: never sent'],
      ['2', 'shutdown: never sent'],
    ]);
    expect(queue.pendingItems).toBe(0);
  });
});

describe('SendingQueue batching', () => {
  const batching = (min_items: number, max_bytes: number, timeout_ms = 60_000) => ({
    enabled: true,
    min_items,
    max_bytes,
    timeout_ms,
  });

  it('merges offers until min_items, then sends them as one batch', async () => {
    const { queue, log } = harness(() => ({ ok: true }), 10, 1, batching(5, 1000));
    for (let i = 1; i <= 4; i++) queue.offer(batch(i, 1));
    await settle();
    expect(log.sent).toEqual([]);
    expect(queue.pendingItems).toBe(4);
    queue.offer(batch(5, 1));
    await settle();
    expect(log.sent).toEqual(['1+2+3+4+5']);
    expect(queue.pendingItems).toBe(0);
  });

  it('never merges past max_bytes, and sends a single oversized offer alone', async () => {
    const { queue, log } = harness(() => ({ ok: true }), 10, 1, batching(1000, 3));
    queue.offer(batch(1));
    queue.offer(batch(2));
    queue.offer(new EncodedBatch('traces', [Uint8Array.of(7, 7, 7, 7)], 1));
    queue.offer(batch(3));
    await queue.drain(new AbortController().signal);
    expect(log.sent).toEqual(['1+2', '7+7+7+7', '3']);
  });

  it('keeps signals apart', async () => {
    const { queue, log } = harness(() => ({ ok: true }), 10, 1, batching(2, 1000));
    queue.offer(batch(1, 1, 'traces'));
    queue.offer(batch(2, 1, 'logs'));
    queue.offer(batch(3, 1, 'traces'));
    queue.offer(batch(4, 1, 'logs'));
    await settle();
    expect(log.sent.sort()).toEqual(['1+3', '2+4']);
  });

  it('sends a partial batch after timeout_ms', async () => {
    const { queue, log } = harness(() => ({ ok: true }), 10, 1, batching(1000, 1000, 20));
    queue.offer(batch(1));
    queue.offer(batch(2));
    await new Promise((resolve) => setTimeout(resolve, 60));
    await settle();
    expect(log.sent).toEqual(['1+2']);
  });

  it('drain sends open batches at once', async () => {
    const { queue, log } = harness(() => ({ ok: true }), 10, 1, batching(1000, 1000));
    queue.offer(batch(1));
    await queue.drain(new AbortController().signal);
    expect(log.sent).toEqual(['1']);
  });

  it('refuses once the bytes it holds reach max_bytes, counting those in flight', () => {
    const never = new Promise<SendOutcome>(() => undefined);
    const { queue } = harness(() => never, 100, 1, unbatched, 10);
    const big = () => new EncodedBatch('traces', [new Uint8Array(4)], 1);
    expect(queue.offer(big())).toBe(true); // in flight
    expect(queue.offer(big())).toBe(true);
    expect(queue.offer(big())).toBe(true);
    expect(queue.pendingBytes).toBe(12);
    expect(queue.hasRoom()).toBe(false);
    expect(queue.offer(big())).toBe(false);
  });
});

describe('retry helpers', () => {
  it('backs off exponentially within the jitter band and the ceiling', () => {
    const config = retryConfigSchema.parse({
      initial_interval_ms: 1000,
      max_interval_ms: 5000,
      multiplier: 2,
      jitter: 0.5,
    });
    expect(backoffMs(config, 1, undefined, () => 0)).toBe(500);
    expect(backoffMs(config, 1, undefined, () => 1)).toBe(1500);
    expect(backoffMs(config, 3, undefined, () => 0.5)).toBe(4000);
    expect(backoffMs(config, 10, undefined, () => 0.5)).toBe(5000);
    expect(backoffMs(config, 1, 9000, () => 0.5)).toBe(9000);
  });
});
