// An OTLP/HTTP destination for the gateway's exporters in tests: records what arrives, and can be
// told to answer slowly, fail with a status, or never answer.
import type { Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { decodeTraceRequest } from '@org/otlp';

export interface Sink {
  url: string;
  /** Span names received, in arrival order. */
  spans: string[];
  /** The tenant.id resource attribute of each span received ('' when absent). */
  tenants: string[];
  requests: number;
  behaviour: { delayMs: number; status: number; hang: boolean; retryAfter?: string };
  close(): Promise<void>;
}

/** Starts a sink on `port` (any free port when 0: a stopped sink can come back on its old one). */
export async function startSink(port = 0): Promise<Sink> {
  const sink: Omit<Sink, 'url' | 'close'> = {
    spans: [],
    tenants: [],
    requests: 0,
    behaviour: { delayMs: 0, status: 200, hang: false },
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      sink.requests++;
      if (sink.behaviour.hang) return;
      setTimeout(() => {
        const { status, retryAfter } = sink.behaviour;
        if (status === 200 && req.url === '/v1/traces') {
          let body = Buffer.concat(chunks);
          if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
          for (const rs of decodeTraceRequest(body).resourceSpans) {
            const tenant = rs.resource?.attributes.find((a) => a.key === 'tenant.id')?.value;
            for (const ss of rs.scopeSpans) {
              for (const s of ss.spans) {
                sink.spans.push(s.name);
                sink.tenants.push(tenant && 'stringValue' in tenant ? tenant.stringValue : '');
              }
            }
          }
        }
        res.writeHead(status, {
          'content-type': 'application/x-protobuf',
          ...(retryAfter ? { 'retry-after': retryAfter } : {}),
        });
        res.end();
      }, sink.behaviour.delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return Object.assign(sink, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
