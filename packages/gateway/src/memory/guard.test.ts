// The memory guard's decisions, with the process's memory replaced by numbers the test controls.
import { afterEach, describe, expect, it } from 'vitest';
import type { MemorySample } from './guard.ts';
import { MemoryGuard } from './guard.ts';

const MIB = 1024 * 1024;

/** A guard over a fake process: `heap` and `rss` are what the next sample reads. */
function fakeProcess(
  options: { collectFrees?: number; withCollect?: boolean; native?: number } = {},
) {
  const state = {
    heap: 0,
    external: 0,
    rss: 0,
    native: options.native ?? 0,
    committedFree: 0,
    clock: 0,
    collections: [] as boolean[],
  };
  const sampler = (): MemorySample => ({
    heapBytes: state.heap,
    heapCommittedBytes: state.heap + state.committedFree,
    externalBytes: state.external,
    rssBytes: state.rss,
    nativeBytes: state.native,
  });
  const guard = new MemoryGuard(100, 200, {
    intervalMs: 3_600_000, // samples only when the test or a collection asks
    sampler,
    now: () => state.clock,
    collect:
      options.withCollect === false
        ? undefined
        : (returnPages) => {
            state.collections.push(returnPages);
            state.heap = Math.max(0, state.heap - (options.collectFrees ?? 0));
          },
  });
  guards.push(guard);
  return { state, guard, sample: () => (guard as unknown as { take(): void }).take() };
}

const guards: MemoryGuard[] = [];
afterEach(() => {
  for (const guard of guards.splice(0)) guard.stop();
});

