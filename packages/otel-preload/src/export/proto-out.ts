import { Buffer } from 'node:buffer';
import { varintSize } from '@org/otlp';
import { nanos as toNanos } from './convert.ts';

/** Buffer's native UTF-8 writer, which the typings do not declare. */
interface WritableBuffer extends Buffer {
  utf8Write(value: string, offset: number, length?: number): number;
}

const TWO_32 = 2 ** 32;
const TWO_23 = 2 ** 23;
const INT64_LIMIT = 2 ** 63;
/** Seconds whose product with 1953125 is still exact in a double. */
const MAX_EXACT_SECONDS = Math.floor(Number.MAX_SAFE_INTEGER / 1953125);
/** Attribute keys are few and repeat on every span: each is encoded once, up to this many. */
const MAX_CACHED_KEYS = 1024;
/** Longest KeyValue kept for reuse (see {@link KeyCache}). */
const MAX_CACHED_FIELD = 256;
/**
 * Misses in a row after which a key's last KeyValue is re-remembered only now and then: a key
 * whose value changes on every span (an id in a path) would otherwise allocate on every span.
 */
const KEEP_REMEMBERING = 4;
const REMEMBER_EVERY = 64;
/** hex digit → value, 255 for anything else. */
const HEX = new Uint8Array(128).fill(255);
for (let i = 0; i < 10; i++) HEX[48 + i] = i;
for (let i = 0; i < 6; i++) {
  HEX[97 + i] = 10 + i;
  HEX[65 + i] = 10 + i;
}

/**
 * What is remembered of one attribute key: its encoded key field, and the whole KeyValue field
 * last written for it. Most attributes carry the same value span after span (the method, the
 * scheme, the host, the status code), and those are then one copy instead of an encoding.
 */
export interface KeyCache {
  /** The key's `key` field: tag and string. */
  readonly key: Buffer;
  /** Whether the entry is in the cache; one past its bound is used once and not remembered. */
  readonly kept: boolean;
  /** The last cached KeyValue: its field tag, its value, and all its bytes. */
  tag: number;
  value: unknown;
  field: Buffer | undefined;
  misses: number;
}

/**
 * A growable protobuf output written in one pass: a length-delimited field reserves room for its
 * length ({@link open}), its body is written, and {@link close} fills the length in, moving the
 * body when the length needs more or fewer bytes than reserved. Fields are written canonically:
 * in field-number order, proto3 defaults left out, so the bytes equal the @org/otlp encoder's.
 */
export class ProtoOut {
  private buf: WritableBuffer;
  pos = 0;
  private readonly keys: Map<string, KeyCache>;

  constructor(capacity: number, keys: Map<string, KeyCache> = new Map()) {
    this.buf = Buffer.allocUnsafe(capacity) as WritableBuffer;
    this.keys = keys;
  }

