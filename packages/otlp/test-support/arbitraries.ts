// fast-check generators for OTLP requests in the codec's normalized form (every field present,
// proto3 defaults for absent scalars), optionally with unknown fields at every level.
import { Buffer } from 'node:buffer';
import fc from 'fast-check';
import type {
  AnyValue,
  ExportLogsServiceRequest,
  ExportMetricsServiceRequest,
  ExportTraceServiceRequest,
  InstrumentationScope,
  KeyValue,
  Resource,
} from '../src/index.ts';

type Arb<T> = fc.Arbitrary<T>;

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const i32 = fc.integer({ min: -0x80000000, max: 0x7fffffff });
const u64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
const i64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
const text = fc.oneof(fc.string({ maxLength: 12 }), fc.string({ unit: 'grapheme', maxLength: 8 }));
const id = (size: number) =>
  fc.oneof(fc.constant(new Uint8Array(0)), fc.uint8Array({ minLength: size, maxLength: size }));

/** JSON has no -0; the JSON round trip compares +0 instead. */
const dbl = (json: boolean) =>
  json ? fc.double().map((d) => (Object.is(d, -0) ? 0 : d)) : fc.double();

/** Protobuf varint bytes of a non-negative number. */
export function varintBytes(value: number): number[] {
  const out: number[] = [];
  while (value > 0x7f) {
    out.push((value & 0x7f) | 0x80);
    value = Math.floor(value / 128);
  }
  out.push(value);
  return out;
}

/** One valid protobuf field with a number no OTLP message uses (100-2000), any wire type. */
const unknownField: Arb<Uint8Array> = fc
  .tuple(
    fc.integer({ min: 100, max: 2000 }),
    fc.constantFrom(0, 1, 2, 5),
    fc.uint8Array({ maxLength: 10 }),
    u32,
  )
  .map(([field, wireType, payload, n]) => {
    const bytes = varintBytes((field << 3) | wireType);
    if (wireType === 0) bytes.push(...varintBytes(n));
    else if (wireType === 1)
      bytes.push(
        ...payload.slice(0, 8),
        ...new Array<number>(Math.max(0, 8 - payload.length)).fill(0),
      );
    else if (wireType === 5)
      bytes.push(
        ...payload.slice(0, 4),
        ...new Array<number>(Math.max(0, 4 - payload.length)).fill(0),
      );
    else bytes.push(...varintBytes(payload.length), ...payload);
    return Uint8Array.from(bytes);
  });

/** Adds `unknownFields` (sometimes) when generating for protobuf. */
function withUnknown<T extends object>(arb: Arb<T>, unknown: boolean): Arb<T> {
  if (!unknown) return arb;
  return fc
    .tuple(arb, fc.option(fc.array(unknownField, { minLength: 1, maxLength: 2 }), { freq: 4 }))
    .map(([value, fields]) => (fields === null ? value : { ...value, unknownFields: fields }));
}

function anyValue(json: boolean, unknown: boolean): Arb<AnyValue> {
  const { value } = fc.letrec<{ value: AnyValue; kv: KeyValue }>((tie) => ({
    value: withUnknown(
      fc.oneof(
        { depthSize: 'small', maxDepth: 3 },
        text.map((stringValue) => ({ stringValue })),
        fc.boolean().map((boolValue) => ({ boolValue })),
        i64.map((intValue) => ({ intValue })),
        dbl(json).map((doubleValue) => ({ doubleValue })),
        fc.uint8Array({ maxLength: 12 }).map((bytesValue) => ({ bytesValue })),
        fc.constant({}),
        fc.array(tie('value'), { maxLength: 3 }).map((values) => ({ arrayValue: { values } })),
        fc.array(tie('kv'), { maxLength: 3 }).map((values) => ({ kvlistValue: { values } })),
      ),
      unknown,
    ),
    kv: fc.record({
      key: text,
      value: fc.option<AnyValue, undefined>(tie('value'), { nil: undefined }),
    }),
  }));
  return value;
}

function attributes(json: boolean, unknown: boolean): Arb<KeyValue[]> {
  const kv = withUnknown(
    fc.record({ key: text, value: fc.option(anyValue(json, unknown), { nil: undefined }) }),
    unknown,
  );
  return fc.array(kv, { maxLength: 4 });
}

