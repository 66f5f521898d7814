// Decode limits: every limit holds in protobuf and JSON, at the point the object would be
// created, whatever the sender's compression ratio; at the limit a request still decodes.
import { describe, expect, it } from 'vitest';
import { varintBytes as varint } from '../test-support/arbitraries.ts';
import type {
  AnyValue,
  DecodeLimits,
  ExportLogsServiceRequest,
  ExportMetricsServiceRequest,
  ExportTraceServiceRequest,
  KeyValue,
  LimitName,
  Span,
} from './index.ts';
import {
  OtlpDecodeError,
  decodeLogsRequest,
  decodeLogsRequestJson,
  decodeMetricsRequest,
  decodeMetricsRequestJson,
  decodeTraceRequest,
  decodeTraceRequestJson,
  encodeLogsRequest,
  encodeLogsRequestJson,
  encodeMetricsRequest,
  encodeMetricsRequestJson,
  encodeTraceRequest,
  encodeTraceRequestJson,
  spanOf,
} from './index.ts';
import { countContainers } from './json/parse.ts';

const attr = (i: number): KeyValue => ({ key: `k${i}`, value: { stringValue: `v${i}` } });
const attrs = (n: number) => Array.from({ length: n }, (_, i) => attr(i));

function span(over: Partial<Span> = {}): Span {
  return spanOf({
    traceId: new Uint8Array(16).fill(1),
    spanId: new Uint8Array(8).fill(2),
    name: 's',
    kind: 1,
    startTimeUnixNano: 1n,
    endTimeUnixNano: 2n,
    ...over,
  });
}

const traces = (spans: Span[], resourceAttributes: KeyValue[] = []): ExportTraceServiceRequest => ({
  resourceSpans: [
    {
      resource: { attributes: resourceAttributes, droppedAttributesCount: 0, entityRefs: [] },
      scopeSpans: [{ scope: undefined, spans, schemaUrl: '' }],
      schemaUrl: '',
    },
  ],
});

function gauge(points: number, attributesPerPoint = 0): ExportMetricsServiceRequest {
  return {
    resourceMetrics: [
      {
        resource: undefined,
        scopeMetrics: [
          {
            scope: undefined,
            metrics: [
              {
                name: 'm',
                description: '',
                unit: '',
                metadata: [],
                gauge: {
                  dataPoints: Array.from({ length: points }, () => ({
                    attributes: attrs(attributesPerPoint),
                    startTimeUnixNano: 0n,
                    timeUnixNano: 1n,
                    asDouble: 1,
                    exemplars: [],
                    flags: 0,
                  })),
                },
              },
            ],
            schemaUrl: '',
          },
        ],
        schemaUrl: '',
      },
    ],
  };
}

function logs(records: number, body?: AnyValue): ExportLogsServiceRequest {
  return {
    resourceLogs: [
      {
        resource: undefined,
        scopeLogs: [
          {
            scope: undefined,
            logRecords: Array.from({ length: records }, () => ({
              timeUnixNano: 1n,
              observedTimeUnixNano: 1n,
              severityNumber: 9,
              severityText: '',
              body,
              attributes: [],
              droppedAttributesCount: 0,
              flags: 0,
              traceId: new Uint8Array(0),
              spanId: new Uint8Array(0),
              eventName: '',
            })),
            schemaUrl: '',
          },
        ],
        schemaUrl: '',
      },
    ],
  };
}

/** The LIMIT error a decode throws; fails the test when it decodes or throws anything else. */
function overLimit(decode: () => unknown): OtlpDecodeError {
  try {
    decode();
  } catch (error) {
    expect(error).toBeInstanceOf(OtlpDecodeError);
    expect((error as OtlpDecodeError).code).toBe('LIMIT');
    return error as OtlpDecodeError;
  }
  throw new Error('expected the decode to go over a limit');
}

interface Case {
  name: string;
  limit: LimitName;
  limits: DecodeLimits;
  /** A request exactly at the limit, and one just past it. */
  at: () => { proto: Uint8Array; json: string; decode: Decoders };
  over: () => { proto: Uint8Array; json: string; decode: Decoders };
  message: RegExp;
}

interface Decoders {
  proto: (bytes: Uint8Array, limits: DecodeLimits) => unknown;
  json: (text: string, limits: DecodeLimits) => unknown;
}

