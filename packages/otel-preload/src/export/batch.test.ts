import { context, trace } from '@opentelemetry/api';
import { isTracingSuppressed } from '@opentelemetry/core';
import type { ExportResult } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Warnings } from '../../test-support/warnings.ts';
import type { Batch, BatchExporter, BatchSettings } from './batch.ts';
import { BatchQueue, pendingResources } from './batch.ts';

/** Numbers encoded as a JSON array; a negative number cannot be encoded. */
class NumberBatch implements Batch<number> {
  readonly items: number[] = [];
  get count(): number {
    return this.items.length;
  }
  add(item: number): void {
    if (item < 0) throw new Error(`cannot encode ${item}`);
    this.items.push(item);
  }
  ready(): undefined {
    return undefined;
  }
  encode(): Uint8Array {
    return Buffer.from(JSON.stringify(this.items));
  }
}

/** Resolves after the current event-loop turn's immediates have run. */
const endOfTurn = () => new Promise((resolve) => setImmediate(resolve));

const pushed = (made: NumberBatch[]): NumberBatch => {
  const batch = new NumberBatch();
  made.push(batch);
  return batch;
};

const numbersOf = (batches: Batch<number>[]) =>
  batches.flatMap((batch) => JSON.parse(Buffer.from(batch.encode()).toString()) as number[]);

