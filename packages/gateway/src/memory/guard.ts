import { getHeapStatistics } from 'node:v8';
import { fullCollection } from './collect.ts';

const MIB = 1024 * 1024;

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
 *   runtime) at the last sample, plus the request bytes reserved since that sample. Without the
 *   garbage and the not-yet-returned pages that RSS holds, it is what RSS would be.
 * - Above the soft limit, receivers refuse before reading a request, and `/readyz` answers 503
 *   (the same predicate, so a load balancer and the receivers never disagree).
 * - Receivers reserve each chunk of a body as it arrives, decompressed: a chunk that would take
 *   the memory in use past the hard limit is refused, so concurrent bodies cannot all pass.
 * - When the memory in use (or the RSS) is over the soft limit, the guard forces a full garbage
 *   collection (at most once per `collectIntervalMs`) before refusing, so the garbage a large
 *   request leaves behind stops counting within about a second; when the RSS is over the hard
 *   limit, that collection also returns the freed pages to the system.
 */
export class MemoryGuard implements MemoryBudget {
  private softBytes: number;
  private hardBytes: number;
  private last!: MemorySample;
  private nativeFloor = Infinity;
  private reserved = 0;
  private reservedAtSample = 0;
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

  /** Memory counted as in use: the last sample plus what was reserved since. */
  get usedBytes(): number {
    const { heapBytes, externalBytes } = this.last;
    const sinceSample = Math.max(0, this.reserved - this.reservedAtSample);
    return heapBytes + externalBytes + this.nativeFloor + sinceSample;
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
    return this.over(this.softBytes, 0);
  }

  reserve(bytes: number): boolean {
    if (this.over(this.hardBytes, bytes)) return false;
    this.reserved += bytes;
    return true;
  }

  release(bytes: number): void {
    this.reserved -= bytes;
  }

  /** Whether `extra` more bytes would pass `limit`, after a collection if one may help. */
  private over(limit: number, extra: number): boolean {
    if (this.usedBytes + extra <= limit) return false;
    if (!this.collectNow()) return true;
    return this.usedBytes + extra > limit;
  }

  /** Takes a fresh sample, collecting first when memory looks full. */
  private refresh(): void {
    this.take();
    if (this.usedBytes > this.softBytes || this.last.rssBytes > this.softBytes) this.collectNow();
  }

  private take(): void {
    this.last = this.sampler();
    this.nativeFloor = Math.min(this.nativeFloor, this.last.nativeBytes);
    this.reservedAtSample = this.reserved;
  }

  /** Forces a collection unless one ran within the interval; true when it ran. */
  private collectNow(): boolean {
    const now = this.now();
    if (!this.collect || now - this.lastCollection < this.collectIntervalMs) return false;
    this.lastCollection = now;
    this.collectionCount++;
    this.collect(this.last.rssBytes > this.hardBytes);
    this.take();
    this.onCollection();
    return true;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
