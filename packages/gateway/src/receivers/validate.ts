import type { Batch } from '../signal.ts';

const allZero = (bytes: Uint8Array) => bytes.every((b) => b === 0);

const validSpan = (span: { traceId: Uint8Array; spanId: Uint8Array }) =>
  span.traceId.length === 16 &&
  !allZero(span.traceId) &&
  span.spanId.length === 8 &&
  !allZero(span.spanId);

/**
 * Removes items the OTLP data model makes invalid, so the rest of the request can be accepted
 * (answered as a partial success): spans without a valid trace id (16 bytes, not all zero) or
 * span id (8 bytes, not all zero), and metrics without a name. Returns what was removed. Clears
 * `batch.wire` when it removes anything.
 */
export function rejectInvalid(batch: Batch): { rejected: number; message: string } {
  let rejected = 0;
  const reasons = new Set<string>();
  if (batch.signal === 'traces') {
    for (const rs of (batch as Batch<'traces'>).request.resourceSpans) {
      for (const ss of rs.scopeSpans) {
        if (ss.spans.every(validSpan)) continue; // the common case allocates nothing
        const before = ss.spans.length;
        ss.spans = ss.spans.filter((span) => {
          if (span.traceId.length !== 16 || allZero(span.traceId)) reasons.add('invalid trace id');
          else if (span.spanId.length !== 8 || allZero(span.spanId)) reasons.add('invalid span id');
          else return true;
          return false;
        });
        rejected += before - ss.spans.length;
      }
    }
  } else if (batch.signal === 'metrics') {
    for (const rm of (batch as Batch<'metrics'>).request.resourceMetrics) {
      for (const sm of rm.scopeMetrics) {
        if (sm.metrics.every((metric) => metric.name !== '')) continue;
        sm.metrics = sm.metrics.filter((metric) => {
          if (metric.name !== '') return true;
          const data =
            metric.gauge ??
            metric.sum ??
            metric.histogram ??
            metric.exponentialHistogram ??
            metric.summary;
          rejected += data ? data.dataPoints.length : 0;
          reasons.add('metric without a name');
          return false;
        });
      }
    }
  }
  batch.items -= rejected;
  if (rejected > 0) batch.wire = undefined;
  return {
    rejected,
    message: rejected > 0 ? `rejected ${rejected} items: ${[...reasons].join(', ')}` : '',
  };
}
