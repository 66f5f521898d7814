import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { OtlpDecodeError } from '@org/otlp';
import type { Lifecycle, Settings } from '../../component.ts';
import type { BatchConsumer, Refusal } from '../../pipeline/consumer.ts';
import type { Signal } from '../../signal.ts';
import { batchOf, codecs } from '../../signal.ts';
import { serverTls } from '../../tls/config.ts';
import { Authenticator, applyTenant } from '../auth.ts';
import { rejectInvalid } from '../validate.ts';
import { BadBodyEncoding, BodyTooLarge, readBody } from './body.ts';
import type { OtlpHttpReceiverConfig } from './config.ts';
import type { BodyEncoding } from './responses.ts';
import { RpcCode, statusBody, successBody } from './responses.ts';

const PATHS = new Map<string, Signal>([
  ['/v1/traces', 'traces'],
  ['/v1/metrics', 'metrics'],
  ['/v1/logs', 'logs'],
]);

function bodyEncodingOf(req: IncomingMessage): BodyEncoding | undefined {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/x-protobuf' || type === 'application/protobuf') return 'proto';
  if (type === 'application/json') return 'json';
  return undefined;
}

function compressionOf(req: IncomingMessage): 'gzip' | 'deflate' | 'identity' | undefined {
  const value = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  return value === 'gzip' || value === 'deflate' || value === 'identity'
    ? value
    : value === ''
      ? 'identity'
      : undefined;
}

/**
 * OTLP/HTTP receiver. Status codes (OTLP spec): 200 (with partial_success when items were
 * rejected), 400 malformed payload, 404 unknown path, 405 wrong method, 413 body over the limit
 * after decompression, 415 unknown content type or encoding, 503 + Retry-After when saturated
 * (refused before the body is read or decoded). Error bodies are google.rpc.Status in the
 * request's encoding.
 */
export class OtlpHttpReceiver implements Lifecycle {
  private readonly server: Server;
  private shutdownPromise: Promise<void> | undefined;
  private readonly settings: Settings;
  private readonly config: OtlpHttpReceiverConfig;
  private next: BatchConsumer;
  private readonly auth: Authenticator | undefined;

  constructor(settings: Settings, config: OtlpHttpReceiverConfig, next: BatchConsumer) {
    this.settings = settings;
    this.config = config;
    this.next = next;
    this.auth = config.auth ? new Authenticator(config.auth) : undefined;
    const handler = (req: IncomingMessage, res: ServerResponse) => {
      this.handle(req, res).catch((error: unknown) => {
        settings.logger.error({ err: error }, 'request handling failed');
        if (!res.headersSent)
          this.reply(res, 500, statusBody(RpcCode.INTERNAL, 'internal error', 'json'), 'json');
        else res.destroy();
      });
    };
    const options = { keepAliveTimeout: 65_000, requestTimeout: 60_000 };
    if (config.tls) {
      const { cert, key, ca } = serverTls(config.tls);
      this.server = createTlsServer(
        {
          ...options,
          cert,
          key,
          ...(ca ? { ca, requestCert: true, rejectUnauthorized: true } : {}),
        },
        handler,
      );
    } else this.server = createServer(options, handler);
  }

  /** The bound port (useful with port 0). */
  get port(): number {
    const address = this.server.address();
    return typeof address === 'object' && address ? address.port : 0;
  }

  /** Points the receiver at new pipelines (hot reload) without closing its listener. */
  retarget(next: BatchConsumer): void {
    this.next = next;
  }

  start(): Promise<void> {
    const { endpoint } = this.config;
    const colon = endpoint.lastIndexOf(':');
    const host = endpoint.slice(0, colon).replace(/^\[|\]$/g, '');
    const port = Number(endpoint.slice(colon + 1));
    return new Promise((resolve, reject) => {
      const fail = (error: Error) =>
        reject(new Error(`cannot listen on ${endpoint}: ${error.message}`));
      this.server.once('error', fail);
      this.server.listen(port, host, () => {
        this.server.off('error', fail);
        this.settings.logger.info(
          { tls: this.config.tls !== undefined, endpoint: `${host}:${this.port}` },
          'OTLP/HTTP receiver listening',
        );
        resolve();
      });
    });
  }

  private reply(
    res: ServerResponse,
    status: number,
    body: Buffer,
    encoding: BodyEncoding,
    headers: Record<string, string> = {},
  ): void {
    res.writeHead(status, {
      'content-type': encoding === 'json' ? 'application/json' : 'application/x-protobuf',
      'content-length': body.length,
      ...headers,
    });
    res.end(body);
  }

  private refuse(
    res: ServerResponse,
    signal: Signal,
    refusal: Refusal,
    encoding: BodyEncoding,
  ): void {
    this.countRefused(signal, refusal.reason);
    if (refusal.retryable) {
      this.reply(
        res,
        503,
        statusBody(
          RpcCode.UNAVAILABLE,
          `temporarily refused (${refusal.reason}); retry later`,
          encoding,
        ),
        encoding,
        {
          'retry-after': String(this.config.retry_after_s),
        },
      );
    } else if (refusal.reason.startsWith('no pipeline')) {
      this.reply(res, 404, statusBody(RpcCode.NOT_FOUND, refusal.reason, encoding), encoding);
    } else {
      const message = refusal.detail ?? refusal.reason;
      this.reply(res, 500, statusBody(RpcCode.INTERNAL, message, encoding), encoding);
    }
  }

