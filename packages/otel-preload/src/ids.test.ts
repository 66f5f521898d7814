import { describe, expect, it } from 'vitest';
import { PooledIdGenerator } from './ids.ts';

describe('PooledIdGenerator', () => {
  it('gives valid, distinct trace and span ids across pool refills', () => {
    const ids = new PooledIdGenerator();
    const seen = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const traceId = ids.generateTraceId();
      const spanId = ids.generateSpanId();
      expect(traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(spanId).toMatch(/^[0-9a-f]{16}$/);
      seen.add(traceId).add(spanId);
    }
    expect(seen.size).toBe(2000);
  });

  it('never returns an all-zero id', () => {
    const ids = new PooledIdGenerator();
    ids.generateSpanId();
    const state = ids as unknown as { pool: Buffer; at: number };
    state.pool.fill(0, state.at, state.at + 16);
    const after = state.pool.toString('hex', state.at + 16, state.at + 32);
    expect(ids.generateTraceId()).toBe(after);
  });
});
