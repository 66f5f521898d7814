import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { DecodeOptions } from '@org/otlp';
import type { Lifecycle, Settings } from '../../component.ts';
import type { BatchConsumer, Refusal } from '../../pipeline/consumer.ts';
import type { RequestContext, Signal } from '../../signal.ts';
import { RateLimitedLog } from '../../telemetry/rate-limited-log.ts';
import { serverTls } from '../../tls/config.ts';
import { Authenticator } from '../auth.ts';
import { ingest } from '../ingest.ts';
import type { RefusalReason } from '../reasons.ts';
import { decodeOptions } from '../limits.ts';
import { requestContext } from '../metadata.ts';
import type { Body } from './body.ts';
import {
  BadBodyEncoding,
  BodyOverMemory,
  BodyStalled,
  BodyTooLarge,
  ClientAborted,
  discardRest,
  readBody,
} from './body.ts';
import type { OtlpHttpReceiverConfig } from './config.ts';
import { checkRequest } from './request-checks.ts';
import type { BodyEncoding } from './responses.ts';
import { RpcCode, statusBody, successBody } from './responses.ts';

/** Longest a client may take to send a whole request (then 408 and the connection closes). */
export const REQUEST_TIMEOUT_MS = 60_000;

/**
 * OTLP/HTTP receiver. Status codes (OTLP spec): 200 (with partial_success when items were
 * rejected), 401 without a known credential (checked before anything else), 400 malformed payload
 * or a record over a per-record limit, 404 unknown path, 405 wrong method, 413 body over the limit
 * after decompression or a request over a request-wide decode limit, 415 unknown content type or
 * encoding, 503 + Retry-After when saturated (refused before the body is read, or as soon as a
 * chunk of it would pass the memory hard limit). Error bodies are google.rpc.Status in the
 * request's encoding. An answer given before the body ends is followed by reading the rest of the
 * upload (bounded), so the client sees it rather than a reset.
 */
export class OtlpHttpReceiver implements Lifecycle {
  private readonly server: Server;
  private shutdownPromise: Promise<void> | undefined;
  private readonly settings: Settings;
  private readonly config: OtlpHttpReceiverConfig;
  private next: BatchConsumer;
  private readonly auth: Authenticator | undefined;
  private readonly decode: DecodeOptions;
  private readonly aborted: RateLimitedLog;

  constructor(settings: Settings, config: OtlpHttpReceiverConfig, next: BatchConsumer) {
    this.settings = settings;
    this.config = config;
    this.next = next;
    this.auth = config.auth ? new Authenticator(config.auth) : undefined;
    this.decode = decodeOptions(config.max_depth, config.limits);
    this.aborted = new RateLimitedLog(settings.logger, 'debug', 'client aborted uploads');
    const handler = (req: IncomingMessage, res: ServerResponse) => {
      this.handle(req, res).catch((error: unknown) => {
        settings.logger.error({ err: error }, 'request handling failed');
        if (!res.headersSent)
          this.reply(res, 500, statusBody(RpcCode.INTERNAL, 'internal error', 'json'), 'json');
        else res.destroy();
      });
    };
    const options = { keepAliveTimeout: 65_000, requestTimeout: REQUEST_TIMEOUT_MS };
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
    if (res.destroyed) return;
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
        { 'retry-after': String(this.config.retry_after_s) },
      );
    } else if (refusal.reason === 'no_pipeline') {
      this.reply(
        res,
        404,
        statusBody(RpcCode.NOT_FOUND, refusal.detail ?? refusal.reason, encoding),
        encoding,
      );
    } else {
      const message = refusal.detail ?? refusal.reason;
      this.reply(res, 500, statusBody(RpcCode.INTERNAL, message, encoding), encoding);
    }
  }

  private countRefused(signal: Signal | 'unknown', reason: RefusalReason): void {
    this.settings.metrics.receiverRefused.inc({ receiver: this.settings.id, signal, reason });
  }

  /**
   * One request: checks before the body (each refusal answered at once, the rest of the upload
   * read and discarded so the client sees the answer), the body read within its limits, then the
   * shared decode-and-accept tail.
   */
  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const checked = checkRequest(req, this.auth, this.config.max_body_bytes);
    if (!checked.ok) {
      this.countRefused(checked.signal ?? 'unknown', checked.reason);
      this.reply(
        res,
        checked.status,
        statusBody(checked.rpcCode, checked.message, checked.encoding),
        checked.encoding,
        checked.headers,
      );
      return discardRest(req);
    }
    const { signal, encoding, compression, tenant } = checked;
    const early = this.next.precheck(signal);
    if (early) {
      this.refuse(res, signal, early, encoding);
      return discardRest(req);
    }

    let body: Body;
    try {
      body = await readBody(req, compression, this.config.max_body_bytes, this.settings.memory);
    } catch (error) {
      return this.answerUnread(req, res, signal, encoding, error);
    }
    const context = requestContext(
      this.settings.id,
      tenant,
      this.config.metadata_headers,
      (name) => {
        const value = req.headers[name];
        return Array.isArray(value) ? value.join(', ') : value;
      },
    );
    try {
      this.answer(res, signal, encoding, body.bytes, context);
    } finally {
      this.settings.memory.release(body.reserved);
    }
  }

  /** Answers a request whose body could not be read in full. */
  private answerUnread(
    req: IncomingMessage,
    res: ServerResponse,
    signal: Signal,
    encoding: BodyEncoding,
    error: unknown,
  ): void {
    if (error instanceof ClientAborted) {
      this.settings.metrics.receiverAborted.inc({ receiver: this.settings.id, signal });
      this.aborted.event({ signal, reason: error.message });
      return;
    }
    if (error instanceof BodyOverMemory) {
      this.refuse(res, signal, { retryable: true, reason: 'memory' }, encoding);
    } else if (error instanceof BodyTooLarge) {
      this.countRefused(signal, 'too_large');
      this.reply(res, 413, statusBody(RpcCode.INVALID_ARGUMENT, error.message, encoding), encoding);
    } else if (error instanceof BodyStalled) {
      this.countRefused(signal, 'stalled');
      res.setHeader('connection', 'close');
      this.reply(res, 408, statusBody(RpcCode.INVALID_ARGUMENT, error.message, encoding), encoding);
      return;
    } else if (error instanceof BadBodyEncoding) {
      this.countRefused(signal, 'invalid');
      this.reply(res, 400, statusBody(RpcCode.INVALID_ARGUMENT, error.message, encoding), encoding);
    } else throw error;
    discardRest(req);
  }

  private answer(
    res: ServerResponse,
    signal: Signal,
    encoding: BodyEncoding,
    body: Buffer,
    context: RequestContext,
  ): void {
    const outcome = ingest(this.settings, this.next, signal, body, encoding, this.decode, context);
    switch (outcome.kind) {
      case 'accepted':
        return this.reply(
          res,
          200,
          successBody(signal, outcome.rejected, outcome.message, encoding),
          encoding,
        );
      case 'refused':
        return this.refuse(res, signal, outcome.refusal, encoding);
      case 'bad_data': {
        const { reason, tooLarge, message } = outcome.rejection;
        this.countRefused(signal, reason);
        return this.reply(
          res,
          tooLarge ? 413 : 400,
          statusBody(RpcCode.INVALID_ARGUMENT, message, encoding),
          encoding,
        );
      }
    }
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
