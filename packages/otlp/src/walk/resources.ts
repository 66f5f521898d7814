import type { Resource } from '../types/common.ts';
import type { ExportLogsServiceRequest } from '../types/logs.ts';
import type { ExportMetricsServiceRequest } from '../types/metrics.ts';
import type { ExportTraceServiceRequest } from '../types/trace.ts';

/** A request of any signal. */
export type AnyExportRequest =
  ExportTraceServiceRequest | ExportMetricsServiceRequest | ExportLogsServiceRequest;

/** The resource container every signal shares: the resource and its schema URL. */
export interface ResourceHolder {
  resource: Resource | undefined;
  schemaUrl: string;
}

/** The resource containers of a request, whatever its signal. */
export function resourcesOf(request: AnyExportRequest): readonly ResourceHolder[] {
  if ('resourceSpans' in request) return request.resourceSpans;
  if ('resourceMetrics' in request) return request.resourceMetrics;
  return request.resourceLogs;
}

/**
 * Calls `visit` with every resource of the request, creating an empty one where a container has
 * none (so attributes can always be set on it).
 */
export function forEachResource(
  request: AnyExportRequest,
  visit: (resource: Resource) => void,
): void {
  for (const holder of resourcesOf(request)) {
    holder.resource ??= { attributes: [], droppedAttributesCount: 0, entityRefs: [] };
    visit(holder.resource);
  }
}