/** Records every batch; answers each export after `delayMs`, or never when undefined. */
class Recorder implements BatchExporter {
  readonly batches: number[][] = [];
  readonly suppressed: boolean[] = [];
  private readonly delayMs: number | undefined;
  constructor(delayMs: number | undefined = 0) {
    this.delayMs = delayMs;
  }
  export(body: Uint8Array, count: number, done: (result: ExportResult) => void): void {
    const items = JSON.parse(Buffer.from(body).toString()) as number[];
    expect(items).toHaveLength(count);
    this.batches.push(items);
    this.suppressed.push(isTracingSuppressed(context.active()));
    if (this.delayMs !== undefined) setTimeout(() => done({ code: 0 }), this.delayMs);
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
  aborted = 0;
  abort(): void {
    this.aborted++;
  }
}

const settings = (over: Partial<BatchSettings<number>> = {}): BatchSettings<number> => ({
  maxQueueSize: 10,
  maxExportBatchSize: 4,
  scheduledDelayMillis: 60_000,
  exportTimeoutMillis: 1000,
  queueVariable: 'OTEL_BSP_MAX_QUEUE_SIZE',
  describe: 'spans',
  newBatch: () => new NumberBatch(),
  ...over,
});

describe('BatchQueue', () => {
  beforeAll(() => context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable()));
  afterAll(() => context.disable());

  it('exports in batches of at most maxExportBatchSize, one at a time, with tracing suppressed', async () => {
    const exporter = new Recorder(5);
    const queue = new BatchQueue(exporter, settings(), new Warnings());
    for (let i = 0; i < 9; i++) queue.add(i);
    await queue.flush();
    expect(exporter.batches).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8]]);
    expect(exporter.suppressed).toEqual([true, true, true]);
    expect(trace.getActiveSpan()).toBeUndefined();
  });

  it('drops what does not fit the queue and says so, naming the variable', async () => {
    const exporter = new Recorder(undefined); // the first export never answers
    const diag = new Warnings();
    const queue = new BatchQueue(exporter, settings({ exportTimeoutMillis: 50 }), diag);
    for (let i = 0; i < 4; i++) queue.add(i);
    await endOfTurn();
    expect(exporter.batches).toEqual([[0, 1, 2, 3]]);
    for (let i = 4; i < 20; i++) queue.add(i);
    // 4 went out in the first batch, 10 wait in the queue, 6 were dropped.
    expect(diag.lines).toHaveLength(1);
    expect(diag.lines[0]).toContain('OTEL_BSP_MAX_QUEUE_SIZE=10');
    await queue.flush(); // each stuck export is given up after exportTimeoutMillis
    expect(exporter.batches.flat()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
  });

  it('counts items not encoded yet against the queue bound', async () => {
    const exporter = new Recorder(0);
    const diag = new Warnings();
    const queue = new BatchQueue(exporter, settings(), diag);
    for (let i = 0; i < 20; i++) queue.add(i); // all in one turn: nothing is encoded yet
    expect(exporter.batches).toEqual([]);
    expect(diag.lines).toHaveLength(1);
    await queue.flush();
    expect(exporter.batches.flat()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('encodes items together: at the end of the event-loop turn, or 64 at a time', async () => {
    const made: NumberBatch[] = [];
    const exporter = new Recorder(undefined);
    const queue = new BatchQueue(
      exporter,
      settings({ maxQueueSize: 1000, maxExportBatchSize: 100, newBatch: () => pushed(made) }),
      new Warnings(),
    );
    for (let i = 0; i < 3; i++) queue.add(i);
    expect(made).toEqual([]);
    await endOfTurn();
    expect(made.flatMap((batch) => batch.items)).toEqual([0, 1, 2]);
    const encoded = () => made.flatMap((batch) => batch.items).length;
    for (let i = 3; i < 66; i++) queue.add(i);
    expect(encoded()).toBe(3);
    queue.add(66); // the 64th item of the turn
    expect(encoded()).toBe(67);
    queue.add(67);
    expect(encoded()).toBe(67);
    await endOfTurn();
    expect(encoded()).toBe(68);
  });

  it('exports items not encoded yet on shutdown', async () => {
    const exporter = new Recorder(0);
    const queue = new BatchQueue(exporter, settings(), new Warnings());
    for (let i = 0; i < 3; i++) queue.add(i);
    await queue.shutdown();
    expect(exporter.batches).toEqual([[0, 1, 2]]);
    queue.add(3);
    await endOfTurn();
    expect(exporter.batches).toEqual([[0, 1, 2]]);
  });

  it('drops an item that cannot be encoded, says so once, and goes on', async () => {
    const exporter = new Recorder(0);
    const diag = new Warnings();
    const queue = new BatchQueue(exporter, settings(), diag);
    for (const item of [1, -1, 2, -2, 3, 4, 5, 6]) queue.add(item);
    await queue.flush();
    // The unencodable items take no place in a batch (four to a batch here).
    expect(exporter.batches).toEqual([
      [1, 2, 3, 4],
      [5, 6],
    ]);
    expect(diag.lines.filter((line) => line.includes('could not be encoded'))).toEqual([
      'dropped spans that could not be encoded: Error: cannot encode -1 (repeats silenced for 60 s)',
    ]);
  });

  it('drops items, says so and never throws, when no batch can be made', async () => {
    const exporter = new Recorder(0);
    const diag = new Warnings();
    const failing = settings({
      newBatch: () => {
        throw new Error('lazy-otlp-exporter.cjs not found');
      },
    });
    const queue = new BatchQueue(exporter, failing, diag);
    expect(() => queue.add(1)).not.toThrow();
    await queue.flush();
    expect(exporter.batches).toEqual([]);
    expect(diag.lines[0]).toContain('lazy-otlp-exporter.cjs not found');
  });

  it('exports a batch whose resources cannot say whether they are complete', async () => {
    const exporter = new Recorder(0);
    const queue = new BatchQueue(
      exporter,
      settings({
        newBatch: () =>
          Object.assign(new NumberBatch(), {
            ready: () => {
              throw new Error('resource without waitForAsyncAttributes');
            },
          }),
      }),
      new Warnings(),
    );
    queue.add(1);
    await queue.flush();
    expect(exporter.batches).toEqual([[1]]);
  });

  it('gives everything up on abandon: the queue, the export in flight, later items', async () => {
    const exporter = new Recorder(undefined); // never answers
    const queue = new BatchQueue(exporter, settings(), new Warnings());
    for (let i = 0; i < 6; i++) queue.add(i);
    await endOfTurn();
    queue.add(6);
    queue.abandon();
    expect(exporter.aborted).toBe(1);
    queue.add(7);
    await endOfTurn();
    expect(queue.drain()).toEqual([]);
    expect(exporter.batches).toEqual([[0, 1, 2, 3]]);
  });

  it('hands over the batch in flight with the queue on drain', async () => {
    const exporter = new Recorder(undefined); // never answers: the first batch stays in flight
    const queue = new BatchQueue(exporter, settings(), new Warnings());
    for (let i = 0; i < 4; i++) queue.add(i);
    await endOfTurn();
    expect(exporter.batches).toEqual([[0, 1, 2, 3]]);
    for (let i = 4; i < 6; i++) queue.add(i); // not encoded yet
    expect(numbersOf(queue.drain())).toEqual([0, 1, 2, 3, 4, 5]);
    expect(queue.drain()).toEqual([]);
  });

  it('hands over what is queued on drain, and exports on its schedule otherwise', async () => {
    const exporter = new Recorder(0);
    const queue = new BatchQueue(exporter, settings({ scheduledDelayMillis: 20 }), new Warnings());
    queue.add(1);
    queue.add(2);
    expect(numbersOf(queue.drain())).toEqual([1, 2]);
    queue.add(3);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(exporter.batches).toEqual([[3]]);
  });
});

describe('pendingResources', () => {
  it('waits for resources still detecting attributes, and only for those', async () => {
    let finish: () => void = () => undefined;
    const detecting = {
      asyncAttributesPending: true,
      waitForAsyncAttributes: () => new Promise<void>((resolve) => (finish = resolve)),
    } as unknown as Resource;
    const complete = { asyncAttributesPending: false } as unknown as Resource;
    expect(pendingResources([{ resource: complete }])).toBeUndefined();
    let settled = false;
    void pendingResources([{ resource: complete }, { resource: detecting }])!.then(
      () => (settled = true),
    );
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(settled).toBe(false);
    finish();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(settled).toBe(true);
  });
});
