// OTLP/HTTP rules every exporter applies to a response, whatever sends the request: which
// failures may be retried, how long the server asked to wait, and what a success reports as
// rejected (partial success).
import {
  decodeLogsResponse,
  decodeMetricsResponse,
  decodeTraceResponse,
} from './proto/response.ts';

/** OTLP/HTTP: only 429, 502, 503 and 504 are retryable (specification, "Failures"). */
export function isRetryableHttpStatus(status: number): boolean {
  return status === 429 || status === 502 || status === 503 || status === 504;
}

/**
 * An HTTP Retry-After value in milliseconds: delay-seconds or an HTTP date. Undefined when
 * absent or malformed; never negative.
 */
export function parseRetryAfter(
  value: string | null | undefined,
  now = Date.now(),
): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** What a success response says its receiver rejected. */
export interface PartialSuccess {
  rejected: bigint;
  message: string;
}

/** The OTLP/JSON key of each signal's rejected count. */
const REJECTED_KEY = {
  traces: 'rejectedSpans',
  metrics: 'rejectedDataPoints',
  logs: 'rejectedLogRecords',
} as const;

/**
 * The partial success of an `Export*ServiceResponse` body (protobuf, or OTLP/JSON when `json`),
 * or undefined when it carries none. Throws when the body is not such a response; callers
 * treat that as a plain success, which the status code already said it was.
 */
export function decodePartialSuccess(
  signal: 'traces' | 'metrics' | 'logs',
  body: Uint8Array,
  json: boolean,
): PartialSuccess | undefined {
  if (json) {
    const partial = (
      JSON.parse(new TextDecoder().decode(body)) as {
        partialSuccess?: Record<string, string | number | undefined>;
      }
    ).partialSuccess;
    if (!partial) return undefined;
    return {
      rejected: BigInt(partial[REJECTED_KEY[signal]] ?? 0),
      message: String(partial.errorMessage ?? ''),
    };
  }
  if (signal === 'traces') {
    const partial = decodeTraceResponse(body).partialSuccess;
    return partial && { rejected: partial.rejectedSpans, message: partial.errorMessage };
  }
  if (signal === 'metrics') {
    const partial = decodeMetricsResponse(body).partialSuccess;
    return partial && { rejected: partial.rejectedDataPoints, message: partial.errorMessage };
  }
  const partial = decodeLogsResponse(body).partialSuccess;
  return partial && { rejected: partial.rejectedLogRecords, message: partial.errorMessage };
}
