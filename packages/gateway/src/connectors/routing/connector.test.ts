// The routing connector, table-driven from testdata/cases.yaml: pipelines are stand-ins that
// record what they get, so each case checks which records reached which pipeline, whether the
// request was refused, and what was counted.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KeyValue } from '@org/otlp';
import { forEachDataPoint, forEachLogRecord, forEachSpan } from '@org/otlp';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Compact } from '../../../test-support/compact.ts';
import { build } from '../../../test-support/compact.ts';
import { testSettings } from '../../../test-support/settings.ts';
import type { Downstream } from '../../component.ts';
import { Delivery, RouteFull } from '../../pipeline/delivery.ts';
import type { Batch, Signal } from '../../signal.ts';
import { scalarOf } from '../../values.ts';
import { routingConnectorConfigSchema } from './config.ts';
import { RoutingConnector } from './connector.ts';

interface Case {
  name: string;
  signal?: Signal;
  config: unknown;
  pipelines: string[];
  full?: string[];
  tenant?: string;
  headers?: Record<string, string>;
  input: { resource: Compact; scope?: string; records: Compact[] }[];
  expect?: Record<string, string[]>;
  refused?: boolean;
  routed?: Record<string, number>;
  dropped?: Record<string, number>;
  /** The batch reached its pipelines whole (no split). */
  whole?: boolean;
}

const cases = parse(
  readFileSync(join(import.meta.dirname, 'testdata', 'cases.yaml'), 'utf8'),
) as Case[];

const idOf = (attributes: readonly KeyValue[]) =>
  String(scalarOf(attributes.find((a) => a.key === 'id')?.value));

/** The record ids of a batch, in order. */
function ids(batch: Batch): string[] {
  const out: string[] = [];
  if (batch.signal === 'traces') forEachSpan(batch.request, (s) => out.push(idOf(s.attributes)));
  if (batch.signal === 'logs') forEachLogRecord(batch.request, (l) => out.push(idOf(l.attributes)));
  if (batch.signal === 'metrics')
    forEachDataPoint(batch.request, (p) => out.push(idOf(p.attributes)));
  return out;
}

/** One batch of the case's resources; `$` keys of a record set its fields. */
function input(c: Case): Batch {
  const signal = c.signal ?? 'traces';
  const parts = c.input.flatMap((entry) =>
    entry.records.map((record) => {
      const attributes = Object.fromEntries(
        Object.entries(record).filter(([k]) => !k.startsWith('$')),
      );
      const batch = build(signal, { resource: entry.resource, records: [attributes] });
      const scope = {
        name: entry.scope ?? '',
        version: '',
        attributes: [],
        droppedAttributesCount: 0,
      };
      switch (batch.signal) {
        case 'traces': {
          const s = batch.request.resourceSpans[0]!.scopeSpans[0]!;
          s.scope = scope;
          s.spans[0]!.kind = Number(record.$kind ?? 1);
          s.spans[0]!.status = { code: Number(record.$status ?? 0), message: '' };
          return { entry, holder: batch.request.resourceSpans[0]!, batch };
        }
        case 'logs': {
          const s = batch.request.resourceLogs[0]!.scopeLogs[0]!;
          s.scope = scope;
          s.logRecords[0]!.severityNumber = Number(record.$severity ?? 9);
          return { entry, holder: batch.request.resourceLogs[0]!, batch };
        }
        case 'metrics': {
          const s = batch.request.resourceMetrics[0]!.scopeMetrics[0]!;
          s.scope = scope;
          s.metrics[0]!.name = typeof record.$metric === 'string' ? record.$metric : 'm';
          return { entry, holder: batch.request.resourceMetrics[0]!, batch };
        }
      }
    }),
  );
  // Records of one input entry share one resource container: one per entry, as sent.
  const first = parts[0]!.batch;
  const holders: unknown[] = [];
  let last: (typeof parts)[number] | undefined;
  for (const part of parts) {
    if (last?.entry === part.entry) {
      const into = last.holder as {
        scopeSpans?: unknown[];
        scopeLogs?: unknown[];
        scopeMetrics?: unknown[];
      };
      const from = part.holder as typeof into;
      for (const key of ['scopeSpans', 'scopeLogs', 'scopeMetrics'] as const)
        if (from[key]) into[key]!.push(...from[key]);
    } else {
      holders.push(part.holder);
      last = part;
    }
  }
  if (first.signal === 'traces') first.request.resourceSpans = holders as never;
  if (first.signal === 'logs') first.request.resourceLogs = holders as never;
  if (first.signal === 'metrics') first.request.resourceMetrics = holders as never;
  first.items = parts.length;
  first.wire = new Uint8Array([1]); // stands for the received bytes; kept only if never split
  return {
    ...first,
    context: {
      receiver: 'test',
      tenant: c.tenant,
      headers: new Map(Object.entries(c.headers ?? {})),
    },
  };
}

