// Round trips: canonical protobuf re-encodes byte for byte, unknown fields pass through, and
// generated requests of every shape survive protobuf and JSON round trips unchanged.
import { Buffer } from 'node:buffer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  logsProtobuf,
  metricsProtobuf,
  sdkLogs,
  sdkMetrics,
  sdkSpans,
  traceProtobuf,
} from '../test-support/sdk-fixtures.ts';
import {
  arbitraryLogsRequest,
  arbitraryMetricsRequest,
  arbitraryTraceRequest,
  comparable,
} from '../test-support/arbitraries.ts';
import {
  decodeLogsRequest,
  decodeLogsRequestJson,
  decodeMetricsRequest,
  decodeMetricsRequestJson,
  decodeTraceRequest,
  decodeTraceRequestJson,
  decodeTraceResponse,
  encodeLogsRequest,
  encodeLogsRequestJson,
  encodeMetricsRequest,
  encodeMetricsRequestJson,
  encodeTraceRequest,
  encodeTraceRequestJson,
  encodeTraceResponse,
} from './index.ts';

const same = (a: Uint8Array, b: Uint8Array) => Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;

describe('canonical encodings re-encode byte for byte', async () => {
  const cases: [string, Uint8Array, (b: Uint8Array) => unknown, (r: never) => Uint8Array][] = [
    ['traces', traceProtobuf(sdkSpans(50, 10)), decodeTraceRequest, encodeTraceRequest],
    ['metrics', metricsProtobuf(await sdkMetrics()), decodeMetricsRequest, encodeMetricsRequest],
    ['logs', logsProtobuf(sdkLogs(20)), decodeLogsRequest, encodeLogsRequest],
  ];
  it.each(cases)('%s', (_name, sdkBytes, decode, encode) => {
    // The SDK writes some zero values explicitly; our encoder writes the canonical form.
    const canonical = encode(decode(sdkBytes) as never);
    expect(canonical.length).toBeLessThanOrEqual(sdkBytes.length);
    expect(same(encode(decode(canonical) as never), canonical)).toBe(true);
  });
});

describe('unknown fields pass through', () => {
  // field 50, varint 7 | field 51, bytes "new" | field 52, fixed64 | field 53, fixed32
  const extra = Uint8Array.from([
    0x90, 0x03, 0x07, 0x9a, 0x03, 0x03, 0x6e, 0x65, 0x77, 0xa1, 0x03, 1, 2, 3, 4, 5, 6, 7, 8, 0xad,
    0x03, 9, 9, 9, 9,
  ]);

  it('at every level of a trace request, across decode and encode', () => {
    const request = decodeTraceRequest(traceProtobuf(sdkSpans(3, 2)));
    const rs = request.resourceSpans[0]!;
    const span = rs.scopeSpans[0]!.spans[0]!;
    request.unknownFields = [extra];
    rs.unknownFields = [extra];
    rs.resource!.unknownFields = [extra];
    rs.scopeSpans[0]!.unknownFields = [extra];
    span.unknownFields = [extra];
    span.attributes[0]!.unknownFields = [extra];
    span.attributes[0]!.value!.unknownFields = [extra];
    const bytes = encodeTraceRequest(request);
    const back = decodeTraceRequest(bytes);
    const backSpan = back.resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
    for (const fields of [
      back.unknownFields,
      back.resourceSpans[0]!.unknownFields,
      back.resourceSpans[0]!.resource!.unknownFields,
      back.resourceSpans[0]!.scopeSpans[0]!.unknownFields,
      backSpan.unknownFields,
      backSpan.attributes[0]!.unknownFields,
      backSpan.attributes[0]!.value!.unknownFields,
    ]) {
      expect(fields).toBeDefined();
      expect(same(Buffer.concat(fields!), extra)).toBe(true);
    }
    expect(same(encodeTraceRequest(back), bytes)).toBe(true);
  });

  it('in responses', () => {
    const bytes = encodeTraceResponse({
      partialSuccess: { rejectedSpans: 3n, errorMessage: 'bad ids', unknownFields: [extra] },
      unknownFields: [extra],
    });
    const back = decodeTraceResponse(bytes);
    expect(back.partialSuccess).toMatchObject({ rejectedSpans: 3n, errorMessage: 'bad ids' });
    expect(same(encodeTraceResponse(back), bytes)).toBe(true);
  });
});

describe('generated requests round-trip (property-based)', () => {
  const runs = { numRuns: Number(process.env.FC_RUNS ?? 300) };

  it('traces: protobuf', () => {
    fc.assert(
      fc.property(arbitraryTraceRequest(true), (request) => {
        const bytes = encodeTraceRequest(request);
        const back = decodeTraceRequest(bytes);
        expect(comparable(back)).toEqual(comparable(request));
        expect(same(encodeTraceRequest(back), bytes)).toBe(true);
      }),
      runs,
    );
  }, 120_000);

  it('metrics: protobuf', () => {
    fc.assert(
      fc.property(arbitraryMetricsRequest(true), (request) => {
        const bytes = encodeMetricsRequest(request);
        const back = decodeMetricsRequest(bytes);
        expect(comparable(back)).toEqual(comparable(request));
        expect(same(encodeMetricsRequest(back), bytes)).toBe(true);
      }),
      runs,
    );
  }, 120_000);

  it('logs: protobuf', () => {
    fc.assert(
      fc.property(arbitraryLogsRequest(true), (request) => {
        const bytes = encodeLogsRequest(request);
        const back = decodeLogsRequest(bytes);
        expect(comparable(back)).toEqual(comparable(request));
        expect(same(encodeLogsRequest(back), bytes)).toBe(true);
      }),
      runs,
    );
  }, 120_000);

  it('all signals: JSON', () => {
    fc.assert(
      fc.property(
        arbitraryTraceRequest(false),
        arbitraryMetricsRequest(false),
        arbitraryLogsRequest(false),
        (traces, metrics, logs) => {
          expect(comparable(decodeTraceRequestJson(encodeTraceRequestJson(traces)))).toEqual(
            comparable(traces),
          );
          expect(comparable(decodeMetricsRequestJson(encodeMetricsRequestJson(metrics)))).toEqual(
            comparable(metrics),
          );
          expect(comparable(decodeLogsRequestJson(encodeLogsRequestJson(logs)))).toEqual(
            comparable(logs),
          );
        },
      ),
      runs,
    );
  }, 120_000);
});