const traceDecoders: Decoders = {
  proto: (b, limits) => decodeTraceRequest(b, { limits }),
  json: (t, limits) => decodeTraceRequestJson(t, { limits }),
};
const metricDecoders: Decoders = {
  proto: (b, limits) => decodeMetricsRequest(b, { limits }),
  json: (t, limits) => decodeMetricsRequestJson(t, { limits }),
};
const logDecoders: Decoders = {
  proto: (b, limits) => decodeLogsRequest(b, { limits }),
  json: (t, limits) => decodeLogsRequestJson(t, { limits }),
};

const ofTraces = (r: ExportTraceServiceRequest) => () => ({
  proto: encodeTraceRequest(r),
  json: encodeTraceRequestJson(r),
  decode: traceDecoders,
});
const ofMetrics = (r: ExportMetricsServiceRequest) => () => ({
  proto: encodeMetricsRequest(r),
  json: encodeMetricsRequestJson(r),
  decode: metricDecoders,
});
const ofLogs = (r: ExportLogsServiceRequest) => () => ({
  proto: encodeLogsRequest(r),
  json: encodeLogsRequestJson(r),
  decode: logDecoders,
});

const cases: Case[] = [
  {
    name: 'spans per request',
    limit: 'items',
    limits: { maxItems: 5 },
    at: ofTraces(traces(Array.from({ length: 5 }, () => span()))),
    over: ofTraces(traces(Array.from({ length: 6 }, () => span()))),
    message: /more than 5 spans in one request/,
  },
  {
    name: 'data points per request',
    limit: 'items',
    limits: { maxItems: 3 },
    at: ofMetrics(gauge(3)),
    over: ofMetrics(gauge(4)),
    message: /more than 3 data points in one request/,
  },
  {
    name: 'log records per request',
    limit: 'items',
    limits: { maxItems: 2 },
    at: ofLogs(logs(2)),
    over: ofLogs(logs(3)),
    message: /more than 2 log records in one request/,
  },
  {
    name: 'attributes of one span',
    limit: 'attributes',
    limits: { maxAttributes: 4 },
    at: ofTraces(traces([span({ attributes: attrs(4) })])),
    over: ofTraces(traces([span({ attributes: attrs(5) })])),
    message: /more than 4 attributes in one record/,
  },
  {
    name: 'attributes of a resource',
    limit: 'attributes',
    limits: { maxAttributes: 4 },
    at: ofTraces(traces([span()], attrs(4))),
    over: ofTraces(traces([span()], attrs(5))),
    message: /more than 4 attributes in one record/,
  },
  {
    name: 'attributes of one data point',
    limit: 'attributes',
    limits: { maxAttributes: 2 },
    at: ofMetrics(gauge(1, 2)),
    over: ofMetrics(gauge(1, 3)),
    message: /more than 2 attributes in one record/,
  },
  {
    name: 'events of one span',
    limit: 'events',
    limits: { maxEvents: 2 },
    at: ofTraces(
      traces([
        span({
          events: [0, 1].map(() => ({
            timeUnixNano: 1n,
            name: 'e',
            attributes: [],
            droppedAttributesCount: 0,
          })),
        }),
      ]),
    ),
    over: ofTraces(
      traces([
        span({
          events: [0, 1, 2].map(() => ({
            timeUnixNano: 1n,
            name: 'e',
            attributes: [],
            droppedAttributesCount: 0,
          })),
        }),
      ]),
    ),
    message: /more than 2 events in one record/,
  },
  {
    name: 'links of one span',
    limit: 'links',
    limits: { maxLinks: 1 },
    at: ofTraces(traces([span({ links: [link()] })])),
    over: ofTraces(traces([span({ links: [link(), link()] })])),
    message: /more than 1 links in one record/,
  },
  {
    name: 'values across a request (attributes of many spans)',
    limit: 'values',
    limits: { maxValues: 6 },
    at: ofTraces(traces([span({ attributes: attrs(3) }), span({ attributes: attrs(3) })])),
    over: ofTraces(traces([span({ attributes: attrs(3) }), span({ attributes: attrs(4) })])),
    message: /more than 6 values in one request/,
  },
  {
    name: 'values nested in an array and a key-value list',
    limit: 'values',
    limits: { maxValues: 5 },
    // 1 attribute + 2 array elements + 2 list entries = 5
    at: ofTraces(traces([span({ attributes: [nested(2, 2)] })])),
    over: ofTraces(traces([span({ attributes: [nested(2, 3)] })])),
    message: /more than 5 values in one request/,
  },
  {
    name: 'log bodies count as values',
    limit: 'values',
    limits: { maxValues: 2 },
    at: ofLogs(logs(2, { stringValue: 'b' })),
    over: ofLogs(logs(3, { stringValue: 'b' })),
    message: /more than 2 values in one request/,
  },
];

