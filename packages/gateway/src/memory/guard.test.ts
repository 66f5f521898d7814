// The memory guard's decisions, with the process's memory replaced by numbers the test controls.
import { describe, expect, it } from 'vitest';
import type { MemorySample } from './guard.ts';
import { MemoryGuard } from './guard.ts';

const MIB = 1024 * 1024;

/**
 * A guard (soft 100 MiB, hard 200 MiB, so 30 MiB of headroom) over a fake process whose numbers
 * the test sets; a collection frees `garbage` bytes of heap.
 */
function fakeProcess(options: { withCollect?: boolean; native?: number } = {}) {
  const state = {
    heap: 0,
    /** Free heap pages V8 keeps resident. */
    committedFree: 0,
    external: 0,
    native: options.native ?? 0,
    /** Resident pages that are neither heap, external nor native: freed but not returned. */
    retained: 0,
    garbage: 0,
    clock: 0,
    collections: 0,
  };
  const sampler = (): MemorySample => ({
    heapBytes: state.heap,
    heapResidentBytes: state.heap + state.committedFree,
    externalBytes: state.external,
    rssBytes: state.heap + state.committedFree + state.external + state.native + state.retained,
  });
  const guard = new MemoryGuard(100, 200, {
    sampler,
    now: () => state.clock,
    collect:
      options.withCollect === false
        ? undefined
        : () => {
            state.collections++;
            state.heap -= state.garbage;
            state.garbage = 0;
            state.retained = 0; // a last-resort collection returns freed pages
          },
  });
  return { state, guard };
}

describe('memory guard', () => {
  it('refuses above the soft limit and accepts again once memory in use falls', () => {
    const { state, guard } = fakeProcess({ withCollect: false });
    state.heap = 99 * MIB;
    expect(guard.saturated()).toBe(false);
    state.heap = 101 * MIB;
    expect(guard.saturated()).toBe(true);
    state.heap = 50 * MIB;
    expect(guard.saturated()).toBe(false);
  });

  it('counts external memory (Buffers, queued encodings) with the heap', () => {
    const { state, guard } = fakeProcess({ withCollect: false });
    state.heap = 60 * MIB;
    state.external = 41 * MIB;
    expect(guard.saturated()).toBe(true);
  });

  it('counts native memory as it was at start, not pages freed but still resident', () => {
    const { state, guard } = fakeProcess({ withCollect: false, native: 40 * MIB });
    state.heap = 50 * MIB;
    expect(guard.usedBytes).toBe(90 * MIB);
    state.retained = 200 * MIB; // Buffers freed into the C allocator: resident, reusable, not in use
    expect(guard.usedBytes).toBe(90 * MIB);
    expect(guard.saturated()).toBe(false);
  });

  it('reserves body chunks as they arrive, so concurrent bodies cannot pass the hard limit together', () => {
    const { state, guard } = fakeProcess({ withCollect: false });
    state.heap = 20 * MIB;
    // 16 bodies of 16 MiB, read 1 MiB at a time, interleaved; each chunk exists (external)
    // when it is reserved.
    const reserved = new Array<number>(16).fill(0);
    const refused = new Set<number>();
    for (let chunk = 0; chunk < 16; chunk++) {
      for (let body = 0; body < 16; body++) {
        if (refused.has(body)) continue;
        state.external += MIB;
        if (guard.reserve(MIB)) reserved[body]! += MIB;
        else refused.add(body); // the chunk is dropped: external until collected
      }
    }
    const total = reserved.reduce((a, b) => a + b, 0);
    // 200 MiB hard − 30 MiB headroom − 20 MiB heap: 150 MiB of bodies at most.
    expect(total).toBeLessThanOrEqual(150 * MIB);
    expect(total).toBeGreaterThan(130 * MIB); // the room is used, not refused early
    expect(refused.size).toBeGreaterThan(0);
    expect(guard.reservedBytes).toBe(total);
    expect(guard.saturated()).toBe(true);
    for (const bytes of reserved) guard.release(bytes);
    expect(guard.reservedBytes).toBe(0);
    // Released bodies are garbage: they count until they are collected.
    expect(guard.saturated()).toBe(true);
    state.external = 0;
    expect(guard.saturated()).toBe(false);
  });

  it('counts the resident heap against the hard limit, the heap in use against the soft', () => {
    const { state, guard } = fakeProcess({ withCollect: false });
    state.heap = 60 * MIB;
    state.committedFree = 100 * MIB;
    expect(guard.saturated()).toBe(false);
    // 160 MiB resident + 30 MiB headroom: 10 MiB of room below the 200 MiB hard limit.
    expect(guard.reserve(10 * MIB)).toBe(true);
    expect(guard.reserve(10 * MIB + 1)).toBe(false);
  });

  it('collects garbage before refusing, so a finished large request stops counting at once', () => {
    const { state, guard } = fakeProcess();
    state.heap = 180 * MIB;
    state.garbage = 150 * MIB; // left by a large request
    expect(guard.saturated()).toBe(false);
    expect(state.collections).toBe(1);
    expect(guard.collections).toBe(1);
  });

  it('collects at most once per interval, and refuses while the memory is really in use', () => {
    const { state, guard } = fakeProcess();
    state.heap = 150 * MIB;
    expect(guard.saturated()).toBe(true);
    expect(guard.saturated()).toBe(true);
    expect(state.collections).toBe(1);
    state.clock += 999;
    expect(guard.saturated()).toBe(true);
    expect(state.collections).toBe(1);
    state.clock += 1;
    expect(guard.saturated()).toBe(true);
    expect(state.collections).toBe(2);
  });

  it('never collects while memory in use is under the limits, however high the RSS', () => {
    const { state, guard } = fakeProcess();
    state.heap = 50 * MIB;
    state.retained = 500 * MIB;
    for (let second = 0; second < 60; second++) {
      state.clock += 1000;
      expect(guard.saturated()).toBe(false);
      expect(guard.reserve(MIB)).toBe(true);
    }
    expect(state.collections).toBe(0);
  });

  it('collects before refusing a reservation at the hard limit', () => {
    const { state, guard } = fakeProcess();
    state.heap = 175 * MIB;
    state.garbage = 100 * MIB;
    expect(guard.reserve(MIB)).toBe(true);
    expect(state.collections).toBe(1);
  });

  it('applies new limits on reload and keeps the reservations in flight', () => {
    const { state, guard } = fakeProcess({ withCollect: false });
    state.heap = 10 * MIB;
    expect(guard.reserve(80 * MIB)).toBe(true);
    state.external = 80 * MIB;
    expect(guard.saturated()).toBe(false);
    guard.configure(50, 100);
    expect(guard.saturated()).toBe(true);
    expect(guard.reserve(MIB)).toBe(false);
    expect(guard.reservedBytes).toBe(80 * MIB);
  });
});
