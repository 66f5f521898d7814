import type { DecodeOptions } from '../proto/reader.ts';
import type {
  Exemplar,
  ExponentialHistogramBuckets,
  ExponentialHistogramDataPoint,
  ExportMetricsServiceRequest,
  HistogramDataPoint,
  Metric,
  NumberDataPoint,
  SummaryDataPoint,
} from '../types/metrics.ts';
import { decodeJsonWith } from './parse.ts';
import type { JsonContext, JsonObject } from './values.ts';
import {
  attributes,
  bool,
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

/** Decodes an OTLP/JSON `ExportMetricsServiceRequest`; throws only {@link OtlpDecodeError}. */
export function decodeMetricsRequestJson(
  input: Uint8Array | string,
  options?: DecodeOptions,
): ExportMetricsServiceRequest {
  return decodeJsonWith(input, options, (root, cx) => ({
    resourceMetrics: list(root, 'resourceMetrics', (item) => {
      const rm = object(item, 'resourceMetrics');
      return {
        resource: resource(rm, cx),
        scopeMetrics: list(rm, 'scopeMetrics', (scopeItem) => {
          const sm = object(scopeItem, 'scopeMetrics');
          return {
            scope: scope(sm, cx),
            metrics: list(sm, 'metrics', (m) => metric(object(m, 'metric'), cx)),
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

function exemplar(item: unknown, cx: JsonContext): Exemplar {
  const e = object(item, 'exemplar');
  return {
    filteredAttributes: attributes(e, 'filteredAttributes', cx),
    timeUnixNano: int64(e, 'timeUnixNano'),
    ...valueOf(e),
    spanId: id(e, 'spanId', 8),
    traceId: id(e, 'traceId', 16),
  };
}

function numberPoint(item: unknown, cx: JsonContext): NumberDataPoint {
  const p = object(item, 'dataPoint');
  return {
    attributes: attributes(p, 'attributes', cx),
    startTimeUnixNano: int64(p, 'startTimeUnixNano'),
    timeUnixNano: int64(p, 'timeUnixNano'),
    ...valueOf(p),
    exemplars: list(p, 'exemplars', (e) => exemplar(e, cx)),
    flags: int(p, 'flags', 0),
  };
}

/** Counts a list of data points against the item budget. */
const points = (cx: JsonContext) => (n: number) => cx.budget.item('data points', n);

/** Histogram bucket counts: each becomes a bigint, so each counts as a decoded object. */
function bucketCounts(obj: JsonObject, cx: JsonContext): bigint[] {
  return list(
    obj,
    'bucketCounts',
    (c) => int64Value(c, 'bucketCounts', false),
    (n) => cx.budget.node(n),
  );
}

function buckets(b: JsonObject, cx: JsonContext): ExponentialHistogramBuckets {
  return { offset: int(b, 'offset'), bucketCounts: bucketCounts(b, cx) };
}

function histogramPoint(item: unknown, cx: JsonContext): HistogramDataPoint {
  const p = object(item, 'dataPoint');
  return {
    attributes: attributes(p, 'attributes', cx),
    startTimeUnixNano: int64(p, 'startTimeUnixNano'),
    timeUnixNano: int64(p, 'timeUnixNano'),
    count: int64(p, 'count'),
    sum: optionalDouble(p, 'sum'),
    bucketCounts: bucketCounts(p, cx),
    explicitBounds: list(p, 'explicitBounds', (b) => doubleValue(b, 'explicitBounds')),
    exemplars: list(p, 'exemplars', (e) => exemplar(e, cx)),
    flags: int(p, 'flags', 0),
    min: optionalDouble(p, 'min'),
    max: optionalDouble(p, 'max'),
  };
}

function exponentialPoint(item: unknown, cx: JsonContext): ExponentialHistogramDataPoint {
  const p = object(item, 'dataPoint');
  return {
    attributes: attributes(p, 'attributes', cx),
    startTimeUnixNano: int64(p, 'startTimeUnixNano'),
    timeUnixNano: int64(p, 'timeUnixNano'),
    count: int64(p, 'count'),
    sum: optionalDouble(p, 'sum'),
    scale: int(p, 'scale'),
    zeroCount: int64(p, 'zeroCount'),
    positive: message(p, 'positive', (b) => buckets(b, cx)),
    negative: message(p, 'negative', (b) => buckets(b, cx)),
    flags: int(p, 'flags', 0),
    exemplars: list(p, 'exemplars', (e) => exemplar(e, cx)),
    min: optionalDouble(p, 'min'),
    max: optionalDouble(p, 'max'),
    zeroThreshold: double(p, 'zeroThreshold'),
  };
}

function summaryPoint(item: unknown, cx: JsonContext): SummaryDataPoint {
  const p = object(item, 'dataPoint');
  return {
    attributes: attributes(p, 'attributes', cx),
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
}

function metric(m: JsonObject, cx: JsonContext): Metric {
  const out: Metric = {
    name: str(m, 'name'),
    description: str(m, 'description'),
    unit: str(m, 'unit'),
    metadata: attributes(m, 'metadata', cx),
  };
  const gauge = message(m, 'gauge', (g) => ({
    dataPoints: list(g, 'dataPoints', (p) => numberPoint(p, cx), points(cx)),
  }));
  if (gauge) return { ...out, gauge };
  const sum = message(m, 'sum', (s) => ({
    dataPoints: list(s, 'dataPoints', (p) => numberPoint(p, cx), points(cx)),
    aggregationTemporality: int(s, 'aggregationTemporality'),
    isMonotonic: bool(s, 'isMonotonic'),
  }));
  if (sum) return { ...out, sum };
  const histogram = message(m, 'histogram', (h) => ({
    aggregationTemporality: int(h, 'aggregationTemporality'),
    dataPoints: list(h, 'dataPoints', (p) => histogramPoint(p, cx), points(cx)),
  }));
  if (histogram) return { ...out, histogram };
  const exponentialHistogram = message(m, 'exponentialHistogram', (h) => ({
    aggregationTemporality: int(h, 'aggregationTemporality'),
    dataPoints: list(h, 'dataPoints', (p) => exponentialPoint(p, cx), points(cx)),
  }));
  if (exponentialHistogram) return { ...out, exponentialHistogram };
  const summary = message(m, 'summary', (s) => ({
    dataPoints: list(s, 'dataPoints', (p) => summaryPoint(p, cx), points(cx)),
  }));
  return summary ? { ...out, summary } : out;
}
