import type { DecodeOptions } from '../proto/reader.ts';
import { DEFAULT_MAX_DEPTH } from '../proto/reader.ts';
import type { ExportLogsServiceRequest, LogRecord } from '../types/logs.ts';
import type {
  Exemplar,
  ExponentialHistogramBuckets,
  ExportMetricsServiceRequest,
  Metric,
  NumberDataPoint,
} from '../types/metrics.ts';
import type { ExportTraceServiceRequest, Span } from '../types/trace.ts';
import type { JsonObject } from './values.ts';
import {
  anyValue,
  attributes,
  bool,
  decodeJsonWith,
  double,
  doubleValue,
  field,
  id,
  int,
  int64,
  int64Value,
  list,
  message,
  object,
  optionalDouble,
  optionalInt64,
  resource,
  scope,
  str,
} from './values.ts';

const depthOf = (options?: DecodeOptions) => options?.maxDepth ?? DEFAULT_MAX_DEPTH;

/** Decodes an OTLP/JSON `ExportTraceServiceRequest`; throws only {@link OtlpDecodeError}. */
export function decodeTraceRequestJson(
  input: Uint8Array | string,
  options?: DecodeOptions,
): ExportTraceServiceRequest {
  const d = depthOf(options);
  return decodeJsonWith(input, (root) => ({
    resourceSpans: list(root, 'resourceSpans', (item) => {
      const rs = object(item, 'resourceSpans');
      return {
        resource: resource(rs, d),
        scopeSpans: list(rs, 'scopeSpans', (scopeItem) => {
          const ss = object(scopeItem, 'scopeSpans');
          return {
            scope: scope(ss, d),
            spans: list(ss, 'spans', (s) => span(object(s, 'span'), d)),
            schemaUrl: str(ss, 'schemaUrl'),
          };
        }),
        schemaUrl: str(rs, 'schemaUrl'),
      };
    }),
  }));
}

function span(s: JsonObject, d: number): Span {
  return {
    traceId: id(s, 'traceId', 16),
    spanId: id(s, 'spanId', 8),
    traceState: str(s, 'traceState'),
    parentSpanId: id(s, 'parentSpanId', 8),
    flags: int(s, 'flags', 0),
    name: str(s, 'name'),
    kind: int(s, 'kind'),
    startTimeUnixNano: int64(s, 'startTimeUnixNano'),
    endTimeUnixNano: int64(s, 'endTimeUnixNano'),
    attributes: attributes(s, 'attributes', d),
    droppedAttributesCount: int(s, 'droppedAttributesCount', 0),
    events: list(s, 'events', (item) => {
      const e = object(item, 'event');
      return {
        timeUnixNano: int64(e, 'timeUnixNano'),
        name: str(e, 'name'),
        attributes: attributes(e, 'attributes', d),
        droppedAttributesCount: int(e, 'droppedAttributesCount', 0),
      };
    }),
    droppedEventsCount: int(s, 'droppedEventsCount', 0),
    links: list(s, 'links', (item) => {
      const l = object(item, 'link');
      return {
        traceId: id(l, 'traceId', 16),
        spanId: id(l, 'spanId', 8),
        traceState: str(l, 'traceState'),
        attributes: attributes(l, 'attributes', d),
        droppedAttributesCount: int(l, 'droppedAttributesCount', 0),
        flags: int(l, 'flags', 0),
      };
    }),
    droppedLinksCount: int(s, 'droppedLinksCount', 0),
    status: message(s, 'status', (st) => ({ message: str(st, 'message'), code: int(st, 'code') })),
  };
}

/** Decodes an OTLP/JSON `ExportMetricsServiceRequest`; throws only {@link OtlpDecodeError}. */
export function decodeMetricsRequestJson(
  input: Uint8Array | string,
  options?: DecodeOptions,
): ExportMetricsServiceRequest {
  const d = depthOf(options);
  return decodeJsonWith(input, (root) => ({
    resourceMetrics: list(root, 'resourceMetrics', (item) => {
      const rm = object(item, 'resourceMetrics');
      return {
        resource: resource(rm, d),
        scopeMetrics: list(rm, 'scopeMetrics', (scopeItem) => {
          const sm = object(scopeItem, 'scopeMetrics');
          return {
            scope: scope(sm, d),
            metrics: list(sm, 'metrics', (m) => metric(object(m, 'metric'), d)),
            schemaUrl: str(sm, 'schemaUrl'),
          };
        }),
        schemaUrl: str(rm, 'schemaUrl'),
      };
    }),
  }));
}

function valueOf(p: JsonObject): { asDouble?: number; asInt?: bigint } {
  const asInt = optionalInt64(p, 'asInt', true);
  if (asInt !== undefined) return { asInt };
  const raw = field(p, 'asDouble');
  return raw === undefined ? {} : { asDouble: doubleValue(raw, 'asDouble') };
}

function exemplar(item: unknown, d: number): Exemplar {
  const e = object(item, 'exemplar');
  return {
    filteredAttributes: attributes(e, 'filteredAttributes', d),
    timeUnixNano: int64(e, 'timeUnixNano'),
    ...valueOf(e),
    spanId: id(e, 'spanId', 8),
    traceId: id(e, 'traceId', 16),
  };
}

function numberPoint(item: unknown, d: number): NumberDataPoint {
  const p = object(item, 'dataPoint');
  return {
    attributes: attributes(p, 'attributes', d),
    startTimeUnixNano: int64(p, 'startTimeUnixNano'),
    timeUnixNano: int64(p, 'timeUnixNano'),
    ...valueOf(p),
    exemplars: list(p, 'exemplars', (e) => exemplar(e, d)),
    flags: int(p, 'flags', 0),
  };
}

