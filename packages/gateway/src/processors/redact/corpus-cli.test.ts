// The PII corpus through the built CLI running the embedded default config: a third of the
// samples each from the official OpenTelemetry exporters over HTTP/protobuf, HTTP/JSON and gRPC,
// and a second corpus as log bodies (strings and nested maps) over HTTP/protobuf. Nothing planted
// may reach the exported file or the gateway's own output, each detector's counter must grow by
// what was planted, and every look-alike must arrive as it was sent. The same corpus in span
// events, span links and metric data points is in corpus-cli-positions.test.ts.
import { SeverityNumber } from '@opentelemetry/api';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPTraceExporter as GrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  defaultConfig,
  expectRedacted,
  exported,
  redactions,
  trace,
} from '../../../test-support/corpus-cli.ts';
import type { GatewayProcess } from '../../../test-support/gateway-process.ts';
import { startGateway } from '../../../test-support/gateway-process.ts';
import { piiCorpus } from '../../../test-support/pii-corpus.ts';

const PER_DETECTOR = 300;

/** Sends spans through one official exporter and waits until it has delivered them. */
const send = (exporter: SpanExporter, spans: Record<string, string>[]) =>
  trace(exporter, (tracer) => {
    for (const { name, ...attributes } of spans) tracer.startSpan(name!, { attributes }).end();
  });

describe('the embedded default config against the PII corpus', () => {
  let gateway: GatewayProcess;
  beforeAll(async () => {
    gateway = await startGateway(defaultConfig());
  });
  afterAll(async () => {
    expect(await gateway.stop()).toBe(0);
  });

  it('redacts every sample in spans over protobuf, JSON and gRPC, keeping every look-alike', async () => {
    const { samples, lookAlikes } = piiCorpus(PER_DETECTOR, 29);
    const before = await redactions(gateway, 'traces');
    // every other sample as a span name, the rest as an attribute; look-alikes as attributes
    const spans = [
      ...samples.map((s, i) => (i % 2 === 0 ? { name: s.text } : { name: 'op', note: s.text })),
      ...lookAlikes.map((text) => ({ name: 'look-alike', ref: text })),
    ];
    const third = (k: number) => spans.filter((_s, i) => i % 3 === k);
    await Promise.all([
      send(new ProtoExporter({ url: `${gateway.otlpUrl}/v1/traces` }), third(0)),
      send(new JsonExporter({ url: `${gateway.otlpUrl}/v1/traces` }), third(1)),
      send(new GrpcExporter({ url: `http://${gateway.grpcAddress}` }), third(2)),
    ]);
    const text = await exported(gateway, /"spanId"/g, spans.length);
    await expectRedacted(gateway, text, samples, lookAlikes, 'traces', before);
  }, 60_000);

  it('redacts every sample in log bodies, strings and nested maps', async () => {
    const { samples, lookAlikes } = piiCorpus(PER_DETECTOR, 31);
    const before = await redactions(gateway, 'logs');
    const provider = new LoggerProvider({
      resource: resourceFromAttributes({ 'service.name': 'corpus' }),
      processors: [
        new BatchLogRecordProcessor({
          exporter: new OTLPLogExporter({ url: `${gateway.otlpUrl}/v1/logs` }),
          maxExportBatchSize: 256,
          maxQueueSize: 8192,
        }),
      ],
    });
    const logger = provider.getLogger('corpus');
    const bodies = [
      ...samples.map((s, i) =>
        i % 2 === 0 ? s.text : { msg: 'request', detail: [{ text: s.text }] },
      ),
      ...lookAlikes,
    ];
    for (const body of bodies)
      logger.emit({ severityNumber: SeverityNumber.INFO, severityText: 'INFO', body });
    await provider.forceFlush();
    await provider.shutdown();
    const text = await exported(gateway, /"severityText"/g, bodies.length);
    await expectRedacted(gateway, text, samples, lookAlikes, 'logs', before);
  }, 60_000);
});
