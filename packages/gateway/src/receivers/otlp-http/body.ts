import type { IncomingMessage } from 'node:http';
import type { Transform } from 'node:stream';
import { createGunzip, createInflate } from 'node:zlib';
import type { MemoryBudget } from '../../memory/guard.ts';

/** The body passed `max_body_bytes` after decompression (413). */
export class BodyTooLarge extends Error {}
/** The gzip or deflate stream is broken (400). */
export class BadBodyEncoding extends Error {}
/** A chunk would have taken memory in use past the hard limit (503, retryable). */
export class BodyOverMemory extends Error {}
/** The client sent nothing for {@link BODY_IDLE_TIMEOUT_MS} in the middle of a body (408). */
export class BodyStalled extends Error {}
/** The client went away before the body ended; nobody is left to answer. */
export class ClientAborted extends Error {}

/** A body read in full, and the bytes reserved for it (release them once answered). */
export interface Body {
  bytes: Buffer;
  reserved: number;
}

/** Longest a client may pause in the middle of a body: what it has sent stays reserved meanwhile. */
export const BODY_IDLE_TIMEOUT_MS = 10_000;

/**
 * Reads a request body, decompressing gzip/deflate as it streams. Every decompressed chunk is
 * reserved against `memory` as it arrives, so concurrent bodies cannot together pass the hard
 * limit; reading stops as soon as the decompressed size, or the compressed size (empty gzip
 * members inflate to nothing), passes `limit`: a decompression bomb is cut off after `limit`
 * bytes of output, not after it has been inflated in full. A client that pauses longer than
 * `idleMs` mid-body is cut off too, so a stalled upload cannot hold its reservation. Rejects with
 * BodyTooLarge, BadBodyEncoding, BodyOverMemory, BodyStalled or ClientAborted, with `reserved`
 * already released; on those the rest of the upload is left unread (see {@link discardRest}).
 */
export function readBody(
  req: IncomingMessage,
  encoding: 'gzip' | 'deflate' | 'identity',
  limit: number,
  memory: MemoryBudget,
  idleMs = BODY_IDLE_TIMEOUT_MS,
): Promise<Body> {
  return new Promise<Body>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    let received = 0;
    let reserved = 0;
    let settled = false;
    const stalled = setTimeout(
      () => fail(new BodyStalled(`no body bytes for ${idleMs / 1000} s`)),
      idleMs,
    );
    stalled.unref();
    const inflater: Transform | undefined =
      encoding === 'gzip' ? createGunzip() : encoding === 'deflate' ? createInflate() : undefined;
    const source = inflater ?? req;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(stalled);
      memory.release(reserved);
      chunks.length = 0;
      if (inflater) {
        req.unpipe(inflater);
        inflater.destroy();
      }
      req.pause();
      reject(error);
    };
    req.on('data', (chunk: Buffer) => {
      if (settled) return;
      stalled.refresh();
      received += chunk.length;
      if (received > limit) fail(new BodyTooLarge(`compressed body exceeds ${limit} bytes`));
    });
    source.on('data', (chunk: Buffer) => {
      if (settled) return;
      total += chunk.length;
      if (total > limit)
        return fail(new BodyTooLarge(`body exceeds ${limit} bytes after decompression`));
      if (!memory.reserve(chunk.length))
        return fail(new BodyOverMemory('memory in use would pass the hard limit'));
      reserved += chunk.length;
      chunks.push(chunk);
    });
    source.on('end', () => {
      if (settled) return;
      if (chunks.length > 1) {
        // Joining the chunks copies them: the copy is reserved too, and the chunks stay counted
        // until the request is answered (they are garbage by then, but still in memory).
        if (!memory.reserve(total))
          return fail(new BodyOverMemory('memory in use would pass the hard limit'));
        reserved += total;
      }
      settled = true;
      clearTimeout(stalled);
      const bytes = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total);
      resolve({ bytes, reserved });
    });
    // An error of the inflater is the body's fault whatever state the request is in (a request
    // read in full is destroyed by then: that is no abort); one of the request is the client's.
    source.on('error', (error: Error) =>
      fail(
        inflater
          ? new BadBodyEncoding(`invalid ${encoding} body: ${error.message}`)
          : new ClientAborted(error.message),
      ),
    );
    // The client going away mid-body: 'aborted' is emitted, then 'close' without 'end'.
    req.on('close', () => {
      if (!req.complete) fail(new ClientAborted('client closed the connection mid-body'));
    });
    if (inflater) {
      req.on('error', (error: Error) => fail(new ClientAborted(error.message)));
      req.pipe(inflater);
    }
  });
}

/** Most bytes read and thrown away after an early answer before the connection is closed. */
export const DISCARD_LIMIT_BYTES = 8 * 1024 * 1024;
/** Longest an early answer waits for the rest of the upload before closing the connection. */
export const DISCARD_TIMEOUT_MS = 10_000;

/**
 * After answering a request whose body was not read in full (a refusal, a body too large),
 * reads and discards the rest of the upload so a client still sending sees the answer instead
 * of a reset, and the connection stays usable. Past `limitBytes` or `timeoutMs` the connection
 * is closed instead.
 */
export function discardRest(
  req: IncomingMessage,
  limitBytes = DISCARD_LIMIT_BYTES,
  timeoutMs = DISCARD_TIMEOUT_MS,
): void {
  if (req.complete || req.destroyed) return;
  let seen = 0;
  const close = () => req.socket.destroy();
  const timer = setTimeout(close, timeoutMs);
  timer.unref();
  req.on('data', (chunk: Buffer) => {
    seen += chunk.length;
    if (seen > limitBytes) {
      clearTimeout(timer);
      close();
    }
  });
  req.once('close', () => clearTimeout(timer));
  req.once('end', () => clearTimeout(timer));
  req.resume();
}
