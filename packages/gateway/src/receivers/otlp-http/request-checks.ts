import type { IncomingMessage } from 'node:http';
import type { Signal } from '../../signal.ts';
import type { Authenticator } from '../auth.ts';
import type { RefusalReason } from '../reasons.ts';
import type { BodyEncoding } from './responses.ts';
import { RpcCode } from './responses.ts';

const PATHS = new Map<string, Signal>([
  ['/v1/traces', 'traces'],
  ['/v1/metrics', 'metrics'],
  ['/v1/logs', 'logs'],
]);

export type Compression = 'gzip' | 'deflate' | 'identity';

/** A request that passed the checks made before its body is read. */
export interface CheckedRequest {
  ok: true;
  signal: Signal;
  encoding: BodyEncoding;
  compression: Compression;
  tenant: string | undefined;
}

/** An answer given before the body is read; `reason` is the refusal metric's label. */
export interface EarlyAnswer {
  ok: false;
  status: number;
  rpcCode: number;
  reason: RefusalReason;
  message: string;
  /** Encoding of the error body: the request's when known, JSON otherwise. */
  encoding: BodyEncoding;
  /** The signal, when the path named one (for the metric). */
  signal: Signal | undefined;
  headers?: Record<string, string>;
}

function bodyEncodingOf(req: IncomingMessage): BodyEncoding | undefined {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/x-protobuf' || type === 'application/protobuf') return 'proto';
  if (type === 'application/json') return 'json';
  return undefined;
}

function compressionOf(req: IncomingMessage): Compression | undefined {
  const value = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (value === '') return 'identity';
  return value === 'gzip' || value === 'deflate' || value === 'identity' ? value : undefined;
}

/**
 * The checks made before reading a body, in the order that reveals least: credentials first (so
 * nothing about paths or formats is learned without one), then path, method, content type,
 * content encoding and the declared length.
 */
export function checkRequest(
  req: IncomingMessage,
  auth: Authenticator | undefined,
  maxBodyBytes: number,
): CheckedRequest | EarlyAnswer {
  const path = (req.url ?? '/').split('?')[0]!;
  const signal = PATHS.get(path);
  const encoding = bodyEncodingOf(req);
  const answer = (
    status: number,
    rpcCode: number,
    reason: RefusalReason,
    message: string,
    headers?: Record<string, string>,
  ): EarlyAnswer => ({
    ok: false,
    status,
    rpcCode,
    reason,
    message,
    encoding: encoding ?? 'json',
    signal,
    ...(headers ? { headers } : {}),
  });

  let tenant: string | undefined;
  if (auth) {
    tenant = auth.tenantOf((name) => {
      const value = req.headers[name];
      return Array.isArray(value) ? value[0] : value;
    });
    if (tenant === undefined)
      return answer(401, RpcCode.UNAUTHENTICATED, 'unauthorized', 'missing or unknown credential', {
        'www-authenticate': 'Bearer',
      });
  }
  if (!signal)
    return answer(
      404,
      RpcCode.NOT_FOUND,
      'not_found',
      `unknown path ${path}; use /v1/traces, /v1/metrics or /v1/logs`,
    );
  if (req.method !== 'POST')
    return answer(
      405,
      RpcCode.UNIMPLEMENTED,
      'method',
      `method ${req.method} not allowed; use POST`,
      { allow: 'POST' },
    );
  if (!encoding)
    return answer(
      415,
      RpcCode.INVALID_ARGUMENT,
      'content_type',
      `unsupported content type "${req.headers['content-type'] ?? ''}"; use application/x-protobuf or application/json`,
    );
  const compression = compressionOf(req);
  if (!compression)
    return answer(
      415,
      RpcCode.INVALID_ARGUMENT,
      'content_encoding',
      `unsupported content encoding "${req.headers['content-encoding']}"; use gzip, deflate or none`,
    );
  // A compressed body larger than the limit on the decompressed one is refused as well.
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > maxBodyBytes)
    return answer(
      413,
      RpcCode.INVALID_ARGUMENT,
      'too_large',
      `body of ${declared} bytes exceeds the ${maxBodyBytes}-byte limit`,
    );
  return { ok: true, signal, encoding, compression, tenant };
}
