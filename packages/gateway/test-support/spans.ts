// Trace requests for the gateway tests: one span per name, valid ids unless told otherwise.
import { encodeTraceRequest } from '@org/otlp';

export function traceRequestBytes(
  names: string[],
  traceId: Uint8Array = Uint8Array.from({ length: 16 }, (_, i) => i + 1),
  service = 'test',
): Uint8Array {
  return encodeTraceRequest({
    resourceSpans: [
      {
        resource: {
          attributes: [{ key: 'service.name', value: { stringValue: service } }],
          droppedAttributesCount: 0,
          entityRefs: [],
        },
        schemaUrl: '',
        scopeSpans: [
          {
            scope: undefined,
            schemaUrl: '',
            spans: names.map((name, i) => ({
              traceId,
              spanId: Uint8Array.from({ length: 8 }, (_, j) => j + 1 + i),
              traceState: '',
              parentSpanId: new Uint8Array(0),
              flags: 0,
              name,
              kind: 1,
              startTimeUnixNano: 1n,
              endTimeUnixNano: 2n,
              attributes: [],
              droppedAttributesCount: 0,
              events: [],
              droppedEventsCount: 0,
              links: [],
              droppedLinksCount: 0,
              status: undefined,
            })),
          },
        ],
      },
    ],
  });
}
