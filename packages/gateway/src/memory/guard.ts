import { getHeapStatistics } from 'node:v8';
import { fullCollection } from './collect.ts';

const MIB = 1024 * 1024;

/**
 * Share of the hard limit kept free for what the guard cannot count: zlib and socket buffers,
 * allocator overhead, native memory growing past its floor.
 */
const HEADROOM = 0.1;

/** How receivers account the request bytes they hold while reading a body. */
export interface MemoryBudget {
  /**
   * Reserves `bytes` a request now holds; false, and nothing reserved, when that would take the
   * memory in use past the hard limit (the receiver then stops reading and refuses the request).
   */
  reserve(bytes: number): boolean;
  /** Gives back what `reserve` took, once the request is answered. */
  release(bytes: number): void;
}

/** One reading of the process's memory. */
export interface MemorySample {
  /** V8 heap in use (live objects and garbage not yet collected). */
  heapBytes: number;
  /** V8 heap committed: in use plus free space V8 keeps resident for new objects. */
  heapCommittedBytes: number;
  /** Memory outside the heap held by JavaScript objects: Buffers, queued encodings. */
  externalBytes: number;
  /** Resident set size. */
  rssBytes: number;
  /**
   * Resident memory outside the heap and external memory (code, stacks, the runtime itself):
   * RSS − committed heap − external. Pages freed but not yet returned inflate it, so the guard
   * uses the smallest value it has seen.
   */
  nativeBytes: number;
}

export function sampleMemory(): MemorySample {
  const { external, rss } = process.memoryUsage();
  const heap = getHeapStatistics();
  return {
    heapBytes: heap.used_heap_size,
    heapCommittedBytes: heap.total_heap_size,
    externalBytes: external,
    rssBytes: rss,
    nativeBytes: Math.max(0, rss - heap.total_heap_size - external),
  };
}

export interface MemoryGuardOptions {
  /** How often memory is sampled. */
  intervalMs?: number;
  /** Fewest milliseconds between two forced collections. */
  collectIntervalMs?: number;
  sampler?: () => MemorySample;
  /** Full garbage collection; `returnPages` also gives freed pages back to the system. */
  collect?: ((returnPages: boolean) => void) | undefined;
  now?: () => number;
  /** Hears every forced collection (for a metric). */
  onCollection?: () => void;
}

const defaultCollect = (): ((returnPages: boolean) => void) | undefined => {
  const gc = fullCollection();
  return gc
    ? (returnPages) =>
        gc({ type: 'major', execution: 'sync', flavor: returnPages ? 'last-resort' : 'regular' })
    : undefined;
};

/**
 * Decides when receivers refuse data for memory's sake, from what is actually in use rather than
 * from the resident set size, which stays high long after memory is free:
 *
 * - In use = V8's heap in use + external memory (Buffers: request bodies, queued encodings) +
 *   the native floor (the least resident memory seen outside those two: code, stacks, the
 *   runtime) at the last sample, plus the request bytes reserved since that sample (released
 *   ones included: they are garbage until collected). Without the garbage and the
 *   not-yet-returned pages that RSS holds, it is what RSS would be.
 * - Above the soft limit, receivers refuse before reading a request, and `/readyz` answers 503
 *   (the same predicate, so a load balancer and the receivers never disagree).
 * - Receivers reserve each chunk of a body as it arrives, decompressed: a chunk that would take
 *   resident memory past the hard limit is refused, so concurrent bodies cannot all pass.
 *   Resident memory is the same count with V8's committed heap instead of the heap in use, plus
 *   10% of the hard limit for what cannot be counted (zlib and socket buffers, allocator slack).
 * - Before refusing, the guard forces a full garbage collection (at most once per
 *   `collectIntervalMs`), so the garbage a large request leaves behind stops counting within
 *   about a second. When the RSS is over the soft limit, the collection also returns V8's freed
 *   pages to the system ("last resort" collection); memory the C allocator keeps after Buffers
 *   are freed stays resident but is reused by the next Buffers, so it is not counted twice.
 */
