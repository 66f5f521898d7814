import { readFileSync } from 'node:fs';
import type { ClientRequest, IncomingMessage } from 'node:http';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import { isRetryableHttpStatus, parseRetryAfter } from '@org/otlp';

const gzip = promisify(gzipCallback);

/** Where and how one signal is sent. */
export interface OtlpHttpSettings {
  url: string;
  headers: Record<string, string>;
  /** Total time for one export, retries included (OTEL_EXPORTER_OTLP_TIMEOUT). */
  timeoutMs: number;
  compression: 'gzip' | 'none';
  contentType: 'application/x-protobuf' | 'application/json';
  certificateFile?: string;
  clientKeyFile?: string;
  clientCertificateFile?: string;
}

/** Why an export did not succeed; `retryable` follows the OTLP/HTTP rules. */
export class ExportFailure extends Error {
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;

  constructor(message: string, retryable: boolean, retryAfterMs?: number) {
    super(message);
    this.retryable = retryable;
    this.retryAfterMs = retryAfterMs;
  }
}

const FIRST_BACKOFF_MS = 250;
const MAX_BACKOFF_MS = 5_000;
/** Longest error body quoted in a warning. */
const MAX_QUOTED = 200;

/**
 * Sends encoded OTLP requests over HTTP/1.1 with keep-alive connections. One export gets
 * `timeoutMs` in total: transient failures (the retryable statuses, with Retry-After honoured,
 * and connection errors) are retried with jittered exponential backoff until that deadline,
 * never beyond it, so a gateway that is down holds one batch at a time and no more.
 */
export class OtlpHttpClient {
  private readonly settings: OtlpHttpSettings;
  private readonly target: URL;
  private readonly agent: HttpAgent;
  private readonly send: typeof httpRequest;
  private readonly pending = new Set<ClientRequest>();
  private closed = false;

  constructor(settings: OtlpHttpSettings) {
    this.settings = settings;
    this.target = new URL(settings.url);
    const secure = this.target.protocol === 'https:';
    const agentOptions = { keepAlive: true, maxSockets: 4 };
    this.agent = secure
      ? new HttpsAgent({
          ...agentOptions,
          ca: settings.certificateFile ? readFileSync(settings.certificateFile) : undefined,
          key: settings.clientKeyFile ? readFileSync(settings.clientKeyFile) : undefined,
          cert: settings.clientCertificateFile
            ? readFileSync(settings.clientCertificateFile)
            : undefined,
        })
      : new HttpAgent(agentOptions);
    this.send = secure ? httpsRequest : httpRequest;
  }

  /** Posts one request body, retrying transient failures until the export deadline. */
  async export(payload: Uint8Array): Promise<Buffer> {
    const deadline = Date.now() + this.settings.timeoutMs;
    const body = this.settings.compression === 'gzip' ? await gzip(payload) : payload;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.post(body, deadline - Date.now());
      } catch (error) {
        const failure =
          error instanceof ExportFailure ? error : new ExportFailure(String(error), false);
        const backoff = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** attempt);
        const jittered = backoff / 2 + Math.random() * (backoff / 2);
        // Retry-After is honoured as a lower bound: `0` must not become a tight retry loop.
        const wait = Math.max(failure.retryAfterMs ?? 0, jittered);
        if (!failure.retryable || this.closed || Date.now() + wait >= deadline) throw failure;
        await new Promise((resolve) => setTimeout(resolve, wait).unref());
      }
    }
  }

  /** Aborts what is in flight and closes idle connections; later exports fail at once. */
  close(): void {
    this.closed = true;
    for (const request of this.pending)
      request.destroy(new ExportFailure('exporter shut down', false));
    this.agent.destroy();
  }

  private post(body: Uint8Array, timeoutMs: number): Promise<Buffer> {
    if (this.closed) return Promise.reject(new ExportFailure('exporter shut down', false));
    const { settings, target } = this;
    return new Promise((resolve, reject) => {
      const request = this.send(
        target,
        {
          method: 'POST',
          agent: this.agent,
          headers: {
            ...settings.headers,
            'content-type': settings.contentType,
            'content-length': body.byteLength,
            ...(settings.compression === 'gzip' ? { 'content-encoding': 'gzip' } : {}),
          },
          timeout: Math.max(1, timeoutMs),
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', reject);
          response.on('end', () => {
            const data = Buffer.concat(chunks);
            const status = response.statusCode ?? 0;
            if (status >= 200 && status < 300) resolve(data);
            else reject(statusFailure(status, response, data));
          });
        },
      );
      this.pending.add(request);
      request.on('close', () => this.pending.delete(request));
      request.on('timeout', () =>
        request.destroy(new ExportFailure(`no answer within ${timeoutMs} ms`, false)),
      );
      request.on('error', (error: NodeJS.ErrnoException) =>
        reject(error instanceof ExportFailure ? error : connectionFailure(error)),
      );
      request.end(body);
    });
  }
}

/** Codes of certificate verification (OpenSSL's names) and TLS handshake failures. */
const TLS_FAILURE =
  /CERT|CRL|SIGNATURE|ISSUER|INVALID_CA|INVALID_PURPOSE|PATH_LENGTH|HOSTNAME_MISMATCH|^ERR_TLS_|^ERR_SSL_|^EPROTO$/;

/**
 * A connection-level failure. Refused or reset connections are transient by nature and retried;
 * a certificate the client does not trust, or TLS spoken to a plain HTTP port, fails the same
 * way every time, so it is reported at once.
 */
function connectionFailure(error: NodeJS.ErrnoException): ExportFailure {
  const code = error.code ?? '';
  if (TLS_FAILURE.test(code)) {
    return new ExportFailure(
      `${code}: ${error.message} (the CA certificates are set by OTEL_EXPORTER_OTLP_CERTIFICATE)`,
      false,
    );
  }
  return new ExportFailure(code || error.message, true);
}

function statusFailure(status: number, response: IncomingMessage, body: Buffer): ExportFailure {
  const type = response.headers['content-type'] ?? '';
  const text = type.includes('json')
    ? body.toString('utf8', 0, MAX_QUOTED)
    : type.includes('protobuf')
      ? statusMessage(body).slice(0, MAX_QUOTED)
      : '';
  return new ExportFailure(
    `HTTP ${status}${text ? ` ${text}` : ''}`,
    isRetryableHttpStatus(status),
    isRetryableHttpStatus(status) ? parseRetryAfter(response.headers['retry-after']) : undefined,
  );
}

/**
 * The `message` (field 2) of a protobuf `google.rpc.Status` error body, or '' when the body is
 * not one. Reads only what it needs and never throws.
 */
export function statusMessage(body: Uint8Array): string {
  let pos = 0;
  const varint = () => {
    let value = 0;
    for (let shift = 0; shift < 35 && pos < body.length; shift += 7) {
      const byte = body[pos++]!;
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
    return -1;
  };
  while (pos < body.length) {
    const tag = varint();
    if (tag < 0) return '';
    if ((tag & 7) === 0) {
      if (varint() < 0) return '';
    } else if ((tag & 7) === 2) {
      const length = varint();
      if (length < 0 || pos + length > body.length) return '';
      if (tag >>> 3 === 2) return Buffer.from(body.subarray(pos, pos + length)).toString('utf8');
      pos += length;
    } else {
      return '';
    }
  }
  return '';
}
