// `@org/otel-preload/metrics`: typed counters, histograms and gauges for an app's own numbers
// (tickets sold, queue depth, checkout latency), recorded through the preload's meter provider
// and served on its Prometheus endpoint and/or pushed over OTLP with everything else.
import type { Attributes, Meter, MetricOptions } from '@opentelemetry/api';
import { metrics } from '@opentelemetry/api';

/** The OpenTelemetry instrument-name syntax. */
const NAME = /^[A-Za-z][\w.\-/]{0,254}$/;

/** Label values an instrument accepts; the keys are the label names it was declared with. */
export type Labels<L extends string> = { readonly [K in L]: string | number | boolean };

export interface InstrumentOptions<L extends string> {
  description?: string;
  /** UCUM unit, e.g. `s`, `By`, `{ticket}`. */
  unit?: string;
  /** Label names; every record must give each of them (typed). */
  labels?: readonly L[];
}

export interface HistogramOptions<L extends string> extends InstrumentOptions<L> {
  /** Explicit bucket boundaries, ascending. */
  buckets?: readonly number[];
}

export interface Counter<L extends string> {
  /** Adds a non-negative amount (default 1). */
  add(amount?: number, labels?: Labels<L>): void;
}

export interface Histogram<L extends string> {
  record(value: number, labels?: Labels<L>): void;
}

export interface Gauge<L extends string> {
  /** Sets the current value for these labels. */
  set(value: number, labels?: Labels<L>): void;
}

/** The API's instrument options, leaving out what was not given. */
function metricOptions(
  options: InstrumentOptions<string>,
  buckets?: readonly number[],
): MetricOptions {
  const out: MetricOptions = {};
  if (options.description !== undefined) out.description = options.description;
  if (options.unit !== undefined) out.unit = options.unit;
  if (buckets !== undefined) out.advice = { explicitBucketBoundaries: [...buckets] };
  return out;
}

let meter: Meter | undefined;
/** The app's meter, taken from the global provider the preload installs (a no-op without it). */
const appMeter = () => (meter ??= metrics.getMeter('app'));

function check<L extends string>(kind: string, name: string, options: InstrumentOptions<L>): void {
  if (!NAME.test(name)) {
    throw new TypeError(
      `${kind} name "${name}" is invalid: it must start with a letter and contain only letters, digits, "_", ".", "-" and "/" (at most 255 characters)`,
    );
  }
  for (const label of options.labels ?? []) {
    if (!/^[A-Za-z_][\w.]*$/.test(label))
      throw new TypeError(`${kind} "${name}": label name "${label}" is invalid`);
  }
}

/**
 * The labels a record may carry: those declared. An undeclared one (a JavaScript caller is not
 * held to the types) is dropped, since each of its values would start a series, and named once
 * as a process warning.
 */
function declaredOnly<L extends string>(
  kind: string,
  name: string,
  options: InstrumentOptions<L>,
): (labels: Labels<L> | undefined) => Attributes | undefined {
  const declared = new Set<string>(options.labels ?? []);
  const named = new Set<string>();
  return (labels) => {
    if (labels === undefined) return undefined;
    let kept: Record<string, string | number | boolean> | undefined;
    for (const key of Object.keys(labels)) {
      if (declared.has(key)) continue;
      kept ??= { ...labels };
      delete kept[key];
      if (!named.has(key)) {
        named.add(key);
        process.emitWarning(
          `${kind} "${name}": label "${key}" was not declared (labels: ${[...declared].join(', ') || 'none'}); dropped`,
          'OtelPreloadWarning',
        );
      }
    }
    return kept ?? labels;
  };
}

/**
 * A monotonic counter, e.g. `counter('ticket_sales', { labels: ['event'] })`, scraped as
 * `ticket_sales_total{event="…"}`. Throws a TypeError naming the problem for an invalid name.
 */
export function counter<const L extends string = never>(
  name: string,
  options: InstrumentOptions<L> = {},
): Counter<L> {
  check('counter', name, options);
  const instrument = appMeter().createCounter(name, metricOptions(options));
  const attributes = declaredOnly('counter', name, options);
  return {
    add: (amount = 1, labels) => {
      if (amount < 0 || !Number.isFinite(amount)) return;
      instrument.add(amount, attributes(labels));
    },
  };
}

/** A histogram of observed values (latencies, sizes), with optional explicit buckets. */
export function histogram<const L extends string = never>(
  name: string,
  options: HistogramOptions<L> = {},
): Histogram<L> {
  check('histogram', name, options);
  const buckets = options.buckets;
  if (buckets?.some((b, i) => !Number.isFinite(b) || (i > 0 && b <= buckets[i - 1]!)))
    throw new TypeError(`histogram "${name}": buckets must be finite and ascending`);
  const instrument = appMeter().createHistogram(name, metricOptions(options, buckets));
  const attributes = declaredOnly('histogram', name, options);
  return {
    record: (value, labels) => {
      if (Number.isFinite(value)) instrument.record(value, attributes(labels));
    },
  };
}

/** A gauge holding the last value set per label set (queue depth, pool size). */
export function gauge<const L extends string = never>(
  name: string,
  options: InstrumentOptions<L> = {},
): Gauge<L> {
  check('gauge', name, options);
  const instrument = appMeter().createGauge(name, metricOptions(options));
  const attributes = declaredOnly('gauge', name, options);
  return {
    set: (value, labels) => {
      if (Number.isFinite(value)) instrument.record(value, attributes(labels));
    },
  };
}
