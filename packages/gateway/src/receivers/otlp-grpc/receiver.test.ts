// The built CLI's OTLP/gRPC receiver, driven by the official OpenTelemetry gRPC exporter and a raw
// @grpc/grpc-js client for the status codes.
import { Metadata, status } from '@grpc/grpc-js';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayProcess } from '../../../test-support/gateway-process.ts';
import { startGateway } from '../../../test-support/gateway-process.ts';
import type { Sink } from '../../../test-support/otlp-sink.ts';
import { startSink } from '../../../test-support/otlp-sink.ts';
import { grpcCall } from '../../../test-support/grpc-call.ts';
import { sampleValue, scrapeMetrics } from '../../../test-support/prometheus.ts';
import { traceRequestBytes } from '../../../test-support/spans.ts';

const oneSpan = (name: string) => traceRequestBytes([name]);

const config = (sinkUrl: string, queue: string) => `
receivers:
  otlp_grpc: { endpoint: 127.0.0.1:0, retry_after_s: 3 }
  otlp_http: { endpoint: 127.0.0.1:0 }
exporters:
  otlp_http:
    endpoint: ${sinkUrl}
    sending_queue: ${queue}
    batch: { enabled: false }
service:
  admin: { endpoint: 127.0.0.1:0 }
  pipelines:
    traces: { receivers: [otlp_grpc, otlp_http], exporters: [otlp_http] }
`;

const TRACE_EXPORT = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';
const LOGS_EXPORT = '/opentelemetry.proto.collector.logs.v1.LogsService/Export';

describe('OTLP/gRPC receiver', () => {
  let sink: Sink;
  let gateway: GatewayProcess | undefined;
  beforeAll(async () => {
    sink = await startSink();
  });
  afterAll(() => sink.close());
  afterEach(async () => {
    await gateway?.stop('SIGKILL');
    gateway = undefined;
    sink.spans.length = 0;
    sink.tenants.length = 0;
    sink.behaviour = { delayMs: 0, status: 200, hang: false };
  });

  it('carries spans from the official gRPC exporter', async () => {
    gateway = await startGateway(config(sink.url, '{ capacity: 100 }'));
    const exporter = new OTLPTraceExporter({ url: `http://${gateway.grpcAddress}` });
    const provider = new TracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'grpc-sdk' }),
      spanProcessors: [new SimpleSpanProcessor({ exporter })],
    });
    for (let i = 0; i < 4; i++) provider.getTracer('t').startSpan(`grpc-${i}`).end();
    await provider.forceFlush();
    await provider.shutdown();
    const deadline = Date.now() + 10_000;
    while (sink.spans.length < 4 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 25));
    expect([...sink.spans].sort()).toEqual(['grpc-0', 'grpc-1', 'grpc-2', 'grpc-3']);
  });

  it('answers OK, INVALID_ARGUMENT, UNIMPLEMENTED and UNAVAILABLE with RetryInfo', async () => {
    sink.behaviour.hang = true;
    gateway = await startGateway(config(sink.url, '{ capacity: 1, consumers: 1 }'));
    const address = gateway.grpcAddress!;

    const ok = await grpcCall(address, TRACE_EXPORT, oneSpan('a'));
    expect(ok.error).toBeNull();
    expect(ok.response!.length).toBe(0);

    const malformed = await grpcCall(address, TRACE_EXPORT, Uint8Array.from([0x0a, 0xff]));
    expect(malformed.error!.code).toBe(status.INVALID_ARGUMENT);
    expect(malformed.error!.details).toMatch(/invalid OTLP protobuf/);

    const logs = await grpcCall(address, LOGS_EXPORT, new Uint8Array(0));
    expect(logs.error!.code).toBe(status.UNIMPLEMENTED);

    expect((await grpcCall(address, TRACE_EXPORT, oneSpan('queued'))).error).toBeNull();
    const refused = await grpcCall(address, TRACE_EXPORT, oneSpan('refused'));
    expect(refused.error!.code).toBe(status.UNAVAILABLE);
    const details = refused.error!.metadata.get('grpc-status-details-bin')[0] as Buffer;
    expect(details.includes(Buffer.from('type.googleapis.com/google.rpc.RetryInfo'))).toBe(true);
    // RetryInfo.retry_delay.seconds = 3 → bytes 0x0a 0x02 0x08 0x03 inside the Any value
    expect(details.includes(Buffer.from([0x0a, 0x02, 0x08, 0x03]))).toBe(true);
    const metrics = await scrapeMetrics(gateway.adminUrl);
    const traces = { receiver: 'otlp_grpc', signal: 'traces' };
    const refusals = (reason: string) =>
      sampleValue(metrics, 'otelgw_receiver_refused_requests_total', { ...traces, reason });
    expect([refusals('invalid'), refusals('backpressure')]).toEqual([1, 1]);
    // The reason label is a fixed word; what is specific stays in the status details.
    expect(
      sampleValue(metrics, 'otelgw_receiver_refused_requests_total', {
        receiver: 'otlp_grpc',
        signal: 'logs',
        reason: 'no_pipeline',
      }),
    ).toBe(1);
    expect(sampleValue(metrics, 'otelgw_receiver_accepted_items_total', traces)).toBe(2);
  });

  it('answers UNAUTHENTICATED without a known credential and accepts a bearer token', async () => {
    const token = 'grpc-tenant-token-0123456789';
    gateway = await startGateway(
      config(sink.url, '{ capacity: 100 }').replace(
        'otlp_grpc: { endpoint: 127.0.0.1:0, retry_after_s: 3 }',
        'otlp_grpc: { endpoint: 127.0.0.1:0, auth: { tenants: { ops: { bearer_token: "${env:TOKEN}" } } } }',
      ),
      { TOKEN: token },
    );
    const refused = await grpcCall(gateway.grpcAddress!, TRACE_EXPORT, oneSpan('anonymous'));
    expect(refused.error!.code).toBe(status.UNAUTHENTICATED);
    const metadata = new Metadata();
    metadata.set('authorization', `Bearer ${token}`);
    expect(
      (await grpcCall(gateway.grpcAddress!, TRACE_EXPORT, oneSpan('ops-span'), { metadata })).error,
    ).toBeNull();
    const deadline = Date.now() + 10_000;
    while (!sink.spans.includes('ops-span') && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 25));
    expect(sink.tenants[sink.spans.indexOf('ops-span')]).toBe('ops');
    const metrics = await scrapeMetrics(gateway.adminUrl);
    const traces = { receiver: 'otlp_grpc', signal: 'traces' };
    expect(
      sampleValue(metrics, 'otelgw_receiver_refused_requests_total', {
        ...traces,
        reason: 'unauthorized',
      }),
    ).toBe(1);
    expect(sampleValue(metrics, 'otelgw_receiver_accepted_items_total', traces)).toBe(1);
  });
});
