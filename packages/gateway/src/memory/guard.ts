/**
 * Samples the process's resident set size and tells receivers whether to refuse new data. Above
 * the soft limit receivers refuse before reading a request (the Collector's memory_limiter
 * refuses after decoding, and without RetryInfo). The hard limit is the operator's ceiling: the
 * soft limit must leave room below it for requests already being read and queued.
 */
export class MemoryGuard {
  private rss = process.memoryUsage.rss();
  private readonly timer: NodeJS.Timeout;
  private readonly softBytes: number;
  private readonly hardBytes: number;

  constructor(softLimitMib: number, hardLimitMib: number, intervalMs = 200) {
    this.softBytes = softLimitMib * 1024 * 1024;
    this.hardBytes = hardLimitMib * 1024 * 1024;
    this.timer = setInterval(() => (this.rss = process.memoryUsage.rss()), intervalMs);
    this.timer.unref();
  }

  /** True while RSS is above the soft limit. */
  saturated(): boolean {
    return this.rss > this.softBytes;
  }

  get rssBytes(): number {
    return this.rss;
  }

  get hardLimitBytes(): number {
    return this.hardBytes;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
