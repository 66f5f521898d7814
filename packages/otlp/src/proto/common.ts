import { atPath } from '../errors.ts';
import type {
  AnyValue,
  ArrayValue,
  EntityRef,
  InstrumentationScope,
  KeyValue,
  KeyValueList,
  Resource,
  UnknownFields,
} from '../types/common.ts';
import type { Reader } from './reader.ts';
import {
  SLOT_NESTED_VALUE,
  SLOT_SCOPE_NAME,
  SLOT_SCOPE_VERSION,
  SLOT_VALUE,
  keepUnknown,
} from './reader.ts';
import type { Writer } from './writer.ts';
import { bytesSize, unknownSize, varint64Size, varintSize } from './writer.ts';

// Known-field bitmasks (bit N = field N) for wrong-wire-type detection.
const ANY_VALUE_FIELDS = 0b11111110;
const KEY_VALUE_FIELDS = 0b110;
const LIST_FIELDS = 0b10;
const SCOPE_FIELDS = 0b11110;
const ENTITY_REF_FIELDS = 0b11110;
const RESOURCE_FIELDS = 0b1110;

// ---------------------------------------------------------------- decode

/** Decodes an AnyValue; a string value goes through cache slot `slot` (see `cachedString`). */
export function decodeAnyValue(r: Reader, slot: number): AnyValue {
  let value: AnyValue = {};
  let unknown: UnknownFields;
  while (r.pos < r.limit) {
    const at = r.pos;
    const tag = r.uint32();
    switch (tag) {
      case 0x0a:
        value = { stringValue: r.cachedString(slot) };
        break;
      case 0x10:
        value = { boolValue: r.bool() };
        break;
      case 0x18:
        value = { intValue: r.int64() };
        break;
      case 0x21:
        value = { doubleValue: r.double() };
        break;
      case 0x2a:
      case 0x32: {
        if (++r.depth > r.maxDepth)
          r.fail('TOO_DEEP', `AnyValue nested deeper than ${r.maxDepth}`, at);
        const parent = r.enter();
        const values = tag === 0x2a ? decodeValueList(r) : decodeKeyValues(r);
        r.leave(parent);
        r.depth--;
        value =
          tag === 0x2a ? { arrayValue: values } : { kvlistValue: values as { values: KeyValue[] } };
        break;
      }
      case 0x3a:
        value = { bytesValue: r.bytes() };
        break;
      default:
        unknown = keepUnknown(unknown, r.unknown(tag, at, ANY_VALUE_FIELDS));
    }
  }
  if (unknown !== undefined) value.unknownFields = unknown;
  return value;
}

/** Body of ArrayValue: `repeated AnyValue values = 1`. */
function decodeValueList(r: Reader): { values: AnyValue[]; unknownFields?: UnknownFields } {
  const values: AnyValue[] = [];
  let unknown: UnknownFields;
  while (r.pos < r.limit) {
    const at = r.pos;
    const tag = r.uint32();
    if (tag === 0x0a) {
      r.budget.value(1, at);
      const parent = r.enter();
      try {
        values.push(decodeAnyValue(r, SLOT_NESTED_VALUE));
      } catch (error) {
        throw atPath(error, `arrayValue[${values.length}]`);
      }
      r.leave(parent);
    } else unknown = keepUnknown(unknown, r.unknown(tag, at, LIST_FIELDS));
  }
  return unknown === undefined ? { values } : { values, unknownFields: unknown };
}

/** Body of KeyValueList: `repeated KeyValue values = 1`. */
function decodeKeyValues(r: Reader): { values: KeyValue[]; unknownFields?: UnknownFields } {
  const values: KeyValue[] = [];
  let unknown: UnknownFields;
  while (r.pos < r.limit) {
    const at = r.pos;
    const tag = r.uint32();
    if (tag === 0x0a) values.push(decodeKeyValueAt(r, values.length, 'kvlistValue', true));
    else unknown = keepUnknown(unknown, r.unknown(tag, at, LIST_FIELDS));
  }
  return unknown === undefined ? { values } : { values, unknownFields: unknown };
}

