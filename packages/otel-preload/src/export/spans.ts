import type { Link } from '@opentelemetry/api';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace';
import type { ExportTraceServiceRequest, Span, SpanEvent, SpanLink } from '@org/otlp';
import type { Grouper } from './convert.ts';
import { HAS_IS_REMOTE, IS_REMOTE, idBytes, nanos, toKeyValues } from './convert.ts';

const EMPTY = new Uint8Array(0);

/** Finished SDK spans as one OTLP export request; the request holds no reference to them. */
export function spansToRequest(
  spans: readonly ReadableSpan[],
  grouper: Grouper,
): ExportTraceServiceRequest {
  return {
    resourceSpans: grouper.group(spans, toSpan).map((r) => ({
      resource: r.resource,
      schemaUrl: r.schemaUrl,
      scopeSpans: r.scopes.map((s) => ({
        scope: s.scope,
        schemaUrl: s.scopeSchemaUrl,
        spans: s.items,
      })),
    })),
  };
}

function toSpan(span: ReadableSpan): Span {
  const context = span.spanContext();
  const parent = span.parentSpanContext;
  return {
    traceId: idBytes(context.traceId),
    spanId: idBytes(context.spanId),
    traceState: context.traceState?.serialize() ?? '',
    parentSpanId: parent ? idBytes(parent.spanId) : EMPTY,
    flags: (context.traceFlags & 0xff) | HAS_IS_REMOTE | (parent?.isRemote ? IS_REMOTE : 0),
    name: span.name,
    // The API numbers kinds from INTERNAL = 0; OTLP reserves 0 for "unspecified".
    kind: span.kind + 1,
    startTimeUnixNano: nanos(span.startTime),
    endTimeUnixNano: nanos(span.endTime),
    attributes: toKeyValues(span.attributes),
    droppedAttributesCount: span.droppedAttributesCount,
    events: span.events.length === 0 ? [] : span.events.map(toEvent),
    droppedEventsCount: span.droppedEventsCount,
    links: span.links.length === 0 ? [] : span.links.map(toLink),
    droppedLinksCount: span.droppedLinksCount,
    status: { code: span.status.code, message: span.status.message ?? '' },
  };
}

function toEvent(event: TimedEvent): SpanEvent {
  return {
    timeUnixNano: nanos(event.time),
    name: event.name,
    attributes: event.attributes ? toKeyValues(event.attributes) : [],
    droppedAttributesCount: event.droppedAttributesCount ?? 0,
  };
}

function toLink(link: Link): SpanLink {
  const { context } = link;
  return {
    traceId: idBytes(context.traceId),
    spanId: idBytes(context.spanId),
    traceState: context.traceState?.serialize() ?? '',
    attributes: link.attributes ? toKeyValues(link.attributes) : [],
    droppedAttributesCount: link.droppedAttributesCount ?? 0,
    flags: (context.traceFlags & 0xff) | HAS_IS_REMOTE | (context.isRemote ? IS_REMOTE : 0),
  };
}
