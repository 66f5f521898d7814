import type { DecodeOptions } from '@org/otlp';
import { OtlpDecodeError } from '@org/otlp';
import type { Settings } from '../component.ts';
import type { BatchConsumer, Refusal } from '../pipeline/consumer.ts';
import type { Batch, RequestContext, Signal } from '../signal.ts';
import { batchOf, codecs } from '../signal.ts';
import { applyTenant } from './auth.ts';
import type { DecodeRejection } from './limits.ts';
import { decodeCostBytes, decodeRejection } from './limits.ts';
import { rejectInvalid } from './validate.ts';

/** What became of a request body; each receiver answers it in its own protocol. */
export type IngestOutcome =
  /** Queued for every destination; `rejected` invalid items were left out (partial success). */
  | { kind: 'accepted'; rejected: number; message: string }
  /** Malformed, or over a decode limit: nothing of it was accepted. */
  | { kind: 'bad_data'; rejection: DecodeRejection }
  /** The pipelines refused it (backpressure, memory, shutting down, a processor failure). */
  | { kind: 'refused'; refusal: Refusal };

/**
 * The part of a request both receivers share once the body is in hand: reserve the memory the
 * decode may take, decode within the limits, stamp the tenant, drop invalid items, offer the batch
 * to the pipelines, count what was received and accepted. Refusals are counted by the receiver
 * that answers them.
 */
export function ingest(
  settings: Settings,
  next: BatchConsumer,
  signal: Signal,
  body: Uint8Array,
  encoding: 'proto' | 'json',
  options: DecodeOptions,
  context: RequestContext,
): IngestOutcome {
  // The decoded batch is memory in flight: reserved before it exists, given back once queued.
  const cost = decodeCostBytes(body.length, encoding === 'json', options.limits);
  if (!settings.memory.reserve(cost))
    return { kind: 'refused', refusal: { retryable: true, reason: 'memory' } };
  try {
    let batch: Batch;
    try {
      batch = decodeBatch(signal, body, encoding === 'json', options, context);
    } catch (error) {
      if (!(error instanceof OtlpDecodeError)) throw error;
      const what = encoding === 'proto' ? 'OTLP protobuf' : 'OTLP JSON';
      return { kind: 'bad_data', rejection: decodeRejection(error, what) };
    }
    if (encoding === 'proto') batch.wire = body;
    return accept(settings, next, batch);
  } finally {
    settings.memory.release(cost);
  }
}

/** Decodes a request body into the batch of its signal. */
function decodeBatch(
  signal: Signal,
  body: Uint8Array,
  json: boolean,
  options: DecodeOptions,
  context: RequestContext,
): Batch {
  switch (signal) {
    case 'traces': {
      const codec = codecs.traces;
      const request = json ? codec.decodeJson(body, options) : codec.decode(body, options);
      return batchOf(signal, request, context);
    }
    case 'metrics': {
      const codec = codecs.metrics;
      const request = json ? codec.decodeJson(body, options) : codec.decode(body, options);
      return batchOf(signal, request, context);
    }
    case 'logs': {
      const codec = codecs.logs;
      const request = json ? codec.decodeJson(body, options) : codec.decode(body, options);
      return batchOf(signal, request, context);
    }
  }
}

function accept(settings: Settings, next: BatchConsumer, batch: Batch): IngestOutcome {
  const { tenant } = batch.context;
  if (tenant !== undefined) applyTenant(batch, tenant);
  const labels = { receiver: settings.id, signal: batch.signal };
  settings.metrics.receiverReceived.inc(labels, batch.items);
  const { rejected, message } = rejectInvalid(batch);
  const items = batch.items; // the pipelines may change the batch
  if (items > 0 || rejected === 0) {
    const refusal = next.accept(batch);
    if (refusal) return { kind: 'refused', refusal };
  }
  settings.metrics.receiverAccepted.inc(labels, items);
  return { kind: 'accepted', rejected, message };
}