/** Decodes one KeyValue; `slot` picks the key cache entry (the attribute's position). */
export function decodeKeyValue(r: Reader, slot: number): KeyValue {
  const kv: KeyValue = { key: '', value: undefined };
  while (r.pos < r.limit) {
    const at = r.pos;
    const tag = r.uint32();
    if (tag === 0x0a) kv.key = r.cachedString(slot);
    else if (tag === 0x12) {
      const parent = r.enter();
      kv.value = decodeAnyValue(r, SLOT_VALUE + slot);
      r.leave(parent);
    } else kv.unknownFields = keepUnknown(kv.unknownFields, r.unknown(tag, at, KEY_VALUE_FIELDS));
  }
  return kv;
}

/**
 * Decodes the length-delimited KeyValue at the cursor, naming `list[index]` on error. Counts one
 * value against the budget.
 */
export function decodeKeyValueAt(r: Reader, index: number, list: string, nested = false): KeyValue {
  r.budget.value(1, r.pos);
  try {
    const parent = r.enter();
    const kv = decodeKeyValue(r, (index & 31) + (nested ? 32 : 0));
    r.leave(parent);
    return kv;
  } catch (error) {
    throw atPath(error, `${list}[${index}]`);
  }
}

/** Decodes the attribute at the cursor into one record's `list`, within the attribute limit. */
export function decodeAttributeInto(r: Reader, list: KeyValue[], field: string): void {
  r.budget.perRecord('attributes', list.length + 1, field, r.pos);
  list.push(decodeKeyValueAt(r, list.length, field));
}

export function decodeScope(r: Reader): InstrumentationScope {
  const scope: InstrumentationScope = {
    name: '',
    version: '',
    attributes: [],
    droppedAttributesCount: 0,
  };
  while (r.pos < r.limit) {
    const at = r.pos;
    const tag = r.uint32();
    switch (tag) {
      case 0x0a:
        scope.name = r.cachedString(SLOT_SCOPE_NAME);
        break;
      case 0x12:
        scope.version = r.cachedString(SLOT_SCOPE_VERSION);
        break;
      case 0x1a:
        decodeAttributeInto(r, scope.attributes, 'attributes');
        break;
      case 0x20:
        scope.droppedAttributesCount = r.uint32();
        break;
      default:
        scope.unknownFields = keepUnknown(scope.unknownFields, r.unknown(tag, at, SCOPE_FIELDS));
    }
  }
  return scope;
}

function decodeEntityRef(r: Reader): EntityRef {
  const ref: EntityRef = { schemaUrl: '', type: '', idKeys: [], descriptionKeys: [] };
  while (r.pos < r.limit) {
    const at = r.pos;
    const tag = r.uint32();
    if (tag === 0x0a) ref.schemaUrl = r.string();
    else if (tag === 0x12) ref.type = r.string();
    else if (tag === 0x1a) {
      r.budget.node(1, at);
      ref.idKeys.push(r.string());
    } else if (tag === 0x22) {
      r.budget.node(1, at);
      ref.descriptionKeys.push(r.string());
    } else
      ref.unknownFields = keepUnknown(ref.unknownFields, r.unknown(tag, at, ENTITY_REF_FIELDS));
  }
  return ref;
}

export function decodeResource(r: Reader): Resource {
  const resource: Resource = { attributes: [], droppedAttributesCount: 0, entityRefs: [] };
  while (r.pos < r.limit) {
    const at = r.pos;
    const tag = r.uint32();
    if (tag === 0x0a) decodeAttributeInto(r, resource.attributes, 'attributes');
    else if (tag === 0x10) resource.droppedAttributesCount = r.uint32();
    else if (tag === 0x1a) {
      const parent = r.enter();
      resource.entityRefs.push(decodeEntityRef(r));
      r.leave(parent);
    } else
      resource.unknownFields = keepUnknown(
        resource.unknownFields,
        r.unknown(tag, at, RESOURCE_FIELDS),
      );
  }
  return resource;
}

