import { getHeapStatistics } from 'node:v8';
import { fullCollection } from './collect.ts';

const MIB = 1024 * 1024;

/**
 * Share of the hard limit kept free for what the guard cannot count: zlib and socket buffers,
 * allocator overhead, native memory growing past its floor.
 */
const HEADROOM = 0.15;

/** How receivers account the memory a request holds while it is read and decoded. */
export interface MemoryBudget {
  /**
   * Reserves `bytes` a request is about to hold or has just allocated; false, and nothing
   * reserved, when that would take resident memory past the hard limit (the receiver then
   * refuses the request with 503 / UNAVAILABLE).
   */
  reserve(bytes: number): boolean;
  /** Gives back what `reserve` took, once the request no longer needs it. */
  release(bytes: number): void;
}

/** One reading of the process's memory. */
export interface MemorySample {
  /** V8 heap in use (live objects and garbage not yet collected). */
  heapBytes: number;
  /** V8 heap resident: in use plus free pages V8 keeps for new objects. */
  heapResidentBytes: number;
  /** Memory outside the heap held by JavaScript objects: Buffers, queued encodings. */
  externalBytes: number;
  /** Resident set size. */
  rssBytes: number;
}

/**
 * The process's memory now: V8's own statistics (a fraction of a microsecond), and the RSS read
 * only when asked for (a system call the guard's decisions do not need).
 */
export function sampleMemory(): MemorySample {
  const heap = getHeapStatistics();
  return {
    heapBytes: heap.used_heap_size,
    heapResidentBytes: heap.total_physical_size,
    externalBytes: heap.external_memory,
    get rssBytes() {
      return process.memoryUsage.rss();
    },
  };
}

export interface MemoryGuardOptions {
  /** Fewest milliseconds between two forced collections. */
  collectIntervalMs?: number;
  sampler?: () => MemorySample;
  /** A full garbage collection that gives freed pages back to the system. */
  collect?: (() => void) | undefined;
  now?: () => number;
  /** Hears every forced collection (for a metric). */
  onCollection?: () => void;
}

const defaultCollect = (): (() => void) | undefined => {
  const gc = fullCollection();
  return gc ? () => gc({ type: 'major', execution: 'sync', flavor: 'last-resort' }) : undefined;
};

/**
 * Decides when receivers refuse data for memory's sake, from what the process actually holds,
 * read fresh at every decision, rather than from the resident set size, which stays high long
 * after memory is free:
 *
 * - In use = V8's heap in use + external memory (Buffers: request bodies, queued encodings) +
 *   native memory (code, stacks, the runtime: what was resident outside those two when the guard
 *   started, before any traffic). Garbage counts until it is collected; pages freed but kept
 *   resident by the C allocator do not (the next Buffers reuse them); native memory growing
 *   after start is left to the headroom.
 * - Above the soft limit, receivers refuse before reading a request, and `/readyz` answers 503
 *   (the same predicate, so a load balancer and the receivers never disagree).
 * - Receivers reserve each chunk of a body as it arrives (decompressed), and the estimated size of
 *   a decode before it runs: what would take resident memory past the hard limit is refused, so
 *   concurrent bodies cannot all pass. Resident memory is the same count with V8's resident heap
 *   instead of the heap in use, plus 15% of the hard limit for what cannot be counted.
 * - Before refusing, the guard forces a full garbage collection (at most once per
 *   `collectIntervalMs`), as the Collector's memory_limiter forces Go's GC, so the garbage a
 *   large request leaves behind stops counting within about a second. The collection also returns
 *   V8's freed pages to the system ("last resort"), which brings the RSS down with it.
 */
export class MemoryGuard implements MemoryBudget {
  private softBytes: number;
  private hardBytes: number;
  private readonly native: number;
  private reserved = 0;
  private lastCollection = -Infinity;
  private collectionCount = 0;
  private readonly sampler: () => MemorySample;
  private readonly collect: (() => void) | undefined;
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
    const start = this.sampler();
    this.native = Math.max(0, start.rssBytes - start.heapResidentBytes - start.externalBytes);
  }

  /** Applies new limits (hot reload) without losing the reservations of requests in flight. */
  configure(softLimitMib: number, hardLimitMib: number): void {
    this.softBytes = softLimitMib * MIB;
    this.hardBytes = hardLimitMib * MIB;
  }

  /** The process's memory now. */
  sample(): MemorySample {
    return this.sampler();
  }

  /** Memory counted as in use now (see the class comment). */
  get usedBytes(): number {
    const { heapBytes, externalBytes } = this.sample();
    return heapBytes + externalBytes + this.native;
  }

  /** Resident memory counted against the hard limit, headroom included. */
  private get residentBytes(): number {
    const { heapResidentBytes, externalBytes } = this.sample();
    return heapResidentBytes + externalBytes + this.native + this.hardBytes * HEADROOM;
  }

  /** Bytes reserved by requests in flight (bodies being read, decodes running). */
  get reservedBytes(): number {
    return this.reserved;
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
    if (this.over(() => this.residentBytes + bytes > this.hardBytes)) return false;
    this.reserved += bytes;
    return true;
  }

  release(bytes: number): void {
    this.reserved -= bytes;
  }

  /** Whether `check` finds memory over a limit, after a collection if one may help. */
  private over(check: () => boolean): boolean {
    if (!check()) return false;
    const now = this.now();
    if (!this.collect || now - this.lastCollection < this.collectIntervalMs) return true;
    this.lastCollection = now;
    this.collectionCount++;
    this.collect();
    this.onCollection();
    return check();
  }
}
