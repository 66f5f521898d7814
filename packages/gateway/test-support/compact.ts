// Requests in a compact form for table-driven processor tests: one resource, one scope, records
// with their attributes as plain maps (and, where a case needs them, span names, status messages
// and log bodies), built into a batch and read back in the same form.
import type { AnyValue, KeyValue } from '@org/otlp';
import type { Batch, Signal } from '../src/signal.ts';
import { batchOf, contextOf } from '../src/signal.ts';
import type { Scalar } from '../src/values.ts';
import { scalarOf, scalarValue } from '../src/values.ts';
import { span } from './spans.ts';

export type { Scalar };
/** Attributes as a map; a nested map is a key-value list, an array an array value. */
export interface Compact {
  [key: string]: Scalar | Compact | Scalar[];
}

export interface Shape {
  resource?: Compact;
  scope?: Compact;
  records?: Compact[];
  /** Span names (traces). */
  names?: string[];
  /** Span status messages (traces). */
  statuses?: string[];
  /** Log record bodies (logs): a string or a map. */
  bodies?: (string | Compact)[];
}

function toValue(v: Scalar | Compact | Scalar[]): AnyValue {
  if (Array.isArray(v)) return { arrayValue: { values: v.map(toValue) } };
  if (typeof v === 'object') return { kvlistValue: { values: toList(v) } };
  return scalarValue(v);
}

function fromValue(value: AnyValue): Scalar | Compact | Scalar[] | undefined {
  if ('arrayValue' in value) return value.arrayValue.values.map((v) => fromValue(v) as Scalar);
  if ('kvlistValue' in value) return fromList(value.kvlistValue.values);
  return scalarOf(value);
}

export const toList = (c: Compact = {}): KeyValue[] =>
  Object.entries(c).map(([key, v]) => ({ key, value: toValue(v) }));

export function fromList(list: KeyValue[]): Compact {
  const out: Compact = {};
  for (const { key, value } of list) {
    const v = value && fromValue(value);
    if (v !== undefined) out[key] = v;
  }
  return out;
}

/** A batch of `signal` holding the shape. */
export function build(signal: Signal, shape: Shape): Batch {
  const resource = shape.resource
    ? { attributes: toList(shape.resource), droppedAttributesCount: 0, entityRefs: [] }
    : undefined;
  const scope = shape.scope
    ? { name: '', version: '', attributes: toList(shape.scope), droppedAttributesCount: 0 }
    : undefined;
  const count = Math.max(
    shape.records?.length ?? 0,
    shape.names?.length ?? 0,
    shape.bodies?.length ?? 0,
  );
  const records = Array.from({ length: count }, (_, i) => shape.records?.[i] ?? {});
  const context = contextOf('test');
  switch (signal) {
    case 'traces':
      return batchOf(
        'traces',
        {
          resourceSpans: [
            {
              resource,
              schemaUrl: '',
              scopeSpans: [
                {
                  scope,
                  schemaUrl: '',
                  spans: records.map((r, i) =>
                    span(shape.names?.[i] ?? 's', i, undefined, {
                      attributes: toList(r),
                      status: shape.statuses
                        ? { code: 2, message: shape.statuses[i] ?? '' }
                        : undefined,
                    }),
                  ),
                },
              ],
            },
          ],
        },
        context,
      );
    case 'metrics':
      return batchOf(
        'metrics',
        {
          resourceMetrics: [
            {
              resource,
              schemaUrl: '',
              scopeMetrics: [
                {
                  scope,
                  schemaUrl: '',
                  metrics: [
                    {
                      name: 'm',
                      description: '',
                      unit: '',
                      metadata: [],
                      gauge: {
                        dataPoints: records.map((r) => ({
                          attributes: toList(r),
                          startTimeUnixNano: 0n,
                          timeUnixNano: 1n,
                          asDouble: 1,
                          exemplars: [],
                          flags: 0,
                        })),
                      },
                    },
                  ],
                },
              ],
            },
          ],
        },
        context,
      );
    case 'logs':
      return batchOf(
        'logs',
        {
          resourceLogs: [
            {
              resource,
              schemaUrl: '',
              scopeLogs: [
                {
                  scope,
                  schemaUrl: '',
                  logRecords: records.map((r, i) => {
                    const body = shape.bodies?.[i];
                    return {
                      timeUnixNano: 1n,
                      observedTimeUnixNano: 1n,
                      severityNumber: 9,
                      severityText: '',
                      body: body === undefined ? undefined : toValue(body),
                      attributes: toList(r),
                      droppedAttributesCount: 0,
                      flags: 0,
                      traceId: new Uint8Array(0),
                      spanId: new Uint8Array(0),
                      eventName: '',
                    };
                  }),
                },
              ],
            },
          ],
        },
        context,
      );
  }
}

/** The batch read back in compact form, with the parts `like` has. */
export function shapeOf(batch: Batch, like: Shape): Shape {
  const holder =
    batch.signal === 'traces'
      ? batch.request.resourceSpans[0]
      : batch.signal === 'metrics'
        ? batch.request.resourceMetrics[0]
        : batch.request.resourceLogs[0];
  const scope =
    batch.signal === 'traces'
      ? batch.request.resourceSpans[0]?.scopeSpans[0]?.scope
      : batch.signal === 'metrics'
        ? batch.request.resourceMetrics[0]?.scopeMetrics[0]?.scope
        : batch.request.resourceLogs[0]?.scopeLogs[0]?.scope;
  const spans =
    batch.signal === 'traces' ? (batch.request.resourceSpans[0]?.scopeSpans[0]?.spans ?? []) : [];
  const logs =
    batch.signal === 'logs' ? (batch.request.resourceLogs[0]?.scopeLogs[0]?.logRecords ?? []) : [];
  const records =
    batch.signal === 'traces'
      ? spans.map((s) => s.attributes)
      : batch.signal === 'metrics'
        ? (
            batch.request.resourceMetrics[0]?.scopeMetrics[0]?.metrics[0]?.gauge?.dataPoints ?? []
          ).map((p) => p.attributes)
        : logs.map((l) => l.attributes);
  return {
    ...(like.resource ? { resource: fromList(holder?.resource?.attributes ?? []) } : {}),
    ...(like.scope ? { scope: fromList(scope?.attributes ?? []) } : {}),
    ...(like.records ? { records: records.map(fromList) } : {}),
    ...(like.names ? { names: spans.map((s) => s.name) } : {}),
    ...(like.statuses ? { statuses: spans.map((s) => s.status?.message ?? '') } : {}),
    ...(like.bodies
      ? { bodies: logs.map((l) => (l.body ? (fromValue(l.body) as string | Compact) : '')) }
      : {}),
  };
}
