// The receivers' shared tail: the memory a decode may take is reserved before it runs and given
// back after, whatever the outcome; without room, the request is refused as retryable.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { traceRequestBytes } from '../../test-support/spans.ts';
import type { Settings } from '../component.ts';
import type { BatchConsumer } from '../pipeline/consumer.ts';
import { contextOf } from '../signal.ts';
import { GatewayMetrics } from '../telemetry/metrics.ts';
import { ingest } from './ingest.ts';
import { DEFAULT_DECODE_LIMITS, decodeCostBytes, decodeOptions } from './limits.ts';

function settingsWith(room: number) {
  const memory = {
    held: 0,
    largest: 0,
    reserve(bytes: number) {
      if (this.held + bytes > room) return false;
      this.held += bytes;
      this.largest = Math.max(this.largest, bytes);
      return true;
    },
    release(bytes: number) {
      this.held -= bytes;
    },
  };
  const settings: Settings = {
    id: 'otlp_http',
    logger: pino({ level: 'silent' }),
    metrics: new GatewayMetrics({ processMetrics: false }),
    memory,
  };
  return { settings, memory };
}

const accepting: BatchConsumer = { precheck: () => undefined, accept: () => undefined };
const options = decodeOptions(32, DEFAULT_DECODE_LIMITS);

describe('ingest', () => {
  it('reserves the decode cost before decoding and releases it once the batch is queued', () => {
    const { settings, memory } = settingsWith(Infinity);
    const body = traceRequestBytes(['a', 'b']);
    const outcome = ingest(
      settings,
      accepting,
      'traces',
      body,
      'proto',
      options,
      contextOf('otlp_http'),
    );
    expect(outcome).toEqual({ kind: 'accepted', rejected: 0, message: '' });
    expect(memory.largest).toBe(decodeCostBytes(body.length, false, options.limits));
    expect(memory.held).toBe(0);
  });

  it('hands the pipelines the batch with its request context', () => {
    const { settings } = settingsWith(Infinity);
    const seen: unknown[] = [];
    const context = { receiver: 'otlp_http', tenant: 'acme', headers: new Map([['x-team', 'a']]) };
    ingest(
      settings,
      { precheck: () => undefined, accept: (batch) => void seen.push(batch.context) },
      'traces',
      traceRequestBytes(['a']),
      'proto',
      options,
      context,
    );
    expect(seen).toEqual([context]);
  });

  it('refuses as retryable when the decode would not fit, before decoding anything', () => {
    const body = traceRequestBytes(['a']);
    const { settings, memory } = settingsWith(
      decodeCostBytes(body.length, false, options.limits) - 1,
    );
    const outcome = ingest(
      settings,
      accepting,
      'traces',
      body,
      'proto',
      options,
      contextOf('otlp_http'),
    );
    expect(outcome).toEqual({ kind: 'refused', refusal: { retryable: true, reason: 'memory' } });
    expect(memory.held).toBe(0);
  });

  it('releases the reservation when the body is malformed', () => {
    const { settings, memory } = settingsWith(Infinity);
    const outcome = ingest(
      settings,
      accepting,
      'traces',
      Uint8Array.from([0x0a, 0xff]),
      'proto',
      options,
      contextOf('otlp_http'),
    );
    expect(outcome.kind).toBe('bad_data');
    expect(memory.held).toBe(0);
  });

  it('estimates the decode cost from the body size, capped by the limits', () => {
    expect(decodeCostBytes(1000, false, { maxNodes: 100, maxItems: 10 })).toBe(
      100 * 100 + 10 * 500,
    );
    expect(decodeCostBytes(1000, false, {})).toBe(500 * 100 + 500 * 500);
    expect(decodeCostBytes(1000, true, { maxNodes: 100, maxItems: 10 })).toBe(15_000 + 1000);
  });
});
