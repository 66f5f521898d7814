import type { IncomingMessage, ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import type { OtlpHttpSettings } from './otlp-http.ts';
import { ExportFailure, OtlpHttpClient, statusMessage } from './otlp-http.ts';

interface Received {
  headers: IncomingMessage['headers'];
  body: Buffer;
}

const closers: (() => void)[] = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

/** A local receiver answering each request with the next of `answers` (the last one repeats). */
async function receiver(
  answers: ((res: ServerResponse) => void)[],
): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks) });
      answers[Math.min(received.length, answers.length) - 1]!(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => server.close());
  closers.push(() => server.closeAllConnections());
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`, received };
}

function client(url: string, extra: Partial<OtlpHttpSettings> = {}): OtlpHttpClient {
  const c = new OtlpHttpClient({
    url,
    headers: { 'x-tenant': 'a' },
    timeoutMs: 5_000,
    compression: 'none',
    contentType: 'application/x-protobuf',
    ...extra,
  });
  closers.push(() => c.close());
  return c;
}

const ok = (res: ServerResponse) => res.end();
const payload = Buffer.from('spans');

describe('OtlpHttpClient', () => {
  it('posts the payload with the configured headers and content type', async () => {
    const { url, received } = await receiver([ok]);
    await client(url).export(payload);
    expect(received).toHaveLength(1);
    expect(received[0]!.body).toEqual(payload);
    expect(received[0]!.headers['content-type']).toBe('application/x-protobuf');
    expect(received[0]!.headers['x-tenant']).toBe('a');
  });

  it('gzips the body when compression is gzip', async () => {
    const { url, received } = await receiver([ok]);
    await client(url, { compression: 'gzip' }).export(payload);
    expect(received[0]!.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(received[0]!.body)).toEqual(payload);
  });

  it('retries a retryable status, honouring Retry-After, then succeeds', async () => {
    const { url, received } = await receiver([
      (res) => res.writeHead(503, { 'retry-after': '1' }).end(),
      (res) => res.writeHead(429).end(),
      ok,
    ]);
    const started = Date.now();
    await client(url).export(payload);
    expect(received).toHaveLength(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000); // waited as told
  });

  it('does not retry a permanent error and quotes the receiver’s reason', async () => {
    const { url, received } = await receiver([
      (res) =>
        res
          .writeHead(400, { 'content-type': 'application/json' })
          .end('{"code":3,"message":"bad span"}'),
    ]);
    const failure = await client(url)
      .export(payload)
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ExportFailure);
    expect((failure as ExportFailure).retryable).toBe(false);
    expect((failure as ExportFailure).message).toContain('HTTP 400');
    expect((failure as ExportFailure).message).toContain('bad span');
    expect(received).toHaveLength(1);
  });

  it('gives up at the export deadline while the receiver keeps refusing', async () => {
    const { url, received } = await receiver([(res) => res.writeHead(503).end()]);
    const failure = await client(url, { timeoutMs: 800 })
      .export(payload)
      .catch((error: unknown) => error);
    expect((failure as ExportFailure).message).toBe('HTTP 503');
    expect(received.length).toBeGreaterThan(1);
  });

  it('fails at once, naming the certificate variable, on an untrusted certificate', async () => {
    const tls = join(import.meta.dirname, '../../../gateway/testdata/tls');
    const server = createHttpsServer(
      { key: readFileSync(join(tls, 'server.key')), cert: readFileSync(join(tls, 'server.pem')) },
      (_req, res) => res.end(),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => server.close());
    const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`;
    const started = Date.now();
    const failure = await client(url)
      .export(payload)
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ExportFailure);
    expect((failure as ExportFailure).retryable).toBe(false);
    expect(String(failure)).toMatch(/UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED|CERT/);
    expect(String(failure)).toContain('OTEL_EXPORTER_OTLP_CERTIFICATE');
    expect(Date.now() - started).toBeLessThan(2_000); // not retried until the 5 s deadline
    // Trusting the CA, the same server is fine.
    await expect(
      client(url, { certificateFile: join(tls, 'ca.pem') }).export(payload),
    ).resolves.toBeDefined();
  });

  it('fails with the connection error when nothing listens', async () => {
    const { url } = await receiver([ok]);
    for (const close of closers.splice(0)) close();
    const failure = await client(url, { timeoutMs: 300 })
      .export(payload)
      .catch((error: unknown) => error);
    expect((failure as ExportFailure).message).toBe('ECONNREFUSED');
  });

  it('aborts an export in flight on close', async () => {
    const { url, received } = await receiver([() => undefined]);
    const c = client(url);
    const exporting = c.export(payload).catch((error: unknown) => error);
    while (received.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    c.close();
    expect(((await exporting) as ExportFailure).message).toBe('exporter shut down');
  });
});

describe('statusMessage', () => {
  it('reads the message of a google.rpc.Status body', () => {
    const message = Buffer.from('memory pressure');
    const body = Buffer.concat([Buffer.from([0x08, 14, 0x12, message.length]), message]);
    expect(statusMessage(body)).toBe('memory pressure');
  });

  it('returns an empty string for bytes that are not a Status', () => {
    expect(statusMessage(Buffer.from([0x12, 0x7f, 0x41]))).toBe('');
    expect(statusMessage(Buffer.from('<html>'))).toBe('');
  });
});
