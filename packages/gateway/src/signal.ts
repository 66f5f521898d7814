import type {
  DecodeOptions,
  ExportLogsServiceRequest,
  ExportMetricsServiceRequest,
  ExportTraceServiceRequest,
} from '@org/otlp';
import {
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
} from '@org/otlp';

/** The three OTLP signals; pipelines are typed by one of them. */
export type Signal = 'traces' | 'metrics' | 'logs';
export const SIGNALS: readonly Signal[] = ['traces', 'metrics', 'logs'];

export interface RequestOf {
  traces: ExportTraceServiceRequest;
  metrics: ExportMetricsServiceRequest;
  logs: ExportLogsServiceRequest;
}

/**
 * The unit that flows through a pipeline: one decoded OTLP request of one signal. `items` is the
 * count of spans, data points or log records, kept current by whoever changes the request.
 */
export interface Batch<S extends Signal = Signal> {
  readonly signal: S;
  request: RequestOf[S];
  items: number;
  /** Set by an authenticating receiver; processors may route on it. */
  tenant?: string | undefined;
  /**
   * The protobuf encoding of `request` exactly as it stands, when known (a receiver sets it to
   * the bytes it decoded when it changed nothing), so an unchanged request is never re-encoded.
   * Whoever mutates `request` must clear it.
   */
  wire?: Uint8Array | undefined;
}

/** Per-signal codec entry points and the names OTLP uses for them. */
export interface SignalCodec<S extends Signal> {
  path: string;
  rejectedKey: 'rejectedSpans' | 'rejectedDataPoints' | 'rejectedLogRecords';
  itemName: string;
  decode(bytes: Uint8Array, options?: DecodeOptions): RequestOf[S];
  decodeJson(bytes: Uint8Array, options?: DecodeOptions): RequestOf[S];
  encode(request: RequestOf[S]): Uint8Array;
  encodeJson(request: RequestOf[S]): string;
  count(request: RequestOf[S]): number;
}

export const codecs: { [S in Signal]: SignalCodec<S> } = {
  traces: {
    path: '/v1/traces',
    rejectedKey: 'rejectedSpans',
    itemName: 'spans',
    decode: decodeTraceRequest,
    decodeJson: decodeTraceRequestJson,
    encode: encodeTraceRequest,
    encodeJson: encodeTraceRequestJson,
    count: (r) => {
      let n = 0;
      for (const rs of r.resourceSpans) for (const ss of rs.scopeSpans) n += ss.spans.length;
      return n;
    },
  },
  metrics: {
    path: '/v1/metrics',
    rejectedKey: 'rejectedDataPoints',
    itemName: 'data points',
    decode: decodeMetricsRequest,
    decodeJson: decodeMetricsRequestJson,
    encode: encodeMetricsRequest,
    encodeJson: encodeMetricsRequestJson,
    count: (r) => {
      let n = 0;
      for (const rm of r.resourceMetrics)
        for (const sm of rm.scopeMetrics)
          for (const m of sm.metrics) {
            const data = m.gauge ?? m.sum ?? m.histogram ?? m.exponentialHistogram ?? m.summary;
            n += data ? data.dataPoints.length : 0;
          }
      return n;
    },
  },
  logs: {
    path: '/v1/logs',
    rejectedKey: 'rejectedLogRecords',
    itemName: 'log records',
    decode: decodeLogsRequest,
    decodeJson: decodeLogsRequestJson,
    encode: encodeLogsRequest,
    encodeJson: encodeLogsRequestJson,
    count: (r) => {
      let n = 0;
      for (const rl of r.resourceLogs) for (const sl of rl.scopeLogs) n += sl.logRecords.length;
      return n;
    },
  },
};

/** Creates a batch whose item count is computed from the request. */
export function batchOf<S extends Signal>(
  signal: S,
  request: RequestOf[S],
  tenant?: string,
): Batch<S> {
  return { signal, request, items: codecs[signal].count(request), tenant };
}
