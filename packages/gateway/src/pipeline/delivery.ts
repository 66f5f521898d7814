import type { Downstream, Effects, Exporter } from '../component.ts';
import { EncodedBatch, TRUSTED_DEPTH } from '../encoded-batch.ts';
import type { Batch } from '../signal.ts';
import { codecs } from '../signal.ts';

/**
 * The offers one accepted batch produces across the pipeline graph, collected while processors
 * run and made only when every branch has finished: a processor that throws leaves no exporter
 * holding part of the batch. Offers to the same exporter (reached through two pipelines) are
 * merged into one, so the room each exporter reported in the precheck is enough.
 */
export class Delivery implements Effects {
  private readonly offers = new Map<Exporter, EncodedBatch>();
  private readonly effects: (() => void)[] = [];

  /** Work to do once the offers are made (counting); never done for a refused request. */
  defer(effect: () => void): void {
    this.effects.push(effect);
  }

  add(exporter: Exporter, batch: EncodedBatch): void {
    const held = this.offers.get(exporter);
    if (!held) {
      this.offers.set(exporter, batch);
      return;
    }
    // The held batch may be shared with other exporters: merge into a new one.
    const merged = new EncodedBatch(batch.signal);
    merged.append(held);
    merged.append(batch);
    this.offers.set(exporter, merged);
  }

  /**
   * Makes the offers, then applies the deferred effects; call in the same tick as the precheck
   * that found room everywhere.
   */
  commit(): void {
    for (const [exporter, batch] of this.offers) {
      if (!exporter.offer(batch))
        throw new Error(`exporter ${exporter.id} refused after reporting room`);
    }
    for (const effect of this.effects) effect();
  }
}

/**
 * Thrown through the graph when a request has data for a pipeline without room (found by a
 * connector that routes per record); the receiver refuses the whole request as backpressure. It
 * is thrown before any offer is made, so nothing of the request is delivered.
 */
export class RouteFull extends Error {
  override readonly name = 'RouteFull';
}

/** A copy of `batch` that shares nothing with it, decoded from its encoding. */
export function copyBatch(batch: Batch, bytes: Uint8Array): Batch {
  // One object literal for the three signals: the signal and its request always match here.
  return {
    signal: batch.signal,
    request: codecs[batch.signal].decode(bytes, { maxDepth: TRUSTED_DEPTH }),
    items: batch.items,
    context: batch.context,
    wire: bytes,
  } as Batch;
}

/**
 * One fan-out point: a batch goes to some exporters and some downstream pipelines (or
 * connectors). Exporters take the encoding (one for all of them), branches that do not change
 * batches share the batch, and each branch that does gets its own copy, except the last, which
 * gets the original, so a fan-out with one mutating branch copies nothing.
 */
export class FanOut {
  private readonly exporters: readonly Exporter[];
  private readonly shared: readonly Pick<Downstream, 'route'>[];
  private readonly owning: readonly Pick<Downstream, 'route'>[];

  constructor(
    exporters: readonly Exporter[],
    branches: readonly Pick<Downstream, 'route' | 'mutates'>[],
  ) {
    this.exporters = exporters;
    this.shared = branches.filter((b) => !b.mutates);
    this.owning = branches.filter((b) => b.mutates);
  }

  /** True when some branch changes batches in place. */
  get mutates(): boolean {
    return this.owning.length > 0;
  }

  route(batch: Batch, delivery: Delivery): void {
    let encoded: EncodedBatch | undefined;
    if (this.exporters.length > 0) {
      encoded = EncodedBatch.of(batch);
      for (const exporter of this.exporters) delivery.add(exporter, encoded);
    }
    routeBranches(batch, this.shared, this.owning, delivery, { encoded, giveOriginal: true });
  }
}

/**
 * Routes `batch` to branches that only read it (`shared`, all given the batch) and branches that
 * change it (`owning`, each given a copy). With `giveOriginal` the last owning branch gets the
 * batch itself; without, every one gets a copy and the batch stays as it was (for batches that
 * share messages with others still to be routed). `encoded`: the batch's encoding, when made.
 */
export function routeBranches(
  batch: Batch,
  shared: readonly Pick<Downstream, 'route'>[],
  owning: readonly Pick<Downstream, 'route'>[],
  delivery: Delivery,
  options: { encoded?: EncodedBatch | undefined; giveOriginal: boolean },
): void {
  for (const branch of shared) branch.route(batch, delivery);
  let encoded = options.encoded;
  const copies = options.giveOriginal ? owning.length - 1 : owning.length;
  for (let i = 0; i < copies; i++) {
    encoded ??= EncodedBatch.of(batch);
    owning[i]!.route(copyBatch(batch, encoded.body()), delivery);
  }
  if (options.giveOriginal && owning.length > 0) owning[owning.length - 1]!.route(batch, delivery);
}
