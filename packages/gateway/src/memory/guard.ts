/** Bytes of request bodies being read right now, across every receiver; survives reloads. */
export class InFlightBytes {
  private total = 0;

  get value(): number {
    return this.total;
  }

  add(bytes: number): void {
    this.total += bytes;
  }

  remove(bytes: number): void {
    this.total -= bytes;
  }
}

const MIB = 1024 * 1024;

/**
 * Decides when receivers refuse new data for memory's sake. Above the soft limit (resident set
 * size, sampled), or while the request bodies being read pass the room between the soft and the
 * hard limit, receivers refuse before reading a request (the Collector's memory_limiter refuses
 * only after decoding, and without RetryInfo). With the exporter queues bounded in bytes this
 * keeps RSS under the hard limit; above it the gateway reports not ready, so a load balancer
 * sends traffic elsewhere until it recovers.
 */
export class MemoryGuard {
  private rss = process.memoryUsage.rss();
  private readonly timer: NodeJS.Timeout;
  readonly softBytes: number;
  readonly hardBytes: number;
  private readonly inFlight: InFlightBytes;

  constructor(
    softLimitMib: number,
    hardLimitMib: number,
    inFlight: InFlightBytes,
    intervalMs = 100,
  ) {
    this.softBytes = softLimitMib * MIB;
    this.hardBytes = hardLimitMib * MIB;
    this.inFlight = inFlight;
    this.timer = setInterval(() => (this.rss = process.memoryUsage.rss()), intervalMs);
    this.timer.unref();
  }

  /** True while new requests must be refused. */
  saturated(): boolean {
    return this.rss > this.softBytes || this.inFlight.value > this.hardBytes - this.softBytes;
  }

  /** True while RSS is above the hard limit. */
  overHardLimit(): boolean {
    return this.rss > this.hardBytes;
  }

  get rssBytes(): number {
    return this.rss;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
