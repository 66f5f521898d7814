import { Buffer, isUtf8 } from 'node:buffer';
import { OtlpDecodeError, atPath } from '../errors.ts';
import type { DecodeLimits } from '../limits.ts';
import { Budget } from '../limits.ts';

export const EMPTY_BYTES: Uint8Array = new Uint8Array(0);

/**
 * Node's Buffer has had these slice/write methods on its prototype since v0.x; `toString` and
 * `write` call them after normalising arguments. Calling them directly skips that overhead on
 * the codec's hottest path. Typed here because @types/node does not declare them.
 */
export interface FastBuffer extends Buffer {
  latin1Slice(start: number, end: number): string;
  utf8Slice(start: number, end: number): string;
  utf8Write(value: string, offset: number, length: number): number;
  latin1Write(value: string, offset: number, length: number): number;
}

export function asFastBuffer(input: Uint8Array): FastBuffer {
  return (
    Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength)
  ) as FastBuffer;
}

/** Wire types of the protobuf encoding. */
export const VARINT = 0;
export const I64 = 1;
export const LEN = 2;
export const I32 = 5;

/** Decode options shared by the protobuf and JSON decoders. */
export interface DecodeOptions {
  /** Deepest AnyValue nesting (arrays / kvlists) accepted; default 32. */
  maxDepth?: number;
  /** Bounds on the decoded request (none by default); over one, decoding throws `LIMIT`. */
  limits?: DecodeLimits;
}

export const DEFAULT_MAX_DEPTH = 32;

/**
 * String cache slots of `Reader.cachedString`, by position in the attribute list: keys of
 * top-level attributes use 0-31 and keys inside kvlist values 32-63; string values use the key's
 * slot + 64. The remaining slots are named here.
 */
export const CACHE_SLOTS = 136;
export const SLOT_VALUE = 64;
export const SLOT_SPAN_NAME = 128;
export const SLOT_NESTED_VALUE = 129;
export const SLOT_SCOPE_NAME = 130;
export const SLOT_SCOPE_VERSION = 131;
export const SLOT_METRIC_NAME = 132;
export const SLOT_SEVERITY_TEXT = 133;

/**
 * A bounds-checked cursor over one protobuf input. Every read checks against `limit`, the end of
 * the message being decoded, so a length can never reach past its parent, and nothing is ever
 * allocated from a length that was not checked first. Bytes results are views of the input.
 */
export class Reader {
  readonly buf: FastBuffer;
  private readonly view: DataView;
  pos = 0;
  limit: number;
  depth = 0;
  readonly maxDepth: number;
  /** What this decode may still create; `enter` and `unknown` count a node each. */
  readonly budget: Budget;
  /** Last string decoded per cache slot; see `cachedString`. */
  private readonly recent: (string | undefined)[] = new Array<string | undefined>(CACHE_SLOTS).fill(
    undefined,
  );

  constructor(input: Uint8Array, options?: DecodeOptions) {
    this.buf = asFastBuffer(input);
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
    this.limit = this.buf.length;
    this.maxDepth = options?.maxDepth ?? DEFAULT_MAX_DEPTH;
    this.budget = new Budget(options?.limits);
  }

  fail(code: OtlpDecodeError['code'], message: string, offset = this.pos): never {
    throw new OtlpDecodeError(code, message, offset);
  }

  /** A plain Uint8Array view of input bytes [start, end) (no copy). */
  private view8(start: number, end: number): Uint8Array {
    return new Uint8Array(this.buf.buffer, this.buf.byteOffset + start, end - start);
  }

  private need(n: number): void {
    if (this.pos + n > this.limit) {
      this.fail('TRUNCATED', `needs ${n} bytes, ${this.limit - this.pos} left in this message`);
    }
  }

  /** A varint truncated to its low 32 bits (uint32, int32 and enum fields). */
  uint32(): number {
    const buf = this.buf;
    const limit = this.limit;
    let pos = this.pos;
    if (pos >= limit) this.fail('TRUNCATED', 'varint cut off');
    let byte = buf[pos++]!;
    if (byte < 0x80) {
      this.pos = pos;
      return byte;
    }
    let value = byte & 0x7f;
    for (let shift = 7; shift < 70; shift += 7) {
      if (pos >= limit) this.fail('TRUNCATED', 'varint cut off');
      byte = buf[pos++]!;
      if (shift < 32) value |= (byte & 0x7f) << shift;
      if (byte < 0x80) {
        this.pos = pos;
        return value >>> 0;
      }
    }
    return this.fail('BAD_VARINT', 'varint longer than 10 bytes', this.pos);
  }

