import { z } from 'zod';
import { queueConfigSchema } from '../queued-exporter.ts';
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
    headers: z
      .record(
        z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'not a valid header name'),
        z.string(),
      )
      .default({})
      .describe('Extra request headers (values are secrets: never logged).'),
    timeout_ms: z.number().int().positive().default(10_000).describe('Per-attempt timeout.'),
    sending_queue: queueConfigSchema,
    retry_on_failure: retryConfigSchema,
  })
  .describe('Sends OTLP/HTTP to a Collector or any OTLP receiver.');

export type OtlpHttpExporterConfig = z.infer<typeof otlpHttpExporterConfigSchema>;
