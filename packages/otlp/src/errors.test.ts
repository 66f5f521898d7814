// Bad input never throws anything but OtlpDecodeError, with a stable code, the byte offset and
// the field path.
import { describe, expect, it } from 'vitest';
import { varintBytes as varint } from '../test-support/arbitraries.ts';
import { sdkSpans, traceProtobuf } from '../test-support/sdk-fixtures.ts';
import type { OtlpErrorCode } from './index.ts';
import {
  OtlpDecodeError,
  decodeLogsRequest,
  decodeMetricsRequestJson,
  decodeTraceRequest,
  decodeTraceRequestJson,
} from './index.ts';

/** A length-delimited field. */
const ld = (field: number, payload: number[]): number[] => [
  ...varint((field << 3) | 2),
  ...varint(payload.length),
  ...payload,
];
/** A trace request with one span whose body is `span`. */
const oneSpan = (span: number[]) => Uint8Array.from(ld(1, ld(2, ld(2, span))));
const ascii = (s: string) => [...Buffer.from(s)];

function failure(fn: () => unknown): OtlpDecodeError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(OtlpDecodeError);
    return error as OtlpDecodeError;
  }
  throw new Error('expected the decoder to fail');
}

const SPAN_PATH = 'resourceSpans[0].scopeSpans[0].spans[0]';

describe('protobuf decode errors', () => {
  const cases: [string, Uint8Array, OtlpErrorCode, string, number][] = [
    [
      'a known field with the wrong wire type',
      oneSpan([0x28, 0x01]),
      'BAD_WIRE_TYPE',
      SPAN_PATH,
      6,
    ],
    ['invalid UTF-8 in a string', oneSpan(ld(5, [0xc3, 0x28])), 'BAD_UTF8', SPAN_PATH, 8],
    ['a trace id of 5 bytes', oneSpan(ld(1, [1, 2, 3, 4, 5])), 'BAD_ID_LENGTH', SPAN_PATH, 7],
    [
      'a span id of 9 bytes',
      oneSpan(ld(2, [1, 2, 3, 4, 5, 6, 7, 8, 9])),
      'BAD_ID_LENGTH',
      SPAN_PATH,
      7,
    ],
    [
      'a length beyond the buffer',
      Uint8Array.from([0x0a, 0xff, 0xff, 0x03, 0x00]),
      'BAD_LENGTH',
      'resourceSpans[0]',
      1,
    ],
    ['a length beyond its parent message', oneSpan([0x2a, 0x05, 0x41]), 'BAD_LENGTH', SPAN_PATH, 7],
    [
      'a varint longer than 10 bytes',
      oneSpan([0x30, ...new Array<number>(11).fill(0xff), 0x01]),
      'BAD_VARINT',
      SPAN_PATH,
      7,
    ],
    ['a varint cut off', oneSpan([0x30, 0xff]), 'TRUNCATED', SPAN_PATH, 7],
    ['a fixed64 cut off', oneSpan([0x39, 1, 2, 3]), 'TRUNCATED', SPAN_PATH, 7],
    ['field number 0', oneSpan([0x00, 0x01]), 'BAD_WIRE_TYPE', SPAN_PATH, 6],
    ['a group (wire type 3)', oneSpan([...varint((99 << 3) | 3)]), 'BAD_WIRE_TYPE', SPAN_PATH, 6],
  ];

  it.each(cases)('%s', (_name, bytes, code, path, offset) => {
    const error = failure(() => decodeTraceRequest(bytes));
    expect(error.code).toBe(code);
    expect(error.fieldPath).toBe(path);
    expect(error.offset).toBe(offset);
    expect(String(error)).toContain(code);
  });

  it('names the attribute whose value is bad', () => {
    const kv = [...ld(1, ascii('user.name')), ...ld(2, ld(1, [0xff]))];
    const error = failure(() =>
      decodeTraceRequest(oneSpan([...ld(9, ld(1, ascii('ok'))), ...ld(9, kv)])),
    );
    expect(error.code).toBe('BAD_UTF8');
    expect(error.fieldPath).toBe(`${SPAN_PATH}.attributes[1]`);
  });

  it('stops AnyValue nesting at the configured depth', () => {
    let value = ld(1, ascii('leaf'));
    for (let i = 0; i < 40; i++) value = ld(5, ld(1, value));
    const body = Uint8Array.from(ld(1, ld(2, ld(2, ld(5, value)))));
    expect(failure(() => decodeLogsRequest(body)).code).toBe('TOO_DEEP');
    expect(() => decodeLogsRequest(body, { maxDepth: 64 })).not.toThrow();
  });

  it('rejects every truncation of a valid request with a typed error', () => {
    const bytes = traceProtobuf(sdkSpans(3, 3));
    let failures = 0;
    for (let cut = 1; cut < bytes.length; cut++) {
      try {
        decodeTraceRequest(bytes.subarray(0, cut));
      } catch (error) {
        expect(error).toBeInstanceOf(OtlpDecodeError);
        expect(['TRUNCATED', 'BAD_LENGTH']).toContain((error as OtlpDecodeError).code);
        failures++;
      }
    }
    // Cuts at a top-level field boundary are valid shorter requests; every other cut fails.
    expect(failures).toBeGreaterThan(bytes.length - 5);
  });
});