describe('memory guard', () => {
  it('refuses above the soft limit and accepts again once memory in use falls', () => {
    const { state, guard, sample } = fakeProcess({ withCollect: false });
    state.heap = 99 * MIB;
    sample();
    expect(guard.saturated()).toBe(false);
    state.heap = 101 * MIB;
    sample();
    expect(guard.saturated()).toBe(true);
    state.heap = 50 * MIB;
    sample();
    expect(guard.saturated()).toBe(false);
  });

  it('counts external memory (Buffers, queued encodings) with the heap', () => {
    const { state, guard, sample } = fakeProcess({ withCollect: false });
    state.heap = 60 * MIB;
    state.external = 41 * MIB;
    sample();
    expect(guard.saturated()).toBe(true);
  });

  it('counts the least native memory seen, not pages freed but still resident', () => {
    const { state, guard, sample } = fakeProcess({ withCollect: false, native: 40 * MIB });
    state.heap = 50 * MIB;
    sample();
    expect(guard.usedBytes).toBe(90 * MIB);
    state.native = 200 * MIB; // freed pages the system has not taken back yet
    sample();
    expect(guard.usedBytes).toBe(90 * MIB);
    state.native = 30 * MIB;
    sample();
    expect(guard.usedBytes).toBe(80 * MIB);
  });

  it('reserves request bytes as they arrive, so concurrent bodies cannot pass the hard limit together', () => {
    const { state, guard, sample } = fakeProcess({ withCollect: false });
    state.heap = 20 * MIB;
    sample();
    // 16 bodies of 16 MiB each, reserved chunk by chunk (1 MiB), interleaved.
    const reserved = new Array<number>(16).fill(0);
    const refused = new Set<number>();
    for (let chunk = 0; chunk < 16; chunk++) {
      for (let body = 0; body < 16; body++) {
        if (refused.has(body)) continue;
        if (guard.reserve(MIB)) reserved[body]! += MIB;
        else refused.add(body);
      }
    }
    const total = reserved.reduce((a, b) => a + b, 0);
    // 200 MiB hard, 10% of it kept as headroom, 20 MiB of heap: 160 MiB of room.
    expect(total).toBeLessThanOrEqual(160 * MIB);
    expect(total).toBeGreaterThan(150 * MIB); // the room is used, not refused early
    expect(refused.size).toBeGreaterThan(0);
    // What is reserved counts against the soft limit; once released it is garbage, and keeps
    // counting until a sample shows the memory gone.
    expect(guard.saturated()).toBe(true);
    for (const bytes of reserved) guard.release(bytes);
    expect(guard.reservedBytes).toBe(0);
    expect(guard.reserve(MIB)).toBe(false);
    sample(); // after a collection: the bodies' memory is gone
    expect(guard.saturated()).toBe(false);
    expect(guard.reserve(MIB)).toBe(true);
  });

  it('counts the committed heap against the hard limit, the heap in use against the soft', () => {
    const { state, guard, sample } = fakeProcess({ withCollect: false });
    state.heap = 60 * MIB;
    state.committedFree = 100 * MIB; // free heap pages V8 keeps resident
    sample();
    expect(guard.saturated()).toBe(false);
    // 160 MiB committed + 20 MiB headroom: 20 MiB of room below the 200 MiB hard limit.
    expect(guard.reserve(20 * MIB)).toBe(true);
    expect(guard.reserve(MIB)).toBe(false);
  });

  it('does not count reserved bytes twice once a sample has seen them', () => {
    const { state, guard, sample } = fakeProcess({ withCollect: false });
    state.heap = 10 * MIB;
    sample();
    expect(guard.reserve(50 * MIB)).toBe(true);
    expect(guard.usedBytes).toBe(60 * MIB);
    state.external = 50 * MIB; // the next sample sees the body's Buffers
    sample();
    expect(guard.usedBytes).toBe(60 * MIB);
  });

  it('collects garbage before refusing, so a finished large request stops counting at once', () => {
    const { state, guard, sample } = fakeProcess({ collectFrees: 150 * MIB });
    state.heap = 180 * MIB; // mostly garbage left by a large request
    sample();
    expect(guard.saturated()).toBe(false);
    expect(state.collections).toEqual([false]);
    expect(guard.collections).toBe(1);
  });

  it('collects at most once per interval, and refuses while the memory is really in use', () => {
    const { state, guard, sample } = fakeProcess({ collectFrees: 0 });
    state.heap = 150 * MIB;
    sample();
    expect(guard.saturated()).toBe(true);
    expect(guard.saturated()).toBe(true);
    expect(state.collections).toHaveLength(1);
    state.clock += 999;
    expect(guard.saturated()).toBe(true);
    expect(state.collections).toHaveLength(1);
    state.clock += 1;
    expect(guard.saturated()).toBe(true);
    expect(state.collections).toHaveLength(2);
  });

  it('returns freed pages to the system when the RSS is over the soft limit', () => {
    const { state, guard } = fakeProcess({ collectFrees: 100 * MIB });
    state.heap = 60 * MIB;
    state.rss = 150 * MIB; // pages V8 freed but kept
    (guard as unknown as { refresh(): void }).refresh();
    expect(state.collections).toEqual([true]);
  });

  it('returns freed pages before refusing a chunk at the hard limit, and collects only the heap for the soft one', () => {
    const { state, guard, sample } = fakeProcess({ collectFrees: 100 * MIB });
    state.heap = 185 * MIB; // + 20 MiB headroom: no room for a chunk without a collection
    sample();
    expect(guard.reserve(MIB)).toBe(true);
    expect(state.collections).toEqual([true]);
    state.heap = 150 * MIB;
    state.clock += 1000;
    sample();
    expect(guard.saturated()).toBe(false);
    expect(state.collections).toEqual([true, false]);
  });

  it('applies new limits on reload and keeps the reservations in flight', () => {
    const { state, guard, sample } = fakeProcess({ withCollect: false });
    state.heap = 10 * MIB;
    sample();
    expect(guard.reserve(80 * MIB)).toBe(true);
    expect(guard.saturated()).toBe(false);
    guard.configure(50, 100);
    expect(guard.saturated()).toBe(true);
    expect(guard.reserve(20 * MIB)).toBe(false);
    guard.release(80 * MIB);
    sample();
    expect(guard.reserve(20 * MIB)).toBe(true);
  });
});
