import { guarded } from '../errors.ts';
import type {
  Exemplar,
  ExponentialHistogram,
  ExponentialHistogramBuckets,
  ExponentialHistogramDataPoint,
  ExportMetricsServiceRequest,
  Gauge,
  Histogram,
  HistogramDataPoint,
  Metric,
  NumberDataPoint,
  ResourceMetrics,
  ScopeMetrics,
  Sum,
  Summary,
  SummaryDataPoint,
  ValueAtQuantile,
} from '../types/metrics.ts';
import { decodeAttributeInto, decodeResource, decodeScope } from './common.ts';
import type { DecodeOptions } from './reader.ts';
import { EMPTY_BYTES, Reader, SLOT_METRIC_NAME, keepUnknown, sub } from './reader.ts';

const CONTAINER_FIELDS = 0b1110;
const METRIC_FIELDS = 7854; // 1, 2, 3, 5, 7, 9, 10, 11, 12
const POINTS_FIELDS = 0b10;
const SUM_FIELDS = 0b1110;
const HISTOGRAM_FIELDS = 0b110;
const NUMBER_POINT_FIELDS = 0b111111100;
const HISTOGRAM_POINT_FIELDS = 0b1111111111100;
const EXP_POINT_FIELDS = 0x7ffe;
const BUCKETS_FIELDS = 0b110;
const SUMMARY_POINT_FIELDS = 0b111111100;
const QUANTILE_FIELDS = 0b110;
const EXEMPLAR_FIELDS = 0b11111100;

/** Decodes an `ExportMetricsServiceRequest`; throws only {@link OtlpDecodeError}. */
export function decodeMetricsRequest(
  input: Uint8Array,
  options?: DecodeOptions,
): ExportMetricsServiceRequest {
  return guarded(() => decodeMetricsRequestUnguarded(input, options));
}

function decodeMetricsRequestUnguarded(
  input: Uint8Array,
  options?: DecodeOptions,
): ExportMetricsServiceRequest {
  const r = new Reader(input, options);
  const request: ExportMetricsServiceRequest = { resourceMetrics: [] };
  while (r.pos < r.limit) {
    const at = r.pos;
    const tag = r.uint32();
    if (tag === 0x0a) {
      request.resourceMetrics.push(
        sub(r, 'resourceMetrics', request.resourceMetrics.length, decodeResourceMetrics),
      );
    } else request.unknownFields = keepUnknown(request.unknownFields, r.unknown(tag, at, 0b10));
  }
  return request;
}

function decodeResourceMetrics(r: Reader): ResourceMetrics {
  const rm: ResourceMetrics = { resource: undefined, scopeMetrics: [], schemaUrl: '' };
  while (r.pos < r.limit) {
    const at = r.pos;
    const tag = r.uint32();
    if (tag === 0x0a) rm.resource = sub(r, 'resource', -1, decodeResource);
    else if (tag === 0x12)
      rm.scopeMetrics.push(sub(r, 'scopeMetrics', rm.scopeMetrics.length, decodeScopeMetrics));
    else if (tag === 0x1a) rm.schemaUrl = r.string();
    else rm.unknownFields = keepUnknown(rm.unknownFields, r.unknown(tag, at, CONTAINER_FIELDS));
  }
  return rm;
}

function decodeScopeMetrics(r: Reader): ScopeMetrics {
  const sm: ScopeMetrics = { scope: undefined, metrics: [], schemaUrl: '' };
  while (r.pos < r.limit) {
    const at = r.pos;
    const tag = r.uint32();
    if (tag === 0x0a) sm.scope = sub(r, 'scope', -1, decodeScope);
    else if (tag === 0x12) sm.metrics.push(sub(r, 'metrics', sm.metrics.length, decodeMetric));
    else if (tag === 0x1a) sm.schemaUrl = r.string();
    else sm.unknownFields = keepUnknown(sm.unknownFields, r.unknown(tag, at, CONTAINER_FIELDS));
  }
  return sm;
}