describe('JSON decode errors', () => {
  const span = (fields: Record<string, unknown>) =>
    JSON.stringify({
      resourceSpans: [
        { scopeSpans: [{ spans: [{ traceId: '5b8efff798038103d269b633813fc60c', ...fields }] }] },
      ],
    });

  const cases: [string, string, OtlpErrorCode, string][] = [
    ['invalid JSON', '{"resourceSpans": [', 'BAD_JSON', ''],
    ['a string field holding a number', span({ name: 5 }), 'BAD_VALUE', SPAN_PATH],
    [
      'a trace id that is not hex',
      span({ traceId: 'zz8efff798038103d269b633813fc60c' }),
      'BAD_VALUE',
      SPAN_PATH,
    ],
    ['a span id of the wrong length', span({ spanId: 'abcd' }), 'BAD_ID_LENGTH', SPAN_PATH],
    [
      'a uint64 beyond its range',
      span({ startTimeUnixNano: '18446744073709551616' }),
      'BAD_VALUE',
      SPAN_PATH,
    ],
    ['a negative uint64', span({ endTimeUnixNano: '-1' }), 'BAD_VALUE', SPAN_PATH],
    ['a list that is not an array', span({ attributes: {} }), 'BAD_VALUE', SPAN_PATH],
    [
      'an intValue that is not an integer',
      span({ attributes: [{ key: 'k', value: { intValue: 1.5 } }] }),
      'BAD_VALUE',
      `${SPAN_PATH}.attributes[0].value`,
    ],
  ];

  it.each(cases)('%s', (_name, text, code, path) => {
    const error = failure(() => decodeTraceRequestJson(text));
    expect(error.code).toBe(code);
    expect(error.fieldPath).toBe(path);
  });

  it('keeps 64-bit integers exact, as strings or as numbers', () => {
    // A JS number literal would already be rounded; write the digits into the JSON text.
    const text = span({
      startTimeUnixNano: 'START',
      endTimeUnixNano: '18446744073709551615',
    }).replace('"START"', '1795495267334885123');
    const decoded = decodeTraceRequestJson(text).resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
    expect(decoded.startTimeUnixNano).toBe(1795495267334885123n);
    expect(decoded.endTimeUnixNano).toBe(18446744073709551615n);
  });

  it('accepts snake_case keys and ignores unknown ones', () => {
    const text = JSON.stringify({
      resource_metrics: [
        {
          scope_metrics: [
            {
              metrics: [{ name: 'm', future_field: 1, gauge: { data_points: [{ as_int: '7' }] } }],
            },
          ],
        },
      ],
    });
    const metric = decodeMetricsRequestJson(text).resourceMetrics[0]!.scopeMetrics[0]!.metrics[0]!;
    expect(metric.gauge!.dataPoints[0]!.asInt).toBe(7n);
  });

  it('stops AnyValue nesting at the configured depth', () => {
    let value: unknown = { stringValue: 'leaf' };
    for (let i = 0; i < 40; i++) value = { arrayValue: { values: [value] } };
    const text = span({ attributes: [{ key: 'deep', value }] });
    expect(failure(() => decodeTraceRequestJson(text)).code).toBe('TOO_DEEP');
    expect(() => decodeTraceRequestJson(text, { maxDepth: 64 })).not.toThrow();
  });
});
