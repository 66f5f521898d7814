import { guarded } from '../errors.ts';
import type {
  ExportTraceServiceRequest,
  ResourceSpans,
  ScopeSpans,
  Span,
  SpanEvent,
  SpanLink,
  Status,
} from '../types/trace.ts';
import {
  decodeAttributeInto,
  decodeResource,
  decodeScope,
  sizeKeyValues,
  sizeResource,
  sizeScope,
  writeKeyValues,
  writeResource,
  writeScope,
} from './common.ts';
import type { DecodeOptions } from './reader.ts';
import { EMPTY_BYTES, Reader, SLOT_SPAN_NAME, keepUnknown, sub } from './reader.ts';
import type { Writer } from './writer.ts';
import { writer, bytesSize, unknownSize, varintSize } from './writer.ts';

const REQUEST_FIELDS = 0b10;
const CONTAINER_FIELDS = 0b1110;
const SPAN_FIELDS = 0x1fffe;
const EVENT_FIELDS = 0b11110;
const LINK_FIELDS = 0b1111110;
const STATUS_FIELDS = 0b1100;

/** Decodes an `ExportTraceServiceRequest`; throws only {@link OtlpDecodeError}. */
export function decodeTraceRequest(
  input: Uint8Array,
  options?: DecodeOptions,
): ExportTraceServiceRequest {
  return guarded(() => decodeTraceRequestUnguarded(input, options));
}

function decodeTraceRequestUnguarded(
  input: Uint8Array,
  options?: DecodeOptions,
): ExportTraceServiceRequest {
  const r = new Reader(input, options);
  const request: ExportTraceServiceRequest = { resourceSpans: [] };
  while (r.pos < r.limit) {
    const at = r.pos;
    const tag = r.uint32();
    if (tag === 0x0a) {
      request.resourceSpans.push(
        sub(r, 'resourceSpans', request.resourceSpans.length, decodeResourceSpans),
      );
    } else
      request.unknownFields = keepUnknown(
        request.unknownFields,
        r.unknown(tag, at, REQUEST_FIELDS),
      );
  }
  return request;
}

function decodeResourceSpans(r: Reader): ResourceSpans {
  const rs: ResourceSpans = { resource: undefined, scopeSpans: [], schemaUrl: '' };
  while (r.pos < r.limit) {
    const at = r.pos;
    const tag = r.uint32();
    if (tag === 0x0a) {
      rs.resource = sub(r, 'resource', -1, decodeResource);
    } else if (tag === 0x12) {
      rs.scopeSpans.push(sub(r, 'scopeSpans', rs.scopeSpans.length, decodeScopeSpans));
    } else if (tag === 0x1a) rs.schemaUrl = r.string();
    else rs.unknownFields = keepUnknown(rs.unknownFields, r.unknown(tag, at, CONTAINER_FIELDS));
  }
  return rs;
}

function decodeScopeSpans(r: Reader): ScopeSpans {
  const ss: ScopeSpans = { scope: undefined, spans: [], schemaUrl: '' };
  while (r.pos < r.limit) {
    const at = r.pos;
    const tag = r.uint32();
    if (tag === 0x12) {
      r.budget.item('spans', 1, at);
      ss.spans.push(sub(r, 'spans', ss.spans.length, decodeSpan));
    } else if (tag === 0x0a) {
      ss.scope = sub(r, 'scope', -1, decodeScope);
    } else if (tag === 0x1a) ss.schemaUrl = r.string();
    else ss.unknownFields = keepUnknown(ss.unknownFields, r.unknown(tag, at, CONTAINER_FIELDS));
  }
  return ss;
}

