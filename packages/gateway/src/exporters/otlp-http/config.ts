import { z } from 'zod';
import { tlsClientConfigSchema } from '../../tls/config.ts';
import { batchConfigSchema, queueConfigSchema } from '../queued-exporter.ts';
import { retryConfigSchema } from '../retry.ts';

export const otlpHttpExporterConfigSchema = z
  .strictObject({
    endpoint: z
      .url({ protocol: /^https?$/ })
      .describe(
        'Base URL of the OTLP/HTTP receiver; /v1/traces, /v1/metrics, /v1/logs are appended.',
      ),
    encoding: z.enum(['proto', 'json']).default('proto').describe('Request body encoding.'),
    compression: z.enum(['gzip', 'none']).default('gzip').describe('Request body compression.'),
    compression_level: z
      .number()
      .int()
      .min(1)
      .max(9)
      .default(1)
      .describe(
        'gzip level: 1 is fastest (telemetry compresses well even so); higher levels cost CPU per byte.',
      ),
    headers: z
      .record(
        z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'not a valid header name'),
        z.string(),
      )
      .default({})
      .describe('Extra request headers (values are secrets: never logged).'),
    timeout_ms: z.number().int().positive().default(10_000).describe('Per-attempt timeout.'),
    tls: tlsClientConfigSchema.describe('TLS settings for https:// endpoints.'),
    batch: batchConfigSchema,
    sending_queue: queueConfigSchema,
    retry_on_failure: retryConfigSchema,
  })
  .describe('Sends OTLP/HTTP to a Collector or any OTLP receiver.');

export type OtlpHttpExporterConfig = z.infer<typeof otlpHttpExporterConfigSchema>;
