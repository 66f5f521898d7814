import type { Exporter, Settings } from '../component.ts';
import type { ResolvedConfig } from '../config/schema.ts';
import { connectorFactories, exporterFactories, processorFactories } from '../registry.ts';
import type { GraphParts } from './graph.ts';
import { ProcessorStage } from './processor-stage.ts';

/**
 * The parts a config's graph is built from: its processors, connectors and exporters created by
 * their registered factories. `exporter` replaces the exporters (for tests that run a config's
 * real processors and connectors without the network).
 */
export function registryParts(
  config: ResolvedConfig,
  settings: (id: string, pipeline?: string) => Settings,
  exporter?: (id: string) => Exporter,
): GraphParts {
  return {
    isConnector: (id) => config.connectorConfigs.has(id),
    exporter:
      exporter ??
      ((id) => {
        const { type, config: c } = config.exporterConfigs.get(id)!;
        return exporterFactories.get(type)!.create(settings(id), c);
      }),
    processor: (id, pipeline) => {
      const { type, config: c } = config.processorConfigs.get(id)!;
      const factory = processorFactories.get(type)!;
      const own = settings(id, pipeline);
      return new ProcessorStage(own, factory.create(own, c), factory.mutates, pipeline);
    },
    connector: (id, downstream) => {
      const { type, config: c } = config.connectorConfigs.get(id)!;
      return connectorFactories.get(type)!.create(settings(id), c, downstream);
    },
  };
}
