import { z } from 'zod';

export const retryConfigSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Retry retryable failures.'),
    initial_interval_ms: z.number().int().positive().default(1000).describe('First backoff.'),
    max_interval_ms: z.number().int().positive().default(30_000).describe('Backoff ceiling.'),
    max_elapsed_ms: z
      .number()
      .int()
      .positive()
      .default(300_000)
      .describe('Give up (and count the batch as dropped) after this long.'),
    multiplier: z.number().min(1).default(1.5).describe('Backoff growth per attempt.'),
    jitter: z
      .number()
      .min(0)
      .max(1)
      .default(0.2)
      .describe('Random spread, as a fraction of the backoff.'),
  })
  .default({
    enabled: true,
    initial_interval_ms: 1000,
    max_interval_ms: 30_000,
    max_elapsed_ms: 300_000,
    multiplier: 1.5,
    jitter: 0.2,
  });

export type RetryConfig = z.infer<typeof retryConfigSchema>;

/** The outcome of one send attempt, as the exporter classified it. */
export type SendOutcome =
  | { ok: true }
  | { ok: false; retryable: boolean; reason: string; retryAfterMs?: number | undefined };

/**
 * Delay before attempt `attempt` (1 = first retry): exponential with jitter, capped, and never
 * shorter than the server's Retry-After when it sent one.
 */
export function backoffMs(
  config: RetryConfig,
  attempt: number,
  retryAfterMs: number | undefined,
  random = Math.random,
): number {
  const base = Math.min(
    config.max_interval_ms,
    config.initial_interval_ms * config.multiplier ** (attempt - 1),
  );
  const spread = base * config.jitter;
  const jittered = base - spread + random() * 2 * spread;
  return Math.max(Math.round(jittered), retryAfterMs ?? 0);
}
