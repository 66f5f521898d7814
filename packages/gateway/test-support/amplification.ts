// Request bodies that cost the receiver far more than their size: the shapes the amplification
// test sends to the built CLI and the fuzzer starts from. Each is a valid OTLP message (or valid
// compression of one) whose decoded form is orders of magnitude larger than its wire form.
import { gzipSync } from 'node:zlib';

function varint(value: number): number[] {
  const out: number[] = [];
  while (value > 0x7f) {
    out.push((value & 0x7f) | 0x80);
    value = Math.floor(value / 128);
  }
  out.push(value);
  return out;
}

/** `field` as a length-delimited protobuf field around `payload`. */
function wrap(field: number, payload: Uint8Array): Uint8Array {
  const head = [(field << 3) | 2, ...varint(payload.length)];
  const out = new Uint8Array(head.length + payload.length);
  out.set(head);
  out.set(payload, head.length);
  return out;
}

/** `count` copies of a two-byte empty length-delimited field `tag 0x00`. */
function repeatedEmpty(tag: number, count: number): Uint8Array {
  const out = new Uint8Array(count * 2);
  for (let i = 0; i < out.length; i += 2) out[i] = tag;
  return out;
}

/** A trace request with `count` empty spans (2 bytes each), in one scope. */
export function emptySpans(count: number): Uint8Array {
  return wrap(1, wrap(2, repeatedEmpty(0x12, count)));
}

/** The same as OTLP/JSON: `count` spans written `{}`. */
export function emptySpansJson(count: number): Buffer {
  const spans = '{},'.repeat(count - 1) + '{}';
  return Buffer.from(`{"resourceSpans":[{"scopeSpans":[{"spans":[${spans}]}]}]}`);
}

/** One span with `count` empty attributes (2 bytes each). */
export function oneSpanManyAttributes(count: number): Uint8Array {
  return wrap(1, wrap(2, wrap(2, repeatedEmpty(0x4a, count))));
}

/** One span holding `count` unknown varint fields (field 100, 3 bytes each), kept for pass-through. */
export function unknownFieldFlood(count: number): Uint8Array {
  const fields = new Uint8Array(count * 3);
  for (let i = 0; i < fields.length; i += 3) fields.set([0xa0, 0x06, 0x00], i);
  return wrap(1, wrap(2, wrap(2, fields)));
}

/** A metrics request whose one exponential-histogram point holds `count` packed bucket counts. */
export function bucketFlood(count: number): Uint8Array {
  const point = wrap(8, wrap(2, new Uint8Array(count))); // positive buckets, packed counts
  const histogram = wrap(10, wrap(1, point));
  const metric = new Uint8Array(3 + histogram.length);
  metric.set([0x0a, 0x01, 0x6d]); // name "m"
  metric.set(histogram, 3);
  return wrap(1, wrap(2, wrap(2, metric)));
}

/** `mib` MiB of zero bytes, gzip-compressed (about 1 KiB per MiB). */
export function gzipZeros(mib: number): Buffer {
  return gzipSync(Buffer.alloc(mib * 1024 * 1024), { level: 9 });
}

export const gzip = (bytes: Uint8Array): Buffer => gzipSync(bytes, { level: 9 });
