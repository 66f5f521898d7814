// @org/otlp: OTLP request/response codec, protobuf and JSON. Conventions of the decoded types
// (bigint for 64-bit integers, byte views into the input, unknown-field pass-through) are
// documented in types/common.ts.
export type { OtlpErrorCode } from './errors.ts';
export { OtlpDecodeError } from './errors.ts';
export type {
  AnyValue,
  ArrayValue,
  EmptyValue,
  EntityRef,
  InstrumentationScope,
  KeyValue,
  KeyValueList,
  Resource,
  UnknownFields,
} from './types/common.ts';
export type {
  ExportTracePartialSuccess,
  ExportTraceServiceRequest,
  ExportTraceServiceResponse,
  ResourceSpans,
  ScopeSpans,
  Span,
  SpanEvent,
  SpanLink,
  Status,
} from './types/trace.ts';
export { SpanKind, StatusCode, spanOf } from './types/trace.ts';
export type {
  Exemplar,
  ExponentialHistogram,
  ExponentialHistogramBuckets,
  ExponentialHistogramDataPoint,
  ExportMetricsPartialSuccess,
  ExportMetricsServiceRequest,
  ExportMetricsServiceResponse,
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
} from './types/metrics.ts';
export { AggregationTemporality, DataPointFlags } from './types/metrics.ts';
export type {
  ExportLogsPartialSuccess,
  ExportLogsServiceRequest,
  ExportLogsServiceResponse,
  LogRecord,
  ResourceLogs,
  ScopeLogs,
} from './types/logs.ts';
export type { DecodeOptions } from './proto/reader.ts';
export type { DecodeLimits, LimitName } from './limits.ts';
export { decodeTraceRequest, encodeTraceRequest } from './proto/trace.ts';
export { varintSize } from './proto/writer.ts';
export { decodeMetricsRequest } from './proto/metrics-decode.ts';
export { encodeMetricsRequest } from './proto/metrics-encode.ts';
export { decodeLogsRequest, encodeLogsRequest } from './proto/logs.ts';
export {
  decodeLogsResponse,
  decodeMetricsResponse,
  decodeTraceResponse,
  encodeLogsResponse,
  encodeMetricsResponse,
  encodeTraceResponse,
} from './proto/response.ts';
export { decodeLogsRequestJson, decodeTraceRequestJson } from './json/decode.ts';
export { decodeMetricsRequestJson } from './json/metrics-decode.ts';
export {
  encodeLogsRequestJson,
  encodeMetricsRequestJson,
  encodeResponseJson,
  encodeTraceRequestJson,
} from './json/encode.ts';
export type { PartialSuccess } from './transport.ts';
export { decodePartialSuccess, isRetryableHttpStatus, parseRetryAfter } from './transport.ts';
export type { SpanVisitor } from './walk/traces.ts';
export { countSpans, forEachSpan, partitionSpans, retainSpans } from './walk/traces.ts';
export type { DataPoint, DataPointVisitor, MetricVisitor } from './walk/metrics.ts';
export {
  countDataPoints,
  dataPointsOf,
  forEachDataPoint,
  forEachMetric,
  partitionDataPoints,
  retainDataPoints,
  retainMetrics,
} from './walk/metrics.ts';
export type { LogRecordVisitor } from './walk/logs.ts';
export {
  countLogRecords,
  forEachLogRecord,
  partitionLogRecords,
  retainLogRecords,
} from './walk/logs.ts';
export type { AnyExportRequest, ResourceHolder } from './walk/resources.ts';
export { forEachResource, resourcesOf } from './walk/resources.ts';
