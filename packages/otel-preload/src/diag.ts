/**
 * The preload's own messages: one line on stderr each, prefixed, and rate-limited per key so a
 * gateway that is down costs one warning a minute, not one per export.
 */
export class Diagnostics {
  private readonly last = new Map<string, number>();
  private readonly quiet: boolean;
  private readonly debugOn: boolean;

  constructor(level: string) {
    this.quiet = level === 'none' || level === 'error';
    this.debugOn = level === 'debug' || level === 'verbose' || level === 'all';
  }

  warn(message: string): void {
    if (!this.quiet) process.stderr.write(`[otel-preload] ${message}\n`);
  }

  /** Warns at most once per `intervalMs` for the same key. */
  warnLimited(key: string, message: string, intervalMs = 60_000): void {
    const now = Date.now();
    const last = this.last.get(key);
    if (last !== undefined && now - last < intervalMs) return;
    this.last.set(key, now);
    this.warn(`${message} (repeats silenced for ${intervalMs / 1000} s)`);
  }

  debug(message: string): void {
    if (this.debugOn) process.stderr.write(`[otel-preload] ${message}\n`);
  }
}
