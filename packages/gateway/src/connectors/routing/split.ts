import type {
  InstrumentationScope,
  KeyValue,
  LogRecord,
  Metric,
  ResourceHolder,
  Span,
} from '@org/otlp';
import {
  countDataPoints,
  countLogRecords,
  countSpans,
  forEachDataPoint,
  forEachLogRecord,
  forEachSpan,
  partitionDataPoints,
  partitionLogRecords,
  partitionSpans,
  resourcesOf,
} from '@org/otlp';
import type { Batch } from '../../signal.ts';
import type { Field, MatchView } from './condition.ts';

const NONE: readonly KeyValue[] = [];

/**
 * The one MatchView the connector reuses while it walks a batch: it points at the current
 * resource, scope and record, so matching allocates nothing per record.
 */
class WalkView implements MatchView {
  resource: readonly KeyValue[] = NONE;
  scopeName: string | undefined = undefined;
  record: readonly KeyValue[] | undefined = undefined;
  span: Span | undefined = undefined;
  log: LogRecord | undefined = undefined;
  metric: Metric | undefined = undefined;
  tenant: string | undefined = undefined;
  headers: ReadonlyMap<string, string> = new Map();

  field(name: Field): string | number | undefined {
    const { span, log, metric } = this;
    if (span) {
      if (name === 'name') return span.name;
      if (name === 'kind') return span.kind;
      if (name === 'status.code') return span.status?.code ?? 0;
    } else if (log) {
      if (name === 'severity_number') return log.severityNumber;
      if (name === 'severity_text') return log.severityText;
      if (name === 'name') return log.eventName || undefined;
    } else if (metric) {
      if (name === 'name' || name === 'metric.name') return metric.name;
    }
    return undefined;
  }
}

/** The decision for one resource or record: a route index, a set of them, or a string key. */
export type Key = number | string;

/**
 * Computes a key per resource (`perRecord` false) or per record, in the order the OTLP walkers
 * visit them, and says whether they all came out equal (then the batch needs no split).
 */
export function keysOf(
  batch: Batch,
  perRecord: boolean,
  decide: (view: MatchView) => Key,
): { keys: Key[]; uniform: boolean } {
  const view = new WalkView();
  view.tenant = batch.context.tenant;
  view.headers = batch.context.headers;
  const keys: Key[] = [];
  if (!perRecord) {
    for (const holder of resourcesOf(batch.request)) {
      view.resource = holder.resource?.attributes ?? NONE;
      keys.push(decide(view));
    }
  } else {
    const at = (resource: ResourceHolder, scope: InstrumentationScope | undefined) => {
      view.resource = resource.resource?.attributes ?? NONE;
      view.scopeName = scope?.name;
    };
    switch (batch.signal) {
      case 'traces':
        forEachSpan(batch.request, (span, scope, resource) => {
          at(resource, scope.scope);
          view.span = span;
          view.record = span.attributes;
          keys.push(decide(view));
        });
        break;
      case 'metrics':
        forEachDataPoint(batch.request, (point, metric, scope, resource) => {
          at(resource, scope.scope);
          view.metric = metric;
          view.record = point.attributes;
          keys.push(decide(view));
        });
        break;
      case 'logs':
        forEachLogRecord(batch.request, (log, scope, resource) => {
          at(resource, scope.scope);
          view.log = log;
          view.record = log.attributes;
          keys.push(decide(view));
        });
        break;
    }
  }
  let uniform = true;
  for (let i = 1; i < keys.length && uniform; i++) uniform = keys[i] === keys[0];
  return { keys, uniform };
}

/**
 * Moves the batch's records into one batch per distinct key (`keys` as `keysOf` computed them).
 * The parts share resource and scope messages, so a branch that changes a part needs a copy.
 */
export function splitByKeys(
  batch: Batch,
  perRecord: boolean,
  keys: readonly Key[],
): Map<Key, Batch> {
  let i = 0;
  const byResource = new Map<object, Key>();
  if (!perRecord) resourcesOf(batch.request).forEach((r, index) => byResource.set(r, keys[index]!));
  const keyOf = perRecord ? () => keys[i++]! : (resource: object) => byResource.get(resource)!;
  const parts = new Map<Key, Batch>();
  const context = batch.context;
  switch (batch.signal) {
    case 'traces':
      for (const [key, request] of partitionSpans(batch.request, (_s, _sc, r) => keyOf(r)))
        parts.set(key, { signal: 'traces', request, items: countSpans(request), context });
      break;
    case 'metrics':
      for (const [key, request] of partitionDataPoints(batch.request, (_p, _m, _sc, r) => keyOf(r)))
        parts.set(key, { signal: 'metrics', request, items: countDataPoints(request), context });
      break;
    case 'logs':
      for (const [key, request] of partitionLogRecords(batch.request, (_l, _sc, r) => keyOf(r)))
        parts.set(key, { signal: 'logs', request, items: countLogRecords(request), context });
      break;
  }
  return parts;
}
