import { ExportResultCode } from '@opentelemetry/core';
import type { ExportResult } from '@opentelemetry/core';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import {
  decodePartialSuccess,
  encodeLogsRequest,
  encodeLogsRequestJson,
  encodeTraceRequest,
  encodeTraceRequestJson,
} from '@org/otlp';
import { Grouper } from './convert.ts';
import { logsToRequest } from './log-records.ts';
import type { OtlpHttpSettings } from './otlp-http.ts';
import { OtlpHttpClient } from './otlp-http.ts';
import { spansToRequest } from './spans.ts';

/** Called when the receiver accepted a request but rejected some of its items (partial success). */
export type RejectedHandler = (rejected: number, message: string) => void;

/** How one signal's items become a request body, and which signal's response answers. */
interface Signal<I> {
  name: 'traces' | 'logs';
  encode(items: readonly I[], grouper: Grouper, json: boolean): Uint8Array;
}

const TRACES: Signal<ReadableSpan> = {
  name: 'traces',
  encode: (spans, grouper, json) => {
    const request = spansToRequest(spans, grouper);
    return json ? Buffer.from(encodeTraceRequestJson(request)) : encodeTraceRequest(request);
  },
};

const LOGS: Signal<ReadableLogRecord> = {
  name: 'logs',
  encode: (records, grouper, json) => {
    const request = logsToRequest(records, grouper);
    return json ? Buffer.from(encodeLogsRequestJson(request)) : encodeLogsRequest(request);
  },
};

/**
 * OTLP/HTTP exporter on the project's own codec: items are converted once, encoded in one pass
 * (protobuf or JSON) and posted over keep-alive connections, with the OTLP retry and
 * partial-success rules shared with the gateway (@org/otlp).
 */
class OtlpHttpExporter<I> {
  private readonly client: OtlpHttpClient;
  private readonly json: boolean;
  private readonly grouper = new Grouper();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly signal: Signal<I>;
  private readonly onRejected: RejectedHandler;

  constructor(signal: Signal<I>, settings: OtlpHttpSettings, onRejected: RejectedHandler) {
    this.signal = signal;
    this.client = new OtlpHttpClient(settings);
    this.json = settings.contentType === 'application/json';
    this.onRejected = onRejected;
  }

  export(items: I[], done: (result: ExportResult) => void): void {
    let payload: Uint8Array;
    try {
      payload = this.signal.encode(items, this.grouper, this.json);
    } catch (error) {
      done({ code: ExportResultCode.FAILED, error: error as Error });
      return;
    }
    const sending = this.client.export(payload).then(
      (body) => {
        this.checkPartialSuccess(body);
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

  private checkPartialSuccess(body: Buffer): void {
    if (body.length === 0) return;
    try {
      const partial = decodePartialSuccess(this.signal.name, body, this.json);
      if (partial && (partial.rejected > 0n || partial.message !== ''))
        this.onRejected(Number(partial.rejected), partial.message);
    } catch {
      // A success whose body is not an OTLP response still means the items were accepted.
    }
  }
}

/** A span exporter posting to `settings.url`. */
export function createSpanExporter(
  settings: OtlpHttpSettings,
  onRejected: RejectedHandler,
): SpanExporter {
  return new OtlpHttpExporter(TRACES, settings, onRejected);
}

/** A log record exporter posting to `settings.url`. */
export function createLogExporter(
  settings: OtlpHttpSettings,
  onRejected: RejectedHandler,
): LogRecordExporter {
  return new OtlpHttpExporter(LOGS, settings, onRejected);
}

/** Spans as one encoded OTLP request body, for the last-chance export at a crash. */
export function encodeSpans(spans: readonly ReadableSpan[], json: boolean): Uint8Array {
  return TRACES.encode(spans, new Grouper(), json);
}

/** Log records as one encoded OTLP request body, for the last-chance export at a crash. */
export function encodeLogs(records: readonly ReadableLogRecord[], json: boolean): Uint8Array {
  return LOGS.encode(records, new Grouper(), json);
}