function resource(json: boolean, unknown: boolean): Arb<Resource | undefined> {
  const entityRef = withUnknown(
    fc.record({
      schemaUrl: text,
      type: text,
      idKeys: fc.array(text, { maxLength: 2 }),
      descriptionKeys: fc.array(text, { maxLength: 2 }),
    }),
    unknown,
  );
  const res = withUnknown(
    fc.record({
      attributes: attributes(json, unknown),
      droppedAttributesCount: u32,
      entityRefs: fc.array(entityRef, { maxLength: 2 }),
    }),
    unknown,
  );
  return fc.option(res, { nil: undefined });
}

function scope(json: boolean, unknown: boolean): Arb<InstrumentationScope | undefined> {
  const record = fc.record({
    name: text,
    version: text,
    attributes: attributes(json, unknown),
    droppedAttributesCount: u32,
  });
  return fc.option(withUnknown(record, unknown), { nil: undefined });
}

export function arbitraryTraceRequest(unknown: boolean): Arb<ExportTraceServiceRequest> {
  const json = !unknown;
  const event = withUnknown(
    fc.record({
      timeUnixNano: u64,
      name: text,
      attributes: attributes(json, unknown),
      droppedAttributesCount: u32,
    }),
    unknown,
  );
  const link = withUnknown(
    fc.record({
      traceId: id(16),
      spanId: id(8),
      traceState: text,
      attributes: attributes(json, unknown),
      droppedAttributesCount: u32,
      flags: u32,
    }),
    unknown,
  );
  const span = withUnknown(
    fc.record({
      traceId: id(16),
      spanId: id(8),
      traceState: text,
      parentSpanId: id(8),
      flags: u32,
      name: text,
      kind: i32,
      startTimeUnixNano: u64,
      endTimeUnixNano: u64,
      attributes: attributes(json, unknown),
      droppedAttributesCount: u32,
      events: fc.array(event, { maxLength: 2 }),
      droppedEventsCount: u32,
      links: fc.array(link, { maxLength: 2 }),
      droppedLinksCount: u32,
      status: fc.option(withUnknown(fc.record({ message: text, code: i32 }), unknown), {
        nil: undefined,
      }),
    }),
    unknown,
  );
  const scopeSpans = withUnknown(
    fc.record({
      scope: scope(json, unknown),
      spans: fc.array(span, { maxLength: 3 }),
      schemaUrl: text,
    }),
    unknown,
  );
  const resourceSpans = withUnknown(
    fc.record({
      resource: resource(json, unknown),
      scopeSpans: fc.array(scopeSpans, { maxLength: 2 }),
      schemaUrl: text,
    }),
    unknown,
  );
  return withUnknown(
    fc.record({ resourceSpans: fc.array(resourceSpans, { maxLength: 2 }) }),
    unknown,
  );
}