function link() {
  return {
    traceId: new Uint8Array(16).fill(3),
    spanId: new Uint8Array(8).fill(4),
    traceState: '',
    attributes: [],
    droppedAttributesCount: 0,
    flags: 0,
  };
}

function nested(arrayLength: number, listLength: number): KeyValue {
  return {
    key: 'n',
    value: {
      kvlistValue: {
        values: [
          ...Array.from({ length: listLength - 1 }, (_, i) => attr(i)),
          {
            key: 'a',
            value: {
              arrayValue: {
                values: Array.from({ length: arrayLength }, () => ({ boolValue: true })),
              },
            },
          },
        ],
      },
    },
  };
}

describe.each(['proto', 'json'] as const)('decode limits (%s)', (encoding) => {
  it.each(cases)('$name: decodes at the limit, refuses one more', (c) => {
    const at = c.at();
    const over = c.over();
    const run = (r: typeof at) =>
      encoding === 'proto' ? r.decode.proto(r.proto, c.limits) : r.decode.json(r.json, c.limits);
    expect(() => run(at)).not.toThrow();
    const error = overLimit(() => run(over));
    expect(error.limit).toBe(c.limit);
    expect(error.message).toMatch(c.message);
    // Without limits the same request decodes: the limit, not the data, refused it.
    expect(() =>
      encoding === 'proto' ? over.decode.proto(over.proto, {}) : over.decode.json(over.json, {}),
    ).not.toThrow();
  });

  it('names the record that went over in the error path', () => {
    const r = traces([span(), span({ attributes: attrs(3) })]);
    const error = overLimit(() =>
      encoding === 'proto'
        ? decodeTraceRequest(encodeTraceRequest(r), { limits: { maxAttributes: 2 } })
        : decodeTraceRequestJson(encodeTraceRequestJson(r), { limits: { maxAttributes: 2 } }),
    );
    expect(error.fieldPath).toBe('resourceSpans[0].scopeSpans[0].spans[1]');
  });
});

/** A length-delimited field. */
const ld = (field: number, payload: number[] | Uint8Array): number[] => [
  ...varint((field << 3) | 2),
  ...varint(payload.length),
  ...payload,
];

/** The smallest node limit a decode passes with: what the decode counted. */
function nodesCounted(decode: (maxNodes: number) => unknown): number {
  let low = 0;
  let high = 100_000;
  while (low < high) {
    const mid = (low + high) >> 1;
    try {
      decode(mid);
      high = mid;
    } catch (error) {
      expect((error as OtlpDecodeError).limit).toBe('nodes');
      low = mid + 1;
    }
  }
  return low;
}

const containersIn = (json: string) =>
  json.replace(/"(?:[^"\\]|\\.)*"/g, '').replace(/[^{[]/g, '').length;

describe('node accounting', () => {
  it('protobuf counts every message, unknown field and bucket count exactly once', () => {
    const r = traces(
      [
        span({
          attributes: attrs(2),
          events: [{ timeUnixNano: 1n, name: 'e', attributes: [], droppedAttributesCount: 0 }],
        }),
      ],
      attrs(1),
    );
    // resourceSpans, resource, its attribute (KeyValue + AnyValue), scopeSpans, span,
    // 2 attributes × 2, the event.
    const bytes = encodeTraceRequest(r);
    expect(nodesCounted((maxNodes) => decodeTraceRequest(bytes, { limits: { maxNodes } }))).toBe(
      11,
    );
  });

  it('JSON counts the objects and arrays of the text and every bucket count', () => {
    const r = traces([span({ attributes: attrs(2), links: [link()] })], attrs(1));
    const text = encodeTraceRequestJson(r);
    expect(nodesCounted((maxNodes) => decodeTraceRequestJson(text, { limits: { maxNodes } }))).toBe(
      containersIn(text),
    );
    const metrics = gauge(1);
    const point = metrics.resourceMetrics[0]!.scopeMetrics[0]!.metrics[0]!;
    const histogram: ExportMetricsServiceRequest = {
      resourceMetrics: [
        {
          ...metrics.resourceMetrics[0]!,
          scopeMetrics: [
            {
              ...metrics.resourceMetrics[0]!.scopeMetrics[0]!,
              metrics: [
                {
                  name: point.name,
                  description: '',
                  unit: '',
                  metadata: [],
                  histogram: {
                    aggregationTemporality: 2,
                    dataPoints: [
                      {
                        attributes: [],
                        startTimeUnixNano: 0n,
                        timeUnixNano: 1n,
                        count: 6n,
                        sum: undefined,
                        bucketCounts: [1n, 2n, 3n],
                        explicitBounds: [1, 2],
                        exemplars: [],
                        flags: 0,
                        min: undefined,
                        max: undefined,
                      },
                    ],
                  },
                },
              ],
            },
          ],
        },
      ],
    };
    const histogramText = encodeMetricsRequestJson(histogram);
    expect(
      nodesCounted((maxNodes) => decodeMetricsRequestJson(histogramText, { limits: { maxNodes } })),
    ).toBe(containersIn(histogramText) + 3);
  });
});

