import type { Connector, ConnectorFactory, Downstream, Settings } from '../../component.ts';
import type { Delivery } from '../../pipeline/delivery.ts';
import { FanOut } from '../../pipeline/delivery.ts';
import type { Batch } from '../../signal.ts';
import type { ForwardConnectorConfig } from './config.ts';
import { forwardConnectorConfigSchema } from './config.ts';

/** Joins pipelines of one signal: everything one pipeline exports, the others receive. */
class ForwardConnector implements Connector {
  readonly id: string;
  private readonly downstream: readonly Downstream[];
  private readonly out: FanOut;

  constructor(settings: Settings, downstream: ReadonlyMap<string, Downstream>) {
    this.id = settings.id;
    this.downstream = [...downstream.values()];
    this.out = new FanOut([], this.downstream);
  }

  get mutates(): boolean {
    return this.out.mutates;
  }

  hasRoom(): boolean {
    return this.downstream.every((pipeline) => !pipeline.saturated());
  }

  route(batch: Batch, delivery: Delivery): void {
    this.out.route(batch, delivery);
  }

  start(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

export const forwardConnectorFactory: ConnectorFactory<ForwardConnectorConfig> = {
  kind: 'connector',
  type: 'forward',
  configSchema: forwardConnectorConfigSchema,
  connects: (from, to) => from === to,
  create: (settings, _config, downstream) => new ForwardConnector(settings, downstream),
};
