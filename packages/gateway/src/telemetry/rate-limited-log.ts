import type { Logger } from 'pino';

/**
 * A log line for events that can come in floods (clients aborting uploads): at most one line per
 * interval, carrying how many events it stands for, so a misbehaving client cannot fill the logs.
 */
export class RateLimitedLog {
  private count = 0;
  private last = -Infinity;
  private readonly logger: Logger;
  private readonly level: 'debug' | 'info' | 'warn';
  private readonly message: string;
  private readonly intervalMs: number;

  constructor(
    logger: Logger,
    level: 'debug' | 'info' | 'warn',
    message: string,
    intervalMs = 10_000,
  ) {
    this.logger = logger;
    this.level = level;
    this.message = message;
    this.intervalMs = intervalMs;
  }

  /** Records one event; logs it (with the count since the last line) unless a line went out recently. */
  event(fields: Record<string, unknown> = {}): void {
    this.count++;
    const now = performance.now();
    if (now - this.last < this.intervalMs) return;
    this.logger[this.level]({ ...fields, events: this.count }, this.message);
    this.count = 0;
    this.last = now;
  }
}
