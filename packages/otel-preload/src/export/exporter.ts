import { ExportResultCode } from '@opentelemetry/core';
import type { ExportResult } from '@opentelemetry/core';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import {
  decodePartialSuccess,
  encodeLogsRequest,
  encodeLogsRequestJson,
  encodeTraceRequestJson,
} from '@org/otlp';
import type { Batch, BatchExporter } from './batch.ts';
import { ItemBatch } from './batch.ts';
import { Grouper } from './convert.ts';
import { logsToRequest } from './log-records.ts';
import type { OtlpHttpSettings } from './otlp-http.ts';
import { OtlpHttpClient } from './otlp-http.ts';
import { ProtobufSpans } from './proto-spans.ts';
import { spansToRequest } from './spans.ts';

/** Called when the receiver accepted a request but rejected some of its items (partial success). */
export type RejectedHandler = (rejected: number, message: string) => void;

/** Makes the batches of one signal in one encoding. */
export interface BatchCodec<I> {
  batch(): Batch<I>;
}

/**
 * Span batches: protobuf ones encode each span as it ends ({@link ProtobufSpans}); JSON ones
 * keep the spans and convert them when exported.
 */
export function spanCodec(json: boolean): BatchCodec<ReadableSpan> {
  if (!json) return new ProtobufSpans();
  const grouper = new Grouper();
  return {
    batch: () =>
      new ItemBatch((spans) => Buffer.from(encodeTraceRequestJson(spansToRequest(spans, grouper)))),
  };
}

/** Log record batches, converted and encoded when exported. */
export function logCodec(json: boolean): BatchCodec<ReadableLogRecord> {
  const grouper = new Grouper();
  return {
    batch: () =>
      new ItemBatch((records) => {
        const request = logsToRequest(records, grouper);
        return json ? Buffer.from(encodeLogsRequestJson(request)) : encodeLogsRequest(request);
      }),
  };
}

/**
 * Posts encoded OTLP request bodies of one signal over keep-alive connections, with the OTLP
 * retry and partial-success rules shared with the gateway (@org/otlp).
 */
class OtlpHttpExporter implements BatchExporter {
  private readonly client: OtlpHttpClient;
  private readonly json: boolean;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly signal: 'traces' | 'logs';
  private readonly onRejected: RejectedHandler;

  constructor(signal: 'traces' | 'logs', settings: OtlpHttpSettings, onRejected: RejectedHandler) {
    this.signal = signal;
    this.client = new OtlpHttpClient(settings);
    this.json = settings.contentType === 'application/json';
    this.onRejected = onRejected;
  }

  export(body: Uint8Array, _count: number, done: (result: ExportResult) => void): void {
    const sending = this.client.export(body).then(
      (response) => {
        this.checkPartialSuccess(response);
        done({ code: ExportResultCode.SUCCESS });
      },
      (error: Error) => done({ code: ExportResultCode.FAILED, error }),
    );
    this.inFlight.add(sending);
    void sending.finally(() => this.inFlight.delete(sending));
  }

  /** Resolves once every export started so far has finished (each is bounded by its timeout). */
  async forceFlush(): Promise<void> {
    await Promise.all(this.inFlight);
  }

  async shutdown(): Promise<void> {
    await this.forceFlush();
    this.client.close();
  }

  abort(): void {
    this.client.close();
  }

  private checkPartialSuccess(body: Buffer): void {
    if (body.length === 0) return;
    try {
      const partial = decodePartialSuccess(this.signal, body, this.json);
      if (partial && (partial.rejected > 0n || partial.message !== ''))
        this.onRejected(Number(partial.rejected), partial.message);
    } catch {
      // A success whose body is not an OTLP response still means the items were accepted.
    }
  }
}

/** An exporter posting one signal's request bodies to `settings.url`. */
export function createExporter(
  signal: 'traces' | 'logs',
  settings: OtlpHttpSettings,
  onRejected: RejectedHandler,
): BatchExporter & { forceFlush(): Promise<void> } {
  return new OtlpHttpExporter(signal, settings, onRejected);
}