// ---------------------------------------------------------------- size (pass 1)

// AnyValue members by kind. Pass 1 stores `length * 8 + kind` in the value's slot, so pass 2
// switches on the kind instead of probing the object's members a second time.
const STRING = 1;
const BOOL = 2;
const INT = 3;
const DOUBLE = 4;
const ARRAY = 5;
const KVLIST = 6;
const BYTES = 7;

type AnyMembers = {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: bigint;
  doubleValue?: number;
  arrayValue?: ArrayValue;
  kvlistValue?: KeyValueList;
  bytesValue?: Uint8Array;
  unknownFields?: UnknownFields;
};

export function sizeAnyValue(w: Writer, value: AnyValue): number {
  const v = value as AnyMembers;
  const slot = w.reserve();
  let n = 0;
  let kind = 0;
  if (v.stringValue !== undefined) {
    kind = STRING;
    n = 1 + w.strSize(v.stringValue);
  } else if (v.intValue !== undefined) {
    kind = INT;
    n = 1 + varint64Size(v.intValue);
  } else if (v.doubleValue !== undefined) {
    kind = DOUBLE;
    n = 9;
  } else if (v.boolValue !== undefined) {
    kind = BOOL;
    n = 2;
  } else if (v.arrayValue !== undefined) {
    kind = ARRAY;
    const inner = w.reserve();
    let m = 0;
    for (const item of v.arrayValue.values) m += 1 + sizeAnyValue(w, item);
    n = 1 + w.close(inner, m + unknownSize(v.arrayValue.unknownFields));
  } else if (v.kvlistValue !== undefined) {
    kind = KVLIST;
    const inner = w.reserve();
    let m = 0;
    for (const kv of v.kvlistValue.values) m += 1 + sizeKeyValue(w, kv);
    n = 1 + w.close(inner, m + unknownSize(v.kvlistValue.unknownFields));
  } else if (v.bytesValue !== undefined) {
    kind = BYTES;
    n = 1 + bytesSize(v.bytesValue);
  }
  if (v.unknownFields !== undefined) n += unknownSize(v.unknownFields);
  w.set(slot, n * 8 + kind);
  return varintSize(n) + n;
}

export function sizeKeyValue(w: Writer, kv: KeyValue): number {
  const slot = w.reserve();
  let n = kv.key === '' ? 0 : 1 + w.strSize(kv.key);
  if (kv.value !== undefined) n += 1 + sizeAnyValue(w, kv.value);
  return w.close(slot, n + unknownSize(kv.unknownFields));
}

export function sizeKeyValues(w: Writer, list: KeyValue[]): number {
  let n = 0;
  for (let i = 0; i < list.length; i++) n += 1 + sizeKeyValue(w, list[i]!);
  return n;
}

export function sizeScope(w: Writer, s: InstrumentationScope): number {
  const slot = w.reserve();
  let n = 0;
  if (s.name !== '') n += 1 + w.strSize(s.name);
  if (s.version !== '') n += 1 + w.strSize(s.version);
  n += sizeKeyValues(w, s.attributes);
  if (s.droppedAttributesCount !== 0) n += 1 + varintSize(s.droppedAttributesCount);
  return w.close(slot, n + unknownSize(s.unknownFields));
}

function sizeEntityRef(w: Writer, e: EntityRef): number {
  const slot = w.reserve();
  let n = 0;
  if (e.schemaUrl !== '') n += 1 + w.strSize(e.schemaUrl);
  if (e.type !== '') n += 1 + w.strSize(e.type);
  for (const key of e.idKeys) n += 1 + w.strSize(key);
  for (const key of e.descriptionKeys) n += 1 + w.strSize(key);
  return w.close(slot, n + unknownSize(e.unknownFields));
}

