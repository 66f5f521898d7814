import type { Histogram as ApiHistogram, Attributes, HrTime, Meter } from '@opentelemetry/api';
import { ValueType } from '@opentelemetry/api';
import { millisToHrTime } from '@opentelemetry/core';
import { emptyResource } from '@opentelemetry/resources';
import type {
  CollectionResult,
  DataPoint,
  Histogram,
  HistogramMetricData,
  MetricProducer,
} from '@opentelemetry/sdk-metrics';
import { AggregationTemporality, DataPointType } from '@opentelemetry/sdk-metrics';

/** Bucket boundaries the HTTP semantic conventions advise for request durations (seconds). */
export const DURATION_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
];

/** The instrumentation scope of the server spans and the duration histogram. */
export const HTTP_SERVER_SCOPE = '@org/otel-preload/http-server';
const SCOPE = { name: HTTP_SERVER_SCOPE };

/** Series beyond which measurements go to one overflow series (the SDK's default limit). */
const CARDINALITY_LIMIT = 2000;

export const DURATION_METRIC = {
  name: 'http.server.request.duration',
  description: 'Duration of HTTP server requests.',
  unit: 's',
  valueType: ValueType.DOUBLE,
};

/** `error.type` of a request: why it failed, if it did. */
export const errorTypeOf = (status: number, aborted: boolean): string | undefined =>
  aborted ? 'aborted' : status >= 500 ? String(status) : undefined;

/** The `http.server.request.duration` attributes of a request. */
export function durationAttributes(
  method: string,
  scheme: string,
  version: string,
  status: number,
  aborted: boolean,
  route: string | undefined,
): Attributes {
  const attributes: Attributes = {
    'http.request.method': method,
    'url.scheme': scheme,
    'network.protocol.version': version,
    'http.response.status_code': status,
  };
  if (route) attributes['http.route'] = route;
  const errorType = errorTypeOf(status, aborted);
  if (errorType) attributes['error.type'] = errorType;
  return attributes;
}

/** Where the server instrumentation records each request's duration. */
export interface RequestDurations {
  record(
    seconds: number,
    method: string,
    scheme: string,
    version: string,
    status: number,
    aborted: boolean,
    route: string | undefined,
  ): void;
}

/** One attribute set's explicit-bucket histogram. */
interface Series {
  readonly method: string;
  readonly scheme: string;
  readonly version: string;
  readonly attributes: Attributes;
  readonly startTime: HrTime;
  readonly counts: number[];
  sum: number;
  count: number;
  min: number;
  max: number;
}

/**
 * The duration histogram aggregated for one metric reader, in its temporality, and read by it as
 * a MetricProducer. A measurement finds its series through two small maps (route, then status)
 * and a short scan, where the SDK's histogram sorts and serialises the attributes of every
 * measurement to find it. Past CARDINALITY_LIMIT series, measurements go to one series marked
 * `otel.metric.overflow`, as the SDK does.
 */
export class DurationAggregation implements MetricProducer, RequestDurations {
  private readonly temporality: AggregationTemporality;
  private byRoute = new Map<string, Map<number, Series[]>>();
  private overflow: Series | undefined;
  private size = 0;
  private intervalStart: HrTime = millisToHrTime(Date.now());

  constructor(temporality: AggregationTemporality) {
    this.temporality = temporality;
  }

  record(
    seconds: number,
    method: string,
    scheme: string,
    version: string,
    status: number,
    aborted: boolean,
    route: string | undefined,
  ): void {
    const key = aborted ? -1 - status : status;
    const candidates = this.byRoute.get(route ?? '')?.get(key);
    let series: Series | undefined;
    if (candidates !== undefined) {
      for (let i = 0; i < candidates.length; i++) {
        const candidate = candidates[i]!;
        if (
          candidate.method === method &&
          candidate.scheme === scheme &&
          candidate.version === version
        ) {
          series = candidate;
          break;
        }
      }
    }
    if (series === undefined) {
      // Nothing is stored for an attribute set past the limit, not even its lookup entries.
      if (this.size >= CARDINALITY_LIMIT - 1) {
        series = this.overflow ??= newSeries('', '', '', { 'otel.metric.overflow': true });
      } else {
        const attributes = durationAttributes(method, scheme, version, status, aborted, route);
        series = newSeries(method, scheme, version, attributes);
        this.admit(route ?? '', key, series);
      }
    }
    let bucket = 0;
    while (bucket < DURATION_BUCKETS.length && seconds > DURATION_BUCKETS[bucket]!) bucket++;
    series.counts[bucket]!++;
    series.sum += seconds;
    series.count++;
    if (seconds < series.min) series.min = seconds;
    if (seconds > series.max) series.max = seconds;
  }

