import type { ExportTraceServiceRequest, ResourceSpans, ScopeSpans, Span } from '../types/trace.ts';

/** What a span visitor sees: the span with the scope and resource it sits in. */
export type SpanVisitor<T> = (span: Span, scope: ScopeSpans, resource: ResourceSpans) => T;

/** Calls `visit` for every span, in order. */
export function forEachSpan(request: ExportTraceServiceRequest, visit: SpanVisitor<void>): void {
  for (const resource of request.resourceSpans)
    for (const scope of resource.scopeSpans)
      for (const span of scope.spans) visit(span, scope, resource);
}

/** Spans in the request. */
export function countSpans(request: ExportTraceServiceRequest): number {
  let n = 0;
  for (const resource of request.resourceSpans)
    for (const scope of resource.scopeSpans) n += scope.spans.length;
  return n;
}

/**
 * Keeps the spans `keep` answers true for, in place; scopes and resources left empty are removed.
 * Returns how many spans were removed. Lists with nothing to remove are not copied.
 */
export function retainSpans(
  request: ExportTraceServiceRequest,
  keep: SpanVisitor<boolean>,
): number {
  let removed = 0;
  for (const resource of request.resourceSpans) {
    for (const scope of resource.scopeSpans) {
      const before = scope.spans.length;
      let i = 0;
      while (i < before && keep(scope.spans[i]!, scope, resource)) i++;
      if (i === before) continue; // the common case allocates nothing
      const kept = scope.spans.slice(0, i);
      for (i++; i < before; i++)
        if (keep(scope.spans[i]!, scope, resource)) kept.push(scope.spans[i]!);
      scope.spans = kept;
      removed += before - kept.length;
    }
    if (removed > 0) resource.scopeSpans = resource.scopeSpans.filter((s) => s.spans.length > 0);
  }
  if (removed > 0)
    request.resourceSpans = request.resourceSpans.filter((r) => r.scopeSpans.length > 0);
  return removed;
}

/**
 * Moves every span into the request of its key, each under copies of its resource and scope
 * containers (the resource and scope messages themselves are shared, not copied). The input must
 * not be used afterwards: its spans now belong to the parts.
 */
export function partitionSpans<K>(
  request: ExportTraceServiceRequest,
  key: SpanVisitor<K>,
): Map<K, ExportTraceServiceRequest> {
  const parts = new Map<K, ExportTraceServiceRequest>();
  for (const resource of request.resourceSpans) {
    const resources = new Map<K, ResourceSpans>();
    for (const scope of resource.scopeSpans) {
      const scopes = new Map<K, ScopeSpans>();
      for (const span of scope.spans) {
        const k = key(span, scope, resource);
        let s = scopes.get(k);
        if (!s) {
          s = { ...scope, spans: [] };
          scopes.set(k, s);
          let r = resources.get(k);
          if (!r) {
            r = { ...resource, scopeSpans: [] };
            resources.set(k, r);
            let part = parts.get(k);
            if (!part) parts.set(k, (part = { ...request, resourceSpans: [] }));
            part.resourceSpans.push(r);
          }
          r.scopeSpans.push(s);
        }
        s.spans.push(span);
      }
    }
  }
  return parts;
}
