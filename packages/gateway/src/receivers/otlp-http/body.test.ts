// readBody against real requests on a loopback server: what it reserves and gives back, and where
// it stops reading (decompressed or compressed size, a stalled client).
import type { IncomingMessage, Server } from 'node:http';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import type { MemoryBudget } from '../../memory/guard.ts';
import type { Body } from './body.ts';
import { BodyStalled, BodyTooLarge, readBody } from './body.ts';

/** A budget that counts what is held and can be told to refuse. */
function budget(room = Infinity): MemoryBudget & { held: number } {
  return {
    held: 0,
    reserve(bytes) {
      if (this.held + bytes > room) return false;
      this.held += bytes;
      return true;
    },
    release(bytes) {
      this.held -= bytes;
    },
  };
}

let server: Server | undefined;
afterEach(
  () =>
    new Promise<void>((resolve) => {
      if (!server) return resolve();
      server.close(() => resolve());
      server.closeAllConnections();
    }),
);

/**
 * Sends `chunks` (pausing `pauseMs` before the last one) to a server that reads the body with
 * `read`; resolves with what readBody resolved or rejected with.
 */
function roundTrip(
  chunks: Buffer[],
  read: (req: IncomingMessage) => Promise<Body>,
  headers: Record<string, string> = {},
  pauseMs = 0,
): Promise<Body | Error> {
  return new Promise((resolve) => {
    server = createServer((req, res) => {
      read(req).then(resolve, resolve);
      res.end();
    });
    server.listen(0, '127.0.0.1', () => {
      const { port } = server!.address() as AddressInfo;
      const req = request({ host: '127.0.0.1', port, method: 'POST', headers });
      req.on('error', () => undefined);
      for (const chunk of chunks.slice(0, -1)) req.write(chunk);
      setTimeout(() => req.end(chunks.at(-1)), pauseMs);
    });
  });
}

describe('readBody', () => {
  it('reserves every chunk and the joined copy, and gives the caller what to release', async () => {
    const memory = budget();
    const chunks = [Buffer.alloc(100_000, 1), Buffer.alloc(100_000, 2)];
    const body = await roundTrip(
      chunks,
      (req) => readBody(req, 'identity', 1 << 20, memory),
      {},
      50, // two separate chunks on the server side
    );
    expect(body).not.toBeInstanceOf(Error);
    const { bytes, reserved } = body as Body;
    expect(bytes.length).toBe(200_000);
    expect(reserved).toBe(memory.held);
    expect(reserved).toBeGreaterThanOrEqual(200_000);
  });

  it('stops at the compressed size too: empty gzip members inflate to nothing', async () => {
    const memory = budget();
    const empty = gzipSync(Buffer.alloc(0));
    const members = Buffer.concat(Array.from({ length: 3000 }, () => empty)); // ~60 KB
    const outcome = await roundTrip([members], (req) => readBody(req, 'gzip', 16 * 1024, memory), {
      'content-encoding': 'gzip',
    });
    expect(outcome).toBeInstanceOf(BodyTooLarge);
    expect((outcome as Error).message).toMatch(/compressed body exceeds 16384 bytes/);
    expect(memory.held).toBe(0);
  });

  it('gives up on a client that stalls mid-body, releasing what it held', async () => {
    const memory = budget();
    const outcome = await roundTrip(
      [Buffer.alloc(50_000), Buffer.alloc(10)],
      (req) => readBody(req, 'identity', 1 << 20, memory, 200),
      { 'content-length': '50010' },
      1000,
    );
    expect(outcome).toBeInstanceOf(BodyStalled);
    expect(memory.held).toBe(0);
  });

  it('releases everything when the memory budget refuses a chunk', async () => {
    const memory = budget(64 * 1024);
    const outcome = await roundTrip(
      [Buffer.alloc(40_000), Buffer.alloc(40_000)],
      (req) => readBody(req, 'identity', 1 << 20, memory),
      {},
      50,
    );
    expect((outcome as Error).name).toBe('Error');
    expect((outcome as Error).message).toMatch(/hard limit/);
    expect(memory.held).toBe(0);
  });
});