  /** A signed int32 varint (negative values arrive sign-extended to 10 bytes). */
  int32(): number {
    return this.uint32() | 0;
  }

  /** A uint64 varint as a bigint; values below 2^49 take the number fast path. */
  uint64(): bigint {
    const buf = this.buf;
    const limit = this.limit;
    const start = this.pos;
    let pos = start;
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 7; i++) {
      if (pos >= limit) this.fail('TRUNCATED', 'varint cut off');
      const byte = buf[pos++]!;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) {
        this.pos = pos;
        return BigInt(value);
      }
      scale *= 128;
    }
    let big = BigInt(value);
    for (let shift = 49n; shift < 70n; shift += 7n) {
      if (pos >= limit) this.fail('TRUNCATED', 'varint cut off');
      const byte = buf[pos++]!;
      big |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) {
        this.pos = pos;
        return BigInt.asUintN(64, big);
      }
    }
    return this.fail('BAD_VARINT', 'varint longer than 10 bytes', start);
  }

  int64(): bigint {
    return BigInt.asIntN(64, this.uint64());
  }

  sint32(): number {
    const n = this.uint32();
    return (n >>> 1) ^ -(n & 1);
  }

  bool(): boolean {
    return this.uint32() !== 0;
  }

  fixed32(): number {
    this.need(4);
    const value = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return value;
  }

  fixed64(): bigint {
    this.need(8);
    const value = this.view.getBigUint64(this.pos, true);
    this.pos += 8;
    return value;
  }

  sfixed64(): bigint {
    this.need(8);
    const value = this.view.getBigInt64(this.pos, true);
    this.pos += 8;
    return value;
  }

  double(): number {
    this.need(8);
    const value = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return value;
  }

  /** Reads a length prefix and returns the end offset of the value, checked against `limit`. */
  lengthEnd(): number {
    const at = this.pos;
    const length = this.uint32();
    if (length > this.limit - this.pos) {
      this.fail(
        'BAD_LENGTH',
        `length ${length} exceeds the ${this.limit - this.pos} bytes left`,
        at,
      );
    }
    return this.pos + length;
  }

  bytes(): Uint8Array {
    const end = this.lengthEnd();
    const start = this.pos;
    this.pos = end;
    return start === end ? EMPTY_BYTES : this.view8(start, end);
  }

  /** A trace id (16 bytes) or span id (8 bytes); empty is accepted as "absent". */
  id(size: 8 | 16): Uint8Array {
    const at = this.pos;
    const value = this.bytes();
    if (value.length !== size && value.length !== 0) {
      this.fail('BAD_ID_LENGTH', `id of ${value.length} bytes, expected ${size}`, at);
    }
    return value;
  }

  string(): string {
    const end = this.lengthEnd();
    const start = this.pos;
    this.pos = end;
    return this.text(start, end);
  }

  private text(start: number, end: number): string {
    const buf = this.buf;
    for (let i = start; i < end; i++) {
      if (buf[i]! >= 0x80) {
        if (!isUtf8(buf.subarray(start, end)))
          this.fail('BAD_UTF8', 'string is not valid UTF-8', start);
        return buf.utf8Slice(start, end);
      }
    }
    return ascii(buf, start, end);
  }

  /**
   * A string that probably equals the one decoded last time under the same `slot` (attribute
   * keys repeat at the same position from span to span): compares the bytes with the cached
   * string first, which is several times cheaper than creating a new string. Same result as
   * `string()` in every case.
   */
  cachedString(slot: number): string {
    const end = this.lengthEnd();
    const start = this.pos;
    const length = end - start;
    const cached = this.recent[slot];
    const buf = this.buf;
    if (cached !== undefined && cached.length === length) {
      let i = 0;
      while (i < length && cached.charCodeAt(i) === buf[start + i]) i++;
      if (i === length) {
        this.pos = end;
        return cached;
      }
    }
    this.pos = end;
    const value = this.text(start, end);
    this.recent[slot] = value;
    return value;
  }

  /**
   * Enters a length-delimited sub-message; returns the parent's limit for `leave`. Every decoded
   * message passes here, so this is where it is counted against the node budget.
   */
  enter(): number {
    this.budget.node(1, this.pos);
    const end = this.lengthEnd();
    const parent = this.limit;
    this.limit = end;
    return parent;
  }

  leave(parentLimit: number): void {
    this.limit = parentLimit;
  }

  /**
   * Handles a field the decoder did not match: a known field number with the wrong wire type is
   * an error; an unknown field is skipped and its raw bytes (tag included) returned for
   * pass-through. `known` has bit N set when field N is part of the schema.
   */
  unknown(tag: number, tagStart: number, known: number): Uint8Array {
    const field = tag >>> 3;
    const wireType = tag & 7;
    if (field === 0) this.fail('BAD_WIRE_TYPE', 'field number 0 is invalid', tagStart);
    if (field < 32 && (known & (1 << field)) !== 0) {
      this.fail('BAD_WIRE_TYPE', `field ${field} has wire type ${wireType}`, tagStart);
    }
    this.budget.node(1, tagStart);
    this.skip(wireType, tagStart);
    return this.view8(tagStart, this.pos);
  }

  skip(wireType: number, tagStart: number): void {
    switch (wireType) {
      case VARINT:
        this.uint64();
        return;
      case I64:
        this.need(8);
        this.pos += 8;
        return;
      case LEN:
        this.pos = this.lengthEnd();
        return;
      case I32:
        this.need(4);
        this.pos += 4;
        return;
      default:
        // Groups (3, 4) are not used by proto3; 6 and 7 do not exist.
        this.fail('BAD_WIRE_TYPE', `wire type ${wireType} is not supported`, tagStart);
    }
  }
}

