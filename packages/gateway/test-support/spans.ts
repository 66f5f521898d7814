// Trace requests for the gateway tests: one span per name, valid ids unless told otherwise.
import type { ExportTraceServiceRequest, Span } from '@org/otlp';
import { encodeTraceRequest, spanOf } from '@org/otlp';

/** A span named `name` with valid ids (the `index`th span of a trace), kind and times set. */
export function span(
  name: string,
  index = 0,
  traceId: Uint8Array = Uint8Array.from({ length: 16 }, (_, i) => i + 1),
  over: Partial<Span> = {},
): Span {
  return spanOf({
    traceId,
    spanId: Uint8Array.from({ length: 8 }, (_, j) => ((j + 1 + index) % 255) + 1),
    name,
    kind: 1,
    startTimeUnixNano: 1n,
    endTimeUnixNano: 2n,
    ...over,
  });
}

/** One request holding `spans` under one resource (service `service`) and one scope. */
export function traceRequestOf(spans: Span[], service = 'test'): ExportTraceServiceRequest {
  return {
    resourceSpans: [
      {
        resource: {
          attributes: [{ key: 'service.name', value: { stringValue: service } }],
          droppedAttributesCount: 0,
          entityRefs: [],
        },
        schemaUrl: '',
        scopeSpans: [{ scope: undefined, schemaUrl: '', spans }],
      },
    ],
  };
}

/** The protobuf encoding of one span per name, of one trace. */
export function traceRequestBytes(
  names: string[],
  traceId: Uint8Array = Uint8Array.from({ length: 16 }, (_, i) => i + 1),
  service = 'test',
): Uint8Array {
  return encodeTraceRequest(
    traceRequestOf(
      names.map((name, i) => span(name, i, traceId)),
      service,
    ),
  );
}
