// Fuzz target: the receivers' decode step on the built code, as a request reaches it. Byte 0
// picks the signal and the encoding; the rest is the body. A finding is anything but a typed
// decode error, a decode error that is the codec's own fault (INTERNAL), a request that decodes
// past a limit, or a decoded request whose canonical encoding does not decode back to itself.
import { OtlpDecodeError } from '@org/otlp';
import { applyTenant } from '../../dist/receivers/auth.js';
import { decodeOptions } from '../../dist/receivers/limits.js';
import { rejectInvalid } from '../../dist/receivers/validate.js';
import type { RequestOf, Signal, SignalCodec } from '../../dist/signal.js';
import { SIGNALS, batchOf, codecs } from '../../dist/signal.js';
import { ExecStats } from '../stats.ts';
import { FUZZ_LIMITS } from './limits.ts';

const OPTIONS = decodeOptions(32, FUZZ_LIMITS);
const TRUSTED = { maxDepth: 10_000 };
export const stats = new ExecStats();

function check(data: Buffer): void {
  if (data.length === 0) return;
  const signal = SIGNALS[data[0]! & 3];
  if (signal !== undefined) receive(signal, data.subarray(1), (data[0]! & 4) !== 0);
}

/** Decodes as a receiver does, then does what a receiver does next, checking the invariants. */
function receive<S extends Signal>(signal: S, body: Uint8Array, json: boolean): void {
  const codec = codecs[signal] as SignalCodec<S>;
  let request: RequestOf[S];
  try {
    request = json ? codec.decodeJson(body, OPTIONS) : codec.decode(body, OPTIONS);
  } catch (error) {
    if (error instanceof OtlpDecodeError && error.code !== 'INTERNAL') return;
    throw error;
  }
  const batch = batchOf(signal, request);
  if (batch.items > FUZZ_LIMITS.max_items)
    throw new Error(`decoded ${batch.items} items past the limit of ${FUZZ_LIMITS.max_items}`);
  // Stamp the tenant, drop invalid items, encode for the queues.
  applyTenant(batch, 'fuzz');
  rejectInvalid(batch);
  const encoded = codec.encode(batch.request);
  const again = codec.encode(codec.decode(encoded, TRUSTED));
  if (Buffer.compare(Buffer.from(encoded), Buffer.from(again)) !== 0)
    throw new Error('canonical encoding does not decode back to itself');
  codec.encodeJson(batch.request);
}

export function fuzz(data: Buffer): void {
  const started = performance.now();
  try {
    check(data);
  } finally {
    stats.record((performance.now() - started) * 1000, data);
  }
}