function decodeMetric(r: Reader): Metric {
  const metric: Metric = { name: '', description: '', unit: '', metadata: [] };
  let data: 'gauge' | 'sum' | 'histogram' | 'exponentialHistogram' | 'summary' | undefined;
  const setData = (
    key: typeof data & string,
    value: Gauge | Sum | Histogram | ExponentialHistogram | Summary,
  ) => {
    // A later member of the oneof replaces an earlier one, as protobuf requires.
    if (data !== undefined && data !== key) delete metric[data];
    data = key;
    (metric as unknown as Record<string, unknown>)[key] = value;
  };
  while (r.pos < r.limit) {
    const at = r.pos;
    const tag = r.uint32();
    switch (tag) {
      case 0x0a:
        metric.name = r.cachedString(SLOT_METRIC_NAME);
        break;
      case 0x12:
        metric.description = r.string();
        break;
      case 0x1a:
        metric.unit = r.string();
        break;
      case 0x2a:
        setData('gauge', sub(r, 'gauge', -1, decodeGauge));
        break;
      case 0x3a:
        setData('sum', sub(r, 'sum', -1, decodeSum));
        break;
      case 0x4a:
        setData('histogram', sub(r, 'histogram', -1, decodeHistogram));
        break;
      case 0x52:
        setData(
          'exponentialHistogram',
          sub(r, 'exponentialHistogram', -1, decodeExponentialHistogram),
        );
        break;
      case 0x5a:
        setData('summary', sub(r, 'summary', -1, decodeSummary));
        break;
      case 0x62:
        decodeAttributeInto(r, metric.metadata, 'metadata');
        break;
      default:
        metric.unknownFields = keepUnknown(metric.unknownFields, r.unknown(tag, at, METRIC_FIELDS));
    }
  }
  return metric;
}

function decodeGauge(r: Reader): Gauge {
  const gauge: Gauge = { dataPoints: [] };
  while (r.pos < r.limit) {
    const at = r.pos;
    const tag = r.uint32();
    if (tag === 0x0a) {
      r.budget.item('data points', 1, at);
      gauge.dataPoints.push(sub(r, 'dataPoints', gauge.dataPoints.length, decodeNumberPoint));
    } else
      gauge.unknownFields = keepUnknown(gauge.unknownFields, r.unknown(tag, at, POINTS_FIELDS));
  }
  return gauge;
}

function decodeSum(r: Reader): Sum {
  const sum: Sum = { dataPoints: [], aggregationTemporality: 0, isMonotonic: false };
  while (r.pos < r.limit) {
    const at = r.pos;
    const tag = r.uint32();
    if (tag === 0x0a) {
      r.budget.item('data points', 1, at);
      sum.dataPoints.push(sub(r, 'dataPoints', sum.dataPoints.length, decodeNumberPoint));
    } else if (tag === 0x10) sum.aggregationTemporality = r.int32();
    else if (tag === 0x18) sum.isMonotonic = r.bool();
    else sum.unknownFields = keepUnknown(sum.unknownFields, r.unknown(tag, at, SUM_FIELDS));
  }
  return sum;
}

function decodeHistogram(r: Reader): Histogram {
  const h: Histogram = { dataPoints: [], aggregationTemporality: 0 };
  while (r.pos < r.limit) {
    const at = r.pos;
    const tag = r.uint32();
    if (tag === 0x0a) {
      r.budget.item('data points', 1, at);
      h.dataPoints.push(sub(r, 'dataPoints', h.dataPoints.length, decodeHistogramPoint));
    } else if (tag === 0x10) h.aggregationTemporality = r.int32();
    else h.unknownFields = keepUnknown(h.unknownFields, r.unknown(tag, at, HISTOGRAM_FIELDS));
  }
  return h;
}

function decodeExponentialHistogram(r: Reader): ExponentialHistogram {
  const h: ExponentialHistogram = { dataPoints: [], aggregationTemporality: 0 };
  while (r.pos < r.limit) {
    const at = r.pos;
    const tag = r.uint32();
    if (tag === 0x0a) {
      r.budget.item('data points', 1, at);
      h.dataPoints.push(sub(r, 'dataPoints', h.dataPoints.length, decodeExponentialPoint));
    } else if (tag === 0x10) h.aggregationTemporality = r.int32();
    else h.unknownFields = keepUnknown(h.unknownFields, r.unknown(tag, at, HISTOGRAM_FIELDS));
  }
  return h;
}

function decodeSummary(r: Reader): Summary {
  const s: Summary = { dataPoints: [] };
  while (r.pos < r.limit) {
    const at = r.pos;
    const tag = r.uint32();
    if (tag === 0x0a) {
      r.budget.item('data points', 1, at);
      s.dataPoints.push(sub(r, 'dataPoints', s.dataPoints.length, decodeSummaryPoint));
    } else s.unknownFields = keepUnknown(s.unknownFields, r.unknown(tag, at, POINTS_FIELDS));
  }
  return s;
}