function decodeSpan(r: Reader): Span {
  const span: Span = {
    traceId: EMPTY_BYTES,
    spanId: EMPTY_BYTES,
    traceState: '',
    parentSpanId: EMPTY_BYTES,
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
    unknownFields: undefined,
  };
  while (r.pos < r.limit) {
    const at = r.pos;
    const tag = r.uint32();
    switch (tag) {
      case 0x0a:
        span.traceId = r.id(16);
        break;
      case 0x12:
        span.spanId = r.id(8);
        break;
      case 0x1a:
        span.traceState = r.string();
        break;
      case 0x22:
        span.parentSpanId = r.id(8);
        break;
      case 0x2a:
        span.name = r.cachedString(SLOT_SPAN_NAME);
        break;
      case 0x30:
        span.kind = r.int32();
        break;
      case 0x39:
        span.startTimeUnixNano = r.fixed64();
        break;
      case 0x41:
        span.endTimeUnixNano = r.fixed64();
        break;
      case 0x4a:
        decodeAttributeInto(r, span.attributes, 'attributes');
        break;
      case 0x50:
        span.droppedAttributesCount = r.uint32();
        break;
      case 0x5a:
        r.budget.perRecord('events', span.events.length + 1, 'events', at);
        span.events.push(sub(r, 'events', span.events.length, decodeEvent));
        break;
      case 0x60:
        span.droppedEventsCount = r.uint32();
        break;
      case 0x6a:
        r.budget.perRecord('links', span.links.length + 1, 'links', at);
        span.links.push(sub(r, 'links', span.links.length, decodeLink));
        break;
      case 0x70:
        span.droppedLinksCount = r.uint32();
        break;
      case 0x7a:
        span.status = sub(r, 'status', -1, decodeStatus);
        break;
      case 0x85: // field 16, fixed32: the two-byte tag 0x85 0x01
        span.flags = r.fixed32();
        break;
      default:
        span.unknownFields = keepUnknown(span.unknownFields, r.unknown(tag, at, SPAN_FIELDS));
    }
  }
  return span;
}

function decodeEvent(r: Reader): SpanEvent {
  const event: SpanEvent = {
    timeUnixNano: 0n,
    name: '',
    attributes: [],
    droppedAttributesCount: 0,
  };
  while (r.pos < r.limit) {
    const at = r.pos;
    const tag = r.uint32();
    if (tag === 0x09) event.timeUnixNano = r.fixed64();
    else if (tag === 0x12) event.name = r.string();
    else if (tag === 0x1a) decodeAttributeInto(r, event.attributes, 'attributes');
    else if (tag === 0x20) event.droppedAttributesCount = r.uint32();
    else event.unknownFields = keepUnknown(event.unknownFields, r.unknown(tag, at, EVENT_FIELDS));
  }
  return event;
}

function decodeLink(r: Reader): SpanLink {
  const link: SpanLink = {
    traceId: EMPTY_BYTES,
    spanId: EMPTY_BYTES,
    traceState: '',
    attributes: [],
    droppedAttributesCount: 0,
    flags: 0,
  };
  while (r.pos < r.limit) {
    const at = r.pos;
    const tag = r.uint32();
    if (tag === 0x0a) link.traceId = r.id(16);
    else if (tag === 0x12) link.spanId = r.id(8);
    else if (tag === 0x1a) link.traceState = r.string();
    else if (tag === 0x22) decodeAttributeInto(r, link.attributes, 'attributes');
    else if (tag === 0x28) link.droppedAttributesCount = r.uint32();
    else if (tag === 0x35) link.flags = r.fixed32();
    else link.unknownFields = keepUnknown(link.unknownFields, r.unknown(tag, at, LINK_FIELDS));
  }
  return link;
}

function decodeStatus(r: Reader): Status {
  const status: Status = { message: '', code: 0 };
  while (r.pos < r.limit) {
    const at = r.pos;
    const tag = r.uint32();
    if (tag === 0x12) status.message = r.string();
    else if (tag === 0x18) status.code = r.int32();
    else
      status.unknownFields = keepUnknown(status.unknownFields, r.unknown(tag, at, STATUS_FIELDS));
  }
  return status;
}

// ---------------------------------------------------------------- encode

/** Encodes an `ExportTraceServiceRequest` canonically (field order, defaults omitted). */
export function encodeTraceRequest(request: ExportTraceServiceRequest): Uint8Array {
  const w = writer();
  let total = 0;
  for (const rs of request.resourceSpans) total += 1 + sizeResourceSpans(w, rs);
  total += unknownSize(request.unknownFields);
  w.begin(total);
  for (const rs of request.resourceSpans) {
    w.byte(0x0a);
    writeResourceSpans(w, rs);
  }
  w.unknown(request.unknownFields);
  return w.buf;
}

