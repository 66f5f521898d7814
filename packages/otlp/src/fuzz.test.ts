// Mutation fuzzing: valid payloads with random corruption never make a decoder throw anything
// but OtlpDecodeError, and whatever decodes also re-encodes and decodes to the same value.
// Seeded, so a failure reproduces; sized to run well inside the CI budget.
import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { comparable } from '../test-support/arbitraries.ts';
import {
  logsJson,
  logsProtobuf,
  metricsJson,
  metricsProtobuf,
  sdkLogs,
  sdkMetrics,
  sdkSpans,
  traceJson,
  traceProtobuf,
} from '../test-support/sdk-fixtures.ts';
import {
  OtlpDecodeError,
  decodeLogsRequest,
  decodeLogsRequestJson,
  decodeMetricsRequest,
  decodeMetricsRequestJson,
  decodeTraceRequest,
  decodeTraceRequestJson,
  encodeLogsRequest,
  encodeMetricsRequest,
  encodeTraceRequest,
} from './index.ts';

/** xorshift32: deterministic and fast. */
function rng(seed: number): (n: number) => number {
  let state = seed >>> 0 || 1;
  return (n: number) => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state % n;
  };
}

const BOUNDARY = [0x00, 0x01, 0x7f, 0x80, 0xff, 0x0a, 0x12, 0x08];

function mutate(input: Uint8Array, random: (n: number) => number): Uint8Array {
  const bytes = Uint8Array.from(input);
  const edits = 1 + random(4);
  let out = bytes;
  for (let e = 0; e < edits && out.length > 0; e++) {
    const at = random(out.length);
    switch (random(6)) {
      case 0:
        out[at] = out[at]! ^ (1 << random(8));
        break;
      case 1:
        out[at] = BOUNDARY[random(BOUNDARY.length)]!;
        break;
      case 2:
        out = out.subarray(0, at);
        break;
      case 3: {
        const length = 1 + random(16);
        out = Uint8Array.from([
          ...out.subarray(0, at),
          ...out.subarray(at, at + length),
          ...out.subarray(at),
        ]);
        break;
      }
      case 4:
        out = Uint8Array.from([...out.subarray(0, at), ...out.subarray(at + 1 + random(8))]);
        break;
      default:
        out = Uint8Array.from([
          ...out.subarray(0, at),
          random(256),
          random(256),
          ...out.subarray(at),
        ]);
    }
  }
  return out;
}

interface Target {
  name: string;
  seed: Uint8Array;
  decode: (bytes: Uint8Array) => unknown;
  encode?: (value: never) => Uint8Array;
  cases: number;
}

function fuzz(
  { seed, decode, encode, cases }: Target,
  salt: number,
): { decoded: number; rejected: number } {
  const random = rng(0x9e3779b9 ^ salt);
  let decoded = 0;
  let rejected = 0;
  for (let i = 0; i < cases; i++) {
    const input = mutate(seed, random);
    let value: unknown;
    try {
      value = decode(input);
    } catch (error) {
      if (!(error instanceof OtlpDecodeError) || error.code === 'INTERNAL') {
        throw new Error(
          `case ${i}: ${String(error)} for input ${Buffer.from(input).toString('base64')}`,
        );
      }
      rejected++;
      continue;
    }
    decoded++;
    if (encode && i % 4 === 0) {
      expect(comparable(decode(encode(value as never)))).toEqual(comparable(value));
    }
  }
  return { decoded, rejected };
}

describe('mutation fuzzing', async () => {
  const targets: Target[] = [
    {
      name: 'traces (protobuf)',
      seed: traceProtobuf(sdkSpans(4, 4)),
      decode: decodeTraceRequest,
      encode: encodeTraceRequest,
      cases: 40_000,
    },
    {
      name: 'metrics (protobuf)',
      seed: metricsProtobuf(await sdkMetrics()),
      decode: decodeMetricsRequest,
      encode: encodeMetricsRequest,
      cases: 35_000,
    },
    {
      name: 'logs (protobuf)',
      seed: logsProtobuf(sdkLogs(4)),
      decode: decodeLogsRequest,
      encode: encodeLogsRequest,
      cases: 35_000,
    },
    {
      name: 'traces (JSON)',
      seed: traceJson(sdkSpans(3, 3)),
      decode: (b) => decodeTraceRequestJson(b),
      cases: 8_000,
    },
    {
      name: 'metrics (JSON)',
      seed: metricsJson(await sdkMetrics()),
      decode: (b) => decodeMetricsRequestJson(b),
      cases: 6_000,
    },
    {
      name: 'logs (JSON)',
      seed: logsJson(sdkLogs(3)),
      decode: (b) => decodeLogsRequestJson(b),
      cases: 6_000,
    },
  ];

  it.each(targets.map((t, i) => [t.name, t, i] as const))(
    '%s',
    (_name, target, salt) => {
      const { decoded, rejected } = fuzz(target, salt);
      expect(decoded + rejected).toBe(target.cases);
      // Both outcomes must occur, or the mutations are not exercising the decoder.
      expect(rejected).toBeGreaterThan(target.cases / 20);
      expect(decoded).toBeGreaterThan(target.cases / 50);
    },
    180_000,
  ); // seconds alone; generous for a CI machine running other suites in parallel

  it('covers at least 100k protobuf cases in total', () => {
    expect(targets.filter((t) => t.encode).reduce((n, t) => n + t.cases, 0)).toBeGreaterThanOrEqual(
      100_000,
    );
  });
});
