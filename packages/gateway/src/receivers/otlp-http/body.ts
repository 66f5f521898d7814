import type { IncomingMessage } from 'node:http';
import type { Transform } from 'node:stream';
import { createGunzip, createInflate } from 'node:zlib';

export class BodyTooLarge extends Error {}
export class BadBodyEncoding extends Error {}

/**
 * Reads a request body, decompressing gzip/deflate as it streams, and stops as soon as the
 * decompressed size passes `limit` (a decompression bomb is cut off after `limit` bytes of
 * output, not after it has been inflated in full). `onBytes` hears every decompressed chunk's
 * size, for memory accounting. Rejects with BodyTooLarge or BadBodyEncoding.
 */
export function readBody(
  req: IncomingMessage,
  encoding: 'gzip' | 'deflate' | 'identity',
  limit: number,
  onBytes: (count: number) => void = () => undefined,
): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    let settled = false;
    const inflater: Transform | undefined =
      encoding === 'gzip' ? createGunzip() : encoding === 'deflate' ? createInflate() : undefined;
    const source = inflater ?? req;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      inflater?.destroy();
      req.unpipe();
      req.resume(); // let the rest of the upload drain so the response can still be read
      reject(error);
    };
    source.on('data', (chunk: Buffer) => {
      if (settled) return;
      total += chunk.length;
      onBytes(chunk.length);
      if (total > limit) fail(new BodyTooLarge(`body exceeds ${limit} bytes after decompression`));
      else chunks.push(chunk);
    });
    source.on('end', () => {
      if (settled) return;
      settled = true;
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total));
    });
    source.on('error', (error: Error) =>
      fail(inflater ? new BadBodyEncoding(`invalid ${encoding} body: ${error.message}`) : error),
    );
    if (inflater) {
      req.on('error', fail);
      req.pipe(inflater);
    }
  });
}
