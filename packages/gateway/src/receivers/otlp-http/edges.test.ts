// The OTLP/HTTP receiver's edges, against the built CLI: credentials are checked before anything
// else, a client still uploading sees an early answer instead of a reset, and clients that go
// away mid-body are counted and logged at debug at most once per interval, never as errors.
import { request } from 'node:http';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { GatewayProcess } from '../../../test-support/gateway-process.ts';
import { startGateway } from '../../../test-support/gateway-process.ts';
import { sampleValue, scrapeMetrics } from '../../../test-support/prometheus.ts';
import { until } from '../../../test-support/wait.ts';

const TOKEN = 'edge-test-token-0123456789';

const config = (memory = '{ soft_limit_mib: 512, hard_limit_mib: 768 }') => `
receivers:
  otlp_http:
    endpoint: 127.0.0.1:0
    auth: { tenants: { team-a: { bearer_token: ${TOKEN} } } }
exporters:
  debug: { verbosity: summary }
service:
  admin: { endpoint: 127.0.0.1:0 }
  memory: ${memory}
  log_level: debug
  pipelines:
    traces: { receivers: [otlp_http], exporters: [debug] }
`;

/**
 * POSTs `total` bytes as clients such as Python's http.client and many others do: the whole body
 * is sent before the response is read (the socket is not read meanwhile). Resolves with the status
 * the client then reads, or the error it saw: a server that closes the connection while the body
 * is still coming makes the upload fail with EPIPE / ECONNRESET and the answer is lost.
 */
function uploadThenRead(
  url: string,
  headers: Record<string, string>,
  total: number,
): Promise<{ status?: number; error?: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) });
    socket.pause();
    let answer = '';
    const done = (outcome: { status?: number; error?: string }) => {
      socket.destroy();
      resolve(outcome);
    };
    socket.on('error', (error: NodeJS.ErrnoException) =>
      done({ error: error.code ?? error.message }),
    );
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString('latin1');
      const status = /^HTTP\/1\.1 (\d{3})/.exec(answer);
      if (status) done({ status: Number(status[1]) });
    });
    const head = Object.entries({
      host: `${hostname}:${port}`,
      'content-length': String(total),
      ...headers,
    })
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('');
    socket.write(`POST /v1/traces HTTP/1.1\r\n${head}\r\n`);
    let sent = 0;
    const next = () => {
      if (sent >= total) return void socket.resume(); // now read the answer
      const n = Math.min(256 * 1024, total - sent);
      sent += n;
      socket.write(Buffer.alloc(n), (error) => (error ? undefined : setTimeout(next, 2)));
    };
    next();
  });
}

