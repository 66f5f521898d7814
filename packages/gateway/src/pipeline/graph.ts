import type { Connector, Downstream, Exporter, Lifecycle } from '../component.ts';
import type { Signal } from '../signal.ts';
import type { Refusal } from './consumer.ts';
import { Pipeline, ReceiverRouter } from './pipeline.ts';
import type { ProcessorStage } from './processor-stage.ts';

/** One pipeline as configured: component ids. */
export interface PipelineSpec {
  receivers: readonly string[];
  processors?: readonly string[] | undefined;
  exporters: readonly string[];
}

/** How the graph gets its components; the service creates them from factories. */
export interface GraphParts {
  isConnector(id: string): boolean;
  /** Called once per exporter id, however many pipelines list it. */
  exporter(id: string): Exporter;
  /** Called once per (processor id, pipeline): pipelines never share a processor instance. */
  processor(id: string, pipeline: string): ProcessorStage;
  /** Called once per connector id, after every pipeline it feeds is built. */
  connector(id: string, downstream: ReadonlyMap<string, Downstream>): Connector;
}

/** The running shape of one config. */
export interface Graph {
  /** Per receiver id (connectors excluded): what its batches go to. */
  routers: Map<string, ReceiverRouter>;
  exporters: Map<string, Exporter>;
  /** Processors and connectors, in start order (each after everything downstream of it). */
  stages: Lifecycle[];
}

/**
 * Builds pipelines, connectors and receiver routers. Pipelines are built downstream first, so a
 * connector is created with the pipelines it feeds; the config schema has already rejected
 * cycles and undefined ids (this throws on them anyway, rather than recurse forever).
 */
export function buildGraph(
  specs: Readonly<Record<string, PipelineSpec>>,
  parts: GraphParts,
  pressure: (checkMemory: boolean) => Refusal | undefined,
): Graph {
  const exporters = new Map<string, Exporter>();
  const connectors = new Map<string, Connector>();
  const pipelines = new Map<string, Pipeline>();
  const stages: Lifecycle[] = [];
  const building = new Set<string>();

  const exporter = (id: string) => {
    let e = exporters.get(id);
    if (!e) exporters.set(id, (e = parts.exporter(id)));
    return e;
  };
  const connector = (id: string) => {
    let c = connectors.get(id);
    if (!c) {
      const downstream = new Map<string, Downstream>();
      for (const [name, spec] of Object.entries(specs)) {
        if (spec.receivers.includes(id)) downstream.set(name, pipeline(name));
      }
      connectors.set(id, (c = parts.connector(id, downstream)));
      stages.push(c);
    }
    return c;
  };
  const pipeline = (name: string): Pipeline => {
    const built = pipelines.get(name);
    if (built) return built;
    if (building.has(name)) throw new Error(`pipeline ${name} feeds itself through a connector`);
    building.add(name);
    const spec = specs[name]!;
    const targets = spec.exporters.filter((id) => parts.isConnector(id)).map(connector);
    const outs = spec.exporters.filter((id) => !parts.isConnector(id)).map(exporter);
    const processors = (spec.processors ?? []).map((id) => parts.processor(id, name));
    stages.push(...processors.map((p) => p.processor));
    const result = new Pipeline(name, name.split('/')[0] as Signal, processors, outs, targets);
    pipelines.set(name, result);
    return result;
  };

  for (const name of Object.keys(specs)) pipeline(name);
  const routers = new Map<string, ReceiverRouter>();
  const receivers = new Set(Object.values(specs).flatMap((spec) => spec.receivers));
  for (const id of receivers) {
    if (parts.isConnector(id)) continue;
    const fed = Object.entries(specs)
      .filter(([, spec]) => spec.receivers.includes(id))
      .map(([name]) => pipelines.get(name)!);
    routers.set(id, new ReceiverRouter(fed, pressure));
  }
  return { routers, exporters, stages };
}
