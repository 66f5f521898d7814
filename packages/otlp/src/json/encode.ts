import { Buffer } from 'node:buffer';
import type { AnyValue, InstrumentationScope, KeyValue, Resource } from '../types/common.ts';
import type { ExportLogsServiceRequest, LogRecord } from '../types/logs.ts';
import type {
  Exemplar,
  ExponentialHistogramBuckets,
  ExportMetricsServiceRequest,
  Metric,
  NumberDataPoint,
} from '../types/metrics.ts';
import type { ExportTraceServiceRequest, Span } from '../types/trace.ts';

/**
 * OTLP/JSON encoding: lowerCamelCase keys, trace and span ids as lowercase hex, other bytes as
 * base64, enums as integers, 64-bit integers as decimal strings, non-finite doubles as the
 * strings "NaN" / "Infinity" / "-Infinity". Fields holding their default value are omitted;
 * oneof members and optional fields are written whenever set. Unknown protobuf fields have no
 * JSON form and are not written.
 */
type Json = Record<string, unknown>;

const hex = (bytes: Uint8Array) =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
const b64 = (bytes: Uint8Array) =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
const num = (value: number): number | string => (Number.isFinite(value) ? value : String(value));

/** Adds `key: value` unless value is the field's default. */
function put(out: Json, key: string, value: unknown): void {
  if (value === '' || value === 0 || value === 0n || value === false || value === undefined) return;
  if (Array.isArray(value) && value.length === 0) return;
  if (value instanceof Uint8Array) {
    if (value.length > 0) out[key] = key.endsWith('Id') ? hex(value) : b64(value);
    return;
  }
  out[key] = typeof value === 'bigint' ? value.toString() : value;
}

function anyValue(v: AnyValue): Json {
  if ('stringValue' in v) return { stringValue: v.stringValue };
  if ('boolValue' in v) return { boolValue: v.boolValue };
  if ('intValue' in v) return { intValue: v.intValue.toString() };
  if ('doubleValue' in v) return { doubleValue: num(v.doubleValue) };
  if ('arrayValue' in v) return { arrayValue: { values: v.arrayValue.values.map(anyValue) } };
  if ('kvlistValue' in v) return { kvlistValue: { values: v.kvlistValue.values.map(keyValue) } };
  if ('bytesValue' in v) return { bytesValue: b64(v.bytesValue) };
  return {};
}

function keyValue(kv: KeyValue): Json {
  return kv.value === undefined ? { key: kv.key } : { key: kv.key, value: anyValue(kv.value) };
}

const attrs = (list: KeyValue[]) => (list.length === 0 ? undefined : list.map(keyValue));

function resource(r: Resource | undefined): Json | undefined {
  if (r === undefined) return undefined;
  const out: Json = {};
  put(out, 'attributes', attrs(r.attributes));
  put(out, 'droppedAttributesCount', r.droppedAttributesCount);
  put(
    out,
    'entityRefs',
    r.entityRefs.map((e) => {
      const ref: Json = {};
      put(ref, 'schemaUrl', e.schemaUrl);
      put(ref, 'type', e.type);
      put(ref, 'idKeys', e.idKeys);
      put(ref, 'descriptionKeys', e.descriptionKeys);
      return ref;
    }),
  );
  return out;
}

function scope(s: InstrumentationScope | undefined): Json | undefined {
  if (s === undefined) return undefined;
  const out: Json = {};
  put(out, 'name', s.name);
  put(out, 'version', s.version);
  put(out, 'attributes', attrs(s.attributes));
  put(out, 'droppedAttributesCount', s.droppedAttributesCount);
  return out;
}

function container(
  res: Resource | undefined,
  scopeKey: string,
  scopes: Json[],
  schemaUrl: string,
): Json {
  const out: Json = {};
  if (res !== undefined) out.resource = resource(res);
  put(out, scopeKey, scopes);
  put(out, 'schemaUrl', schemaUrl);
  return out;
}

function scoped(
  s: InstrumentationScope | undefined,
  itemsKey: string,
  items: Json[],
  schemaUrl: string,
): Json {
  const out: Json = {};
  if (s !== undefined) out.scope = scope(s);
  put(out, itemsKey, items);
  put(out, 'schemaUrl', schemaUrl);
  return out;
}

