import type {
  ExponentialHistogramDataPoint,
  ExportMetricsServiceRequest,
  HistogramDataPoint,
  Metric,
  NumberDataPoint,
  ResourceMetrics,
  ScopeMetrics,
  SummaryDataPoint,
} from '../types/metrics.ts';

/** A data point of any of the five metric types. */
export type DataPoint =
  NumberDataPoint | HistogramDataPoint | ExponentialHistogramDataPoint | SummaryDataPoint;

/** What a metric visitor sees: the metric with the scope and resource it sits in. */
export type MetricVisitor<T> = (
  metric: Metric,
  scope: ScopeMetrics,
  resource: ResourceMetrics,
) => T;

/** What a data point visitor sees: the point with its metric, scope and resource. */
export type DataPointVisitor<T> = (
  point: DataPoint,
  metric: Metric,
  scope: ScopeMetrics,
  resource: ResourceMetrics,
) => T;

/** The data points of a metric, whatever its type (empty for a metric without data). */
export function dataPointsOf(metric: Metric): readonly DataPoint[] {
  const data =
    metric.gauge ?? metric.sum ?? metric.histogram ?? metric.exponentialHistogram ?? metric.summary;
  return data ? data.dataPoints : [];
}

/** Replaces a metric's data points with a subset of them (same type). */
function setDataPoints(metric: Metric, points: DataPoint[]): void {
  const data =
    metric.gauge ?? metric.sum ?? metric.histogram ?? metric.exponentialHistogram ?? metric.summary;
  if (data) (data as { dataPoints: DataPoint[] }).dataPoints = points;
}

/** A copy of `metric` holding no data points (its data message copied, the rest shared). */
function emptied(metric: Metric): Metric {
  const copy = { ...metric };
  for (const key of ['gauge', 'sum', 'histogram', 'exponentialHistogram', 'summary'] as const) {
    const data = metric[key];
    if (data) (copy as Record<string, unknown>)[key] = { ...data, dataPoints: [] };
  }
  return copy;
}

/** Calls `visit` for every metric, in order. */
export function forEachMetric(
  request: ExportMetricsServiceRequest,
  visit: MetricVisitor<void>,
): void {
  for (const resource of request.resourceMetrics)
    for (const scope of resource.scopeMetrics)
      for (const metric of scope.metrics) visit(metric, scope, resource);
}

/** Calls `visit` for every data point, in order. */
export function forEachDataPoint(
  request: ExportMetricsServiceRequest,
  visit: DataPointVisitor<void>,
): void {
  forEachMetric(request, (metric, scope, resource) => {
    for (const point of dataPointsOf(metric)) visit(point, metric, scope, resource);
  });
}

/** Data points in the request: the items of a metrics request. */
export function countDataPoints(request: ExportMetricsServiceRequest): number {
  let n = 0;
  forEachMetric(request, (metric) => (n += dataPointsOf(metric).length));
  return n;
}

/** Removes empty metrics, scopes and resources after a retain. */
function prune(request: ExportMetricsServiceRequest): void {
  for (const resource of request.resourceMetrics) {
    for (const scope of resource.scopeMetrics)
      scope.metrics = scope.metrics.filter((m) => dataPointsOf(m).length > 0);
    resource.scopeMetrics = resource.scopeMetrics.filter((s) => s.metrics.length > 0);
  }
  request.resourceMetrics = request.resourceMetrics.filter((r) => r.scopeMetrics.length > 0);
}

/**
 * Keeps the metrics `keep` answers true for, in place, pruning what is left empty. Returns how
 * many data points were removed.
 */
export function retainMetrics(
  request: ExportMetricsServiceRequest,
  keep: MetricVisitor<boolean>,
): number {
  let removed = 0;
  forEachMetric(request, (metric, scope, resource) => {
    if (keep(metric, scope, resource)) return;
    removed += dataPointsOf(metric).length;
    setDataPoints(metric, []);
  });
  if (removed > 0) prune(request);
  return removed;
}

/**
 * Keeps the data points `keep` answers true for, in place; metrics, scopes and resources left
 * empty are removed. Returns how many data points were removed.
 */
export function retainDataPoints(
  request: ExportMetricsServiceRequest,
  keep: DataPointVisitor<boolean>,
): number {
  let removed = 0;
  forEachMetric(request, (metric, scope, resource) => {
    const points = dataPointsOf(metric);
    const kept = points.filter((point) => keep(point, metric, scope, resource));
    if (kept.length === points.length) return;
    removed += points.length - kept.length;
    setDataPoints(metric, kept);
  });
  if (removed > 0) prune(request);
  return removed;
}

/**
 * Moves every data point into the request of its key, each under copies of its metric, scope and
 * resource containers (the metric's name, unit and metadata, the scope and the resource messages
 * are shared). The input must not be used afterwards: its data points now belong to the parts.
 */
export function partitionDataPoints<K>(
  request: ExportMetricsServiceRequest,
  key: DataPointVisitor<K>,
): Map<K, ExportMetricsServiceRequest> {
  const parts = new Map<K, ExportMetricsServiceRequest>();
  for (const resource of request.resourceMetrics) {
    const resources = new Map<K, ResourceMetrics>();
    for (const scope of resource.scopeMetrics) {
      const scopes = new Map<K, ScopeMetrics>();
      for (const metric of scope.metrics) {
        const metrics = new Map<K, Metric>();
        for (const point of dataPointsOf(metric)) {
          const k = key(point, metric, scope, resource);
          let m = metrics.get(k);
          if (!m) {
            metrics.set(k, (m = emptied(metric)));
            let s = scopes.get(k);
            if (!s) {
              scopes.set(k, (s = { ...scope, metrics: [] }));
              let r = resources.get(k);
              if (!r) {
                resources.set(k, (r = { ...resource, scopeMetrics: [] }));
                let part = parts.get(k);
                if (!part) parts.set(k, (part = { ...request, resourceMetrics: [] }));
                part.resourceMetrics.push(r);
              }
              r.scopeMetrics.push(s);
            }
            s.metrics.push(m);
          }
          (dataPointsOf(m) as DataPoint[]).push(point);
        }
      }
    }
  }
  return parts;
}