function sizeResourceSpans(w: Writer, rs: ResourceSpans): number {
  const slot = w.reserve();
  let n = rs.resource === undefined ? 0 : 1 + sizeResource(w, rs.resource);
  for (const ss of rs.scopeSpans) n += 1 + sizeScopeSpans(w, ss);
  if (rs.schemaUrl !== '') n += 1 + w.strSize(rs.schemaUrl);
  return w.close(slot, n + unknownSize(rs.unknownFields));
}

function writeResourceSpans(w: Writer, rs: ResourceSpans): void {
  w.enter();
  if (rs.resource !== undefined) {
    w.byte(0x0a);
    writeResource(w, rs.resource);
  }
  for (const ss of rs.scopeSpans) {
    w.byte(0x12);
    writeScopeSpans(w, ss);
  }
  if (rs.schemaUrl !== '') {
    w.byte(0x1a);
    w.str(rs.schemaUrl);
  }
  w.unknown(rs.unknownFields);
}

function sizeScopeSpans(w: Writer, ss: ScopeSpans): number {
  const slot = w.reserve();
  let n = ss.scope === undefined ? 0 : 1 + sizeScope(w, ss.scope);
  const spans = ss.spans;
  for (let i = 0; i < spans.length; i++) n += 1 + sizeSpan(w, spans[i]!);
  if (ss.schemaUrl !== '') n += 1 + w.strSize(ss.schemaUrl);
  return w.close(slot, n + unknownSize(ss.unknownFields));
}

function writeScopeSpans(w: Writer, ss: ScopeSpans): void {
  w.enter();
  if (ss.scope !== undefined) {
    w.byte(0x0a);
    writeScope(w, ss.scope);
  }
  const spans = ss.spans;
  for (let i = 0; i < spans.length; i++) {
    w.byte(0x12);
    writeSpan(w, spans[i]!);
  }
  if (ss.schemaUrl !== '') {
    w.byte(0x1a);
    w.str(ss.schemaUrl);
  }
  w.unknown(ss.unknownFields);
}

function sizeSpan(w: Writer, s: Span): number {
  const slot = w.reserve();
  let n = 0;
  if (s.traceId.length !== 0) n += 1 + bytesSize(s.traceId);
  if (s.spanId.length !== 0) n += 1 + bytesSize(s.spanId);
  if (s.traceState !== '') n += 1 + w.strSize(s.traceState);
  if (s.parentSpanId.length !== 0) n += 1 + bytesSize(s.parentSpanId);
  if (s.name !== '') n += 1 + w.strSize(s.name);
  if (s.kind !== 0) n += 1 + varintSize(s.kind);
  if (s.startTimeUnixNano !== 0n) n += 9;
  if (s.endTimeUnixNano !== 0n) n += 9;
  n += sizeKeyValues(w, s.attributes);
  if (s.droppedAttributesCount !== 0) n += 1 + varintSize(s.droppedAttributesCount);
  for (const event of s.events) n += 1 + sizeEvent(w, event);
  if (s.droppedEventsCount !== 0) n += 1 + varintSize(s.droppedEventsCount);
  for (const link of s.links) n += 1 + sizeLink(w, link);
  if (s.droppedLinksCount !== 0) n += 1 + varintSize(s.droppedLinksCount);
  if (s.status !== undefined) n += 1 + sizeStatus(w, s.status);
  if (s.flags !== 0) n += 6;
  return w.close(slot, n + unknownSize(s.unknownFields));
}

