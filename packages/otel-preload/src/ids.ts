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
      const from = this.at;
      this.at += bytes;
      // All-zero ids are invalid; looking at the bytes stops at the first non-zero one.
      for (let i = from; i < this.at; i++) {
        if (this.pool[i] !== 0) return this.pool.toString('hex', from, this.at);
      }
    }
  }
}
