import { z } from 'zod';
import { tlsClientConfigSchema } from '../../tls/config.ts';
import { batchConfigSchema, queueConfigSchema } from '../queued-exporter.ts';
import { retryConfigSchema } from '../retry.ts';

export const otlpGrpcExporterConfigSchema = z
  .strictObject({
    endpoint: z
      .string()
      .regex(/^(https?:\/\/)?(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):\d{1,5}\/?$/, {
        message: 'expected host:port, http://host:port (plaintext) or https://host:port',
      })
      .describe(
        'OTLP/gRPC receiver. host:port uses TLS unless tls.insecure is true; http:// is plaintext.',
      ),
    compression: z.enum(['gzip', 'none']).default('gzip').describe('Message compression.'),
    headers: z
      .record(z.string().regex(/^[a-z0-9_.-]+$/, 'gRPC metadata keys are lowercase'), z.string())
      .default({})
      .describe('Metadata sent with every call (values are secrets: never logged).'),
    timeout_ms: z.number().int().positive().default(10_000).describe('Per-attempt deadline.'),
    tls: tlsClientConfigSchema,
    batch: batchConfigSchema,
    sending_queue: queueConfigSchema,
    retry_on_failure: retryConfigSchema,
  })
  .describe('Sends OTLP/gRPC to a Collector or any OTLP receiver.');

export type OtlpGrpcExporterConfig = z.infer<typeof otlpGrpcExporterConfigSchema>;
