import { guarded } from '../errors.ts';
import type {
  ExportLogsServiceRequest,
  LogRecord,
  ResourceLogs,
  ScopeLogs,
} from '../types/logs.ts';
import {
  decodeAnyValue,
  decodeAttributeInto,
  decodeResource,
  decodeScope,
  sizeAnyValue,
  sizeKeyValues,
  sizeResource,
  sizeScope,
  writeAnyValue,
  writeKeyValues,
  writeResource,
  writeScope,
} from './common.ts';
import type { DecodeOptions } from './reader.ts';
import {
  EMPTY_BYTES,
  Reader,
  SLOT_NESTED_VALUE,
  SLOT_SEVERITY_TEXT,
  keepUnknown,
  sub,
} from './reader.ts';
import type { Writer } from './writer.ts';
import { writer, bytesSize, unknownSize, varintSize } from './writer.ts';

const CONTAINER_FIELDS = 0b1110;
const LOG_RECORD_FIELDS = 8174; // 1-3, 5-12

/** Decodes an `ExportLogsServiceRequest`; throws only {@link OtlpDecodeError}. */
export function decodeLogsRequest(
  input: Uint8Array,
  options?: DecodeOptions,
): ExportLogsServiceRequest {
  return guarded(() => decodeLogsRequestUnguarded(input, options));
}

function decodeLogsRequestUnguarded(
  input: Uint8Array,
  options?: DecodeOptions,
): ExportLogsServiceRequest {
  const r = new Reader(input, options);
  const request: ExportLogsServiceRequest = { resourceLogs: [] };
  while (r.pos < r.limit) {
    const at = r.pos;
    const tag = r.uint32();
    if (tag === 0x0a)
      request.resourceLogs.push(
        sub(r, 'resourceLogs', request.resourceLogs.length, decodeResourceLogs),
      );
    else request.unknownFields = keepUnknown(request.unknownFields, r.unknown(tag, at, 0b10));
  }
  return request;
}

function decodeResourceLogs(r: Reader): ResourceLogs {
  const rl: ResourceLogs = { resource: undefined, scopeLogs: [], schemaUrl: '' };
  while (r.pos < r.limit) {
    const at = r.pos;
    const tag = r.uint32();
    if (tag === 0x0a) rl.resource = sub(r, 'resource', -1, decodeResource);
    else if (tag === 0x12)
      rl.scopeLogs.push(sub(r, 'scopeLogs', rl.scopeLogs.length, decodeScopeLogs));
    else if (tag === 0x1a) rl.schemaUrl = r.string();
    else rl.unknownFields = keepUnknown(rl.unknownFields, r.unknown(tag, at, CONTAINER_FIELDS));
  }
  return rl;
}

function decodeScopeLogs(r: Reader): ScopeLogs {
  const sl: ScopeLogs = { scope: undefined, logRecords: [], schemaUrl: '' };
  while (r.pos < r.limit) {
    const at = r.pos;
    const tag = r.uint32();
    if (tag === 0x0a) sl.scope = sub(r, 'scope', -1, decodeScope);
    else if (tag === 0x12) {
      r.budget.item('log records', 1, at);
      sl.logRecords.push(sub(r, 'logRecords', sl.logRecords.length, decodeLogRecord));
    } else if (tag === 0x1a) sl.schemaUrl = r.string();
    else sl.unknownFields = keepUnknown(sl.unknownFields, r.unknown(tag, at, CONTAINER_FIELDS));
  }
  return sl;
}

const decodeBody = (r: Reader) => {
  r.budget.value(1, r.pos);
  return decodeAnyValue(r, SLOT_NESTED_VALUE);
};

function decodeLogRecord(r: Reader): LogRecord {
  const log: LogRecord = {
    timeUnixNano: 0n,
    observedTimeUnixNano: 0n,
    severityNumber: 0,
    severityText: '',
    body: undefined,
    attributes: [],
    droppedAttributesCount: 0,
    flags: 0,
    traceId: EMPTY_BYTES,
    spanId: EMPTY_BYTES,
    eventName: '',
    unknownFields: undefined,
  };
  while (r.pos < r.limit) {
    const at = r.pos;
    const tag = r.uint32();
    switch (tag) {
      case 0x09:
        log.timeUnixNano = r.fixed64();
        break;
      case 0x10:
        log.severityNumber = r.int32();
        break;
      case 0x1a:
        log.severityText = r.cachedString(SLOT_SEVERITY_TEXT);
        break;
      case 0x2a:
        log.body = sub(r, 'body', -1, decodeBody);
        break;
      case 0x32:
        decodeAttributeInto(r, log.attributes, 'attributes');
        break;
      case 0x38:
        log.droppedAttributesCount = r.uint32();
        break;
      case 0x45:
        log.flags = r.fixed32();
        break;
      case 0x4a:
        log.traceId = r.id(16);
        break;
      case 0x52:
        log.spanId = r.id(8);
        break;
      case 0x59:
        log.observedTimeUnixNano = r.fixed64();
        break;
      case 0x62:
        log.eventName = r.string();
        break;
      default:
        log.unknownFields = keepUnknown(log.unknownFields, r.unknown(tag, at, LOG_RECORD_FIELDS));
    }
  }
  return log;
}