function span(s: Span): Json {
  const out: Json = {};
  put(out, 'traceId', s.traceId);
  put(out, 'spanId', s.spanId);
  put(out, 'traceState', s.traceState);
  put(out, 'parentSpanId', s.parentSpanId);
  put(out, 'flags', s.flags);
  put(out, 'name', s.name);
  put(out, 'kind', s.kind);
  put(out, 'startTimeUnixNano', s.startTimeUnixNano);
  put(out, 'endTimeUnixNano', s.endTimeUnixNano);
  put(out, 'attributes', attrs(s.attributes));
  put(out, 'droppedAttributesCount', s.droppedAttributesCount);
  put(
    out,
    'events',
    s.events.map((e) => {
      const event: Json = {};
      put(event, 'timeUnixNano', e.timeUnixNano);
      put(event, 'name', e.name);
      put(event, 'attributes', attrs(e.attributes));
      put(event, 'droppedAttributesCount', e.droppedAttributesCount);
      return event;
    }),
  );
  put(out, 'droppedEventsCount', s.droppedEventsCount);
  put(
    out,
    'links',
    s.links.map((l) => {
      const link: Json = {};
      put(link, 'traceId', l.traceId);
      put(link, 'spanId', l.spanId);
      put(link, 'traceState', l.traceState);
      put(link, 'attributes', attrs(l.attributes));
      put(link, 'droppedAttributesCount', l.droppedAttributesCount);
      put(link, 'flags', l.flags);
      return link;
    }),
  );
  put(out, 'droppedLinksCount', s.droppedLinksCount);
  if (s.status !== undefined) {
    const status: Json = {};
    put(status, 'message', s.status.message);
    put(status, 'code', s.status.code);
    out.status = status;
  }
  return out;
}

export function encodeTraceRequestJson(request: ExportTraceServiceRequest): string {
  return JSON.stringify({
    resourceSpans: request.resourceSpans.map((rs) =>
      container(
        rs.resource,
        'scopeSpans',
        rs.scopeSpans.map((ss) => scoped(ss.scope, 'spans', ss.spans.map(span), ss.schemaUrl)),
        rs.schemaUrl,
      ),
    ),
  });
}

function exemplar(e: Exemplar): Json {
  const out: Json = {};
  put(out, 'filteredAttributes', attrs(e.filteredAttributes));
  put(out, 'timeUnixNano', e.timeUnixNano);
  if (e.asDouble !== undefined) out.asDouble = num(e.asDouble);
  if (e.asInt !== undefined) out.asInt = e.asInt.toString();
  put(out, 'spanId', e.spanId);
  put(out, 'traceId', e.traceId);
  return out;
}

/** Fields every data point type shares. */
function point(p: {
  attributes: KeyValue[];
  startTimeUnixNano: bigint;
  timeUnixNano: bigint;
  flags: number;
}): Json {
  const out: Json = {};
  put(out, 'attributes', attrs(p.attributes));
  put(out, 'startTimeUnixNano', p.startTimeUnixNano);
  put(out, 'timeUnixNano', p.timeUnixNano);
  put(out, 'flags', p.flags);
  return out;
}

function numberPoint(p: NumberDataPoint): Json {
  const out = point(p);
  if (p.asDouble !== undefined) out.asDouble = num(p.asDouble);
  if (p.asInt !== undefined) out.asInt = p.asInt.toString();
  put(out, 'exemplars', p.exemplars.map(exemplar));
  return out;
}

function optional(out: Json, key: string, value: number | undefined): void {
  if (value !== undefined) out[key] = num(value);
}

function buckets(b: ExponentialHistogramBuckets | undefined): Json | undefined {
  if (b === undefined) return undefined;
  const out: Json = {};
  put(out, 'offset', b.offset);
  put(out, 'bucketCounts', b.bucketCounts.map(String));
  return out;
}