function writeSpan(w: Writer, s: Span): void {
  w.enter();
  if (s.traceId.length !== 0) {
    w.byte(0x0a);
    w.bytes(s.traceId);
  }
  if (s.spanId.length !== 0) {
    w.byte(0x12);
    w.bytes(s.spanId);
  }
  if (s.traceState !== '') {
    w.byte(0x1a);
    w.str(s.traceState);
  }
  if (s.parentSpanId.length !== 0) {
    w.byte(0x22);
    w.bytes(s.parentSpanId);
  }
  if (s.name !== '') {
    w.byte(0x2a);
    w.str(s.name);
  }
  if (s.kind !== 0) {
    w.byte(0x30);
    w.varint(s.kind);
  }
  if (s.startTimeUnixNano !== 0n) {
    w.byte(0x39);
    w.fixed64(s.startTimeUnixNano);
  }
  if (s.endTimeUnixNano !== 0n) {
    w.byte(0x41);
    w.fixed64(s.endTimeUnixNano);
  }
  writeKeyValues(w, 0x4a, s.attributes);
  if (s.droppedAttributesCount !== 0) {
    w.byte(0x50);
    w.varint(s.droppedAttributesCount);
  }
  for (const event of s.events) {
    w.byte(0x5a);
    writeEvent(w, event);
  }
  if (s.droppedEventsCount !== 0) {
    w.byte(0x60);
    w.varint(s.droppedEventsCount);
  }
  for (const link of s.links) {
    w.byte(0x6a);
    writeLink(w, link);
  }
  if (s.droppedLinksCount !== 0) {
    w.byte(0x70);
    w.varint(s.droppedLinksCount);
  }
  if (s.status !== undefined) {
    w.byte(0x7a);
    writeStatus(w, s.status);
  }
  if (s.flags !== 0) {
    w.byte(0x85);
    w.byte(0x01);
    w.fixed32(s.flags);
  }
  w.unknown(s.unknownFields);
}

function sizeEvent(w: Writer, e: SpanEvent): number {
  const slot = w.reserve();
  let n = e.timeUnixNano === 0n ? 0 : 9;
  if (e.name !== '') n += 1 + w.strSize(e.name);
  n += sizeKeyValues(w, e.attributes);
  if (e.droppedAttributesCount !== 0) n += 1 + varintSize(e.droppedAttributesCount);
  return w.close(slot, n + unknownSize(e.unknownFields));
}

function writeEvent(w: Writer, e: SpanEvent): void {
  w.enter();
  if (e.timeUnixNano !== 0n) {
    w.byte(0x09);
    w.fixed64(e.timeUnixNano);
  }
  if (e.name !== '') {
    w.byte(0x12);
    w.str(e.name);
  }
  writeKeyValues(w, 0x1a, e.attributes);
  if (e.droppedAttributesCount !== 0) {
    w.byte(0x20);
    w.varint(e.droppedAttributesCount);
  }
  w.unknown(e.unknownFields);
}

function sizeLink(w: Writer, l: SpanLink): number {
  const slot = w.reserve();
  let n = 0;
  if (l.traceId.length !== 0) n += 1 + bytesSize(l.traceId);
  if (l.spanId.length !== 0) n += 1 + bytesSize(l.spanId);
  if (l.traceState !== '') n += 1 + w.strSize(l.traceState);
  n += sizeKeyValues(w, l.attributes);
  if (l.droppedAttributesCount !== 0) n += 1 + varintSize(l.droppedAttributesCount);
  if (l.flags !== 0) n += 5;
  return w.close(slot, n + unknownSize(l.unknownFields));
}

function writeLink(w: Writer, l: SpanLink): void {
  w.enter();
  if (l.traceId.length !== 0) {
    w.byte(0x0a);
    w.bytes(l.traceId);
  }
  if (l.spanId.length !== 0) {
    w.byte(0x12);
    w.bytes(l.spanId);
  }
  if (l.traceState !== '') {
    w.byte(0x1a);
    w.str(l.traceState);
  }
  writeKeyValues(w, 0x22, l.attributes);
  if (l.droppedAttributesCount !== 0) {
    w.byte(0x28);
    w.varint(l.droppedAttributesCount);
  }
  if (l.flags !== 0) {
    w.byte(0x35);
    w.fixed32(l.flags);
  }
  w.unknown(l.unknownFields);
}

function sizeStatus(w: Writer, s: Status): number {
  const slot = w.reserve();
  let n = s.message === '' ? 0 : 1 + w.strSize(s.message);
  if (s.code !== 0) n += 1 + varintSize(s.code);
  return w.close(slot, n + unknownSize(s.unknownFields));
}

function writeStatus(w: Writer, s: Status): void {
  w.enter();
  if (s.message !== '') {
    w.byte(0x12);
    w.str(s.message);
  }
  if (s.code !== 0) {
    w.byte(0x18);
    w.varint(s.code);
  }
  w.unknown(s.unknownFields);
}