  /** Makes room for `n` more bytes. */
  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let capacity = Math.max(64, this.buf.length * 2);
    while (capacity < this.pos + n) capacity *= 2;
    const grown = Buffer.allocUnsafe(capacity) as WritableBuffer;
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
  }

  /** The bytes written so far (a view, not a copy). */
  bytes(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  byte(value: number): void {
    this.ensure(1);
    this.buf[this.pos++] = value;
  }

  /** A non-negative integer up to 2^53 as a varint. */
  varint(value: number): void {
    this.ensure(8);
    this.pos = this.varintAt(this.pos, value);
  }

  /** Bytes written as they are (already encoded, or a bytes field's body). */
  raw(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  /** Writes a varint at `at` (room checked by the caller); returns the position after it. */
  private varintAt(at: number, value: number): number {
    const buf = this.buf;
    while (value >= 128) {
      buf[at++] = (value % 128) | 0x80;
      value = Math.floor(value / 128);
    }
    buf[at++] = value;
    return at;
  }

  /**
   * `tag` then the varint `value`, unless it is 0 (the proto3 default); a negative value (an
   * enum out of range) is sign-extended to ten bytes, as protobuf encodes negative int32s.
   */
  uint(tag: number, value: number): void {
    if (value === 0) return;
    this.byte(tag);
    if (value > 0) this.varint(value);
    else this.varint64(BigInt(value));
  }

  fixed32(value: number): void {
    this.ensure(4);
    this.buf.writeUInt32LE(value >>> 0, this.pos);
    this.pos += 4;
  }

  /**
   * An SDK `[seconds, nanoseconds]` time as fixed64 nanoseconds, without BigInt: seconds ×
   * 1953125 is exact in a double, and × 512 more (1e9 in all) is a shift across the two words.
   */
  time(tag: number, time: readonly [number, number]): void {
    const [seconds, nanos] = time;
    if (
      !Number.isInteger(seconds) ||
      !Number.isInteger(nanos) ||
      Math.abs(seconds) > MAX_EXACT_SECONDS ||
      nanos < 0
    ) {
      // Times no clock makes (fractions, negative nanoseconds, past the year 2116), as the
      // converting encoder writes them.
      const total = toNanos(time);
      if (total === 0n) return;
      this.byte(tag);
      this.ensure(8);
      this.buf.writeBigUInt64LE(BigInt.asUintN(64, total), this.pos);
      this.pos += 8;
      return;
    }
    if (seconds === 0 && nanos === 0) return;
    const scaled = seconds * 1953125;
    const high = Math.floor(scaled / TWO_23);
    const low = (scaled - high * TWO_23) * 512 + nanos;
    const carry = Math.floor(low / TWO_32);
    this.byte(tag);
    this.ensure(8);
    this.buf.writeUInt32LE(low - carry * TWO_32, this.pos);
    this.buf.writeUInt32LE((high + carry) >>> 0, this.pos + 4);
    this.pos += 8;
  }

  /** Starts a length-delimited field: writes `tag`, reserves `reserved` bytes for the length. */
  open(tag: number, reserved = 1): number {
    this.ensure(1 + reserved);
    this.buf[this.pos] = tag;
    this.pos += 1 + reserved;
    return this.pos;
  }

  /** Ends the field {@link open} started at `start` with the same `reserved`. */
  close(start: number, reserved = 1): void {
    const length = this.pos - start;
    const needed = varintSize(length);
    if (needed !== reserved) {
      this.ensure(needed - reserved);
      this.buf.copyWithin(start + needed - reserved, start, this.pos);
      this.pos += needed - reserved;
      start += needed - reserved;
    }
    this.varintAt(start - needed, length);
  }

  /** `tag` and a string, unless it is empty. */
  str(tag: number, value: string): void {
    if (value === '') return;
    this.byte(tag);
    this.string(value);
  }

  /** A string with its length prefix. */
  string(value: string): void {
    const length = value.length;
    // At most 3 bytes per UTF-16 unit: up to 42 units, the length fits one byte.
    if (length < 43) {
      this.ensure(1 + 3 * length);
      const buf = this.buf;
      const at = this.pos;
      let pos = at + 1;
      let i = 0;
      for (; i < length; i++) {
        const code = value.charCodeAt(i);
        if (code >= 0x80) break;
        buf[pos++] = code;
      }
      if (i < length) pos = at + 1 + buf.utf8Write(value, at + 1);
      buf[at] = pos - at - 1;
      this.pos = pos;
      return;
    }
    const bytes = Buffer.byteLength(value, 'utf8');
    this.varint(bytes);
    this.ensure(bytes);
    this.pos += this.buf.utf8Write(value, this.pos, bytes);
  }

  /** `tag` and a hex trace or span id as bytes, unless it is empty. */
  id(tag: number, hex: string): void {
    const length = hex.length >>> 1;
    if (length === 0) return;
    if (length > 127) {
      // Not an id at all (a link to a malformed context): the generic path.
      const bytes = Buffer.from(hex, 'hex');
      if (bytes.length === 0) return;
      this.byte(tag);
      this.varint(bytes.length);
      this.raw(bytes);
      return;
    }
    this.ensure(2 + length);
    const buf = this.buf;
    let pos = this.pos + 2;
    for (let i = 0; i < length; i++) {
      const high = HEX[hex.charCodeAt(2 * i)] ?? 255;
      const low = HEX[hex.charCodeAt(2 * i + 1)] ?? 255;
      // Not hex (a link to a malformed context): as Buffer.from(hex, 'hex'), up to the first bad pair.
      if (high === 255 || low === 255) {
        if (i === 0) return;
        this.buf[this.pos] = tag;
        this.buf[this.pos + 1] = i;
        this.pos += 2 + i;
        return;
      }
      buf[pos++] = high * 16 + low;
    }
    buf[this.pos] = tag;
    buf[this.pos + 1] = length;
    this.pos = pos;
  }

  /**
   * Each defined attribute as a KeyValue under `tag`. A string, number or boolean equal to the
   * key's last one under the same tag is copied from the cache rather than encoded again.
   */
  attributes(tag: number, attributes: Readonly<Record<string, unknown>>): void {
    for (const key in attributes) {
      const value = attributes[key];
      if (value === undefined) continue;
      const cache = this.keys.get(key) ?? this.cacheKey(key);
      if (cache.value === value && cache.tag === tag && cache.field !== undefined) {
        this.raw(cache.field);
        cache.misses = 0;
        continue;
      }
      const at = this.pos;
      const start = this.open(tag);
      this.raw(cache.key);
      const valueStart = this.open(0x12);
      this.anyValue(value);
      this.close(valueStart);
      this.close(start);
      const type = typeof value;
      if (type === 'string' || type === 'number' || type === 'boolean')
        this.remember(cache, tag, value, at);
    }
  }

  /** The cache entry of a key seen for the first time (kept while there are few keys). */
  private cacheKey(key: string): KeyCache {
    const out = new ProtoOut(key.length * 3 + 8);
    out.str(0x0a, key);
    const kept = this.keys.size < MAX_CACHED_KEYS;
    const cache = {
      key: Buffer.from(out.bytes()),
      kept,
      tag: 0,
      value: undefined,
      field: undefined,
      misses: 0,
    };
    if (kept) this.keys.set(key, cache);
    return cache;
  }

  /** Keeps the KeyValue just written from `at` as `cache`'s last, within the limits above. */
  private remember(cache: KeyCache, tag: number, value: unknown, at: number): void {
    if (!cache.kept) return;
    const misses = cache.misses++;
    const length = this.pos - at;
    if (length > MAX_CACHED_FIELD) return;
    if (misses > KEEP_REMEMBERING && misses % REMEMBER_EVERY !== 0) return;
    cache.field = Buffer.from(this.buf.subarray(at, this.pos));
    cache.tag = tag;
    cache.value = value;
  }

  /**
   * The body of an AnyValue, as @org/otlp's conversion maps values: integers that fit int64 as
   * int_value, other numbers as double_value, arrays element-wise, byte arrays as bytes_value,
   * plain objects as key-value lists; null and anything else as the empty value.
   */
  anyValue(value: unknown): void {
    switch (typeof value) {
      case 'string':
        this.byte(0x0a);
        this.string(value);
        return;
      case 'number':
        if (Number.isInteger(value) && Math.abs(value) < INT64_LIMIT) {
          this.byte(0x18);
          if (value >= 0 && value <= Number.MAX_SAFE_INTEGER) this.varint(value);
          else this.varint64(BigInt(value));
        } else {
          this.byte(0x21);
          this.ensure(8);
          this.buf.writeDoubleLE(value, this.pos);
          this.pos += 8;
        }
        return;
      case 'boolean':
        this.byte(0x10);
        this.byte(value ? 1 : 0);
        return;
      case 'bigint':
        this.byte(0x18);
        this.varint64(value);
        return;
      case 'object': {
        if (value === null) return;
        if (Array.isArray(value)) {
          const start = this.open(0x2a);
          for (let i = 0; i < value.length; i++) {
            const item = this.open(0x0a);
            this.anyValue(value[i]);
            this.close(item);
          }
          this.close(start);
          return;
        }
        if (value instanceof Uint8Array) {
          this.byte(0x3a);
          this.varint(value.length);
          this.raw(value);
          return;
        }
        const start = this.open(0x32);
        this.attributes(0x0a, value as Record<string, unknown>);
        this.close(start);
        return;
      }
      default:
        return;
    }
  }

  /** A 64-bit integer (two's complement when negative) as a varint. */
  private varint64(value: bigint): void {
    let v = BigInt.asUintN(64, value);
    this.ensure(10);
    while (v >= 128n) {
      this.buf[this.pos++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.pos++] = Number(v);
  }
}
