import type { ChannelCredentials, ServiceError } from '@grpc/grpc-js';
import { Client, Metadata, credentials, status } from '@grpc/grpc-js';
import type { Exporter, Settings } from '../../component.ts';
import type { EncodedBatch } from '../../encoded-batch.ts';
import { EXPORT_METHODS, passThrough } from '../../grpc/methods.ts';
import { retryDelayMs } from '../../grpc/status.ts';
import { clientTls } from '../../tls/config.ts';
import { logPartialSuccess } from '../partial-success.ts';
import { QueuedExporter } from '../queued-exporter.ts';
import type { SendOutcome } from '../retry.ts';
import type { OtlpGrpcExporterConfig } from './config.ts';

/** Retryable per the OTLP specification; RESOURCE_EXHAUSTED only when the server sent RetryInfo. */
const RETRYABLE = new Set<number>([
  status.CANCELLED,
  status.DEADLINE_EXCEEDED,
  status.ABORTED,
  status.OUT_OF_RANGE,
  status.UNAVAILABLE,
  status.DATA_LOSS,
]);

const GZIP = 2; // grpc-js CompressionAlgorithms.gzip

function channelCredentials(config: OtlpGrpcExporterConfig): ChannelCredentials {
  const plaintext = config.endpoint.startsWith('http://') || config.tls.insecure;
  if (plaintext) return credentials.createInsecure();
  const tls = clientTls(config.tls);
  return credentials.createSsl(tls.ca ?? null, tls.key ?? null, tls.cert ?? null, {
    rejectUnauthorized: tls.rejectUnauthorized,
    ...(tls.rejectUnauthorized ? {} : { checkServerIdentity: () => undefined }),
  });
}

/** The outcome of a failed call, classified by the OTLP specification's rules. */
export function classifyGrpcError(error: ServiceError): SendOutcome {
  const details = error.metadata?.get('grpc-status-details-bin')[0];
  const retryAfterMs = retryDelayMs(typeof details === 'string' ? undefined : details);
  const retryable =
    RETRYABLE.has(error.code) ||
    (error.code === status.RESOURCE_EXHAUSTED && retryAfterMs !== undefined);
  return {
    ok: false,
    retryable,
    reason: `gRPC ${status[error.code] ?? error.code}: ${error.details}`,
    retryAfterMs,
  };
}

/**
 * One batch over OTLP/gRPC: one channel per exporter (HTTP/2 multiplexes the queue's consumers),
 * the merged protobuf passed through without re-encoding, gzip by grpc-js.
 */
export function createOtlpGrpcExporter(
  settings: Settings,
  config: OtlpGrpcExporterConfig,
): Exporter {
  const target = config.endpoint.replace(/^https?:\/\//, '').replace(/\/$/, '');
  const serverName = config.tls.server_name;
  const client = new Client(target, channelCredentials(config), {
    'grpc.default_compression_algorithm': config.compression === 'gzip' ? GZIP : 0,
    'grpc.max_send_message_length': -1,
    'grpc.keepalive_time_ms': 30_000,
    ...(serverName ? { 'grpc.ssl_target_name_override': serverName } : {}),
  });
  const metadataTemplate = new Metadata();
  for (const [key, value] of Object.entries(config.headers)) metadataTemplate.set(key, value);

  function send(batch: EncodedBatch, stop: AbortSignal): Promise<SendOutcome> {
    const body = batch.body();
    return new Promise((resolve) => {
      const call = client.makeUnaryRequest<Buffer, Buffer>(
        EXPORT_METHODS[batch.signal],
        passThrough,
        passThrough,
        Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength),
        metadataTemplate.clone(),
        { deadline: Date.now() + config.timeout_ms },
        (error, reply) => {
          stop.removeEventListener('abort', cancel);
          if (error) return resolve(classifyGrpcError(error));
          if (reply)
            logPartialSuccess(settings.logger, batch.signal, reply, 'application/x-protobuf');
          resolve({ ok: true });
        },
      );
      const cancel = () => call.cancel();
      stop.addEventListener('abort', cancel, { once: true });
    });
  }

  return new QueuedExporter(
    settings,
    { queue: config.sending_queue, batch: config.batch, retry: config.retry_on_failure },
    send,
    () => {
      client.close();
      return Promise.resolve();
    },
  );
}
