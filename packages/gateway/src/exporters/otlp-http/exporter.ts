import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { isRetryableHttpStatus, parseRetryAfter } from '@org/otlp';
import { Pool } from 'undici';
import type { Exporter, Settings } from '../../component.ts';
import type { EncodedBatch } from '../../encoded-batch.ts';
import { codecs } from '../../signal.ts';
import { clientTls } from '../../tls/config.ts';
import { logPartialSuccess } from '../partial-success.ts';
import { QueuedExporter } from '../queued-exporter.ts';
import type { SendOutcome } from '../retry.ts';
import type { OtlpHttpExporterConfig } from './config.ts';

const gzipAsync = promisify(gzip);

/**
 * One batch over OTLP/HTTP. Keep-alive connections from one undici pool per exporter; the body is
 * merged by the queue, encoded as JSON only when configured, and gzipped off the main thread. Outcomes follow the OTLP
 * spec: 2xx delivered (a partial success is logged: its rejected items must not be retried),
 * 429/502/503/504 retryable with Retry-After, any other status permanent, network errors
 * retryable.
 */
export function createOtlpHttpExporter(
  settings: Settings,
  config: OtlpHttpExporterConfig,
): Exporter {
  const base = new URL(config.endpoint);
  const prefix = base.pathname.replace(/\/$/, '');
  const tls = clientTls(config.tls);
  const pool = new Pool(base.origin, {
    connections: config.sending_queue.consumers,
    keepAliveTimeout: 30_000,
    connect: {
      ...(tls.ca ? { ca: tls.ca } : {}),
      ...(tls.cert && tls.key ? { cert: tls.cert, key: tls.key } : {}),
      ...(tls.servername ? { servername: tls.servername } : {}),
      rejectUnauthorized: tls.rejectUnauthorized,
    },
  });
  const contentType = config.encoding === 'proto' ? 'application/x-protobuf' : 'application/json';

  const gzipOptions = { level: config.compression_level };

  async function send(batch: EncodedBatch, stop: AbortSignal): Promise<SendOutcome> {
    const codec = codecs[batch.signal];
    const encoded = config.encoding === 'proto' ? batch.body() : Buffer.from(batch.json());
    const body = config.compression === 'gzip' ? await gzipAsync(encoded, gzipOptions) : encoded;
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
        logPartialSuccess(
          settings.logger,
          batch.signal,
          reply,
          String(response.headers['content-type']),
        );
        return { ok: true };
      }
      const retryAfter = response.headers['retry-after'];
      return {
        ok: false,
        retryable: isRetryableHttpStatus(response.statusCode),
        reason: `HTTP ${response.statusCode}`,
        retryAfterMs: parseRetryAfter(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter),
      };
    } catch (error) {
      return { ok: false, retryable: true, reason: (error as Error).message };
    }
  }

  return new QueuedExporter(
    settings,
    { queue: config.sending_queue, batch: config.batch, retry: config.retry_on_failure },
    send,
    () => pool.close(),
  );
}
