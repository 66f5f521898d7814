// The enrich processor, table-driven from testdata/cases.yaml: each case's config applied to its
// input, compared in compact form (attributes as plain maps), and whether it answered UNCHANGED.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AnyValue, KeyValue } from '@org/otlp';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Settings } from '../../component.ts';
import { UNCHANGED } from '../../component.ts';
import { GatewayMetrics } from '../../telemetry/metrics.ts';
import { pino } from 'pino';
import type { Batch, Signal } from '../../signal.ts';
import { batchOf, contextOf } from '../../signal.ts';
import { span } from '../../../test-support/spans.ts';
import { enrichProcessorConfigSchema } from './config.ts';
import { EnrichProcessor } from './processor.ts';

type Compact = Record<string, string | number | boolean>;
interface Shape {
  resource?: Compact;
  scope?: Compact;
  records?: Compact[];
}
interface Case {
  name: string;
  signal?: Signal;
  config: unknown;
  input: Shape;
  expect: Shape;
  changed?: boolean;
}

const cases = parse(
  readFileSync(join(import.meta.dirname, 'testdata', 'cases.yaml'), 'utf8'),
) as Case[];
const ENV = { DEPLOY_ENV: 'prod', HASH_KEY: 'test-hash-key' };
const SETTINGS: Settings = {
  id: 'enrich',
  logger: pino({ level: 'silent' }),
  metrics: new GatewayMetrics({ processMetrics: false }),
  memory: { reserve: () => true, release: () => undefined },
};

const toValue = (v: string | number | boolean): AnyValue =>
  typeof v === 'string'
    ? { stringValue: v }
    : typeof v === 'boolean'
      ? { boolValue: v }
      : Number.isInteger(v)
        ? { intValue: BigInt(v) }
        : { doubleValue: v };
const toList = (c: Compact = {}): KeyValue[] =>
  Object.entries(c).map(([key, v]) => ({ key, value: toValue(v) }));
function fromList(list: KeyValue[]): Compact {
  const out: Compact = {};
  for (const { key, value } of list) {
    if (!value) continue;
    if ('stringValue' in value) out[key] = value.stringValue;
    else if ('boolValue' in value) out[key] = value.boolValue;
    else if ('intValue' in value) out[key] = Number(value.intValue);
    else if ('doubleValue' in value) out[key] = value.doubleValue;
  }
  return out;
}

function build(signal: Signal, shape: Shape): Batch {
  const resource = shape.resource
    ? { attributes: toList(shape.resource), droppedAttributesCount: 0, entityRefs: [] }
    : undefined;
  const scope = shape.scope
    ? { name: '', version: '', attributes: toList(shape.scope), droppedAttributesCount: 0 }
    : undefined;
  const records = shape.records ?? [];
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
                  spans: records.map((r, i) => span('s', i, undefined, { attributes: toList(r) })),
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
                  logRecords: records.map((r) => ({
                    timeUnixNano: 1n,
                    observedTimeUnixNano: 1n,
                    severityNumber: 9,
                    severityText: '',
                    body: undefined,
                    attributes: toList(r),
                    droppedAttributesCount: 0,
                    flags: 0,
                    traceId: new Uint8Array(0),
                    spanId: new Uint8Array(0),
                    eventName: '',
                  })),
                },
              ],
            },
          ],
        },
        context,
      );
  }
}

function shapeOf(batch: Batch, like: Shape): Shape {
  const [container] =
    batch.signal === 'traces'
      ? batch.request.resourceSpans
      : batch.signal === 'metrics'
        ? batch.request.resourceMetrics
        : batch.request.resourceLogs;
  const scopes =
    batch.signal === 'traces'
      ? batch.request.resourceSpans[0]!.scopeSpans
      : batch.signal === 'metrics'
        ? batch.request.resourceMetrics[0]!.scopeMetrics
        : batch.request.resourceLogs[0]!.scopeLogs;
  const records =
    batch.signal === 'traces'
      ? batch.request.resourceSpans[0]!.scopeSpans[0]!.spans.map((s) => s.attributes)
      : batch.signal === 'metrics'
        ? batch.request.resourceMetrics[0]!.scopeMetrics[0]!.metrics[0]!.gauge!.dataPoints.map(
            (p) => p.attributes,
          )
        : batch.request.resourceLogs[0]!.scopeLogs[0]!.logRecords.map((l) => l.attributes);
  return {
    ...(like.resource ? { resource: fromList(container!.resource?.attributes ?? []) } : {}),
    ...(like.scope ? { scope: fromList(scopes[0]!.scope?.attributes ?? []) } : {}),
    ...(like.records ? { records: records.map(fromList) } : {}),
  };
}

describe('enrich processor', () => {
  it.each(cases)('$name', (c) => {
    const processor = new EnrichProcessor(
      enrichProcessorConfigSchema.parse(c.config),
      SETTINGS,
      ENV,
    );
    const batch = build(c.signal ?? 'traces', c.input);
    const out = processor.process(batch);
    expect(out === UNCHANGED ? 'UNCHANGED' : 'changed').toBe(
      c.changed === false ? 'UNCHANGED' : 'changed',
    );
    expect(shapeOf(batch, c.expect)).toEqual(c.expect);
  });

  it('refuses an unset environment variable, naming it', () => {
    const config = enrichProcessorConfigSchema.parse({
      actions: [{ key: 'env', from_env: 'NOT_SET_HERE' }],
    });
    expect(() => new EnrichProcessor(config, SETTINGS, {})).toThrow(
      'environment variable NOT_SET_HERE (from_env of env) is not set',
    );
  });

  it.each([
    [{ actions: [{ key: 'a' }] }, 'insert needs exactly one of value, from_env, from_attribute'],
    [{ actions: [{ key: 'a', action: 'delete', value: 1 }] }, 'delete takes no value'],
    [{ actions: [{ key: 'a', action: 'rename' }] }, 'to goes with rename, and only with it'],
    [{ actions: [{ key: 'a', action: 'hash' }] }, 'hash actions need a key'],
    [{ actions: [{ key: 'a', action: 'extract', pattern: '(' }] }, undefined],
  ])('validates its config: %j', (config, message) => {
    const result = enrichProcessorConfigSchema.safeParse(config);
    if (message === undefined) {
      // The pattern passes the schema; RE2 refuses it when the processor is built.
      expect(() => new EnrichProcessor(result.data!, SETTINGS, ENV)).toThrow();
      return;
    }
    expect(result.error?.issues.map((i) => i.message)).toContain(message);
  });
});