function decodeNumberPoint(r: Reader): NumberDataPoint {
  const p: NumberDataPoint = {
    attributes: [],
    startTimeUnixNano: 0n,
    timeUnixNano: 0n,
    exemplars: [],
    flags: 0,
  };
  while (r.pos < r.limit) {
    const at = r.pos;
    const tag = r.uint32();
    switch (tag) {
      case 0x11:
        p.startTimeUnixNano = r.fixed64();
        break;
      case 0x19:
        p.timeUnixNano = r.fixed64();
        break;
      case 0x21:
        p.asDouble = r.double();
        delete p.asInt;
        break;
      case 0x2a:
        p.exemplars.push(sub(r, 'exemplars', p.exemplars.length, decodeExemplar));
        break;
      case 0x31:
        p.asInt = r.sfixed64();
        delete p.asDouble;
        break;
      case 0x3a:
        decodeAttributeInto(r, p.attributes, 'attributes');
        break;
      case 0x40:
        p.flags = r.uint32();
        break;
      default:
        p.unknownFields = keepUnknown(p.unknownFields, r.unknown(tag, at, NUMBER_POINT_FIELDS));
    }
  }
  return p;
}

/** `repeated fixed64` (packed or not) into `out`. */
function fixed64s(r: Reader, tag: number, packedTag: number, out: bigint[]): void {
  if (tag !== packedTag) {
    r.budget.node(1, r.pos);
    out.push(r.fixed64());
    return;
  }
  const end = r.lengthEnd();
  if ((end - r.pos) % 8 !== 0) r.fail('BAD_LENGTH', `packed fixed64 of ${end - r.pos} bytes`);
  r.budget.node((end - r.pos) / 8, r.pos); // each count becomes a bigint
  while (r.pos < end) out.push(r.fixed64());
}

/** `repeated double` (packed or not) into `out`. */
function doubles(r: Reader, tag: number, packedTag: number, out: number[]): void {
  if (tag !== packedTag) {
    out.push(r.double());
    return;
  }
  const end = r.lengthEnd();
  if ((end - r.pos) % 8 !== 0) r.fail('BAD_LENGTH', `packed double of ${end - r.pos} bytes`);
  while (r.pos < end) out.push(r.double());
}

function decodeHistogramPoint(r: Reader): HistogramDataPoint {
  const p: HistogramDataPoint = {
    attributes: [],
    startTimeUnixNano: 0n,
    timeUnixNano: 0n,
    count: 0n,
    sum: undefined,
    bucketCounts: [],
    explicitBounds: [],
    exemplars: [],
    flags: 0,
    min: undefined,
    max: undefined,
  };
  while (r.pos < r.limit) {
    const at = r.pos;
    const tag = r.uint32();
    switch (tag) {
      case 0x11:
        p.startTimeUnixNano = r.fixed64();
        break;
      case 0x19:
        p.timeUnixNano = r.fixed64();
        break;
      case 0x21:
        p.count = r.fixed64();
        break;
      case 0x29:
        p.sum = r.double();
        break;
      case 0x31:
      case 0x32:
        fixed64s(r, tag, 0x32, p.bucketCounts);
        break;
      case 0x39:
      case 0x3a:
        doubles(r, tag, 0x3a, p.explicitBounds);
        break;
      case 0x42:
        p.exemplars.push(sub(r, 'exemplars', p.exemplars.length, decodeExemplar));
        break;
      case 0x4a:
        decodeAttributeInto(r, p.attributes, 'attributes');
        break;
      case 0x50:
        p.flags = r.uint32();
        break;
      case 0x59:
        p.min = r.double();
        break;
      case 0x61:
        p.max = r.double();
        break;
      default:
        p.unknownFields = keepUnknown(p.unknownFields, r.unknown(tag, at, HISTOGRAM_POINT_FIELDS));
    }
  }
  return p;
}

function decodeBuckets(r: Reader): ExponentialHistogramBuckets {
  const b: ExponentialHistogramBuckets = { offset: 0, bucketCounts: [] };
  while (r.pos < r.limit) {
    const at = r.pos;
    const tag = r.uint32();
    if (tag === 0x08) b.offset = r.sint32();
    else if (tag === 0x10) {
      r.budget.node(1, at);
      b.bucketCounts.push(r.uint64());
    } else if (tag === 0x12) {
      const parent = r.enter();
      while (r.pos < r.limit) {
        r.budget.node(1, r.pos); // each count becomes a bigint
        b.bucketCounts.push(r.uint64());
      }
      r.leave(parent);
    } else b.unknownFields = keepUnknown(b.unknownFields, r.unknown(tag, at, BUCKETS_FIELDS));
  }
  return b;
}

