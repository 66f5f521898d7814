import { dataPointsOf, retainMetrics, retainSpans } from '@org/otlp';
import type { Batch } from '../signal.ts';

const allZero = (bytes: Uint8Array) => bytes.every((b) => b === 0);

/** Why the OTLP data model makes a span invalid, or undefined when it is valid. */
function spanProblem(span: { traceId: Uint8Array; spanId: Uint8Array }): string | undefined {
  if (span.traceId.length !== 16 || allZero(span.traceId)) return 'invalid trace id';
  if (span.spanId.length !== 8 || allZero(span.spanId)) return 'invalid span id';
  return undefined;
}

/**
 * Removes items the OTLP data model makes invalid, so the rest of the request can be accepted
 * (answered as a partial success): spans without a valid trace id (16 bytes, not all zero) or
 * span id (8 bytes, not all zero), and metrics without a name. Returns what was removed. Clears
 * `batch.wire` when it removes anything.
 */
export function rejectInvalid(batch: Batch): { rejected: number; message: string } {
  const reasons = new Set<string>();
  let rejected = 0;
  switch (batch.signal) {
    case 'traces':
      rejected = retainSpans(batch.request, (span) => {
        const problem = spanProblem(span);
        if (problem) reasons.add(problem);
        return problem === undefined;
      });
      break;
    case 'metrics':
      rejected = retainMetrics(batch.request, (metric) => {
        if (metric.name !== '' || dataPointsOf(metric).length === 0) return metric.name !== '';
        reasons.add('metric without a name');
        return false;
      });
      break;
    case 'logs':
      break;
  }
  batch.items -= rejected;
  if (rejected > 0) batch.wire = undefined;
  return {
    rejected,
    message: rejected > 0 ? `rejected ${rejected} items: ${[...reasons].join(', ')}` : '',
  };
}
