import { z } from 'zod';
import { tlsServerConfigSchema } from '../../tls/config.ts';
import { authConfigSchema } from '../auth.ts';
import { decodeLimitsSchema } from '../limits.ts';
import { metadataHeadersSchema, refineMetadataHeaders } from '../metadata.ts';
import { hostPort, maxDepth } from '../otlp-http/config.ts';

export const otlpGrpcReceiverConfigSchema = z
  .strictObject({
    endpoint: hostPort.default('127.0.0.1:4317').describe('Listen address, host:port.'),
    max_recv_msg_size_mib: z
      .number()
      .int()
      .positive()
      .max(1024)
      .default(4)
      .describe('Largest message accepted (RESOURCE_EXHAUSTED above it).'),
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
      .describe('RetryInfo delay sent with UNAVAILABLE when saturated.'),
  })
  .superRefine(refineMetadataHeaders)
  .describe('OTLP/gRPC receiver: the Trace, Metrics and Logs Export services.');

export type OtlpGrpcReceiverConfig = z.infer<typeof otlpGrpcReceiverConfigSchema>;
