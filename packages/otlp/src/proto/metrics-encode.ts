import type {
  Exemplar,
  ExponentialHistogramBuckets,
  ExponentialHistogramDataPoint,
  ExportMetricsServiceRequest,
  HistogramDataPoint,
  Metric,
  NumberDataPoint,
  ResourceMetrics,
  ScopeMetrics,
  SummaryDataPoint,
  ValueAtQuantile,
} from '../types/metrics.ts';
import {
  sizeKeyValues,
  sizeResource,
  sizeScope,
  writeKeyValues,
  writeResource,
  writeScope,
} from './common.ts';
import type { Writer } from './writer.ts';
import { writer, bytesSize, sint32Size, unknownSize, varint64Size, varintSize } from './writer.ts';

/** proto3 omits a double only when it is +0 (a -0 is still written). */
const isZero = (value: number): boolean => value === 0 && !Object.is(value, -0);

/** Encodes an `ExportMetricsServiceRequest` canonically (field order, defaults omitted). */
export function encodeMetricsRequest(request: ExportMetricsServiceRequest): Uint8Array {
  const w = writer();
  let total = unknownSize(request.unknownFields);
  for (const rm of request.resourceMetrics) total += 1 + sizeResourceMetrics(w, rm);
  w.begin(total);
  for (const rm of request.resourceMetrics) {
    w.byte(0x0a);
    writeResourceMetrics(w, rm);
  }
  w.unknown(request.unknownFields);
  return w.buf;
}

function sizeResourceMetrics(w: Writer, rm: ResourceMetrics): number {
  const slot = w.reserve();
  let n = rm.resource === undefined ? 0 : 1 + sizeResource(w, rm.resource);
  for (const sm of rm.scopeMetrics) n += 1 + sizeScopeMetrics(w, sm);
  if (rm.schemaUrl !== '') n += 1 + w.strSize(rm.schemaUrl);
  return w.close(slot, n + unknownSize(rm.unknownFields));
}

function writeResourceMetrics(w: Writer, rm: ResourceMetrics): void {
  w.enter();
  if (rm.resource !== undefined) {
    w.byte(0x0a);
    writeResource(w, rm.resource);
  }
  for (const sm of rm.scopeMetrics) {
    w.byte(0x12);
    writeScopeMetrics(w, sm);
  }
  if (rm.schemaUrl !== '') {
    w.byte(0x1a);
    w.str(rm.schemaUrl);
  }
  w.unknown(rm.unknownFields);
}

function sizeScopeMetrics(w: Writer, sm: ScopeMetrics): number {
  const slot = w.reserve();
  let n = sm.scope === undefined ? 0 : 1 + sizeScope(w, sm.scope);
  for (const metric of sm.metrics) n += 1 + sizeMetric(w, metric);
  if (sm.schemaUrl !== '') n += 1 + w.strSize(sm.schemaUrl);
  return w.close(slot, n + unknownSize(sm.unknownFields));
}

function writeScopeMetrics(w: Writer, sm: ScopeMetrics): void {
  w.enter();
  if (sm.scope !== undefined) {
    w.byte(0x0a);
    writeScope(w, sm.scope);
  }
  for (const metric of sm.metrics) {
    w.byte(0x12);
    writeMetric(w, metric);
  }
  if (sm.schemaUrl !== '') {
    w.byte(0x1a);
    w.str(sm.schemaUrl);
  }
  w.unknown(sm.unknownFields);
}

/** Size of a `data_points` list plus an optional temporality / monotonic flag. */
function sizePoints<P>(
  w: Writer,
  points: P[],
  size: (w: Writer, p: P) => number,
  temporality: number,
  monotonic: boolean,
  unknown: Uint8Array[] | undefined,
): number {
  const slot = w.reserve();
  let n = 0;
  for (const point of points) n += 1 + size(w, point);
  if (temporality !== 0) n += 1 + varintSize(temporality);
  if (monotonic) n += 2;
  return w.close(slot, n + unknownSize(unknown));
}

function writePoints<P>(
  w: Writer,
  points: P[],
  write: (w: Writer, p: P) => void,
  temporality: number,
  monotonic: boolean,
  unknown: Uint8Array[] | undefined,
): void {
  w.enter();
  for (const point of points) {
    w.byte(0x0a);
    write(w, point);
  }
  if (temporality !== 0) {
    w.byte(0x10);
    w.varint(temporality);
  }
  if (monotonic) {
    w.byte(0x18);
    w.byte(1);
  }
  w.unknown(unknown);
}