function buckets(b: JsonObject): ExponentialHistogramBuckets {
  return {
    offset: int(b, 'offset'),
    bucketCounts: list(b, 'bucketCounts', (c) => int64Value(c, 'bucketCounts', false)),
  };
}

function metric(m: JsonObject, d: number): Metric {
  const out: Metric = {
    name: str(m, 'name'),
    description: str(m, 'description'),
    unit: str(m, 'unit'),
    metadata: attributes(m, 'metadata', d),
  };
  const gauge = message(m, 'gauge', (g) => ({
    dataPoints: list(g, 'dataPoints', (p) => numberPoint(p, d)),
  }));
  if (gauge) return { ...out, gauge };
  const sum = message(m, 'sum', (s) => ({
    dataPoints: list(s, 'dataPoints', (p) => numberPoint(p, d)),
    aggregationTemporality: int(s, 'aggregationTemporality'),
    isMonotonic: bool(s, 'isMonotonic'),
  }));
  if (sum) return { ...out, sum };
  const histogram = message(m, 'histogram', (h) => ({
    aggregationTemporality: int(h, 'aggregationTemporality'),
    dataPoints: list(h, 'dataPoints', (item) => {
      const p = object(item, 'dataPoint');
      return {
        attributes: attributes(p, 'attributes', d),
        startTimeUnixNano: int64(p, 'startTimeUnixNano'),
        timeUnixNano: int64(p, 'timeUnixNano'),
        count: int64(p, 'count'),
        sum: optionalDouble(p, 'sum'),
        bucketCounts: list(p, 'bucketCounts', (c) => int64Value(c, 'bucketCounts', false)),
        explicitBounds: list(p, 'explicitBounds', (b) => doubleValue(b, 'explicitBounds')),
        exemplars: list(p, 'exemplars', (e) => exemplar(e, d)),
        flags: int(p, 'flags', 0),
        min: optionalDouble(p, 'min'),
        max: optionalDouble(p, 'max'),
      };
    }),
  }));
  if (histogram) return { ...out, histogram };
  const exponentialHistogram = message(m, 'exponentialHistogram', (h) => ({
    aggregationTemporality: int(h, 'aggregationTemporality'),
    dataPoints: list(h, 'dataPoints', (item) => {
      const p = object(item, 'dataPoint');
      return {
        attributes: attributes(p, 'attributes', d),
        startTimeUnixNano: int64(p, 'startTimeUnixNano'),
        timeUnixNano: int64(p, 'timeUnixNano'),
        count: int64(p, 'count'),
        sum: optionalDouble(p, 'sum'),
        scale: int(p, 'scale'),
        zeroCount: int64(p, 'zeroCount'),
        positive: message(p, 'positive', buckets),
        negative: message(p, 'negative', buckets),
        flags: int(p, 'flags', 0),
        exemplars: list(p, 'exemplars', (e) => exemplar(e, d)),
        min: optionalDouble(p, 'min'),
        max: optionalDouble(p, 'max'),
        zeroThreshold: double(p, 'zeroThreshold'),
      };
    }),
  }));
  if (exponentialHistogram) return { ...out, exponentialHistogram };
  const summary = message(m, 'summary', (s) => ({
    dataPoints: list(s, 'dataPoints', (item) => {
      const p = object(item, 'dataPoint');
      return {
        attributes: attributes(p, 'attributes', d),
        startTimeUnixNano: int64(p, 'startTimeUnixNano'),
        timeUnixNano: int64(p, 'timeUnixNano'),
        count: int64(p, 'count'),
        sum: double(p, 'sum'),
        quantileValues: list(p, 'quantileValues', (q) => {
          const v = object(q, 'quantileValue');
          return { quantile: double(v, 'quantile'), value: double(v, 'value') };
        }),
        flags: int(p, 'flags', 0),
      };
    }),
  }));
  return summary ? { ...out, summary } : out;
}

/** Decodes an OTLP/JSON `ExportLogsServiceRequest`; throws only {@link OtlpDecodeError}. */
export function decodeLogsRequestJson(
  input: Uint8Array | string,
  options?: DecodeOptions,
): ExportLogsServiceRequest {
  const d = depthOf(options);
  return decodeJsonWith(input, (root) => ({
    resourceLogs: list(root, 'resourceLogs', (item) => {
      const rl = object(item, 'resourceLogs');
      return {
        resource: resource(rl, d),
        scopeLogs: list(rl, 'scopeLogs', (scopeItem) => {
          const sl = object(scopeItem, 'scopeLogs');
          return {
            scope: scope(sl, d),
            logRecords: list(sl, 'logRecords', (l) => logRecord(object(l, 'logRecord'), d)),
            schemaUrl: str(sl, 'schemaUrl'),
          };
        }),
        schemaUrl: str(rl, 'schemaUrl'),
      };
    }),
  }));
}

function logRecord(l: JsonObject, d: number): LogRecord {
  return {
    timeUnixNano: int64(l, 'timeUnixNano'),
    observedTimeUnixNano: int64(l, 'observedTimeUnixNano'),
    severityNumber: int(l, 'severityNumber'),
    severityText: str(l, 'severityText'),
    body: message(l, 'body', (b) => anyValue(b, 0, d)),
    attributes: attributes(l, 'attributes', d),
    droppedAttributesCount: int(l, 'droppedAttributesCount', 0),
    flags: int(l, 'flags', 0),
    traceId: id(l, 'traceId', 16),
    spanId: id(l, 'spanId', 8),
    eventName: str(l, 'eventName'),
  };
}