export function sizeResource(w: Writer, res: Resource): number {
  const slot = w.reserve();
  let n = sizeKeyValues(w, res.attributes);
  if (res.droppedAttributesCount !== 0) n += 1 + varintSize(res.droppedAttributesCount);
  for (const ref of res.entityRefs) n += 1 + sizeEntityRef(w, ref);
  return w.close(slot, n + unknownSize(res.unknownFields));
}

// ---------------------------------------------------------------- write (pass 2)

export function writeAnyValue(w: Writer, value: AnyValue): void {
  const v = value as AnyMembers;
  const packed = w.take();
  w.varint(Math.floor(packed / 8));
  switch (packed & 7) {
    case STRING:
      w.byte(0x0a);
      w.str(v.stringValue!);
      break;
    case BOOL:
      w.byte(0x10);
      w.byte(v.boolValue ? 1 : 0);
      break;
    case INT:
      w.byte(0x18);
      w.varint64(v.intValue!);
      break;
    case DOUBLE:
      w.byte(0x21);
      w.double(v.doubleValue!);
      break;
    case ARRAY:
      w.byte(0x2a);
      w.enter();
      for (const item of v.arrayValue!.values) {
        w.byte(0x0a);
        writeAnyValue(w, item);
      }
      w.unknown(v.arrayValue!.unknownFields);
      break;
    case KVLIST:
      w.byte(0x32);
      w.enter();
      for (const kv of v.kvlistValue!.values) {
        w.byte(0x0a);
        writeKeyValue(w, kv);
      }
      w.unknown(v.kvlistValue!.unknownFields);
      break;
    case BYTES:
      w.byte(0x3a);
      w.bytes(v.bytesValue!);
      break;
    default:
  }
  w.unknown(v.unknownFields);
}

export function writeKeyValue(w: Writer, kv: KeyValue): void {
  w.enter();
  if (kv.key !== '') {
    w.byte(0x0a);
    w.str(kv.key);
  }
  if (kv.value !== undefined) {
    w.byte(0x12);
    writeAnyValue(w, kv.value);
  }
  w.unknown(kv.unknownFields);
}

/** Writes `repeated KeyValue` under the one-byte tag `tag`. */
export function writeKeyValues(w: Writer, tag: number, list: KeyValue[]): void {
  for (let i = 0; i < list.length; i++) {
    w.byte(tag);
    writeKeyValue(w, list[i]!);
  }
}

export function writeScope(w: Writer, s: InstrumentationScope): void {
  w.enter();
  if (s.name !== '') {
    w.byte(0x0a);
    w.str(s.name);
  }
  if (s.version !== '') {
    w.byte(0x12);
    w.str(s.version);
  }
  writeKeyValues(w, 0x1a, s.attributes);
  if (s.droppedAttributesCount !== 0) {
    w.byte(0x20);
    w.varint(s.droppedAttributesCount);
  }
  w.unknown(s.unknownFields);
}

function writeEntityRef(w: Writer, e: EntityRef): void {
  w.enter();
  if (e.schemaUrl !== '') {
    w.byte(0x0a);
    w.str(e.schemaUrl);
  }
  if (e.type !== '') {
    w.byte(0x12);
    w.str(e.type);
  }
  for (const key of e.idKeys) {
    w.byte(0x1a);
    w.str(key);
  }
  for (const key of e.descriptionKeys) {
    w.byte(0x22);
    w.str(key);
  }
  w.unknown(e.unknownFields);
}

export function writeResource(w: Writer, res: Resource): void {
  w.enter();
  writeKeyValues(w, 0x0a, res.attributes);
  if (res.droppedAttributesCount !== 0) {
    w.byte(0x10);
    w.varint(res.droppedAttributesCount);
  }
  for (const ref of res.entityRefs) {
    w.byte(0x1a);
    writeEntityRef(w, ref);
  }
  w.unknown(res.unknownFields);
}
