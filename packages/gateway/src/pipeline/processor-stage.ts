import type { Effects, Processor, Settings } from '../component.ts';
import { DROP, IMMEDIATE, UNCHANGED } from '../component.ts';
import type { Batch } from '../signal.ts';

/** Thrown through the graph when a processor fails; the receiver refuses the whole request. */
export class ProcessorFailure extends Error {
  override readonly name = 'ProcessorFailure';
  readonly processor: string;

  constructor(processor: string, pipeline: string, cause: unknown) {
    super(`processor ${processor} in pipeline ${pipeline} failed`, { cause });
    this.processor = processor;
  }
}

/** At most one log line per processor in this many milliseconds; every failure is counted. */
const LOG_INTERVAL_MS = 10_000;

/**
 * The one wrapper around every processor: it runs the processor, drops the received encoding of
 * a batch the processor may have changed, counts items the processor removed, and turns a throw
 * into a ProcessorFailure (counted, logged at most once per interval). A batch left with no items
 * stops here.
 */
export class ProcessorStage {
  readonly id: string;
  readonly mutates: boolean;
  readonly processor: Processor;
  private readonly settings: Settings;
  private readonly pipeline: string;
  private lastLog = -Infinity;

  constructor(settings: Settings, processor: Processor, mutates: boolean, pipeline: string) {
    this.id = settings.id;
    this.settings = settings;
    this.processor = processor;
    this.mutates = mutates;
    this.pipeline = pipeline;
  }

  /**
   * The processed batch, or undefined when nothing is left of it. Counts of what was dropped are
   * deferred to `effects` (applied when the request is accepted); errors are counted at once.
   */
  run(batch: Batch, effects: Effects = IMMEDIATE): Batch | undefined {
    const before = batch.items;
    const labels = { processor: this.id, pipeline: this.pipeline, signal: batch.signal };
    let out: ReturnType<Processor['process']>;
    try {
      out = this.processor.process(batch, batch.context, effects);
    } catch (error) {
      this.settings.metrics.processorErrors.inc(labels);
      const now = performance.now();
      if (now - this.lastLog >= LOG_INTERVAL_MS) {
        this.lastLog = now;
        this.settings.logger.error(
          { err: error, pipeline: this.pipeline },
          'processor failed; request refused',
        );
      }
      throw new ProcessorFailure(this.id, this.pipeline, error);
    }
    if (out === UNCHANGED) return batch;
    const { metrics } = this.settings;
    if (out === DROP) {
      effects.defer(() => metrics.processorDropped.inc(labels, before));
      return undefined;
    }
    out.wire = undefined;
    const removed = before - out.items;
    if (removed > 0) effects.defer(() => metrics.processorDropped.inc(labels, removed));
    return out.items > 0 ? out : undefined;
  }
}
