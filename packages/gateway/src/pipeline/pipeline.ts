import type { Exporter } from '../component.ts';
import { EncodedBatch } from '../encoded-batch.ts';
import type { Batch, Signal } from '../signal.ts';
import type { Refusal } from './consumer.ts';

/**
 * One configured pipeline: a signal, ordered processors (none yet), and the exporters it fans
 * out to. `accept` either places the batch in every exporter's queue or in none.
 */
export class Pipeline {
  readonly id: string;
  readonly signal: Signal;
  readonly exporters: readonly Exporter[];

  constructor(id: string, signal: Signal, exporters: readonly Exporter[]) {
    this.id = id;
    this.signal = signal;
    this.exporters = exporters;
  }

  /** True when some destination has no room: a batch now would be refused. */
  saturated(): boolean {
    return this.exporters.some((exporter) => !exporter.hasRoom());
  }

  /**
   * Encodes the batch once (or reuses the bytes it arrived in) and offers the encoding to every
   * exporter; call only after `saturated()` returned false in the same tick.
   */
  accept(batch: Batch): void {
    const encoded = EncodedBatch.of(batch);
    for (const exporter of this.exporters) {
      if (!exporter.offer(encoded))
        throw new Error(`exporter ${exporter.id} refused after reporting room`);
    }
  }
}

/**
 * Routes one receiver's batches to the pipelines that list it. Accepting is all-or-nothing across
 * pipelines too: every pipeline of the signal is checked for room before any is given the batch.
 */
export class ReceiverRouter {
  private readonly pipelines: Map<Signal, Pipeline[]>;
  private readonly pressure: () => Refusal | undefined;

  constructor(pipelines: Pipeline[], pressure: () => Refusal | undefined) {
    this.pressure = pressure;
    this.pipelines = new Map();
    for (const pipeline of pipelines) {
      const list = this.pipelines.get(pipeline.signal) ?? [];
      list.push(pipeline);
      this.pipelines.set(pipeline.signal, list);
    }
  }

  precheck(signal: Signal): Refusal | undefined {
    const pipelines = this.pipelines.get(signal);
    if (!pipelines)
      return { retryable: false, reason: `no pipeline receives ${signal} from this receiver` };
    const global = this.pressure();
    if (global) return global;
    if (pipelines.some((p) => p.saturated())) return { retryable: true, reason: 'backpressure' };
    return undefined;
  }

  accept(batch: Batch): Refusal | undefined {
    const refusal = this.precheck(batch.signal);
    if (refusal) return refusal;
    for (const pipeline of this.pipelines.get(batch.signal)!) pipeline.accept(batch);
    return undefined;
  }
}
