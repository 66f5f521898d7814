import { context, trace } from '@opentelemetry/api';
import { isTracingSuppressed } from '@opentelemetry/core';
import type { ExportResult } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Diagnostics } from '../diag.ts';
import type { BatchExporter, BatchSettings } from './batch.ts';
import { BatchQueue, pendingResources } from './batch.ts';

/** Records every batch; answers each export after `delayMs`, or never when undefined. */
class Recorder implements BatchExporter<number> {
  readonly batches: number[][] = [];
  readonly suppressed: boolean[] = [];
  private readonly delayMs: number | undefined;
  constructor(delayMs: number | undefined = 0) {
    this.delayMs = delayMs;
  }
  export(items: number[], done: (result: ExportResult) => void): void {
    this.batches.push([...items]);
    this.suppressed.push(isTracingSuppressed(context.active()));
    if (this.delayMs !== undefined) setTimeout(() => done({ code: 0 }), this.delayMs);
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

class Warnings extends Diagnostics {
  readonly lines: string[] = [];
  constructor() {
    super('warn');
  }
  override warn(message: string): void {
    this.lines.push(message);
  }
}

const settings = (over: Partial<BatchSettings> = {}): BatchSettings => ({
  maxQueueSize: 10,
  maxExportBatchSize: 4,
  scheduledDelayMillis: 60_000,
  exportTimeoutMillis: 1000,
  queueVariable: 'OTEL_BSP_MAX_QUEUE_SIZE',
  describe: 'spans',
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
    for (let i = 0; i < 20; i++) queue.add(i);
    // 4 went out in the first batch, 10 wait in the queue, 6 were dropped.
    expect(diag.lines).toHaveLength(1);
    expect(diag.lines[0]).toContain('OTEL_BSP_MAX_QUEUE_SIZE=10');
    await queue.flush(); // each stuck export is given up after exportTimeoutMillis
    expect(exporter.batches.flat()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
  });

  it('hands over the batch in flight with the queue on drain', () => {
    const exporter = new Recorder(undefined); // never answers: the first batch stays in flight
    const queue = new BatchQueue(exporter, settings(), new Warnings());
    for (let i = 0; i < 6; i++) queue.add(i);
    expect(exporter.batches).toEqual([[0, 1, 2, 3]]);
    expect(queue.drain()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(queue.drain()).toEqual([]);
  });

  it('hands over what is queued on drain, and exports on its schedule otherwise', async () => {
    const exporter = new Recorder(0);
    const queue = new BatchQueue(exporter, settings({ scheduledDelayMillis: 20 }), new Warnings());
    queue.add(1);
    queue.add(2);
    expect(queue.drain()).toEqual([1, 2]);
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
