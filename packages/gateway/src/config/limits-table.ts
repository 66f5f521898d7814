import { z } from 'zod';
import { decodeLimitsSchema } from '../receivers/limits.ts';
import {
  BODY_IDLE_TIMEOUT_MS,
  DISCARD_LIMIT_BYTES,
  DISCARD_TIMEOUT_MS,
} from '../receivers/otlp-http/body.ts';
import { otlpGrpcReceiverConfigSchema } from '../receivers/otlp-grpc/config.ts';
import { otlpHttpReceiverConfigSchema } from '../receivers/otlp-http/config.ts';
import { REQUEST_TIMEOUT_MS } from '../receivers/otlp-http/receiver.ts';
import { serviceSchema } from './schema.ts';

interface Property {
  default?: unknown;
  description?: string;
}

/** Each property of an object schema with its default and description. */
function properties(schema: z.ZodType): Record<string, Property> {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<string, Property>;
  };
  return json.properties ?? {};
}

/** What a client gets past each limit, by config key. A limit missing here fails the docs test. */
export const ANSWERS: Readonly<Record<string, string>> = {
  max_body_bytes:
    '413: before reading when `Content-Length` passes it, else as soon as the decompressed (or the compressed) bytes do; a decompression bomb is cut off there',
  max_recv_msg_size_mib: 'RESOURCE_EXHAUSTED (from grpc-js, measured after decompression)',
  max_depth: '400 / INVALID_ARGUMENT (`TOO_DEEP`)',
  max_items: '413 / INVALID_ARGUMENT, counted as `limit_items`',
  max_attributes_per_record: '400 / INVALID_ARGUMENT, counted as `limit_attributes`',
  max_events_per_span: '400 / INVALID_ARGUMENT, counted as `limit_events`',
  max_links_per_span: '400 / INVALID_ARGUMENT, counted as `limit_links`',
  max_values: '413 / INVALID_ARGUMENT, counted as `limit_values`',
  max_nodes: '413 / INVALID_ARGUMENT, counted as `limit_nodes`',
  soft_limit_mib:
    '503 + Retry-After / UNAVAILABLE + RetryInfo before the body is read; `/readyz` 503 meanwhile',
  hard_limit_mib:
    '503 + Retry-After as soon as a chunk of a body would pass it (the rest of the upload is read and discarded)',
};

const cell = (value: unknown) =>
  value === undefined ? '' : `\`${typeof value === 'string' ? value : JSON.stringify(value)}\``;

/**
 * The README's limits section: every limit a client can run into, with its config key, default
 * and the answer past it, generated from the zod schemas so it cannot drift from them.
 */
export function limitsTable(): string {
  const rows: string[] = [];
  const add = (
    key: string,
    property: Property | undefined,
    answer = ANSWERS[key.split('.').at(-1)!],
  ) => {
    if (!property || answer === undefined)
      throw new Error(`no documented answer for the limit ${key}`);
    rows.push(
      `| \`${key}\` | ${cell(property.default)} | ${property.description ?? ''} | ${answer} |`,
    );
  };
  const http = properties(otlpHttpReceiverConfigSchema);
  const grpc = properties(otlpGrpcReceiverConfigSchema);
  add('receivers.otlp_http.max_body_bytes', http.max_body_bytes);
  add('receivers.otlp_grpc.max_recv_msg_size_mib', grpc.max_recv_msg_size_mib);
  add('receivers.*.max_depth', http.max_depth);
  for (const [key, property] of Object.entries(properties(decodeLimitsSchema)))
    add(`receivers.*.limits.${key}`, property);
  const memory = properties(
    (serviceSchema.shape.memory as unknown as { unwrap(): z.ZodType }).unwrap(),
  );
  for (const [key, property] of Object.entries(memory)) add(`service.memory.${key}`, property);
  rows.push(
    `| (fixed) rest of an upload after an early answer | ${DISCARD_LIMIT_BYTES / 1048576} MiB, ${DISCARD_TIMEOUT_MS / 1000} s | Read and thrown away so the client sees the answer. | the connection is closed |`,
    `| (fixed) pause in the middle of a body | ${BODY_IDLE_TIMEOUT_MS / 1000} s | What a stalled upload may hold reserved. | 408, connection closed |`,
    `| (fixed) time to receive a whole request | ${REQUEST_TIMEOUT_MS / 1000} s | Node's \`requestTimeout\`: slow senders cannot hold a connection. | 408, connection closed |`,
  );
  return [
    '| limit | default | what it bounds | answer past it (HTTP / gRPC) |',
    '| --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}