function metric(m: Metric): Json {
  const out: Json = {};
  put(out, 'name', m.name);
  put(out, 'description', m.description);
  put(out, 'unit', m.unit);
  if (m.gauge) out.gauge = { dataPoints: m.gauge.dataPoints.map(numberPoint) };
  else if (m.sum) {
    const sum: Json = { dataPoints: m.sum.dataPoints.map(numberPoint) };
    put(sum, 'aggregationTemporality', m.sum.aggregationTemporality);
    put(sum, 'isMonotonic', m.sum.isMonotonic);
    out.sum = sum;
  } else if (m.histogram) {
    const h: Json = {
      dataPoints: m.histogram.dataPoints.map((p) => {
        const dp = point(p);
        put(dp, 'count', p.count);
        optional(dp, 'sum', p.sum);
        put(dp, 'bucketCounts', p.bucketCounts.map(String));
        put(dp, 'explicitBounds', p.explicitBounds.map(num));
        put(dp, 'exemplars', p.exemplars.map(exemplar));
        optional(dp, 'min', p.min);
        optional(dp, 'max', p.max);
        return dp;
      }),
    };
    put(h, 'aggregationTemporality', m.histogram.aggregationTemporality);
    out.histogram = h;
  } else if (m.exponentialHistogram) {
    const h: Json = {
      dataPoints: m.exponentialHistogram.dataPoints.map((p) => {
        const dp = point(p);
        put(dp, 'count', p.count);
        optional(dp, 'sum', p.sum);
        put(dp, 'scale', p.scale);
        put(dp, 'zeroCount', p.zeroCount);
        if (p.positive) dp.positive = buckets(p.positive);
        if (p.negative) dp.negative = buckets(p.negative);
        put(dp, 'exemplars', p.exemplars.map(exemplar));
        optional(dp, 'min', p.min);
        optional(dp, 'max', p.max);
        if (p.zeroThreshold !== 0) dp.zeroThreshold = num(p.zeroThreshold);
        return dp;
      }),
    };
    put(h, 'aggregationTemporality', m.exponentialHistogram.aggregationTemporality);
    out.exponentialHistogram = h;
  } else if (m.summary) {
    out.summary = {
      dataPoints: m.summary.dataPoints.map((p) => {
        const dp = point(p);
        put(dp, 'count', p.count);
        if (p.sum !== 0) dp.sum = num(p.sum);
        put(
          dp,
          'quantileValues',
          p.quantileValues.map((q) => ({ quantile: num(q.quantile), value: num(q.value) })),
        );
        return dp;
      }),
    };
  }
  put(out, 'metadata', attrs(m.metadata));
  return out;
}

export function encodeMetricsRequestJson(request: ExportMetricsServiceRequest): string {
  return JSON.stringify({
    resourceMetrics: request.resourceMetrics.map((rm) =>
      container(
        rm.resource,
        'scopeMetrics',
        rm.scopeMetrics.map((sm) =>
          scoped(sm.scope, 'metrics', sm.metrics.map(metric), sm.schemaUrl),
        ),
        rm.schemaUrl,
      ),
    ),
  });
}

function logRecord(l: LogRecord): Json {
  const out: Json = {};
  put(out, 'timeUnixNano', l.timeUnixNano);
  put(out, 'observedTimeUnixNano', l.observedTimeUnixNano);
  put(out, 'severityNumber', l.severityNumber);
  put(out, 'severityText', l.severityText);
  if (l.body !== undefined) out.body = anyValue(l.body);
  put(out, 'attributes', attrs(l.attributes));
  put(out, 'droppedAttributesCount', l.droppedAttributesCount);
  put(out, 'flags', l.flags);
  put(out, 'traceId', l.traceId);
  put(out, 'spanId', l.spanId);
  put(out, 'eventName', l.eventName);
  return out;
}

export function encodeLogsRequestJson(request: ExportLogsServiceRequest): string {
  return JSON.stringify({
    resourceLogs: request.resourceLogs.map((rl) =>
      container(
        rl.resource,
        'scopeLogs',
        rl.scopeLogs.map((sl) =>
          scoped(sl.scope, 'logRecords', sl.logRecords.map(logRecord), sl.schemaUrl),
        ),
        rl.schemaUrl,
      ),
    ),
  });
}

/** JSON form of an Export*ServiceResponse (partial success), for the receivers. */
export function encodeResponseJson(
  rejectedKey: 'rejectedSpans' | 'rejectedDataPoints' | 'rejectedLogRecords',
  partial: { rejected: bigint; errorMessage: string } | undefined,
): string {
  if (partial === undefined) return '{}';
  const p: Json = {};
  put(p, rejectedKey, partial.rejected);
  put(p, 'errorMessage', partial.errorMessage);
  return JSON.stringify({ partialSuccess: p });
}