/** Encodes an `ExportLogsServiceRequest` canonically (field order, defaults omitted). */
export function encodeLogsRequest(request: ExportLogsServiceRequest): Uint8Array {
  const w = writer();
  let total = unknownSize(request.unknownFields);
  for (const rl of request.resourceLogs) total += 1 + sizeResourceLogs(w, rl);
  w.begin(total);
  for (const rl of request.resourceLogs) {
    w.byte(0x0a);
    writeResourceLogs(w, rl);
  }
  w.unknown(request.unknownFields);
  return w.buf;
}

function sizeResourceLogs(w: Writer, rl: ResourceLogs): number {
  const slot = w.reserve();
  let n = rl.resource === undefined ? 0 : 1 + sizeResource(w, rl.resource);
  for (const sl of rl.scopeLogs) n += 1 + sizeScopeLogs(w, sl);
  if (rl.schemaUrl !== '') n += 1 + w.strSize(rl.schemaUrl);
  return w.close(slot, n + unknownSize(rl.unknownFields));
}

function writeResourceLogs(w: Writer, rl: ResourceLogs): void {
  w.enter();
  if (rl.resource !== undefined) {
    w.byte(0x0a);
    writeResource(w, rl.resource);
  }
  for (const sl of rl.scopeLogs) {
    w.byte(0x12);
    writeScopeLogs(w, sl);
  }
  if (rl.schemaUrl !== '') {
    w.byte(0x1a);
    w.str(rl.schemaUrl);
  }
  w.unknown(rl.unknownFields);
}

function sizeScopeLogs(w: Writer, sl: ScopeLogs): number {
  const slot = w.reserve();
  let n = sl.scope === undefined ? 0 : 1 + sizeScope(w, sl.scope);
  for (const log of sl.logRecords) n += 1 + sizeLogRecord(w, log);
  if (sl.schemaUrl !== '') n += 1 + w.strSize(sl.schemaUrl);
  return w.close(slot, n + unknownSize(sl.unknownFields));
}

function writeScopeLogs(w: Writer, sl: ScopeLogs): void {
  w.enter();
  if (sl.scope !== undefined) {
    w.byte(0x0a);
    writeScope(w, sl.scope);
  }
  for (const log of sl.logRecords) {
    w.byte(0x12);
    writeLogRecord(w, log);
  }
  if (sl.schemaUrl !== '') {
    w.byte(0x1a);
    w.str(sl.schemaUrl);
  }
  w.unknown(sl.unknownFields);
}

function sizeLogRecord(w: Writer, l: LogRecord): number {
  const slot = w.reserve();
  let n = l.timeUnixNano === 0n ? 0 : 9;
  if (l.severityNumber !== 0) n += 1 + varintSize(l.severityNumber);
  if (l.severityText !== '') n += 1 + w.strSize(l.severityText);
  if (l.body !== undefined) n += 1 + sizeAnyValue(w, l.body);
  n += sizeKeyValues(w, l.attributes);
  if (l.droppedAttributesCount !== 0) n += 1 + varintSize(l.droppedAttributesCount);
  if (l.flags !== 0) n += 5;
  if (l.traceId.length !== 0) n += 1 + bytesSize(l.traceId);
  if (l.spanId.length !== 0) n += 1 + bytesSize(l.spanId);
  if (l.observedTimeUnixNano !== 0n) n += 9;
  if (l.eventName !== '') n += 1 + w.strSize(l.eventName);
  return w.close(slot, n + unknownSize(l.unknownFields));
}

function writeLogRecord(w: Writer, l: LogRecord): void {
  w.enter();
  if (l.timeUnixNano !== 0n) {
    w.byte(0x09);
    w.fixed64(l.timeUnixNano);
  }
  if (l.severityNumber !== 0) {
    w.byte(0x10);
    w.varint(l.severityNumber);
  }
  if (l.severityText !== '') {
    w.byte(0x1a);
    w.str(l.severityText);
  }
  if (l.body !== undefined) {
    w.byte(0x2a);
    writeAnyValue(w, l.body);
  }
  writeKeyValues(w, 0x32, l.attributes);
  if (l.droppedAttributesCount !== 0) {
    w.byte(0x38);
    w.varint(l.droppedAttributesCount);
  }
  if (l.flags !== 0) {
    w.byte(0x45);
    w.fixed32(l.flags);
  }
  if (l.traceId.length !== 0) {
    w.byte(0x4a);
    w.bytes(l.traceId);
  }
  if (l.spanId.length !== 0) {
    w.byte(0x52);
    w.bytes(l.spanId);
  }
  if (l.observedTimeUnixNano !== 0n) {
    w.byte(0x59);
    w.fixed64(l.observedTimeUnixNano);
  }
  if (l.eventName !== '') {
    w.byte(0x62);
    w.str(l.eventName);
  }
  w.unknown(l.unknownFields);
}