function sizeMetric(w: Writer, m: Metric): number {
  const slot = w.reserve();
  let n = 0;
  if (m.name !== '') n += 1 + w.strSize(m.name);
  if (m.description !== '') n += 1 + w.strSize(m.description);
  if (m.unit !== '') n += 1 + w.strSize(m.unit);
  if (m.gauge)
    n += 1 + sizePoints(w, m.gauge.dataPoints, sizeNumberPoint, 0, false, m.gauge.unknownFields);
  else if (m.sum)
    n +=
      1 +
      sizePoints(
        w,
        m.sum.dataPoints,
        sizeNumberPoint,
        m.sum.aggregationTemporality,
        m.sum.isMonotonic,
        m.sum.unknownFields,
      );
  else if (m.histogram)
    n +=
      1 +
      sizePoints(
        w,
        m.histogram.dataPoints,
        sizeHistogramPoint,
        m.histogram.aggregationTemporality,
        false,
        m.histogram.unknownFields,
      );
  else if (m.exponentialHistogram) {
    const h = m.exponentialHistogram;
    n +=
      1 +
      sizePoints(
        w,
        h.dataPoints,
        sizeExponentialPoint,
        h.aggregationTemporality,
        false,
        h.unknownFields,
      );
  } else if (m.summary)
    n +=
      1 + sizePoints(w, m.summary.dataPoints, sizeSummaryPoint, 0, false, m.summary.unknownFields);
  n += sizeKeyValues(w, m.metadata);
  return w.close(slot, n + unknownSize(m.unknownFields));
}

function writeMetric(w: Writer, m: Metric): void {
  w.enter();
  if (m.name !== '') {
    w.byte(0x0a);
    w.str(m.name);
  }
  if (m.description !== '') {
    w.byte(0x12);
    w.str(m.description);
  }
  if (m.unit !== '') {
    w.byte(0x1a);
    w.str(m.unit);
  }
  if (m.gauge) {
    w.byte(0x2a);
    writePoints(w, m.gauge.dataPoints, writeNumberPoint, 0, false, m.gauge.unknownFields);
  } else if (m.sum) {
    w.byte(0x3a);
    writePoints(
      w,
      m.sum.dataPoints,
      writeNumberPoint,
      m.sum.aggregationTemporality,
      m.sum.isMonotonic,
      m.sum.unknownFields,
    );
  } else if (m.histogram) {
    w.byte(0x4a);
    writePoints(
      w,
      m.histogram.dataPoints,
      writeHistogramPoint,
      m.histogram.aggregationTemporality,
      false,
      m.histogram.unknownFields,
    );
  } else if (m.exponentialHistogram) {
    const h = m.exponentialHistogram;
    w.byte(0x52);
    writePoints(
      w,
      h.dataPoints,
      writeExponentialPoint,
      h.aggregationTemporality,
      false,
      h.unknownFields,
    );
  } else if (m.summary) {
    w.byte(0x5a);
    writePoints(w, m.summary.dataPoints, writeSummaryPoint, 0, false, m.summary.unknownFields);
  }
  writeKeyValues(w, 0x62, m.metadata);
  w.unknown(m.unknownFields);
}

function sizeNumberPoint(w: Writer, p: NumberDataPoint): number {
  const slot = w.reserve();
  let n = 0;
  if (p.startTimeUnixNano !== 0n) n += 9;
  if (p.timeUnixNano !== 0n) n += 9;
  if (p.asDouble !== undefined) n += 9;
  for (const e of p.exemplars) n += 1 + sizeExemplar(w, e);
  if (p.asInt !== undefined) n += 9;
  n += sizeKeyValues(w, p.attributes);
  if (p.flags !== 0) n += 1 + varintSize(p.flags);
  return w.close(slot, n + unknownSize(p.unknownFields));
}

function writeNumberPoint(w: Writer, p: NumberDataPoint): void {
  w.enter();
  if (p.startTimeUnixNano !== 0n) {
    w.byte(0x11);
    w.fixed64(p.startTimeUnixNano);
  }
  if (p.timeUnixNano !== 0n) {
    w.byte(0x19);
    w.fixed64(p.timeUnixNano);
  }
  if (p.asDouble !== undefined) {
    w.byte(0x21);
    w.double(p.asDouble);
  }
  for (const e of p.exemplars) {
    w.byte(0x2a);
    writeExemplar(w, e);
  }
  if (p.asInt !== undefined) {
    w.byte(0x31);
    w.sfixed64(p.asInt);
  }
  writeKeyValues(w, 0x3a, p.attributes);
  if (p.flags !== 0) {
    w.byte(0x40);
    w.varint(p.flags);
  }
  w.unknown(p.unknownFields);
}

