// A config's real processors and connectors, in process, with exporters that record what they are
// offered instead of sending it: for tests of what a config does to data.
import type { ResolvedConfig } from '../src/config/schema.ts';
import type { Refusal } from '../src/pipeline/consumer.ts';
import { buildGraph } from '../src/pipeline/graph.ts';
import { registryParts } from '../src/pipeline/parts.ts';
import type { Batch } from '../src/signal.ts';
import { GatewayMetrics } from '../src/telemetry/metrics.ts';
import { RecordingExporter } from './recording-exporter.ts';
import { testSettings } from './settings.ts';

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
