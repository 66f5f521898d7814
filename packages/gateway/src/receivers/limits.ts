import { z } from 'zod';
import type { RefusalReason } from './reasons.ts';
import type {
  DecodeLimits,
  DecodeOptions,
  LimitName,
  OtlpDecodeError,
  OtlpErrorCode,
} from '@org/otlp';

const count = (fallback: number, description: string) =>
  z.number().int().positive().default(fallback).describe(description);

export const DEFAULT_DECODE_LIMITS = {
  max_items: 50_000,
  max_attributes_per_record: 1_000,
  max_events_per_span: 1_000,
  max_links_per_span: 1_000,
  max_values: 1_000_000,
  max_nodes: 1_500_000,
};

/**
 * What one request may decode into, checked while decoding (protobuf and JSON), so the memory and
 * work a request costs never depend on a count the client chose: an empty span is 2 bytes on the
 * wire and ~475 bytes decoded, and gzip shrinks a run of them a thousandfold.
 */
export const decodeLimitsSchema = z
  .strictObject({
    max_items: count(
      DEFAULT_DECODE_LIMITS.max_items,
      'Most spans, data points or log records in one request (413 above it).',
    ),
    max_attributes_per_record: count(
      DEFAULT_DECODE_LIMITS.max_attributes_per_record,
      'Most attributes on one span, event, link, data point, exemplar, log record, resource or scope (400 above it).',
    ),
    max_events_per_span: count(
      DEFAULT_DECODE_LIMITS.max_events_per_span,
      'Most events on one span (400 above it).',
    ),
    max_links_per_span: count(
      DEFAULT_DECODE_LIMITS.max_links_per_span,
      'Most links on one span (400 above it).',
    ),
    max_values: count(
      DEFAULT_DECODE_LIMITS.max_values,
      'Most values in one request: attributes, array elements, key-value list entries and log bodies, at any depth (413 above it).',
    ),
    max_nodes: count(
      DEFAULT_DECODE_LIMITS.max_nodes,
      'Most decoded objects of any kind in one request (messages, values, unknown fields, bucket counts; ~100 bytes each decoded) (413 above it).',
    ),
  })
  .default(DEFAULT_DECODE_LIMITS)
  .describe(
    'Bounds on what one request may decode into; nothing of a request over one is accepted.',
  );

export type DecodeLimitsConfig = z.infer<typeof decodeLimitsSchema>;

/** The codec options a receiver decodes with. */
export function decodeOptions(maxDepth: number, limits: DecodeLimitsConfig): DecodeOptions {
  return {
    maxDepth,
    limits: {
      maxItems: limits.max_items,
      maxAttributes: limits.max_attributes_per_record,
      maxEvents: limits.max_events_per_span,
      maxLinks: limits.max_links_per_span,
      maxValues: limits.max_values,
      maxNodes: limits.max_nodes,
    },
  };
}

/**
 * Heap a decoded object takes, at least: `pnpm --filter @org/otlp bench:costs` measures ~475
 * bytes for an empty span (its id views included) and ~2.7 KB for an SDK span with 10 attributes
 * (about 25 objects), so an item is counted as 500 bytes and every object beyond it as 100.
 */
const ITEM_BYTES = 500;
const NODE_BYTES = 100;

/**
 * An upper estimate of the memory decoding a body of `bodyBytes` can take within `limits`: every
 * decoded object needs at least two bytes on the wire, and JSON is first parsed from a string as
 * large as the body. What a receiver reserves before it decodes.
 */
export function decodeCostBytes(
  bodyBytes: number,
  json: boolean,
  limits: DecodeLimits = {},
): number {
  const objects = Math.floor(bodyBytes / 2);
  const nodes = Math.min(objects, limits.maxNodes ?? objects);
  const items = Math.min(objects, limits.maxItems ?? objects);
  return nodes * NODE_BYTES + items * ITEM_BYTES + (json ? bodyBytes : 0);
}

/** Limits on one record make the data invalid; limits on the request make it too large. */
const RECORD_LIMITS: ReadonlySet<LimitName> = new Set(['attributes', 'events', 'links']);

/** A decode failure as the receivers answer it (both map `tooLarge` to their own codes). */
export interface DecodeRejection {
  /** `invalid`, or `limit_<name>` for a decode limit: the refusal metric's reason. */
  reason: RefusalReason;
  /** Over a request-wide limit (HTTP 413); otherwise the data is invalid (HTTP 400). */
  tooLarge: boolean;
  message: string;
  /** The codec's error code (`INTERNAL` would be a fault of the codec, never of the input). */
  code: OtlpErrorCode;
}

export function decodeRejection(error: OtlpDecodeError, what: string): DecodeRejection {
  if (error.code === 'LIMIT' && error.limit !== undefined) {
    return {
      reason: `limit_${error.limit}`,
      tooLarge: !RECORD_LIMITS.has(error.limit),
      message: `request over a decode limit: ${String(error)}`,
      code: error.code,
    };
  }
  return {
    reason: 'invalid',
    tooLarge: false,
    message: `invalid ${what}: ${String(error)}`,
    code: error.code,
  };
}
