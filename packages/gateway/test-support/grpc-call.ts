// One raw OTLP/gRPC call with @grpc/grpc-js and pass-through serializers, for status-code tests.
import type { ServiceError } from '@grpc/grpc-js';
import { Client, Metadata, credentials } from '@grpc/grpc-js';

export interface GrpcCallOptions {
  metadata?: Metadata;
  /** Compress the message with gzip (grpc-encoding: gzip). */
  gzip?: boolean;
}

export function grpcCall(
  address: string,
  path: string,
  body: Uint8Array,
  options: GrpcCallOptions = {},
): Promise<{ error: ServiceError | null; response: Buffer | undefined }> {
  const client = new Client(address, credentials.createInsecure(), {
    // grpc-js's default receive limit is 4 MiB; tests read only small answers.
    ...(options.gzip ? { 'grpc.default_compression_algorithm': 2 } : {}),
    'grpc.max_send_message_length': -1,
  });
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      path,
      (b: Buffer) => b,
      (b: Buffer) => b,
      Buffer.from(body),
      options.metadata ?? new Metadata(),
      (error, response) => {
        client.close();
        resolve({ error, response });
      },
    );
  });
}
