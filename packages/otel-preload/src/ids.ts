import { randomFillSync } from 'node:crypto';
import type { IdGenerator } from '@opentelemetry/sdk-trace';

const POOL_BYTES = 4096;

/**
 * Trace and span ids from a pool of cryptographically random bytes refilled 4 KiB at a time:
 * one native hex conversion per id instead of the SDK default's per-byte Math.random loop,
 * and ids an observer cannot predict. Never returns an all-zero (invalid) id.
 */
export class PooledIdGenerator implements IdGenerator {
  private readonly pool = Buffer.allocUnsafe(POOL_BYTES);
  private at = POOL_BYTES;

  generateTraceId(): string {
    return this.next(16);
  }

  generateSpanId(): string {
    return this.next(8);
  }

  private next(bytes: number): string {
    for (;;) {
      if (this.at + bytes > POOL_BYTES) {
        randomFillSync(this.pool);
        this.at = 0;
      }
      const id = this.pool.toString('hex', this.at, (this.at += bytes));
      if (!/^0+$/.test(id)) return id;
    }
  }
}