  private admit(route: string, key: number, series: Series): void {
    let byStatus = this.byRoute.get(route);
    if (byStatus === undefined) {
      byStatus = new Map();
      this.byRoute.set(route, byStatus);
    }
    let candidates = byStatus.get(key);
    if (candidates === undefined) {
      candidates = [];
      byStatus.set(key, candidates);
    }
    candidates.push(series);
    this.size++;
  }

  collect(): Promise<CollectionResult> {
    const now = millisToHrTime(Date.now());
    const dataPoints: DataPoint<Histogram>[] = [];
    const delta = this.temporality === AggregationTemporality.DELTA;
    const add = (series: Series) => {
      dataPoints.push({
        startTime: delta ? this.intervalStart : series.startTime,
        endTime: now,
        attributes: series.attributes,
        value: {
          buckets: { boundaries: DURATION_BUCKETS, counts: [...series.counts] },
          sum: series.sum,
          count: series.count,
          min: series.min,
          max: series.max,
        },
      });
    };
    for (const byStatus of this.byRoute.values())
      for (const candidates of byStatus.values()) for (const series of candidates) add(series);
    if (this.overflow) add(this.overflow);
    if (delta) {
      // A delta reader sees each measurement once; series with nothing new are not reported.
      this.byRoute = new Map();
      this.overflow = undefined;
      this.size = 0;
      this.intervalStart = now;
    }
    const metric: HistogramMetricData = {
      descriptor: DURATION_METRIC,
      aggregationTemporality: this.temporality,
      dataPointType: DataPointType.HISTOGRAM,
      dataPoints,
    };
    return Promise.resolve({
      resourceMetrics: {
        // Readers use their meter provider's resource, not this one.
        resource: emptyResource(),
        scopeMetrics: dataPoints.length ? [{ scope: SCOPE, metrics: [metric] }] : [],
      },
      errors: [],
    });
  }
}

function newSeries(
  method: string,
  scheme: string,
  version: string,
  attributes: Attributes,
): Series {
  return {
    method,
    scheme,
    version,
    attributes,
    startTime: millisToHrTime(Date.now()),
    counts: new Array<number>(DURATION_BUCKETS.length + 1).fill(0),
    sum: 0,
    count: 0,
    min: Infinity,
    max: -Infinity,
  };
}

/**
 * The histogram as an SDK instrument: for a meter provider whose readers aggregate histograms
 * otherwise (exponential buckets), at the SDK's cost per measurement.
 */
export class InstrumentDurations implements RequestDurations {
  private readonly histogram: ApiHistogram;

  constructor(meter: Meter) {
    this.histogram = meter.createHistogram(DURATION_METRIC.name, {
      unit: DURATION_METRIC.unit,
      description: DURATION_METRIC.description,
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    });
  }

  record(
    seconds: number,
    method: string,
    scheme: string,
    version: string,
    status: number,
    aborted: boolean,
    route: string | undefined,
  ): void {
    this.histogram.record(
      seconds,
      durationAttributes(method, scheme, version, status, aborted, route),
    );
  }
}

/** Records every measurement into each reader's aggregation (one per reader, usually one). */
export class DurationAggregations implements RequestDurations {
  readonly aggregations: DurationAggregation[] = [];

  /** A new aggregation for a reader with `temporality`, as that reader's producer. */
  forReader(temporality: AggregationTemporality): DurationAggregation {
    const aggregation = new DurationAggregation(temporality);
    this.aggregations.push(aggregation);
    return aggregation;
  }

  record(
    seconds: number,
    method: string,
    scheme: string,
    version: string,
    status: number,
    aborted: boolean,
    route: string | undefined,
  ): void {
    for (let i = 0; i < this.aggregations.length; i++)
      this.aggregations[i]!.record(seconds, method, scheme, version, status, aborted, route);
  }
}