  private countRefused(signal: Signal | 'unknown', reason: string): void {
    this.settings.metrics.receiverRefused.inc({ receiver: this.settings.id, signal, reason });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]!;
    const signal = PATHS.get(path);
    const encoding = bodyEncodingOf(req);
    const errorEncoding = encoding ?? 'json';
    const count = (reason: string) => this.countRefused(signal ?? 'unknown', reason);
    if (!signal) {
      count('not_found');
      return this.reply(
        res,
        404,
        statusBody(
          RpcCode.NOT_FOUND,
          `unknown path ${path}; use /v1/traces, /v1/metrics or /v1/logs`,
          errorEncoding,
        ),
        errorEncoding,
      );
    }
    if (req.method !== 'POST') {
      count('method');
      return this.reply(
        res,
        405,
        statusBody(
          RpcCode.UNIMPLEMENTED,
          `method ${req.method} not allowed; use POST`,
          errorEncoding,
        ),
        errorEncoding,
        { allow: 'POST' },
      );
    }
    if (!encoding) {
      count('content_type');
      return this.reply(
        res,
        415,
        statusBody(
          RpcCode.INVALID_ARGUMENT,
          `unsupported content type "${req.headers['content-type'] ?? ''}"; use application/x-protobuf or application/json`,
          'json',
        ),
        'json',
      );
    }
    const compression = compressionOf(req);
    if (!compression) {
      count('content_encoding');
      return this.reply(
        res,
        415,
        statusBody(
          RpcCode.INVALID_ARGUMENT,
          `unsupported content encoding "${req.headers['content-encoding']}"; use gzip, deflate or none`,
          encoding,
        ),
        encoding,
      );
    }
    let tenant: string | undefined;
    if (this.auth) {
      tenant = this.auth.tenantOf((name) => {
        const value = req.headers[name];
        return Array.isArray(value) ? value[0] : value;
      });
      if (tenant === undefined) {
        count('unauthorized');
        res.setHeader('connection', 'close');
        return this.reply(
          res,
          401,
          statusBody(RpcCode.UNAUTHENTICATED, 'missing or unknown credential', encoding),
          encoding,
          {
            'www-authenticate': 'Bearer',
          },
        );
      }
    }
    const early = this.next.precheck(signal);
    if (early) {
      res.setHeader('connection', 'close');
      return this.refuse(res, signal, early, encoding);
    }
    const declared = Number(req.headers['content-length'] ?? 0);
    const limit = this.config.max_body_bytes;
    if (compression === 'identity' && declared > limit) {
      count('too_large');
      res.setHeader('connection', 'close');
      return this.reply(
        res,
        413,
        statusBody(
          RpcCode.INVALID_ARGUMENT,
          `body of ${declared} bytes exceeds the ${limit}-byte limit`,
          encoding,
        ),
        encoding,
      );
    }

    let reading = 0;
    const { inFlight } = this.settings;
    try {
      await this.decodeAndAccept(req, res, signal, encoding, compression, tenant, (n) => {
        reading += n;
        inFlight.add(n);
      });
    } finally {
      inFlight.remove(reading);
    }
  }

  private async decodeAndAccept(
    req: IncomingMessage,
    res: ServerResponse,
    signal: Signal,
    encoding: BodyEncoding,
    compression: 'gzip' | 'deflate' | 'identity',
    tenant: string | undefined,
    onBytes: (count: number) => void,
  ): Promise<void> {
    const limit = this.config.max_body_bytes;
    const count = (reason: string) => this.countRefused(signal, reason);
    let body: Buffer;
    try {
      body = await readBody(req, compression, limit, onBytes);
    } catch (error) {
      if (error instanceof BodyTooLarge) {
        count('too_large');
        res.setHeader('connection', 'close');
        return this.reply(
          res,
          413,
          statusBody(RpcCode.INVALID_ARGUMENT, error.message, encoding),
          encoding,
        );
      }
      if (error instanceof BadBodyEncoding) {
        count('invalid');
        return this.reply(
          res,
          400,
          statusBody(RpcCode.INVALID_ARGUMENT, error.message, encoding),
          encoding,
        );
      }
      throw error;
    }

    const codec = codecs[signal];
    let request;
    try {
      request =
        encoding === 'proto'
          ? codec.decode(body, this.config.max_depth)
          : codec.decodeJson(body, this.config.max_depth);
    } catch (error) {
      if (!(error instanceof OtlpDecodeError)) throw error;
      count('invalid');
      return this.reply(
        res,
        400,
        statusBody(
          RpcCode.INVALID_ARGUMENT,
          `invalid OTLP ${encoding === 'proto' ? 'protobuf' : 'JSON'}: ${String(error)}`,
          encoding,
        ),
        encoding,
      );
    }
    const batch = batchOf(signal, request);
    if (encoding === 'proto') batch.wire = body;
    if (tenant !== undefined) applyTenant(batch, tenant);
    const labels = { receiver: this.settings.id, signal };
    this.settings.metrics.receiverReceived.inc(labels, batch.items);
    const { rejected, message } = rejectInvalid(batch);
    const items = batch.items; // the pipelines may change the batch
    if (items > 0 || rejected === 0) {
      const refusal = this.next.accept(batch);
      if (refusal) return this.refuse(res, signal, refusal, encoding);
    }
    this.settings.metrics.receiverAccepted.inc(labels, items);
    this.reply(res, 200, successBody(signal, rejected, message, encoding), encoding);
  }

  shutdown(deadline: AbortSignal): Promise<void> {
    this.shutdownPromise ??= new Promise<void>((resolve) => {
      if (!this.server.listening) return resolve();
      const force = () => this.server.closeAllConnections();
      deadline.addEventListener('abort', force, { once: true });
      this.server.close(() => {
        deadline.removeEventListener('abort', force);
        resolve();
      });
      this.server.closeIdleConnections();
    });
    return this.shutdownPromise;
  }
}
