import type { InstrumentationScope, KeyValue, Resource, UnknownFields } from './common.ts';

/** `opentelemetry.proto.trace.v1` messages; conventions in `common.ts`. */

export const SpanKind = {
  UNSPECIFIED: 0,
  INTERNAL: 1,
  SERVER: 2,
  CLIENT: 3,
  PRODUCER: 4,
  CONSUMER: 5,
} as const;

export const StatusCode = { UNSET: 0, OK: 1, ERROR: 2 } as const;

export interface ExportTraceServiceRequest {
  resourceSpans: ResourceSpans[];
  unknownFields?: UnknownFields;
}

export interface ResourceSpans {
  resource: Resource | undefined;
  scopeSpans: ScopeSpans[];
  schemaUrl: string;
  unknownFields?: UnknownFields;
}

export interface ScopeSpans {
  scope: InstrumentationScope | undefined;
  spans: Span[];
  schemaUrl: string;
  unknownFields?: UnknownFields;
}

export interface Span {
  /** 16 bytes (or empty when absent on the wire). */
  traceId: Uint8Array;
  /** 8 bytes (or empty when absent on the wire). */
  spanId: Uint8Array;
  traceState: string;
  /** 8 bytes, or empty for a root span. */
  parentSpanId: Uint8Array;
  /** W3C trace flags in bits 0-7, bits 8-9 the has-is-remote / is-remote flags. */
  flags: number;
  name: string;
  kind: number;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  attributes: KeyValue[];
  droppedAttributesCount: number;
  events: SpanEvent[];
  droppedEventsCount: number;
  links: SpanLink[];
  droppedLinksCount: number;
  status: Status | undefined;
  unknownFields?: UnknownFields;
}

/**
 * A span with every field at its protobuf default, then the fields of `over`: for building
 * requests (tests, benchmarks, synthetic data) without restating every field.
 */
export function spanOf(over: Partial<Span> = {}): Span {
  return {
    traceId: new Uint8Array(0),
    spanId: new Uint8Array(0),
    traceState: '',
    parentSpanId: new Uint8Array(0),
    flags: 0,
    name: '',
    kind: 0,
    startTimeUnixNano: 0n,
    endTimeUnixNano: 0n,
    attributes: [],
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: undefined,
    ...over,
  };
}

export interface SpanEvent {
  timeUnixNano: bigint;
  name: string;
  attributes: KeyValue[];
  droppedAttributesCount: number;
  unknownFields?: UnknownFields;
}

export interface SpanLink {
  traceId: Uint8Array;
  spanId: Uint8Array;
  traceState: string;
  attributes: KeyValue[];
  droppedAttributesCount: number;
  flags: number;
  unknownFields?: UnknownFields;
}

export interface Status {
  message: string;
  code: number;
  unknownFields?: UnknownFields;
}

export interface ExportTraceServiceResponse {
  partialSuccess: ExportTracePartialSuccess | undefined;
  unknownFields?: UnknownFields;
}

export interface ExportTracePartialSuccess {
  rejectedSpans: bigint;
  errorMessage: string;
  unknownFields?: UnknownFields;
}