/** A pipeline that records the ids it gets (and the batches themselves). */
function stand(id: string, full: boolean, mutates = false) {
  const got: string[] = [];
  const batches: Batch[] = [];
  const pipeline: Downstream = {
    id,
    signal: id.split('/')[0] as Signal,
    mutates,
    saturated: () => full,
    route: (batch) => {
      got.push(...ids(batch));
      batches.push(batch);
    },
  };
  return { pipeline, got, batches };
}

async function counted(settings: ReturnType<typeof testSettings>) {
  const routed: Record<string, number> = {};
  const dropped: Record<string, number> = {};
  for (const metric of (await settings.metrics.registry.getMetricsAsJSON()) as {
    name: string;
    values: { value: number; labels: Record<string, string> }[];
  }[]) {
    for (const { value, labels } of metric.values) {
      if (metric.name === 'otelgw_routing_routed_items_total') routed[labels.route!] = value;
      if (metric.name === 'otelgw_routing_dropped_items_total')
        dropped[`${labels.route}/${labels.reason}`] = value;
    }
  }
  return { routed, dropped };
}

describe('routing connector', () => {
  it.each(cases)('$name', async (c) => {
    const settings = testSettings('routing');
    const stands = new Map(c.pipelines.map((id) => [id, stand(id, c.full?.includes(id) ?? false)]));
    const connector = new RoutingConnector(
      settings,
      routingConnectorConfigSchema.parse(c.config),
      new Map([...stands].map(([id, s]) => [id, s.pipeline])),
    );
    const batch = input(c);
    if (c.refused) {
      expect(() => connector.route(batch, new Delivery())).toThrow(RouteFull);
      for (const s of stands.values()) expect(s.got).toEqual([]);
      expect(await counted(settings)).toEqual({ routed: {}, dropped: {} });
      return;
    }
    const delivery = new Delivery();
    connector.route(batch, delivery);
    delivery.commit(); // counts are made only when the request is accepted
    expect(Object.fromEntries([...stands].map(([id, s]) => [id, s.got]))).toEqual(c.expect);
    const { routed, dropped } = await counted(settings);
    if (c.routed) expect(routed).toEqual(c.routed);
    expect(dropped).toEqual(c.dropped ?? {});
    if (c.whole !== undefined) {
      const received = [...stands.values()].flatMap((s) => s.batches);
      expect(received.every((b) => b === batch && b.wire !== undefined)).toBe(c.whole);
    }
  });

  it('gives each pipeline that changes batches its own copy once a batch is split', () => {
    const config = routingConnectorConfigSchema.parse({
      table: [{ condition: { attribute: 'to', equals: 'a' }, pipelines: ['traces/a'] }],
      default_pipelines: ['traces/b'],
    });
    const seen: string[][] = [];
    const mutating = (id: string): Downstream => ({
      id,
      signal: 'traces',
      mutates: true,
      saturated: () => false,
      route: (batch) => {
        if (batch.signal !== 'traces') return;
        const resource = batch.request.resourceSpans[0]!.resource!;
        seen.push(resource.attributes.map((a) => a.key));
        resource.attributes.push({ key: `touched.${id}`, value: { boolValue: true } });
      },
    });
    const connector = new RoutingConnector(
      testSettings('routing'),
      config,
      new Map([
        ['traces/a', mutating('traces/a')],
        ['traces/b', mutating('traces/b')],
      ]),
    );
    expect(connector.mutates).toBe(true);
    const batch = build('traces', { resource: { team: 'x' }, records: [{ to: 'a' }, { to: 'b' }] });
    connector.route(batch, new Delivery());
    // Both parts share the resource message: neither pipeline sees what the other added.
    expect(seen).toEqual([['team'], ['team']]);
    if (batch.signal === 'traces')
      expect(batch.request.resourceSpans[0]!.resource!.attributes.map((a) => a.key)).toEqual([
        'team',
      ]);
  });

  it('reports no room only when every pipeline is full and no route drops', () => {
    const make = (table: object[], full: boolean) =>
      new RoutingConnector(
        testSettings('routing'),
        routingConnectorConfigSchema.parse({ table, default_pipelines: ['traces/b'] }),
        new Map([
          ['traces/a', stand('traces/a', true).pipeline],
          ['traces/b', stand('traces/b', full).pipeline],
        ]),
      );
    const tenant = { condition: { tenant: true, equals: 'a' }, pipelines: ['traces/a'] };
    const health = { condition: { attribute: 'url.path', equals: '/health' }, action: 'drop' };
    expect(make([tenant], false).hasRoom()).toBe(true);
    expect(make([tenant], true).hasRoom()).toBe(false);
    expect(make([tenant, health], true).hasRoom()).toBe(true);
  });
});