export function arbitraryMetricsRequest(unknown: boolean): Arb<ExportMetricsServiceRequest> {
  const json = !unknown;
  const d = dbl(json);
  const optional = fc.option(d, { nil: undefined });
  const value = fc.oneof(
    fc.constant({}),
    d.map((asDouble) => ({ asDouble })),
    i64.map((asInt) => ({ asInt })),
  );
  const exemplar = withUnknown(
    fc
      .tuple(
        fc.record({
          filteredAttributes: attributes(json, unknown),
          timeUnixNano: u64,
          spanId: id(8),
          traceId: id(16),
        }),
        value,
      )
      .map(([e, v]) => ({ ...e, ...v })),
    unknown,
  );
  const exemplars = fc.array(exemplar, { maxLength: 2 });
  const base = {
    attributes: attributes(json, unknown),
    startTimeUnixNano: u64,
    timeUnixNano: u64,
    flags: u32,
  };
  const numberPoint = withUnknown(
    fc.tuple(fc.record({ ...base, exemplars }), value).map(([p, v]) => ({ ...p, ...v })),
    unknown,
  );
  const histogramPoint = withUnknown(
    fc.record({
      ...base,
      count: u64,
      sum: optional,
      bucketCounts: fc.array(u64, { maxLength: 4 }),
      explicitBounds: fc.array(d, { maxLength: 3 }),
      exemplars,
      min: optional,
      max: optional,
    }),
    unknown,
  );
  const buckets = fc.option(
    withUnknown(fc.record({ offset: i32, bucketCounts: fc.array(u64, { maxLength: 4 }) }), unknown),
    { nil: undefined },
  );
  const exponentialPoint = withUnknown(
    fc.record({
      ...base,
      count: u64,
      sum: optional,
      scale: i32,
      zeroCount: u64,
      positive: buckets,
      negative: buckets,
      exemplars,
      min: optional,
      max: optional,
      zeroThreshold: d,
    }),
    unknown,
  );
  const quantile = withUnknown(fc.record({ quantile: d, value: d }), unknown);
  const summaryPoint = withUnknown(
    fc.record({
      ...base,
      count: u64,
      sum: d,
      quantileValues: fc.array(quantile, { maxLength: 3 }),
    }),
    unknown,
  );
  const points = <T>(p: Arb<T>) => fc.array(p, { maxLength: 3 });
  const data = fc.oneof(
    fc.constant({}),
    withUnknown(fc.record({ dataPoints: points(numberPoint) }), unknown).map((gauge) => ({
      gauge,
    })),
    withUnknown(
      fc.record({
        dataPoints: points(numberPoint),
        aggregationTemporality: i32,
        isMonotonic: fc.boolean(),
      }),
      unknown,
    ).map((sum) => ({ sum })),
    withUnknown(
      fc.record({ dataPoints: points(histogramPoint), aggregationTemporality: i32 }),
      unknown,
    ).map((histogram) => ({ histogram })),
    withUnknown(
      fc.record({ dataPoints: points(exponentialPoint), aggregationTemporality: i32 }),
      unknown,
    ).map((exponentialHistogram) => ({ exponentialHistogram })),
    withUnknown(fc.record({ dataPoints: points(summaryPoint) }), unknown).map((summary) => ({
      summary,
    })),
  );
  const metric = withUnknown(
    fc
      .tuple(
        fc.record({
          name: text,
          description: text,
          unit: text,
          metadata: attributes(json, unknown),
        }),
        data,
      )
      .map(([m, v]) => ({ ...m, ...v })),
    unknown,
  );
  const scopeMetrics = withUnknown(
    fc.record({
      scope: scope(json, unknown),
      metrics: fc.array(metric, { maxLength: 3 }),
      schemaUrl: text,
    }),
    unknown,
  );
  const resourceMetrics = withUnknown(
    fc.record({
      resource: resource(json, unknown),
      scopeMetrics: fc.array(scopeMetrics, { maxLength: 2 }),
      schemaUrl: text,
    }),
    unknown,
  );
  return withUnknown(
    fc.record({ resourceMetrics: fc.array(resourceMetrics, { maxLength: 2 }) }),
    unknown,
  );
}

export function arbitraryLogsRequest(unknown: boolean): Arb<ExportLogsServiceRequest> {
  const json = !unknown;
  const log = withUnknown(
    fc.record({
      timeUnixNano: u64,
      observedTimeUnixNano: u64,
      severityNumber: i32,
      severityText: text,
      body: fc.option(anyValue(json, unknown), { nil: undefined }),
      attributes: attributes(json, unknown),
      droppedAttributesCount: u32,
      flags: u32,
      traceId: id(16),
      spanId: id(8),
      eventName: text,
    }),
    unknown,
  );
  const scopeLogs = withUnknown(
    fc.record({
      scope: scope(json, unknown),
      logRecords: fc.array(log, { maxLength: 3 }),
      schemaUrl: text,
    }),
    unknown,
  );
  const resourceLogs = withUnknown(
    fc.record({
      resource: resource(json, unknown),
      scopeLogs: fc.array(scopeLogs, { maxLength: 2 }),
      schemaUrl: text,
    }),
    unknown,
  );
  return withUnknown(
    fc.record({ resourceLogs: fc.array(resourceLogs, { maxLength: 2 }) }),
    unknown,
  );
}

/**
 * A deep copy fit for `toEqual`: bytes as hex strings (decoded bytes are views, generated ones are
 * fresh arrays), unknown fields concatenated, undefined properties dropped.
 */
export function comparable(value: unknown): unknown {
  if (value instanceof Uint8Array) return `hex:${Buffer.from(value).toString('hex')}`;
  if (Array.isArray(value)) return value.map(comparable);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      if (v === undefined) continue;
      out[key] =
        key === 'unknownFields' ? comparable(Buffer.concat(v as Uint8Array[])) : comparable(v);
    }
    return out;
  }
  return value;
}
