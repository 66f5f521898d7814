// The otlp_grpc exporter between two built gateways: A (OTLP/HTTP in) batches and sends over
// gRPC with mutual TLS to B, whose receivers serve TLS and whose file exporter shows what arrived.
import { existsSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import type { ServiceError } from '@grpc/grpc-js';
import { Client, Metadata, credentials, status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayProcess } from '../../../test-support/gateway-process.ts';
import { startGateway } from '../../../test-support/gateway-process.ts';
import { sampleValue, scrapeMetrics } from '../../../test-support/prometheus.ts';
import { traceRequestBytes } from '../../../test-support/spans.ts';
import { until } from '../../../test-support/wait.ts';
import { retryInfoMetadata } from '../../grpc/status.ts';
import { classifyGrpcError } from './exporter.ts';

const tls = (name: string) => join(import.meta.dirname, '..', '..', '..', 'testdata', 'tls', name);

/** The OTLP/JSON lines gateway B's file exporter wrote, parsed. */
function received(
  gateway: GatewayProcess,
): { resourceSpans: { scopeSpans: { spans: { name: string }[] }[] }[] }[] {
  const path = join(gateway.dir, 'out.jsonl');
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as never);
}

const spanNames = (line: ReturnType<typeof received>[number]) =>
  line.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans.map((s) => s.name)));

describe('otlp_grpc exporter with TLS, and TLS receivers', () => {
  let b: GatewayProcess;
  let a: GatewayProcess;

  beforeAll(async () => {
    b = await startGateway(`
receivers:
  otlp_grpc:
    endpoint: 127.0.0.1:0
    tls: { cert_file: ${tls('server.pem')}, key_file: ${tls('server.key')}, client_ca_file: ${tls('ca.pem')} }
  otlp_http:
    endpoint: 127.0.0.1:0
    tls: { cert_file: ${tls('server.pem')}, key_file: ${tls('server.key')} }
exporters:
  file: { path: ./out.jsonl, batch: { enabled: false } }
service:
  admin: { endpoint: 127.0.0.1:0 }
  pipelines:
    traces: { receivers: [otlp_grpc, otlp_http], exporters: [file] }
`);
    a = await startGateway(`
receivers:
  otlp_http: { endpoint: 127.0.0.1:0 }
  otlp_http/https_path: { endpoint: 127.0.0.1:0 }
exporters:
  otlp_grpc:
    endpoint: ${b.grpcAddress}
    tls: { ca_file: ${tls('ca.pem')}, cert_file: ${tls('client.pem')}, key_file: ${tls('client.key')} }
    batch: { min_items: 5, timeout_ms: 60000 }
  otlp_http/tls:
    endpoint: ${b.otlpUrl}
    tls: { ca_file: ${tls('ca.pem')} }
service:
  admin: { endpoint: 127.0.0.1:0 }
  pipelines:
    traces: { receivers: [otlp_http], exporters: [otlp_grpc] }
    traces/https: { receivers: [otlp_http/https_path], exporters: [otlp_http/tls] }
`);
  });

  afterAll(async () => {
    expect(await a.stop()).toBe(0);
    expect(await b.stop()).toBe(0);
  });

  it('merges five requests into one gRPC call over mutual TLS', async () => {
    expect(b.otlpUrl.startsWith('https://')).toBe(true);
    for (let i = 0; i < 5; i++) {
      const response = await fetch(`${a.otlpUrl}/v1/traces`, {
        method: 'POST',
        body: traceRequestBytes([`merged-${i}`]),
        headers: { 'content-type': 'application/x-protobuf' },
      });
      expect(response.status).toBe(200);
    }
    const lines = await until('the merged batch at B', () => {
      const all = received(b).filter((line) => spanNames(line).some((n) => n.startsWith('merged')));
      return all.length > 0 ? all : undefined;
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]!.resourceSpans).toHaveLength(5);
    expect(spanNames(lines[0]!)).toEqual([0, 1, 2, 3, 4].map((i) => `merged-${i}`));
    expect(
      sampleValue(await scrapeMetrics(a.adminUrl), 'otelgw_exporter_sent_items_total', {
        exporter: 'otlp_grpc',
        signal: 'traces',
      }),
    ).toBe(5);
  });

  it('sends OTLP/HTTP to an https receiver verified by ca_file', async () => {
    const response = await fetch(
      `${a.otlpUrl.replace(/:\d+$/, '')}:${portOf(a, 'otlp_http/https_path')}/v1/traces`,
      {
        method: 'POST',
        body: traceRequestBytes(['over-https']),
        headers: { 'content-type': 'application/x-protobuf' },
      },
    );
    expect(response.status).toBe(200);
    await until(
      'the span at B',
      () => received(b).some((line) => spanNames(line).includes('over-https')) || undefined,
    );
  });

  it('refuses gRPC clients without a certificate when client_ca_file is set', async () => {
    const client = new Client(b.grpcAddress!, credentials.createSsl(readFileSync(tls('ca.pem'))));
    const error = await new Promise<ServiceError | null>((resolve) =>
      client.makeUnaryRequest(
        '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
        (x: Buffer) => x,
        (x: Buffer) => x,
        Buffer.from(traceRequestBytes(['no-cert'])),
        new Metadata(),
        { deadline: Date.now() + 5000 },
        (err) => resolve(err),
      ),
    );
    client.close();
    expect(error?.code).toBe(status.UNAVAILABLE);
    expect(received(b).some((line) => spanNames(line).includes('no-cert'))).toBe(false);
  });

  it('serves OTLP/HTTP only over TLS, with the configured certificate', async () => {
    const plaintext = await fetch(b.otlpUrl.replace('https://', 'http://') + '/v1/traces', {
      method: 'POST',
      body: traceRequestBytes(['plaintext']),
      headers: { 'content-type': 'application/x-protobuf' },
    }).catch((error: unknown) => error);
    expect(plaintext).toBeInstanceOf(Error);
    const statusCode = await new Promise<number | undefined>((resolve, reject) => {
      const req = request(
        `${b.otlpUrl}/v1/traces`,
        {
          method: 'POST',
          ca: readFileSync(tls('ca.pem')),
          headers: { 'content-type': 'application/x-protobuf' },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode);
        },
      );
      req.on('error', reject);
      req.end(Buffer.from(traceRequestBytes(['direct-https'])));
    });
    expect(statusCode).toBe(200);
  });
});

