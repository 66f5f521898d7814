// A config's real processors and connectors, in process, with exporters that record what they are
// offered instead of sending it: for tests of what a config does to data.
import type { Exporter } from '../src/component.ts';
import type { ResolvedConfig } from '../src/config/schema.ts';
import type { EncodedBatch } from '../src/encoded-batch.ts';
import type { Refusal } from '../src/pipeline/consumer.ts';
import { buildGraph } from '../src/pipeline/graph.ts';
import { registryParts } from '../src/pipeline/parts.ts';
import type { Batch } from '../src/signal.ts';
import { GatewayMetrics } from '../src/telemetry/metrics.ts';
import { testSettings } from './settings.ts';

/** Holds the batches it is offered, decoded again (as the destination would read them). */
export class RecordingExporter implements Exporter {
  readonly id: string;
  readonly batches: Batch['request'][] = [];
  /** False makes it report a full queue. */
  room = true;
  constructor(id: string) {
    this.id = id;
  }
  hasRoom = () => this.room;
  offer(batch: EncodedBatch): boolean {
    this.batches.push(batch.decode());
    return true;
  }
  healthy = () => true;
  start = () => Promise.resolve();
  shutdown = () => Promise.resolve();
}

export interface ConfigRun {
  /** What the receiver `receiver` would answer for the batch. */
  send(receiver: string, batch: Batch): Refusal | undefined;
  /** The recording stand-in of each exporter the config's pipelines use. */
  exporters: ReadonlyMap<string, RecordingExporter>;
  metrics: GatewayMetrics;
}

export function runConfig(config: ResolvedConfig): ConfigRun {
  const metrics = new GatewayMetrics({ processMetrics: false });
  const exporters = new Map<string, RecordingExporter>();
  const graph = buildGraph(
    config.service.pipelines,
    registryParts(
      config,
      (id) => testSettings(id, metrics),
      (id) => {
        const exporter = new RecordingExporter(id);
        exporters.set(id, exporter);
        return exporter;
      },
    ),
    () => undefined,
  );
  return {
    send: (receiver, batch) => {
      const router = graph.routers.get(receiver);
      if (!router) throw new Error(`no pipeline receives from ${receiver}`);
      return router.accept(batch);
    },
    exporters,
    metrics,
  };
}
