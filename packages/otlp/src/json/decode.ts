import type { DecodeOptions } from '../proto/reader.ts';
import type { ExportLogsServiceRequest, LogRecord } from '../types/logs.ts';
import type { ExportTraceServiceRequest, Span } from '../types/trace.ts';
import type { JsonContext, JsonObject } from './values.ts';
import { decodeJsonWith } from './parse.ts';
import {
  anyValue,
  attributes,
  id,
  int,
  int64,
  list,
  message,
  object,
  resource,
  scope,
  str,
} from './values.ts';

/** Decodes an OTLP/JSON `ExportTraceServiceRequest`; throws only {@link OtlpDecodeError}. */
export function decodeTraceRequestJson(
  input: Uint8Array | string,
  options?: DecodeOptions,
): ExportTraceServiceRequest {
  return decodeJsonWith(input, options, (root, cx) => ({
    resourceSpans: list(root, 'resourceSpans', (item) => {
      const rs = object(item, 'resourceSpans');
      return {
        resource: resource(rs, cx),
        scopeSpans: list(rs, 'scopeSpans', (scopeItem) => {
          const ss = object(scopeItem, 'scopeSpans');
          return {
            scope: scope(ss, cx),
            spans: list(
              ss,
              'spans',
              (s) => span(object(s, 'span'), cx),
              (n) => cx.budget.item('spans', n),
            ),
            schemaUrl: str(ss, 'schemaUrl'),
          };
        }),
        schemaUrl: str(rs, 'schemaUrl'),
      };
    }),
  }));
}

function span(s: JsonObject, cx: JsonContext): Span {
  return {
    traceId: id(s, 'traceId', 16),
    spanId: id(s, 'spanId', 8),
    traceState: str(s, 'traceState'),
    parentSpanId: id(s, 'parentSpanId', 8),
    flags: int(s, 'flags', 0),
    name: str(s, 'name'),
    kind: int(s, 'kind'),
    startTimeUnixNano: int64(s, 'startTimeUnixNano'),
    endTimeUnixNano: int64(s, 'endTimeUnixNano'),
    attributes: attributes(s, 'attributes', cx),
    droppedAttributesCount: int(s, 'droppedAttributesCount', 0),
    events: list(
      s,
      'events',
      (item) => {
        const e = object(item, 'event');
        return {
          timeUnixNano: int64(e, 'timeUnixNano'),
          name: str(e, 'name'),
          attributes: attributes(e, 'attributes', cx),
          droppedAttributesCount: int(e, 'droppedAttributesCount', 0),
        };
      },
      (n) => {
        cx.budget.perRecord('events', n, 'events');
      },
    ),
    droppedEventsCount: int(s, 'droppedEventsCount', 0),
    links: list(
      s,
      'links',
      (item) => {
        const l = object(item, 'link');
        return {
          traceId: id(l, 'traceId', 16),
          spanId: id(l, 'spanId', 8),
          traceState: str(l, 'traceState'),
          attributes: attributes(l, 'attributes', cx),
          droppedAttributesCount: int(l, 'droppedAttributesCount', 0),
          flags: int(l, 'flags', 0),
        };
      },
      (n) => {
        cx.budget.perRecord('links', n, 'links');
      },
    ),
    droppedLinksCount: int(s, 'droppedLinksCount', 0),
    status: message(s, 'status', (st) => ({ message: str(st, 'message'), code: int(st, 'code') })),
  };
}

/** Decodes an OTLP/JSON `ExportLogsServiceRequest`; throws only {@link OtlpDecodeError}. */
export function decodeLogsRequestJson(
  input: Uint8Array | string,
  options?: DecodeOptions,
): ExportLogsServiceRequest {
  return decodeJsonWith(input, options, (root, cx) => ({
    resourceLogs: list(root, 'resourceLogs', (item) => {
      const rl = object(item, 'resourceLogs');
      return {
        resource: resource(rl, cx),
        scopeLogs: list(rl, 'scopeLogs', (scopeItem) => {
          const sl = object(scopeItem, 'scopeLogs');
          return {
            scope: scope(sl, cx),
            logRecords: list(
              sl,
              'logRecords',
              (l) => logRecord(object(l, 'logRecord'), cx),
              (n) => cx.budget.item('log records', n),
            ),
            schemaUrl: str(sl, 'schemaUrl'),
          };
        }),
        schemaUrl: str(rl, 'schemaUrl'),
      };
    }),
  }));
}

function logRecord(l: JsonObject, cx: JsonContext): LogRecord {
  return {
    timeUnixNano: int64(l, 'timeUnixNano'),
    observedTimeUnixNano: int64(l, 'observedTimeUnixNano'),
    severityNumber: int(l, 'severityNumber'),
    severityText: str(l, 'severityText'),
    body: message(l, 'body', (b) => {
      cx.budget.value();
      return anyValue(b, 0, cx);
    }),
    attributes: attributes(l, 'attributes', cx),
    droppedAttributesCount: int(l, 'droppedAttributesCount', 0),
    flags: int(l, 'flags', 0),
    traceId: id(l, 'traceId', 16),
    spanId: id(l, 'spanId', 8),
    eventName: str(l, 'eventName'),
  };
}