export class MemoryGuard implements MemoryBudget {
  private softBytes: number;
  private hardBytes: number;
  private last!: MemorySample;
  private nativeFloor = Infinity;
  private reserved = 0;
  /** Reserved since the last sample; releases do not lower it (see `usedBytes`). */
  private addedSinceSample = 0;
  private lastCollection = -Infinity;
  private collectionCount = 0;
  private readonly timer: NodeJS.Timeout;
  private readonly sampler: () => MemorySample;
  private readonly collect: ((returnPages: boolean) => void) | undefined;
  private readonly collectIntervalMs: number;
  private readonly now: () => number;
  private readonly onCollection: () => void;

  constructor(softLimitMib: number, hardLimitMib: number, options: MemoryGuardOptions = {}) {
    this.softBytes = softLimitMib * MIB;
    this.hardBytes = hardLimitMib * MIB;
    this.sampler = options.sampler ?? sampleMemory;
    this.collect = 'collect' in options ? options.collect : defaultCollect();
    this.collectIntervalMs = options.collectIntervalMs ?? 1000;
    this.now = options.now ?? (() => performance.now());
    this.onCollection = options.onCollection ?? (() => undefined);
    this.take();
    this.timer = setInterval(() => this.refresh(), options.intervalMs ?? 100);
    this.timer.unref();
  }

  /** Applies new limits (hot reload) without losing the reservations of requests in flight. */
  configure(softLimitMib: number, hardLimitMib: number): void {
    this.softBytes = softLimitMib * MIB;
    this.hardBytes = hardLimitMib * MIB;
  }

  /**
   * Memory counted as in use: the last sample plus what was reserved since. Bytes released since
   * the sample still count: a released body is garbage, not free memory, until a collection (and
   * the sample after it) shows it gone; otherwise a stream of refused bodies could make room for
   * more while the memory of the earlier ones is still held.
   */
  get usedBytes(): number {
    const { heapBytes, externalBytes } = this.last;
    return heapBytes + externalBytes + this.nativeFloor + this.addedSinceSample;
  }

  /**
   * What the process holds resident by the same count, for the hard limit: the committed heap
   * rather than the heap in use (V8 keeps free heap pages resident), plus the headroom.
   */
  private get residentBytes(): number {
    const { heapCommittedBytes, externalBytes } = this.last;
    const counted = heapCommittedBytes + externalBytes + this.nativeFloor + this.addedSinceSample;
    return counted + this.hardBytes * HEADROOM;
  }

  /** Bytes of request bodies held by receivers right now. */
  get reservedBytes(): number {
    return this.reserved;
  }

  get sample(): MemorySample {
    return this.last;
  }

  /** Full collections the guard forced so far. */
  get collections(): number {
    return this.collectionCount;
  }

  /** True while new requests must be refused (and `/readyz` answers 503). */
  saturated(): boolean {
    return this.over(() => this.usedBytes > this.softBytes);
  }

  reserve(bytes: number): boolean {
    if (this.over(() => this.residentBytes + bytes > this.hardBytes, true)) return false;
    this.reserved += bytes;
    this.addedSinceSample += bytes;
    return true;
  }

  release(bytes: number): void {
    this.reserved -= bytes;
  }

  /**
   * Whether `check` finds memory over a limit, after a collection if one may help (one that
   * returns freed pages to the system when `returnPages`).
   */
  private over(check: () => boolean, returnPages = false): boolean {
    if (!check()) return false;
    if (!this.collectNow(returnPages)) return true;
    return check();
  }

  /** Takes a fresh sample, collecting first when memory looks full. */
  private refresh(): void {
    this.take();
    if (this.usedBytes > this.softBytes || this.last.rssBytes > this.softBytes)
      this.collectNow(this.last.rssBytes > this.softBytes);
  }

  private take(): void {
    this.last = this.sampler();
    this.nativeFloor = Math.min(this.nativeFloor, this.last.nativeBytes);
    this.addedSinceSample = 0;
  }

  /** Forces a collection unless one ran within the interval; true when it ran. */
  private collectNow(returnPages: boolean): boolean {
    const now = this.now();
    if (!this.collect || now - this.lastCollection < this.collectIntervalMs) return false;
    this.lastCollection = now;
    this.collectionCount++;
    this.collect(returnPages);
    this.take();
    this.onCollection();
    return true;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