function decodeExponentialPoint(r: Reader): ExponentialHistogramDataPoint {
  const p: ExponentialHistogramDataPoint = {
    attributes: [],
    startTimeUnixNano: 0n,
    timeUnixNano: 0n,
    count: 0n,
    sum: undefined,
    scale: 0,
    zeroCount: 0n,
    positive: undefined,
    negative: undefined,
    flags: 0,
    exemplars: [],
    min: undefined,
    max: undefined,
    zeroThreshold: 0,
  };
  while (r.pos < r.limit) {
    const at = r.pos;
    const tag = r.uint32();
    switch (tag) {
      case 0x0a:
        decodeAttributeInto(r, p.attributes, 'attributes');
        break;
      case 0x11:
        p.startTimeUnixNano = r.fixed64();
        break;
      case 0x19:
        p.timeUnixNano = r.fixed64();
        break;
      case 0x21:
        p.count = r.fixed64();
        break;
      case 0x29:
        p.sum = r.double();
        break;
      case 0x30:
        p.scale = r.sint32();
        break;
      case 0x39:
        p.zeroCount = r.fixed64();
        break;
      case 0x42:
        p.positive = sub(r, 'positive', -1, decodeBuckets);
        break;
      case 0x4a:
        p.negative = sub(r, 'negative', -1, decodeBuckets);
        break;
      case 0x50:
        p.flags = r.uint32();
        break;
      case 0x5a:
        p.exemplars.push(sub(r, 'exemplars', p.exemplars.length, decodeExemplar));
        break;
      case 0x61:
        p.min = r.double();
        break;
      case 0x69:
        p.max = r.double();
        break;
      case 0x71:
        p.zeroThreshold = r.double();
        break;
      default:
        p.unknownFields = keepUnknown(p.unknownFields, r.unknown(tag, at, EXP_POINT_FIELDS));
    }
  }
  return p;
}

function decodeQuantile(r: Reader): ValueAtQuantile {
  const q: ValueAtQuantile = { quantile: 0, value: 0 };
  while (r.pos < r.limit) {
    const at = r.pos;
    const tag = r.uint32();
    if (tag === 0x09) q.quantile = r.double();
    else if (tag === 0x11) q.value = r.double();
    else q.unknownFields = keepUnknown(q.unknownFields, r.unknown(tag, at, QUANTILE_FIELDS));
  }
  return q;
}

function decodeSummaryPoint(r: Reader): SummaryDataPoint {
  const p: SummaryDataPoint = {
    attributes: [],
    startTimeUnixNano: 0n,
    timeUnixNano: 0n,
    count: 0n,
    sum: 0,
    quantileValues: [],
    flags: 0,
  };
  while (r.pos < r.limit) {
    const at = r.pos;
    const tag = r.uint32();
    switch (tag) {
      case 0x11:
        p.startTimeUnixNano = r.fixed64();
        break;
      case 0x19:
        p.timeUnixNano = r.fixed64();
        break;
      case 0x21:
        p.count = r.fixed64();
        break;
      case 0x29:
        p.sum = r.double();
        break;
      case 0x32:
        p.quantileValues.push(sub(r, 'quantileValues', p.quantileValues.length, decodeQuantile));
        break;
      case 0x3a:
        decodeAttributeInto(r, p.attributes, 'attributes');
        break;
      case 0x40:
        p.flags = r.uint32();
        break;
      default:
        p.unknownFields = keepUnknown(p.unknownFields, r.unknown(tag, at, SUMMARY_POINT_FIELDS));
    }
  }
  return p;
}

function decodeExemplar(r: Reader): Exemplar {
  const e: Exemplar = {
    filteredAttributes: [],
    timeUnixNano: 0n,
    spanId: EMPTY_BYTES,
    traceId: EMPTY_BYTES,
  };
  while (r.pos < r.limit) {
    const at = r.pos;
    const tag = r.uint32();
    switch (tag) {
      case 0x11:
        e.timeUnixNano = r.fixed64();
        break;
      case 0x19:
        e.asDouble = r.double();
        delete e.asInt;
        break;
      case 0x22:
        e.spanId = r.id(8);
        break;
      case 0x2a:
        e.traceId = r.id(16);
        break;
      case 0x31:
        e.asInt = r.sfixed64();
        delete e.asDouble;
        break;
      case 0x3a:
        decodeAttributeInto(r, e.filteredAttributes, 'filteredAttributes');
        break;
      default:
        e.unknownFields = keepUnknown(e.unknownFields, r.unknown(tag, at, EXEMPLAR_FIELDS));
    }
  }
  return e;
}
