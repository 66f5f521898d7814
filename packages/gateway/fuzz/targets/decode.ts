// Fuzz target: the receivers' shared decode-and-accept step (receivers/ingest.ts) on the built
// code, as a request body reaches it. Byte 0 picks the signal and the encoding; the rest is the
// body. A finding is an exception, a decode error that is the codec's own fault (INTERNAL), a
// batch past a limit, memory left reserved, or an accepted batch whose canonical encoding does
// not decode back to itself.
import { pino } from 'pino';
import type { Settings } from '../../dist/component.js';
import { MemoryGuard } from '../../dist/memory/guard.js';
import type { BatchConsumer } from '../../dist/pipeline/consumer.js';
import { ingest } from '../../dist/receivers/ingest.js';
import { decodeOptions } from '../../dist/receivers/limits.js';
import type { Batch } from '../../dist/signal.js';
import { SIGNALS, codecs, contextOf } from '../../dist/signal.js';
import { GatewayMetrics } from '../../dist/telemetry/metrics.js';
import { ExecStats } from '../stats.ts';
import { FUZZ_LIMITS } from './limits.ts';

const OPTIONS = decodeOptions(32, FUZZ_LIMITS);
const TRUSTED = { maxDepth: 10_000 };
const CONTEXT = { ...contextOf('otlp_http'), tenant: 'fuzz' };
const memory = new MemoryGuard(4096, 8192);
const settings: Settings = {
  id: 'otlp_http',
  logger: pino({ level: 'silent' }),
  metrics: new GatewayMetrics({ processMetrics: false }),
  memory,
};
export const stats = new ExecStats();

/** The canonical encoding must decode back to the same bytes. */
function roundTrip(batch: Batch): void {
  const encoded = encode(batch);
  const again = encode({
    ...batch,
    request: codecs[batch.signal].decode(encoded, TRUSTED),
  } as Batch);
  if (Buffer.compare(Buffer.from(encoded), Buffer.from(again)) !== 0)
    throw new Error('canonical encoding does not decode back to itself');
}

function encode(batch: Batch): Uint8Array {
  switch (batch.signal) {
    case 'traces':
      codecs.traces.encodeJson(batch.request);
      return codecs.traces.encode(batch.request);
    case 'metrics':
      codecs.metrics.encodeJson(batch.request);
      return codecs.metrics.encode(batch.request);
    case 'logs':
      codecs.logs.encodeJson(batch.request);
      return codecs.logs.encode(batch.request);
  }
}

/** Checks and encodes what a receiver would queue. */
const consumer: BatchConsumer = {
  precheck: () => undefined,
  accept: (batch) => {
    if (batch.items > FUZZ_LIMITS.max_items)
      throw new Error(`accepted ${batch.items} items past the limit of ${FUZZ_LIMITS.max_items}`);
    if (batch.items !== codecs[batch.signal].count(batch.request as never))
      throw new Error('the batch item count does not match its request');
    roundTrip(batch);
    return undefined;
  },
};

function check(data: Buffer): void {
  if (data.length === 0) return;
  const signal = SIGNALS[data[0]! & 3];
  if (signal === undefined) return;
  const encoding = (data[0]! & 4) !== 0 ? 'json' : 'proto';
  const outcome = ingest(settings, consumer, signal, data.subarray(1), encoding, OPTIONS, CONTEXT);
  if (outcome.kind === 'bad_data' && outcome.rejection.code === 'INTERNAL')
    throw new Error(`decoder fault: ${outcome.rejection.message}`);
  if (outcome.kind === 'refused') throw new Error(`refused: ${outcome.refusal.reason}`);
  if (memory.reservedBytes !== 0) throw new Error(`${memory.reservedBytes} bytes left reserved`);
}

export function fuzz(data: Buffer): void {
  const started = performance.now();
  try {
    check(data);
  } finally {
    stats.record((performance.now() - started) * 1000, data);
  }
}
