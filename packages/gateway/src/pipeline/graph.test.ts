// The pipeline graph's own logic, with in-memory exporters and test processors: copy on fan-out,
// all-or-nothing acceptance across pipelines and connectors, the processor wrapper's counting.
import { decodeTraceRequest } from '@org/otlp';
import { describe, expect, it } from 'vitest';
import { RecordingExporter } from '../../test-support/recording-exporter.ts';
import { traceRequestBytes } from '../../test-support/spans.ts';
import { testSettings } from '../../test-support/settings.ts';
import type { Processor, Settings } from '../component.ts';
import { DROP, UNCHANGED } from '../component.ts';
import { forwardConnectorFactory } from '../connectors/forward/factory.ts';
import type { BatchOf } from '../signal.ts';
import { batchOf, contextOf } from '../signal.ts';
import { GatewayMetrics } from '../telemetry/metrics.ts';
import type { PipelineSpec } from './graph.ts';
import { buildGraph } from './graph.ts';
import { ProcessorStage } from './processor-stage.ts';

type Behaviour = (batch: BatchOf<'traces'>) => ReturnType<Processor['process']>;

/** Test processors by id prefix; each records the request objects it was given. */
const behaviours: Record<string, { mutates: boolean; run: Behaviour }> = {
  // Appends a suffix to every span name, in place.
  suffix: {
    mutates: true,
    run: (batch) => {
      for (const rs of batch.request.resourceSpans)
        for (const ss of rs.scopeSpans) for (const s of ss.spans) s.name += '+s';
      return batch;
    },
  },
  // Keeps only the first span.
  first: {
    mutates: true,
    run: (batch) => {
      const ss = batch.request.resourceSpans[0]!.scopeSpans[0]!;
      ss.spans = ss.spans.slice(0, 1);
      batch.items = 1;
      return batch;
    },
  },
  look: { mutates: false, run: () => UNCHANGED },
  drop: { mutates: false, run: () => DROP },
  fail: {
    mutates: false,
    run: () => {
      throw new Error('boom');
    },
  },
};

function harness(specs: Record<string, PipelineSpec>, connectors: string[] = []) {
  const metrics = new GatewayMetrics();
  const settings = (id: string): Settings => testSettings(id, metrics);
  const exporters = new Map<string, RecordingExporter>();
  const seen = new Map<string, object[]>();
  const graph = buildGraph(
    specs,
    {
      isConnector: (id) => connectors.includes(id),
      exporter: (id) => {
        const e = new RecordingExporter(id);
        exporters.set(id, e);
        return e;
      },
      processor: (id, pipeline) => {
        const behaviour = behaviours[id.split('/')[0]!]!;
        const key = `${id}@${pipeline}`;
        seen.set(key, []);
        const processor: Processor = {
          process: (batch) => {
            seen.get(key)!.push(batch.request);
            if (batch.signal !== 'traces') throw new Error('these tests send traces');
            return behaviour.run(batch);
          },
          start: () => Promise.resolve(),
          shutdown: () => Promise.resolve(),
        };
        return new ProcessorStage(settings(id), processor, behaviour.mutates, pipeline);
      },
      connector: (id, downstream) => forwardConnectorFactory.create(settings(id), {}, downstream),
    },
    () => undefined,
  );
  const received = (names: string[]) => {
    const bytes = traceRequestBytes(names);
    const batch = batchOf('traces', decodeTraceRequest(bytes), contextOf('test'));
    batch.wire = bytes;
    return batch;
  };
  return { graph, exporters, seen, metrics, received };
}

const metricValue = async (metrics: GatewayMetrics, name: string) =>
  (await metrics.registry.getSingleMetric(name)!.get()).values.reduce((n, v) => n + v.value, 0);

