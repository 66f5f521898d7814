import type { Connector, Downstream, Settings } from '../../component.ts';
import type { Delivery } from '../../pipeline/delivery.ts';
import { FanOut } from '../../pipeline/delivery.ts';
import type { Batch } from '../../signal.ts';

/** Joins pipelines of one signal: everything one pipeline exports, the others receive. */
export class ForwardConnector implements Connector {
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