/** The port a named receiver of a gateway listens on, from its startup log. */
function portOf(gateway: GatewayProcess, receiver: string): string {
  for (const line of gateway.output().split('\n')) {
    if (!line.includes(`"component":"${receiver}"`) || !line.includes('receiver listening'))
      continue;
    return /"endpoint":"[^"]*:(\d+)"/.exec(line)![1]!;
  }
  throw new Error(`no listening line for ${receiver}`);
}

describe('gRPC outcome classification (OTLP specification)', () => {
  const error = (code: status, metadata = new Metadata()): ServiceError =>
    Object.assign(new Error('x'), { code, details: 'd', metadata });

  it('retries only the retryable codes', () => {
    for (const code of [
      status.UNAVAILABLE,
      status.DEADLINE_EXCEEDED,
      status.ABORTED,
      status.CANCELLED,
      status.OUT_OF_RANGE,
      status.DATA_LOSS,
    ])
      expect(classifyGrpcError(error(code))).toMatchObject({ ok: false, retryable: true });
    for (const code of [
      status.INVALID_ARGUMENT,
      status.UNAUTHENTICATED,
      status.PERMISSION_DENIED,
      status.UNIMPLEMENTED,
      status.INTERNAL,
    ])
      expect(classifyGrpcError(error(code))).toMatchObject({ ok: false, retryable: false });
  });

  it('retries RESOURCE_EXHAUSTED only with RetryInfo, and honours its delay', () => {
    expect(classifyGrpcError(error(status.RESOURCE_EXHAUSTED))).toMatchObject({ retryable: false });
    const withInfo = retryInfoMetadata(status.RESOURCE_EXHAUSTED, 'slow down', 4);
    expect(classifyGrpcError(error(status.RESOURCE_EXHAUSTED, withInfo))).toMatchObject({
      retryable: true,
      retryAfterMs: 4000,
    });
  });
});
