import { Metadata } from '@grpc/grpc-js';

function varint(value: number, out: number[]): void {
  while (value > 0x7f) {
    out.push((value & 0x7f) | 0x80);
    value >>>= 7;
  }
  out.push(value);
}

/** A length-delimited protobuf field. */
function field(number: number, payload: Buffer): Buffer {
  const head: number[] = [];
  varint((number << 3) | 2, head);
  varint(payload.length, head);
  return Buffer.concat([Buffer.from(head), payload]);
}

/**
 * `grpc-status-details-bin` for UNAVAILABLE with a `google.rpc.RetryInfo` detail: the OTLP spec's
 * backpressure signal, telling clients how long to wait before retrying.
 */
export function retryInfoMetadata(code: number, message: string, retryAfterS: number): Metadata {
  const duration: number[] = [0x08];
  varint(retryAfterS, duration); // Duration.seconds
  const retryInfo = field(1, Buffer.from(duration)); // RetryInfo.retry_delay
  const any = Buffer.concat([
    field(1, Buffer.from('type.googleapis.com/google.rpc.RetryInfo')),
    field(2, retryInfo),
  ]);
  const head: number[] = [0x08];
  varint(code, head);
  const status = Buffer.concat([Buffer.from(head), field(2, Buffer.from(message)), field(3, any)]);
  const metadata = new Metadata();
  metadata.set('grpc-status-details-bin', status);
  return metadata;
}

/** Reads protobuf fields of a message: [field number, wire type, value] (bytes as a view). */
function* fields(buf: Uint8Array): Generator<[number, number, number | Uint8Array]> {
  let pos = 0;
  const readVarint = () => {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (pos >= buf.length || shift > 49) throw new Error('truncated varint');
      const byte = buf[pos++]!;
      result += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return result;
      shift += 7;
    }
  };
  while (pos < buf.length) {
    const key = readVarint();
    const wireType = key & 7;
    const number = Math.floor(key / 8);
    if (wireType === 0) yield [number, 0, readVarint()];
    else if (wireType === 2) {
      const length = readVarint();
      if (pos + length > buf.length) throw new Error('length beyond buffer');
      yield [number, 2, buf.subarray(pos, pos + length)];
      pos += length;
    } else if (wireType === 1) pos += 8;
    else if (wireType === 5) pos += 4;
    else throw new Error(`unsupported wire type ${wireType}`);
  }
}

const RETRY_INFO = 'type.googleapis.com/google.rpc.RetryInfo';

/**
 * The retry delay in a `grpc-status-details-bin` value (google.rpc.Status carrying a
 * google.rpc.RetryInfo detail), in milliseconds; undefined when absent or unreadable.
 */
export function retryDelayMs(details: Uint8Array | undefined): number | undefined {
  if (!details) return undefined;
  try {
    for (const [number, , detail] of fields(details)) {
      if (number !== 3 || !(detail instanceof Uint8Array)) continue;
      let typeUrl = '';
      let value: Uint8Array | undefined;
      for (const [n, , v] of fields(detail)) {
        if (n === 1 && v instanceof Uint8Array) typeUrl = Buffer.from(v).toString('utf8');
        if (n === 2 && v instanceof Uint8Array) value = v;
      }
      if (typeUrl !== RETRY_INFO || !value) continue;
      for (const [n, , duration] of fields(value)) {
        if (n !== 1 || !(duration instanceof Uint8Array)) continue;
        let ms = 0;
        for (const [f, , v] of fields(duration)) {
          if (f === 1 && typeof v === 'number') ms += v * 1000;
          if (f === 2 && typeof v === 'number') ms += Math.floor(v / 1e6);
        }
        return ms;
      }
      return 0;
    }
  } catch {
    return undefined;
  }
  return undefined;
}
