import {
  encodeLogsResponse,
  encodeMetricsResponse,
  encodeResponseJson,
  encodeTraceResponse,
} from '@org/otlp';
import type { Signal } from '../../signal.ts';
import { codecs } from '../../signal.ts';

/** google.rpc.Code values the receivers use. */
export const RpcCode = {
  INVALID_ARGUMENT: 3,
  NOT_FOUND: 5,
  RESOURCE_EXHAUSTED: 8,
  UNAUTHENTICATED: 16,
  UNAVAILABLE: 14,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
} as const;

export type BodyEncoding = 'proto' | 'json';

function varint(value: number, out: number[]): void {
  while (value > 0x7f) {
    out.push((value & 0x7f) | 0x80);
    value >>>= 7;
  }
  out.push(value);
}

/** A `google.rpc.Status` error body in the request's encoding. */
export function statusBody(code: number, message: string, encoding: BodyEncoding): Buffer {
  if (encoding === 'json') return Buffer.from(JSON.stringify({ code, message }));
  const text = Buffer.from(message);
  const head: number[] = [0x08];
  varint(code, head);
  head.push(0x12);
  varint(text.length, head);
  return Buffer.concat([Buffer.from(head), text]);
}

/** An Export*ServiceResponse: empty on full success, with partial_success when items were rejected. */
export function successBody(
  signal: Signal,
  rejected: number,
  message: string,
  encoding: BodyEncoding,
): Buffer {
  const partial = rejected > 0 ? { rejected: BigInt(rejected), errorMessage: message } : undefined;
  if (encoding === 'json')
    return Buffer.from(encodeResponseJson(codecs[signal].rejectedKey, partial));
  if (!partial) return Buffer.alloc(0);
  const body =
    signal === 'traces'
      ? encodeTraceResponse({
          partialSuccess: { rejectedSpans: partial.rejected, errorMessage: message },
        })
      : signal === 'metrics'
        ? encodeMetricsResponse({
            partialSuccess: { rejectedDataPoints: partial.rejected, errorMessage: message },
          })
        : encodeLogsResponse({
            partialSuccess: { rejectedLogRecords: partial.rejected, errorMessage: message },
          });
  return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
}
