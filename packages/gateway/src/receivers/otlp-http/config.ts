import { z } from 'zod';
import { tlsServerConfigSchema } from '../../tls/config.ts';
import { authConfigSchema } from '../auth.ts';
import { decodeLimitsSchema } from '../limits.ts';
import { metadataHeadersSchema, refineMetadataHeaders } from '../metadata.ts';

export const hostPort = z
  .string()
  .regex(/^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, {
    message: 'expected host:port',
    abort: true,
  })
  .refine(
    (value) => Number(value.slice(value.lastIndexOf(':') + 1)) <= 65535,
    'port must be at most 65535',
  );

/** AnyValue nesting limit, shared by the OTLP receivers. */
export const maxDepth = z
  .number()
  .int()
  .min(1)
  .max(1000)
  .default(32)
  .describe('Deepest AnyValue nesting accepted.');

export const otlpHttpReceiverConfigSchema = z
  .strictObject({
    endpoint: hostPort.default('127.0.0.1:4318').describe('Listen address, host:port.'),
    max_body_bytes: z
      .number()
      .int()
      .positive()
      .default(64 * 1024 * 1024)
      .describe('Largest request body accepted, measured after decompression (413 above it).'),
    max_depth: maxDepth,
    limits: decodeLimitsSchema,
    metadata_headers: metadataHeadersSchema,
    tls: tlsServerConfigSchema,
    auth: authConfigSchema,
    retry_after_s: z
      .number()
      .int()
      .min(1)
      .default(2)
      .describe('Retry-After sent with 503 when saturated.'),
  })
  .superRefine(refineMetadataHeaders)
  .describe('OTLP/HTTP receiver: POST /v1/traces, /v1/metrics, /v1/logs, protobuf and JSON.');

export type OtlpHttpReceiverConfig = z.infer<typeof otlpHttpReceiverConfigSchema>;