describe('OTLP/HTTP receiver edges', () => {
  let gateway: GatewayProcess | undefined;
  afterEach(async () => {
    await gateway?.stop('SIGKILL');
    gateway = undefined;
  });

  it('asks for credentials before looking at the path, method or content type', async () => {
    gateway = await startGateway(config());
    const post = (path: string, type: string, auth?: string) =>
      fetch(`${gateway!.otlpUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': type, ...(auth ? { authorization: `Bearer ${auth}` } : {}) },
        body: 'x',
      });
    for (const [path, type] of [
      ['/v1/traces', 'text/plain'],
      ['/v1/nothing', 'application/x-protobuf'],
    ] as const) {
      const response = await post(path, type);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
    }
    expect((await post('/v1/traces', 'text/plain', TOKEN)).status).toBe(415);
    expect((await post('/v1/nothing', 'application/x-protobuf', TOKEN)).status).toBe(404);
  });

  it('lets a client still uploading read an early 401 instead of a reset', async () => {
    gateway = await startGateway(config());
    const outcome = await uploadThenRead(
      gateway.otlpUrl,
      { 'content-type': 'application/x-protobuf' },
      4 * 1024 * 1024,
    );
    expect(outcome).toEqual({ status: 401 });
  });

  it('lets a client still uploading read an early 503 from the memory guard, and /readyz agrees', async () => {
    // A soft limit below what the process uses: every request is refused before it is read.
    gateway = await startGateway(config('{ soft_limit_mib: 1, hard_limit_mib: 2048 }'));
    const outcome = await uploadThenRead(
      gateway.otlpUrl,
      { 'content-type': 'application/x-protobuf', authorization: `Bearer ${TOKEN}` },
      4 * 1024 * 1024,
    );
    expect(outcome).toEqual({ status: 503 });
    const ready = await fetch(`${gateway.adminUrl}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.text()).toMatch(/soft limit/);
  });

  it('closes the connection once an early-answered upload passes the discard bound', async () => {
    gateway = await startGateway(config());
    // 40 MiB without a credential: answered 401 at once, then cut off after 8 MiB discarded.
    const outcome = await uploadThenRead(
      gateway.otlpUrl,
      { 'content-type': 'application/x-protobuf' },
      40 * 1024 * 1024,
    );
    expect(outcome.error).toMatch(/EPIPE|ECONNRESET/);
  });

  it('refuses a compressed body whose declared length passes max_body_bytes before reading it', async () => {
    gateway = await startGateway(config());
    const { hostname, port } = new URL(gateway.otlpUrl);
    const answer = await new Promise<string>((resolve) => {
      const socket = connect({ host: hostname, port: Number(port) });
      let text = '';
      socket.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        if (text.includes('\r\n\r\n')) {
          socket.destroy();
          resolve(text);
        }
      });
      // Headers only: the answer must not wait for the 70 MB the client announces.
      socket.write(
        `POST /v1/traces HTTP/1.1\r\nhost: x\r\ncontent-type: application/x-protobuf\r\n` +
          `content-encoding: gzip\r\nauthorization: Bearer ${TOKEN}\r\ncontent-length: 70000000\r\n\r\n`,
      );
    });
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
  });

  it('answers 400 to a compressed body that is broken, also once it has been read in full', async () => {
    gateway = await startGateway(config());
    // Found by fuzzing: an inflate error after the whole body had arrived was taken for a client
    // abort, and the request was never answered.
    const broken = Buffer.from('000a541252125012', 'hex');
    for (const encoding of ['deflate', 'gzip'])
      for (let i = 0; i < 10; i++) {
        const response = await fetch(`${gateway.otlpUrl}/v1/traces`, {
          method: 'POST',
          headers: {
            'content-type': 'application/x-protobuf',
            'content-encoding': encoding,
            authorization: `Bearer ${TOKEN}`,
          },
          body: broken,
          signal: AbortSignal.timeout(5000),
        });
        expect([encoding, response.status]).toEqual([encoding, 400]);
        expect(await response.text()).toContain(`invalid ${encoding} body`);
      }
  });

  it('counts clients that abort mid-body and logs them at debug, rate-limited, never as errors', async () => {
    gateway = await startGateway(config());
    const target = new URL('/v1/traces', gateway.otlpUrl);
    const aborts = 40;
    for (let i = 0; i < aborts; i++) {
      await new Promise<void>((resolve) => {
        const req = request(target, {
          method: 'POST',
          headers: {
            'content-type': 'application/x-protobuf',
            'content-length': String(1024 * 1024),
            authorization: `Bearer ${TOKEN}`,
          },
        });
        req.on('error', () => resolve());
        req.write(Buffer.alloc(64 * 1024), () => {
          setTimeout(() => {
            req.destroy();
            resolve();
          }, 20);
        });
      });
    }
    const labels = { receiver: 'otlp_http', signal: 'traces' };
    await until('every abort counted', async () => {
      const text = await scrapeMetrics(gateway!.adminUrl);
      return sampleValue(text, 'otelgw_receiver_aborted_requests_total', labels) === aborts;
    });
    const lines = gateway
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { level: number; msg: string; events?: number });
    expect(lines.filter((line) => line.level >= 50)).toEqual([]);
    const aborted = lines.filter((line) => line.msg === 'client aborted uploads');
    expect(aborted.length).toBeGreaterThanOrEqual(1);
    expect(aborted.length).toBeLessThanOrEqual(2); // one per 10 s interval
    expect(aborted.every((line) => line.level === 20)).toBe(true);
  });
});
