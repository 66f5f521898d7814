import type { InstrumentationScope, KeyValue, Resource, UnknownFields } from './common.ts';

/** `opentelemetry.proto.metrics.v1` messages; conventions in `common.ts`. */

export const AggregationTemporality = { UNSPECIFIED: 0, DELTA: 1, CUMULATIVE: 2 } as const;

/** `DataPointFlags`: bit 0 set means "no recorded value" (a staleness marker). */
export const DataPointFlags = { NONE: 0, NO_RECORDED_VALUE: 1 } as const;

export interface ExportMetricsServiceRequest {
  resourceMetrics: ResourceMetrics[];
  unknownFields?: UnknownFields;
}

export interface ResourceMetrics {
  resource: Resource | undefined;
  scopeMetrics: ScopeMetrics[];
  schemaUrl: string;
  unknownFields?: UnknownFields;
}

export interface ScopeMetrics {
  scope: InstrumentationScope | undefined;
  metrics: Metric[];
  schemaUrl: string;
  unknownFields?: UnknownFields;
}

/** A metric; at most one of the five data members is set (the proto `oneof data`). */
export interface Metric {
  name: string;
  description: string;
  unit: string;
  gauge?: Gauge | undefined;
  sum?: Sum | undefined;
  histogram?: Histogram | undefined;
  exponentialHistogram?: ExponentialHistogram | undefined;
  summary?: Summary | undefined;
  metadata: KeyValue[];
  unknownFields?: UnknownFields;
}

export interface Gauge {
  dataPoints: NumberDataPoint[];
  unknownFields?: UnknownFields;
}

export interface Sum {
  dataPoints: NumberDataPoint[];
  aggregationTemporality: number;
  isMonotonic: boolean;
  unknownFields?: UnknownFields;
}

export interface Histogram {
  dataPoints: HistogramDataPoint[];
  aggregationTemporality: number;
  unknownFields?: UnknownFields;
}

export interface ExponentialHistogram {
  dataPoints: ExponentialHistogramDataPoint[];
  aggregationTemporality: number;
  unknownFields?: UnknownFields;
}

export interface Summary {
  dataPoints: SummaryDataPoint[];
  unknownFields?: UnknownFields;
}

/** At most one of `asDouble` / `asInt` is set (the proto `oneof value`). */
export interface NumberDataPoint {
  attributes: KeyValue[];
  startTimeUnixNano: bigint;
  timeUnixNano: bigint;
  asDouble?: number | undefined;
  asInt?: bigint | undefined;
  exemplars: Exemplar[];
  flags: number;
  unknownFields?: UnknownFields;
}

export interface HistogramDataPoint {
  attributes: KeyValue[];
  startTimeUnixNano: bigint;
  timeUnixNano: bigint;
  count: bigint;
  /** proto3 `optional`: undefined when absent. */
  sum: number | undefined;
  bucketCounts: bigint[];
  explicitBounds: number[];
  exemplars: Exemplar[];
  flags: number;
  min: number | undefined;
  max: number | undefined;
  unknownFields?: UnknownFields;
}

export interface ExponentialHistogramBuckets {
  offset: number;
  bucketCounts: bigint[];
  unknownFields?: UnknownFields;
}

export interface ExponentialHistogramDataPoint {
  attributes: KeyValue[];
  startTimeUnixNano: bigint;
  timeUnixNano: bigint;
  count: bigint;
  sum: number | undefined;
  scale: number;
  zeroCount: bigint;
  positive: ExponentialHistogramBuckets | undefined;
  negative: ExponentialHistogramBuckets | undefined;
  flags: number;
  exemplars: Exemplar[];
  min: number | undefined;
  max: number | undefined;
  zeroThreshold: number;
  unknownFields?: UnknownFields;
}

export interface ValueAtQuantile {
  quantile: number;
  value: number;
  unknownFields?: UnknownFields;
}

export interface SummaryDataPoint {
  attributes: KeyValue[];
  startTimeUnixNano: bigint;
  timeUnixNano: bigint;
  count: bigint;
  sum: number;
  quantileValues: ValueAtQuantile[];
  flags: number;
  unknownFields?: UnknownFields;
}

/** At most one of `asDouble` / `asInt` is set. */
export interface Exemplar {
  filteredAttributes: KeyValue[];
  timeUnixNano: bigint;
  asDouble?: number | undefined;
  asInt?: bigint | undefined;
  spanId: Uint8Array;
  traceId: Uint8Array;
  unknownFields?: UnknownFields;
}

export interface ExportMetricsServiceResponse {
  partialSuccess: ExportMetricsPartialSuccess | undefined;
  unknownFields?: UnknownFields;
}

export interface ExportMetricsPartialSuccess {
  rejectedDataPoints: bigint;
  errorMessage: string;
  unknownFields?: UnknownFields;
}
