// An exporter for tests that run the pipeline graph in process: it keeps what it is offered
// instead of sending it, and can be told to report a full queue.
import type { ExportTraceServiceRequest } from '@org/otlp';
import { forEachSpan } from '@org/otlp';
import type { Exporter } from '../src/component.ts';
import type { EncodedBatch } from '../src/encoded-batch.ts';
import type { Batch } from '../src/signal.ts';

export class RecordingExporter implements Exporter {
  readonly id: string;
  /** What was offered, as offered (encodings are shared across a fan-out: compare by identity). */
  readonly offers: EncodedBatch[] = [];
  /** False makes it report a full queue. */
  room = true;
  constructor(id: string) {
    this.id = id;
  }
  hasRoom = () => this.room;
  offer(batch: EncodedBatch): boolean {
    this.offers.push(batch);
    return true;
  }
  healthy = () => true;
  start = () => Promise.resolve();
  shutdown = () => Promise.resolve();

  /** The offers decoded again, as the destination would read them. */
  get batches(): Batch['request'][] {
    return this.offers.map((offer) => offer.decode());
  }

  /** The names of every span offered, in order (other signals' offers are skipped). */
  spanNames(): string[] {
    const names: string[] = [];
    for (const offer of this.offers) {
      if (offer.signal !== 'traces') continue;
      forEachSpan(offer.decode() as ExportTraceServiceRequest, (span) => names.push(span.name));
    }
    return names;
  }
}
