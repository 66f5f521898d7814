import { Buffer } from 'node:buffer';
import type { FastBuffer } from './reader.ts';

/**
 * Two-pass protobuf writer. Pass 1 (`size*` functions) computes every length-delimited value's
 * byte length in traversal order into `sizes`; pass 2 (`write*` functions) allocates the exact
 * output once and writes, reading the same lengths back in the same order. The two passes must
 * visit fields identically: each string, bytes-free sub-message and packed field takes one slot.
 * Fields are written in field-number order and proto3 defaults are omitted (canonical encoding);
 * unknown fields are re-emitted after the known ones.
 */
/** Slots (8 bytes each) a writer keeps between encodes. */
const MAX_KEPT_SLOTS = 1 << 18;

export class Writer {
  /**
   * The slots, `used` of them filled. A typed array kept across encodes: a plain array emptied
   * with `length = 0` gives its storage back and regrows on every encode.
   */
  private sizes = new Float64Array(1024);
  private used = 0;
  private cursor = 0;
  buf: FastBuffer = Buffer.alloc(0) as FastBuffer;
  private view = new DataView(this.buf.buffer);
  pos = 0;

  // ---- pass 1 ----

  /** Reserves a slot for a length computed after its children's. */
  reserve(): number {
    return this.push(0);
  }

  /** Stores a sub-message's body length; returns its encoded size with the length prefix. */
  close(slot: number, length: number): number {
    this.sizes[slot] = length;
    return varintSize(length) + length;
  }

  /** Stores a value in a reserved slot. */
  set(slot: number, value: number): void {
    this.sizes[slot] = value;
  }

  /** Size of a string value with its length prefix (takes one slot). */
  strSize(value: string): number {
    const length = utf8Length(value);
    this.push(length);
    return varintSize(length) + length;
  }

  private push(value: number): number {
    if (this.used === this.sizes.length) {
      const grown = new Float64Array(this.sizes.length * 2);
      grown.set(this.sizes);
      this.sizes = grown;
    }
    this.sizes[this.used] = value;
    return this.used++;
  }

  // ---- pass 2 ----

  /** Starts a new encoding; the slot array is reused across calls (encoding is synchronous). */
  reset(): this {
    // Slots kept after one exceptionally large encode would be held for good.
    if (this.sizes.length > MAX_KEPT_SLOTS) this.sizes = new Float64Array(1024);
    this.used = 0;
    this.cursor = 0;
    return this;
  }

  begin(total: number): void {
    this.buf = Buffer.allocUnsafe(total) as FastBuffer;
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, total);
    this.pos = 0;
    this.cursor = 0;
  }

  /** The next slot's value, for sub-messages that pack extra data into it (see AnyValue). */
  take(): number {
    return this.sizes[this.cursor++]!;
  }

  /** Writes the length prefix of the next sub-message. */
  enter(): void {
    this.varint(this.sizes[this.cursor++]!);
  }

  byte(value: number): void {
    this.buf[this.pos++] = value;
  }

  /** uint32 or int32 as a varint; negative values are sign-extended to 10 bytes. */
  varint(value: number): void {
    if (value < 0) {
      this.varint64(BigInt(value));
      return;
    }
    const buf = this.buf;
    let pos = this.pos;
    while (value > 0x7f) {
      buf[pos++] = (value & 0x7f) | 0x80;
      value = Math.floor(value / 128);
    }
    buf[pos++] = value;
    this.pos = pos;
  }

  varint64(value: bigint): void {
    if (value >= 0n && value <= 0x1fffffffffffffn) {
      this.varint(Number(value));
      return;
    }
    let v = BigInt.asUintN(64, value);
    const buf = this.buf;
    let pos = this.pos;
    while (v > 0x7fn) {
      buf[pos++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    buf[pos++] = Number(v);
    this.pos = pos;
  }

  sint32(value: number): void {
    this.varint(((value << 1) ^ (value >> 31)) >>> 0);
  }

  fixed32(value: number): void {
    this.view.setUint32(this.pos, value, true);
    this.pos += 4;
  }

  fixed64(value: bigint): void {
    this.view.setBigUint64(this.pos, value, true);
    this.pos += 8;
  }

  sfixed64(value: bigint): void {
    this.view.setBigInt64(this.pos, value, true);
    this.pos += 8;
  }

  double(value: number): void {
    this.view.setFloat64(this.pos, value, true);
    this.pos += 8;
  }

  bytes(value: Uint8Array): void {
    this.varint(value.length);
    this.buf.set(value, this.pos);
    this.pos += value.length;
  }

  /** Writes a string sized in pass 1 (consumes its slot). */
  str(value: string): void {
    const length = this.sizes[this.cursor++]!;
    this.varint(length);
    if (length === value.length && length < 8) {
      const buf = this.buf;
      let pos = this.pos;
      for (let i = 0; i < length; i++) buf[pos++] = value.charCodeAt(i);
      this.pos = pos;
    } else if (length === value.length) {
      // ASCII (one byte per character): Latin-1 bytes are the UTF-8 bytes, and cheaper to write
      this.pos += this.buf.latin1Write(value, this.pos, length);
    } else {
      this.pos += this.buf.utf8Write(value, this.pos, length);
    }
  }

  unknown(fields: Uint8Array[] | undefined): void {
    if (fields === undefined) return;
    for (const raw of fields) {
      this.buf.set(raw, this.pos);
      this.pos += raw.length;
    }
  }
}

/** One writer for every encode call: reusing its slot array saves regrowing it each time. */
const shared = new Writer();

/** The shared writer, reset. Only for synchronous encoders that finish before returning. */
export function writer(): Writer {
  return shared.reset();
}

export function varintSize(value: number): number {
  if (value < 0) return 10;
  if (value < 0x80) return 1;
  if (value < 0x4000) return 2;
  if (value < 0x200000) return 3;
  if (value < 0x10000000) return 4;
  let n = 5;
  for (let v = Math.floor(value / 0x800000000); v > 0; v = Math.floor(v / 128)) n++;
  return n;
}

export function varint64Size(value: bigint): number {
  if (value >= 0n && value <= 0x1fffffffffffffn) return varintSize(Number(value));
  let v = BigInt.asUintN(64, value);
  let n = 1;
  while (v > 0x7fn) {
    v >>= 7n;
    n++;
  }
  return n;
}

export function sint32Size(value: number): number {
  return varintSize(((value << 1) ^ (value >> 31)) >>> 0);
}

export function unknownSize(fields: Uint8Array[] | undefined): number {
  if (fields === undefined) return 0;
  let n = 0;
  for (const raw of fields) n += raw.length;
  return n;
}

/**
 * UTF-8 byte length. Very short ASCII strings are counted without a native call; past about 8
 * characters the native count is cheaper (measured on the gateway's processors fixture).
 */
export function utf8Length(value: string): number {
  const length = value.length;
  if (length < 8) {
    let i = 0;
    while (i < length && value.charCodeAt(i) < 0x80) i++;
    if (i === length) return length;
  }
  return Buffer.byteLength(value, 'utf8');
}

/** Size of a length-delimited bytes value with its prefix. */
export function bytesSize(value: Uint8Array): number {
  return varintSize(value.length) + value.length;
}
