import type { LimitName } from '@org/otlp';
import type { Refusal } from '../pipeline/consumer.ts';

/**
 * Why a receiver refused a request: the `reason` label of otelgw_receiver_refused_requests_total,
 * a fixed set (whatever is specific to one request goes in the answer's message, never here).
 */
export type RefusalReason =
  | Refusal['reason']
  | 'unauthorized'
  | 'not_found'
  | 'method'
  | 'content_type'
  | 'content_encoding'
  | 'too_large'
  | 'stalled'
  | 'invalid'
  | `limit_${LimitName}`;