function sizeHistogramPoint(w: Writer, p: HistogramDataPoint): number {
  const slot = w.reserve();
  let n = 0;
  if (p.startTimeUnixNano !== 0n) n += 9;
  if (p.timeUnixNano !== 0n) n += 9;
  if (p.count !== 0n) n += 9;
  if (p.sum !== undefined) n += 9;
  if (p.bucketCounts.length > 0)
    n += 1 + varintSize(p.bucketCounts.length * 8) + p.bucketCounts.length * 8;
  if (p.explicitBounds.length > 0)
    n += 1 + varintSize(p.explicitBounds.length * 8) + p.explicitBounds.length * 8;
  for (const e of p.exemplars) n += 1 + sizeExemplar(w, e);
  n += sizeKeyValues(w, p.attributes);
  if (p.flags !== 0) n += 1 + varintSize(p.flags);
  if (p.min !== undefined) n += 9;
  if (p.max !== undefined) n += 9;
  return w.close(slot, n + unknownSize(p.unknownFields));
}

function writeHistogramPoint(w: Writer, p: HistogramDataPoint): void {
  w.enter();
  if (p.startTimeUnixNano !== 0n) {
    w.byte(0x11);
    w.fixed64(p.startTimeUnixNano);
  }
  if (p.timeUnixNano !== 0n) {
    w.byte(0x19);
    w.fixed64(p.timeUnixNano);
  }
  if (p.count !== 0n) {
    w.byte(0x21);
    w.fixed64(p.count);
  }
  if (p.sum !== undefined) {
    w.byte(0x29);
    w.double(p.sum);
  }
  if (p.bucketCounts.length > 0) {
    w.byte(0x32);
    w.varint(p.bucketCounts.length * 8);
    for (const count of p.bucketCounts) w.fixed64(count);
  }
  if (p.explicitBounds.length > 0) {
    w.byte(0x3a);
    w.varint(p.explicitBounds.length * 8);
    for (const bound of p.explicitBounds) w.double(bound);
  }
  for (const e of p.exemplars) {
    w.byte(0x42);
    writeExemplar(w, e);
  }
  writeKeyValues(w, 0x4a, p.attributes);
  if (p.flags !== 0) {
    w.byte(0x50);
    w.varint(p.flags);
  }
  if (p.min !== undefined) {
    w.byte(0x59);
    w.double(p.min);
  }
  if (p.max !== undefined) {
    w.byte(0x61);
    w.double(p.max);
  }
  w.unknown(p.unknownFields);
}

function sizeBuckets(w: Writer, b: ExponentialHistogramBuckets): number {
  const slot = w.reserve();
  let n = b.offset === 0 ? 0 : 1 + sint32Size(b.offset);
  if (b.bucketCounts.length > 0) {
    const packed = w.reserve();
    let m = 0;
    for (const count of b.bucketCounts) m += varint64Size(count);
    n += 1 + w.close(packed, m);
  }
  return w.close(slot, n + unknownSize(b.unknownFields));
}

function writeBuckets(w: Writer, b: ExponentialHistogramBuckets): void {
  w.enter();
  if (b.offset !== 0) {
    w.byte(0x08);
    w.sint32(b.offset);
  }
  if (b.bucketCounts.length > 0) {
    w.byte(0x12);
    w.enter();
    for (const count of b.bucketCounts) w.varint64(count);
  }
  w.unknown(b.unknownFields);
}

function sizeExponentialPoint(w: Writer, p: ExponentialHistogramDataPoint): number {
  const slot = w.reserve();
  let n = sizeKeyValues(w, p.attributes);
  if (p.startTimeUnixNano !== 0n) n += 9;
  if (p.timeUnixNano !== 0n) n += 9;
  if (p.count !== 0n) n += 9;
  if (p.sum !== undefined) n += 9;
  if (p.scale !== 0) n += 1 + sint32Size(p.scale);
  if (p.zeroCount !== 0n) n += 9;
  if (p.positive !== undefined) n += 1 + sizeBuckets(w, p.positive);
  if (p.negative !== undefined) n += 1 + sizeBuckets(w, p.negative);
  if (p.flags !== 0) n += 1 + varintSize(p.flags);
  for (const e of p.exemplars) n += 1 + sizeExemplar(w, e);
  if (p.min !== undefined) n += 9;
  if (p.max !== undefined) n += 9;
  if (!isZero(p.zeroThreshold)) n += 9;
  return w.close(slot, n + unknownSize(p.unknownFields));
}

