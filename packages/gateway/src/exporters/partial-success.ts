import { decodeLogsResponse, decodeMetricsResponse, decodeTraceResponse } from '@org/otlp';
import type { Logger } from 'pino';
import type { Signal } from '../signal.ts';
import { codecs } from '../signal.ts';

/** The rejected count and message of a success response, if it carries a partial success. */
function partialSuccessOf(
  signal: Signal,
  body: Uint8Array,
  contentType: string,
): { rejected: bigint; message: string } | undefined {
  try {
    if (contentType.includes('json')) {
      const parsed = JSON.parse(Buffer.from(body).toString('utf8')) as {
        partialSuccess?: Record<string, string | number | undefined>;
      };
      const p = parsed.partialSuccess;
      if (!p) return undefined;
      return {
        rejected: BigInt(p[codecs[signal].rejectedKey] ?? 0),
        message: String(p.errorMessage ?? ''),
      };
    }
    if (signal === 'traces') {
      const p = decodeTraceResponse(body).partialSuccess;
      return p && { rejected: p.rejectedSpans, message: p.errorMessage };
    }
    if (signal === 'metrics') {
      const p = decodeMetricsResponse(body).partialSuccess;
      return p && { rejected: p.rejectedDataPoints, message: p.errorMessage };
    }
    const p = decodeLogsResponse(body).partialSuccess;
    return p && { rejected: p.rejectedLogRecords, message: p.errorMessage };
  } catch {
    return undefined; // an unreadable success body is still a success
  }
}

/**
 * Logs a success response's partial success, if any. The rejected items are not retried (the
 * OTLP specification forbids it): the log line is the operator's only trace of them.
 */
export function logPartialSuccess(
  logger: Logger,
  signal: Signal,
  body: Uint8Array,
  contentType: string,
): void {
  const partial = body.length > 0 ? partialSuccessOf(signal, body, contentType) : undefined;
  if (!partial || partial.rejected === 0n) return;
  logger.warn(
    { signal, rejected: partial.rejected.toString(), message: partial.message },
    'destination rejected part of a batch',
  );
}
