import type { BatchOf, RequestOf, Signal } from './signal.ts';
import { codecs } from './signal.ts';

/** Decoding depth for data a receiver already validated (receivers enforce their own limit). */
export const TRUSTED_DEPTH = 10_000;

/**
 * A batch as exporters hold it: the protobuf encoding of one or more requests of one signal.
 * Protobuf messages concatenate (two encoded requests back to back decode as one request holding
 * both lists), so merging batches is appending byte arrays, a queued batch costs its wire size,
 * and no decoded object outlives the receiver call that made it. Parts are never mutated, so one
 * encoding is shared by every exporter of a fan-out.
 */
export class EncodedBatch<S extends Signal = Signal> {
  readonly signal: S;
  private parts: Uint8Array[];
  private size: number;
  private count: number;

  constructor(signal: S, parts: Uint8Array[] = [], items = 0) {
    this.signal = signal;
    this.parts = parts;
    this.size = parts.reduce((sum, part) => sum + part.length, 0);
    this.count = items;
  }

  /**
   * Encodes a pipeline batch, reusing the bytes it arrived in when nothing changed them, and keeps
   * the encoding on the batch, so a batch routed to several pipelines is encoded once (whoever
   * changes it afterwards clears `wire`, as for received bytes).
   */
  static of<S extends Signal>(batch: BatchOf<S>): EncodedBatch<S> {
    const bytes = (batch.wire ??= codecs[batch.signal].encode(batch.request));
    return new EncodedBatch(batch.signal, [bytes], batch.items);
  }

  /** Spans, data points or log records in the batch. */
  get items(): number {
    return this.count;
  }

  /** Encoded size. */
  get bytes(): number {
    return this.size;
  }

  /** Appends another batch of the same signal (sharing its bytes, not copying them). */
  append(other: EncodedBatch<S>): void {
    for (const part of other.parts) this.parts.push(part);
    this.size += other.size;
    this.count += other.count;
  }

  /** The whole batch as one protobuf request; concatenates once, then returns the same bytes. */
  body(): Uint8Array {
    if (this.parts.length !== 1) this.parts = [Buffer.concat(this.parts, this.size)];
    return this.parts[0]!;
  }

  /** The batch decoded, for encodings other than protobuf (JSON files, detailed debug output). */
  decode(): RequestOf[S] {
    return codecs[this.signal].decode(this.body(), { maxDepth: TRUSTED_DEPTH });
  }

  /** The batch as one OTLP/JSON request. */
  json(): string {
    return codecs[this.signal].encodeJson(this.decode());
  }
}