function writeExponentialPoint(w: Writer, p: ExponentialHistogramDataPoint): void {
  w.enter();
  writeKeyValues(w, 0x0a, p.attributes);
  if (p.startTimeUnixNano !== 0n) {
    w.byte(0x11);
    w.fixed64(p.startTimeUnixNano);
  }
  if (p.timeUnixNano !== 0n) {
    w.byte(0x19);
    w.fixed64(p.timeUnixNano);
  }
  if (p.count !== 0n) {
    w.byte(0x21);
    w.fixed64(p.count);
  }
  if (p.sum !== undefined) {
    w.byte(0x29);
    w.double(p.sum);
  }
  if (p.scale !== 0) {
    w.byte(0x30);
    w.sint32(p.scale);
  }
  if (p.zeroCount !== 0n) {
    w.byte(0x39);
    w.fixed64(p.zeroCount);
  }
  if (p.positive !== undefined) {
    w.byte(0x42);
    writeBuckets(w, p.positive);
  }
  if (p.negative !== undefined) {
    w.byte(0x4a);
    writeBuckets(w, p.negative);
  }
  if (p.flags !== 0) {
    w.byte(0x50);
    w.varint(p.flags);
  }
  for (const e of p.exemplars) {
    w.byte(0x5a);
    writeExemplar(w, e);
  }
  if (p.min !== undefined) {
    w.byte(0x61);
    w.double(p.min);
  }
  if (p.max !== undefined) {
    w.byte(0x69);
    w.double(p.max);
  }
  if (!isZero(p.zeroThreshold)) {
    w.byte(0x71);
    w.double(p.zeroThreshold);
  }
  w.unknown(p.unknownFields);
}

function sizeQuantile(w: Writer, q: ValueAtQuantile): number {
  const slot = w.reserve();
  let n = isZero(q.quantile) ? 0 : 9;
  if (!isZero(q.value)) n += 9;
  return w.close(slot, n + unknownSize(q.unknownFields));
}

function writeQuantile(w: Writer, q: ValueAtQuantile): void {
  w.enter();
  if (!isZero(q.quantile)) {
    w.byte(0x09);
    w.double(q.quantile);
  }
  if (!isZero(q.value)) {
    w.byte(0x11);
    w.double(q.value);
  }
  w.unknown(q.unknownFields);
}

function sizeSummaryPoint(w: Writer, p: SummaryDataPoint): number {
  const slot = w.reserve();
  let n = 0;
  if (p.startTimeUnixNano !== 0n) n += 9;
  if (p.timeUnixNano !== 0n) n += 9;
  if (p.count !== 0n) n += 9;
  if (!isZero(p.sum)) n += 9;
  for (const q of p.quantileValues) n += 1 + sizeQuantile(w, q);
  n += sizeKeyValues(w, p.attributes);
  if (p.flags !== 0) n += 1 + varintSize(p.flags);
  return w.close(slot, n + unknownSize(p.unknownFields));
}

function writeSummaryPoint(w: Writer, p: SummaryDataPoint): void {
  w.enter();
  if (p.startTimeUnixNano !== 0n) {
    w.byte(0x11);
    w.fixed64(p.startTimeUnixNano);
  }
  if (p.timeUnixNano !== 0n) {
    w.byte(0x19);
    w.fixed64(p.timeUnixNano);
  }
  if (p.count !== 0n) {
    w.byte(0x21);
    w.fixed64(p.count);
  }
  if (!isZero(p.sum)) {
    w.byte(0x29);
    w.double(p.sum);
  }
  for (const q of p.quantileValues) {
    w.byte(0x32);
    writeQuantile(w, q);
  }
  writeKeyValues(w, 0x3a, p.attributes);
  if (p.flags !== 0) {
    w.byte(0x40);
    w.varint(p.flags);
  }
  w.unknown(p.unknownFields);
}

function sizeExemplar(w: Writer, e: Exemplar): number {
  const slot = w.reserve();
  let n = e.timeUnixNano === 0n ? 0 : 9;
  if (e.asDouble !== undefined) n += 9;
  if (e.spanId.length !== 0) n += 1 + bytesSize(e.spanId);
  if (e.traceId.length !== 0) n += 1 + bytesSize(e.traceId);
  if (e.asInt !== undefined) n += 9;
  n += sizeKeyValues(w, e.filteredAttributes);
  return w.close(slot, n + unknownSize(e.unknownFields));
}

function writeExemplar(w: Writer, e: Exemplar): void {
  w.enter();
  if (e.timeUnixNano !== 0n) {
    w.byte(0x11);
    w.fixed64(e.timeUnixNano);
  }
  if (e.asDouble !== undefined) {
    w.byte(0x19);
    w.double(e.asDouble);
  }
  if (e.spanId.length !== 0) {
    w.byte(0x22);
    w.bytes(e.spanId);
  }
  if (e.traceId.length !== 0) {
    w.byte(0x2a);
    w.bytes(e.traceId);
  }
  if (e.asInt !== undefined) {
    w.byte(0x31);
    w.sfixed64(e.asInt);
  }
  writeKeyValues(w, 0x3a, e.filteredAttributes);
  w.unknown(e.unknownFields);
}
