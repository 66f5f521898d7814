import type {
  DecodeOptions,
  ExportLogsServiceRequest,
  ExportMetricsServiceRequest,
  ExportTraceServiceRequest,
} from '@org/otlp';
import {
  countDataPoints,
  countLogRecords,
  countSpans,
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

/** What a request arrived with; every processor and connector gets it with the batch. */
export interface RequestContext {
  /** The receiver the request came through (`type` or `type/name`). */
  readonly receiver: string;
  /** The authenticated tenant, when the receiver authenticates. */
  readonly tenant: string | undefined;
  /**
   * The request headers (HTTP) or metadata (gRPC) the receiver was told to pass on
   * (`metadata_headers`), by lowercase name; credentials are never among them.
   */
  readonly headers: ReadonlyMap<string, string>;
}

/** A context with nothing but the receiver, for batches made inside the gateway and in tests. */
export const contextOf = (receiver: string): RequestContext => ({
  receiver,
  tenant: undefined,
  headers: new Map(),
});

/**
 * The unit that flows through a pipeline: one decoded OTLP request of signal `S`. `items` is the
 * count of spans, data points or log records, kept current by whoever changes the request.
 */
export interface BatchOf<S extends Signal> {
  readonly signal: S;
  request: RequestOf[S];
  items: number;
  readonly context: RequestContext;
  /**
   * The protobuf encoding of `request` exactly as it stands, when known (a receiver sets it to
   * the bytes it decoded when it changed nothing), so an unchanged request is never re-encoded.
   * Whoever mutates `request` must clear it.
   */
  wire?: Uint8Array | undefined;
}

/** A batch of any signal; `switch (batch.signal)` narrows `request`. */
export type Batch = { [S in Signal]: BatchOf<S> }[Signal];

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
    count: countSpans,
  },
  metrics: {
    path: '/v1/metrics',
    rejectedKey: 'rejectedDataPoints',
    itemName: 'data points',
    decode: decodeMetricsRequest,
    decodeJson: decodeMetricsRequestJson,
    encode: encodeMetricsRequest,
    encodeJson: encodeMetricsRequestJson,
    count: countDataPoints,
  },
  logs: {
    path: '/v1/logs',
    rejectedKey: 'rejectedLogRecords',
    itemName: 'log records',
    decode: decodeLogsRequest,
    decodeJson: decodeLogsRequestJson,
    encode: encodeLogsRequest,
    encodeJson: encodeLogsRequestJson,
    count: countLogRecords,
  },
};

/** Creates a batch whose item count is computed from the request. */
export function batchOf<S extends Signal>(
  signal: S,
  request: RequestOf[S],
  context: RequestContext,
): BatchOf<S> {
  return { signal, request, items: codecs[signal].count(request), context };
}