describe('amplification shapes (protobuf)', () => {
  it('refuses a flood of empty spans after the item limit, not after decoding them all', () => {
    // 1,000,000 empty spans: 2 bytes each on the wire.
    const spans = new Uint8Array(2_000_000);
    for (let i = 0; i < spans.length; i += 2) spans[i] = 0x12;
    const bytes = Uint8Array.from([
      0x0a,
      ...varint(spans.length + 1 + varint(spans.length).length),
      0x12,
      ...varint(spans.length),
      ...spans,
    ]);
    const error = overLimit(() => decodeTraceRequest(bytes, { limits: { maxItems: 1000 } }));
    expect(error.limit).toBe('items');
    expect(error.fieldPath).toBe('resourceSpans[0].scopeSpans[0]');
    // Stopped at the 1001st span (2 bytes each after an 8-byte header), not at the end.
    expect(error.offset).toBe(8 + 1000 * 2);
  });

  it('counts unknown fields kept for pass-through as decoded objects', () => {
    // 100,000 unknown varint fields (field 100, value 0) inside one span.
    const unknown = new Uint8Array(300_000);
    for (let i = 0; i < unknown.length; i += 3) unknown.set([0xa0, 0x06, 0x00], i);
    const bytes = Uint8Array.from(ld(1, ld(2, ld(2, unknown))));
    expect(() => decodeTraceRequest(bytes)).not.toThrow();
    const error = overLimit(() => decodeTraceRequest(bytes, { limits: { maxNodes: 10_000 } }));
    expect(error.limit).toBe('nodes');
  });

  it('counts histogram bucket counts as decoded objects (each becomes a bigint)', () => {
    // An exponential histogram point whose positive buckets hold 100,000 packed zero counts.
    const counts = new Uint8Array(100_000);
    const buckets = ld(2, counts);
    const point = ld(8, buckets);
    const histogram = ld(1, point);
    const metric = [...ld(1, [0x6d]), ...ld(10, histogram)];
    const bytes = Uint8Array.from(ld(1, ld(2, ld(2, metric))));
    expect(() => decodeMetricsRequest(bytes)).not.toThrow();
    const error = overLimit(() => decodeMetricsRequest(bytes, { limits: { maxNodes: 50_000 } }));
    expect(error.limit).toBe('nodes');
  });

  it('refuses one span with a million empty attributes by the attribute limit', () => {
    const attributes = new Uint8Array(2_000_000);
    for (let i = 0; i < attributes.length; i += 2) attributes[i] = 0x4a;
    const bytes = Uint8Array.from(ld(1, ld(2, ld(2, attributes))));
    const error = overLimit(() => decodeTraceRequest(bytes, { limits: { maxAttributes: 128 } }));
    expect(error.limit).toBe('attributes');
  });
});

describe('amplification shapes (JSON)', () => {
  it('refuses text with more objects than the node budget before parsing it', () => {
    const text = `{"resourceSpans":[{"scopeSpans":[{"spans":[${'{},'.repeat(99_999)}{}]}]}]}`;
    const error = overLimit(() => decodeTraceRequestJson(text, { limits: { maxNodes: 50_000 } }));
    expect(error.limit).toBe('nodes');
    expect(error.fieldPath).toBe(''); // the whole text, before any field was decoded
    // The item limit alone refuses it too, after parsing.
    expect(overLimit(() => decodeTraceRequestJson(text, { limits: { maxItems: 10 } })).limit).toBe(
      'items',
    );
  });

  it('counts containers outside strings only', () => {
    expect(countContainers('{"a":"{[{[","b":[{}]}', 100)).toBe(3);
    expect(countContainers('{"a":"\\"{[","b":[],"c":"\\\\"}', 100)).toBe(2);
    expect(countContainers('[[[[[[]]]]]]', 2)).toBe(3); // stops once past the bound
  });
});
