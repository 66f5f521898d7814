import { describe, expect, it } from 'vitest';
import {
  decodePartialSuccess,
  encodeLogsResponse,
  encodeMetricsResponse,
  encodeResponseJson,
  encodeTraceResponse,
  isRetryableHttpStatus,
  parseRetryAfter,
} from './index.ts';

describe('isRetryableHttpStatus', () => {
  it('retries exactly 429, 502, 503 and 504', () => {
    const retryable = [...Array(600).keys()].filter(isRetryableHttpStatus);
    expect(retryable).toEqual([429, 502, 503, 504]);
  });
});

describe('parseRetryAfter', () => {
  it('parses Retry-After seconds and HTTP dates', () => {
    expect(parseRetryAfter('7')).toBe(7000);
    expect(parseRetryAfter('3')).toBe(3000);
    expect(
      parseRetryAfter('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT')),
    ).toBe(10_000);
    expect(parseRetryAfter(new Date(Date.now() + 60_000).toUTCString())).toBeGreaterThan(50_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});

describe('decodePartialSuccess', () => {
  it('reads each signal’s rejected count and message, in protobuf and JSON', () => {
    const expected = { rejected: 3n, message: 'invalid trace id' };
    expect(
      decodePartialSuccess(
        'traces',
        encodeTraceResponse({
          partialSuccess: { rejectedSpans: 3n, errorMessage: 'invalid trace id' },
        }),
        false,
      ),
    ).toEqual(expected);
    expect(
      decodePartialSuccess(
        'metrics',
        encodeMetricsResponse({
          partialSuccess: { rejectedDataPoints: 3n, errorMessage: 'invalid trace id' },
        }),
        false,
      ),
    ).toEqual(expected);
    expect(
      decodePartialSuccess(
        'logs',
        encodeLogsResponse({
          partialSuccess: { rejectedLogRecords: 3n, errorMessage: 'invalid trace id' },
        }),
        false,
      ),
    ).toEqual(expected);
    const json = (key: Parameters<typeof encodeResponseJson>[0]) =>
      new TextEncoder().encode(
        encodeResponseJson(key, { rejected: 3n, errorMessage: 'invalid trace id' }),
      );
    expect(decodePartialSuccess('traces', json('rejectedSpans'), true)).toEqual(expected);
    expect(decodePartialSuccess('logs', json('rejectedLogRecords'), true)).toEqual(expected);
  });

  it('gives undefined for a response without one, and throws for what is no response', () => {
    expect(decodePartialSuccess('traces', new Uint8Array(0), false)).toBeUndefined();
    expect(decodePartialSuccess('traces', new TextEncoder().encode('{}'), true)).toBeUndefined();
    expect(() =>
      decodePartialSuccess('traces', new TextEncoder().encode('<html>'), true),
    ).toThrow();
  });
});
