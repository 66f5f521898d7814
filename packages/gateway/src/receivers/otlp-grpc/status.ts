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
