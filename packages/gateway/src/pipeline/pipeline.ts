import type { Connector, Downstream, Exporter } from '../component.ts';
import type { Batch, Signal } from '../signal.ts';
import type { Refusal } from './consumer.ts';
import { Delivery, FanOut, RouteFull } from './delivery.ts';
import type { ProcessorStage } from './processor-stage.ts';
import { ProcessorFailure } from './processor-stage.ts';

/**
 * One configured pipeline: a signal, ordered processors, and what it fans out to (exporters and
 * connectors). `route` runs the processors and adds the resulting offers to a delivery.
 */
export class Pipeline implements Downstream {
  readonly id: string;
  readonly signal: Signal;
  readonly processors: readonly ProcessorStage[];
  readonly exporters: readonly Exporter[];
  readonly connectors: readonly Connector[];
  readonly mutates: boolean;
  private readonly out: FanOut;

  constructor(
    id: string,
    signal: Signal,
    processors: readonly ProcessorStage[],
    exporters: readonly Exporter[],
    connectors: readonly Connector[] = [],
  ) {
    this.id = id;
    this.signal = signal;
    this.processors = processors;
    this.exporters = exporters;
    this.connectors = connectors;
    this.out = new FanOut(exporters, connectors);
    this.mutates = processors.some((p) => p.mutates) || this.out.mutates;
  }

  /** True when some destination has no room: a batch now would be refused. */
  saturated(): boolean {
    return (
      this.exporters.some((exporter) => !exporter.hasRoom()) ||
      this.connectors.some((connector) => !connector.hasRoom())
    );
  }

  route(batch: Batch, delivery: Delivery): void {
    let current: Batch | undefined = batch;
    for (const stage of this.processors) {
      current = stage.run(current, delivery);
      if (!current) return;
    }
    this.out.route(current, delivery);
  }
}

/**
 * Routes one receiver's batches to the pipelines that list it. Accepting is all-or-nothing across
 * the whole graph: every pipeline of the signal (and everything its connectors feed) is checked
 * for room, all processors run, and only then are the exporters given the batch.
 */
export class ReceiverRouter {
  private readonly pipelines: Map<Signal, { list: Pipeline[]; out: FanOut }>;
  private readonly pressure: (checkMemory: boolean) => Refusal | undefined;

  constructor(
    pipelines: readonly Pipeline[],
    pressure: (checkMemory: boolean) => Refusal | undefined,
  ) {
    this.pressure = pressure;
    const bySignal = new Map<Signal, Pipeline[]>();
    for (const pipeline of pipelines) {
      const list = bySignal.get(pipeline.signal) ?? [];
      list.push(pipeline);
      bySignal.set(pipeline.signal, list);
    }
    this.pipelines = new Map(
      [...bySignal].map(([signal, list]) => [signal, { list, out: new FanOut([], list) }]),
    );
  }

  precheck(signal: Signal): Refusal | undefined {
    return this.check(signal, 'before_read');
  }

  /**
   * Memory pressure is checked before a request is read, not again once it is decoded: the
   * decoded batch is garbage as soon as it is queued, and refusing because of it would refuse
   * the same large request on every retry.
   */
  private check(signal: Signal, stage: 'before_read' | 'decoded'): Refusal | undefined {
    const pipelines = this.pipelines.get(signal);
    if (!pipelines)
      return {
        retryable: false,
        reason: 'no_pipeline',
        detail: `no pipeline receives ${signal} from this receiver`,
      };
    const global = this.pressure(stage === 'before_read');
    if (global) return global;
    if (pipelines.list.some((p) => p.saturated()))
      return { retryable: true, reason: 'backpressure' };
    return undefined;
  }

  /**
   * Runs the pipelines. The batch may be changed in place by them: read what you need of it
   * (its item count) before calling.
   */
  accept(batch: Batch): Refusal | undefined {
    const refusal = this.check(batch.signal, 'decoded');
    if (refusal) return refusal;
    const delivery = new Delivery();
    try {
      this.pipelines.get(batch.signal)!.out.route(batch, delivery);
    } catch (error) {
      if (error instanceof RouteFull) return { retryable: true, reason: 'backpressure' };
      if (!(error instanceof ProcessorFailure)) throw error;
      return { retryable: false, reason: 'processor_error', detail: error.message };
    }
    delivery.commit();
    return undefined;
  }
}