/**
 * Decodes the length-delimited sub-message at the cursor; on error names it `field[index]` (or
 * `field` when index is -1). The path string is built only when something fails.
 */
export function sub<T>(r: Reader, field: string, index: number, decode: (r: Reader) => T): T {
  try {
    const parent = r.enter();
    const value = decode(r);
    r.leave(parent);
    return value;
  } catch (error) {
    throw atPath(error, index < 0 ? field : `${field}[${index}]`);
  }
}

/** Appends raw unknown-field bytes to a message's list. */
export function keepUnknown(list: Uint8Array[] | undefined, raw: Uint8Array): Uint8Array[] {
  if (list === undefined) return [raw];
  list.push(raw);
  return list;
}

const fromCharCode = String.fromCharCode;

/**
 * An ASCII string from checked bytes. Short strings (most attribute keys and values) are built
 * in JS, which avoids the native call that dominates for them; longer ones use latin1Slice.
 */
function ascii(buf: FastBuffer, s: number, end: number): string {
  switch (end - s) {
    case 0:
      return '';
    case 1:
      return fromCharCode(buf[s]!);
    case 2:
      return fromCharCode(buf[s]!, buf[s + 1]!);
    case 3:
      return fromCharCode(buf[s]!, buf[s + 1]!, buf[s + 2]!);
    case 4:
      return fromCharCode(buf[s]!, buf[s + 1]!, buf[s + 2]!, buf[s + 3]!);
    case 5:
      return fromCharCode(buf[s]!, buf[s + 1]!, buf[s + 2]!, buf[s + 3]!, buf[s + 4]!);
    case 6:
      return fromCharCode(buf[s]!, buf[s + 1]!, buf[s + 2]!, buf[s + 3]!, buf[s + 4]!, buf[s + 5]!);
    case 7:
      return fromCharCode(
        buf[s]!,
        buf[s + 1]!,
        buf[s + 2]!,
        buf[s + 3]!,
        buf[s + 4]!,
        buf[s + 5]!,
        buf[s + 6]!,
      );
    case 8:
      return fromCharCode(
        buf[s]!,
        buf[s + 1]!,
        buf[s + 2]!,
        buf[s + 3]!,
        buf[s + 4]!,
        buf[s + 5]!,
        buf[s + 6]!,
        buf[s + 7]!,
      );
    default:
      return buf.latin1Slice(s, end);
  }
}