describe('pipeline graph', () => {
  it('gives each mutating branch its own copy, the last one the original, and shares the rest', () => {
    const { graph, exporters, seen, received } = harness({
      'traces/a': { receivers: ['in'], processors: ['suffix'], exporters: ['ea'] },
      'traces/b': { receivers: ['in'], processors: ['suffix'], exporters: ['eb'] },
      'traces/plain': { receivers: ['in'], processors: ['look'], exporters: ['ec'] },
    });
    const batch = received(['x', 'y']);
    const wire = batch.wire;
    expect(graph.routers.get('in')!.accept(batch)).toBeUndefined();
    // Each mutating pipeline applied its suffix once, to its own request.
    expect(exporters.get('ea')!.spanNames()).toEqual(['x+s', 'y+s']);
    expect(exporters.get('eb')!.spanNames()).toEqual(['x+s', 'y+s']);
    // The non-mutating branch saw the data before any mutation, and exported the received bytes.
    expect(exporters.get('ec')!.spanNames()).toEqual(['x', 'y']);
    expect(exporters.get('ec')!.offers[0]!.body()).toBe(wire);
    expect(seen.get('look@traces/plain')![0]).toBe(batch.request);
    const a = seen.get('suffix@traces/a')![0];
    const b = seen.get('suffix@traces/b')![0];
    expect(a).not.toBe(b);
    expect([a, b]).toContain(batch.request);
  });

  it('copies nothing when only one branch mutates', () => {
    const { graph, seen, received } = harness({
      'traces/a': { receivers: ['in'], processors: ['suffix'], exporters: ['ea'] },
      'traces/plain': { receivers: ['in'], exporters: ['eb'] },
    });
    const batch = received(['x']);
    graph.routers.get('in')!.accept(batch);
    expect(seen.get('suffix@traces/a')![0]).toBe(batch.request);
  });

  it('refuses the whole request when a processor throws: no exporter holds any of it', async () => {
    const { graph, exporters, metrics, received } = harness({
      'traces/a': { receivers: ['in'], exporters: ['ea'] },
      'traces/b': { receivers: ['in'], processors: ['fail'], exporters: ['eb'] },
    });
    const refusal = graph.routers.get('in')!.accept(received(['x']));
    expect(refusal).toMatchObject({ retryable: false, reason: 'processor_error' });
    expect(exporters.get('ea')!.offers).toHaveLength(0);
    expect(exporters.get('eb')!.offers).toHaveLength(0);
    expect(await metricValue(metrics, 'otelgw_processor_errors_total')).toBe(1);
  });

  it('counts items a processor removes, and stops a dropped batch', async () => {
    const { graph, exporters, metrics, received } = harness({
      'traces/a': { receivers: ['in'], processors: ['first'], exporters: ['ea'] },
      'traces/b': { receivers: ['in'], processors: ['drop'], exporters: ['eb'] },
    });
    expect(graph.routers.get('in')!.accept(received(['x', 'y', 'z']))).toBeUndefined();
    expect(exporters.get('ea')!.spanNames()).toEqual(['x']);
    expect(exporters.get('eb')!.offers).toHaveLength(0);
    // first removed 2 of 3, drop removed all 3
    expect(await metricValue(metrics, 'otelgw_processor_dropped_items_total')).toBe(5);
  });

  it('re-encodes a batch a processor returned, and reuses the received bytes otherwise', () => {
    const { graph, exporters, received } = harness({
      'traces/a': { receivers: ['in'], processors: ['suffix'], exporters: ['ea'] },
    });
    const batch = received(['x']);
    const wire = batch.wire;
    graph.routers.get('in')!.accept(batch);
    expect(exporters.get('ea')!.offers[0]!.body()).not.toBe(wire);
    expect(exporters.get('ea')!.spanNames()).toEqual(['x+s']);
  });

  it('forwards through a connector, and checks room downstream of it before accepting', () => {
    const { graph, exporters, received } = harness(
      {
        'traces/in': { receivers: ['in'], exporters: ['fwd', 'raw'] },
        'traces/x': { receivers: ['fwd'], processors: ['suffix'], exporters: ['ex'] },
        'traces/y': { receivers: ['fwd'], processors: ['suffix'], exporters: ['ey'] },
      },
      ['fwd'],
    );
    expect([...graph.routers.keys()]).toEqual(['in']);
    expect(graph.routers.get('in')!.accept(received(['x']))).toBeUndefined();
    expect(exporters.get('raw')!.spanNames()).toEqual(['x']);
    expect(exporters.get('ex')!.spanNames()).toEqual(['x+s']);
    expect(exporters.get('ey')!.spanNames()).toEqual(['x+s']);

    exporters.get('ey')!.room = false;
    expect(graph.routers.get('in')!.accept(received(['late']))).toMatchObject({
      reason: 'backpressure',
    });
    expect(exporters.get('raw')!.offers).toHaveLength(1);
  });

  it('makes one offer to an exporter two branches reach', () => {
    const { graph, exporters, received } = harness(
      {
        'traces/in': { receivers: ['in'], exporters: ['fwd', 'shared'] },
        'traces/x': { receivers: ['fwd'], processors: ['suffix'], exporters: ['shared'] },
      },
      ['fwd'],
    );
    graph.routers.get('in')!.accept(received(['x']));
    const shared = exporters.get('shared')!;
    expect(shared.offers).toHaveLength(1);
    expect(shared.spanNames().sort()).toEqual(['x', 'x+s']);
  });

  it('starts processors and connectors downstream first', () => {
    const { graph } = harness(
      {
        'traces/in': { receivers: ['in'], processors: ['look'], exporters: ['fwd'] },
        'traces/x': { receivers: ['fwd'], processors: ['look/x'], exporters: ['ex'] },
      },
      ['fwd'],
    );
    const order = graph.stages.map((s) => ('id' in s ? s.id : 'processor'));
    expect(order).toEqual(['processor', 'fwd', 'processor']);
  });
});
