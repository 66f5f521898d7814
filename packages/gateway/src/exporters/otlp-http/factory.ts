import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { decodeLogsResponse, decodeMetricsResponse, decodeTraceResponse } from '@org/otlp';
import { Pool } from 'undici';
import type { Exporter, ExporterFactory, Settings } from '../../component.ts';
import type { Batch, Signal } from '../../signal.ts';
import { SIGNALS, codecs } from '../../signal.ts';
import { QueuedExporter } from '../queued-exporter.ts';
import type { SendOutcome } from '../retry.ts';
import { isRetryableStatus, parseRetryAfter } from '../retry.ts';
import type { OtlpHttpExporterConfig } from './config.ts';
import { otlpHttpExporterConfigSchema } from './config.ts';

const gzipAsync = promisify(gzip);

/** The rejected count and message of a success response, if it carries a partial success. */
function partialSuccessOf(
  signal: Signal,
  body: Uint8Array,
  contentType: string,
): { rejected: bigint; message: string } | undefined {
  try {
    if (contentType.includes('json')) {
      const parsed = JSON.parse(Buffer.from(body).toString('utf8')) as {
        partialSuccess?: Record<string, string | number | undefined>;
      };
      const p = parsed.partialSuccess;
      if (!p) return undefined;
      return {
        rejected: BigInt(p[codecs[signal].rejectedKey] ?? 0),
        message: String(p.errorMessage ?? ''),
      };
    }
    if (signal === 'traces') {
      const p = decodeTraceResponse(body).partialSuccess;
      return p && { rejected: p.rejectedSpans, message: p.errorMessage };
    }
    if (signal === 'metrics') {
      const p = decodeMetricsResponse(body).partialSuccess;
      return p && { rejected: p.rejectedDataPoints, message: p.errorMessage };
    }
    const p = decodeLogsResponse(body).partialSuccess;
    return p && { rejected: p.rejectedLogRecords, message: p.errorMessage };
  } catch {
    return undefined; // an unreadable success body is still a success
  }
}

/**
 * One batch over OTLP/HTTP. Keep-alive connections from one undici pool per exporter; the body is
 * encoded once per attempt series and gzipped off the main thread. Outcomes follow the OTLP
 * spec: 2xx delivered (a partial success is logged: its rejected items must not be retried),
 * 429/502/503/504 retryable with Retry-After, any other status permanent, network errors
 * retryable.
 */
function createOtlpHttpExporter(settings: Settings, config: OtlpHttpExporterConfig): Exporter {
  const base = new URL(config.endpoint);
  const prefix = base.pathname.replace(/\/$/, '');
  const pool = new Pool(base.origin, {
    connections: config.sending_queue.consumers,
    keepAliveTimeout: 30_000,
  });
  const contentType = config.encoding === 'proto' ? 'application/x-protobuf' : 'application/json';

  async function send(batch: Batch, stop: AbortSignal): Promise<SendOutcome> {
    const codec = codecs[batch.signal];
    const encoded =
      config.encoding === 'proto'
        ? codec.encode(batch.request as never)
        : Buffer.from(codec.encodeJson(batch.request as never));
    const body = config.compression === 'gzip' ? await gzipAsync(encoded) : encoded;
    const headers: Record<string, string> = { ...config.headers, 'content-type': contentType };
    if (config.compression === 'gzip') headers['content-encoding'] = 'gzip';
    const signal = AbortSignal.any([stop, AbortSignal.timeout(config.timeout_ms)]);
    try {
      const response = await pool.request({
        method: 'POST',
        path: `${prefix}${codec.path}`,
        headers,
        body,
        signal,
      });
      const reply = new Uint8Array(await response.body.arrayBuffer());
      if (response.statusCode >= 200 && response.statusCode < 300) {
        const partial =
          reply.length > 0
            ? partialSuccessOf(batch.signal, reply, String(response.headers['content-type']))
            : undefined;
        if (partial && partial.rejected > 0n) {
          settings.logger.warn(
            {
              signal: batch.signal,
              rejected: partial.rejected.toString(),
              message: partial.message,
            },
            'destination rejected part of a batch',
          );
        }
        return { ok: true };
      }
      const retryAfter = response.headers['retry-after'];
      return {
        ok: false,
        retryable: isRetryableStatus(response.statusCode),
        reason: `HTTP ${response.statusCode}`,
        retryAfterMs: parseRetryAfter(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter),
      };
    } catch (error) {
      return { ok: false, retryable: true, reason: (error as Error).message };
    }
  }

  return new QueuedExporter(settings, config.sending_queue, config.retry_on_failure, send, () =>
    pool.close(),
  );
}

export const otlpHttpExporterFactory: ExporterFactory<OtlpHttpExporterConfig> = {
  kind: 'exporter',
  type: 'otlp_http',
  configSchema: otlpHttpExporterConfigSchema,
  signals: SIGNALS,
  create: createOtlpHttpExporter,
};
