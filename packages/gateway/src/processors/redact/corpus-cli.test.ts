// The PII corpus through the built CLI running the embedded default config (only its fixed
// listener ports set to 0 and an admin port added, so tests can run side by side): a third of the
// samples each from the official OpenTelemetry exporters over HTTP/protobuf, HTTP/JSON and gRPC,
// and a second corpus as log bodies (strings and nested maps) over HTTP/protobuf. Nothing planted may reach the exported file or the gateway's own output, each detector's counter
// must equal what was planted, and every look-alike must arrive as it was sent.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SeverityNumber } from '@opentelemetry/api';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPTraceExporter as GrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayProcess } from '../../../test-support/gateway-process.ts';
import type { Sample } from '../../../test-support/pii-corpus.ts';
import { startGateway } from '../../../test-support/gateway-process.ts';
import { CORPUS_DETECTORS, piiCorpus } from '../../../test-support/pii-corpus.ts';
import { sampleValue, scrapeMetrics } from '../../../test-support/prometheus.ts';
import { until } from '../../../test-support/wait.ts';
import { DEFAULT_CONFIG_YAML } from '../../config/default.ts';

const PER_DETECTOR = 300;

/** The embedded default config with ephemeral ports. */
function defaultConfig(): string {
  const yaml = DEFAULT_CONFIG_YAML({ OTEL_GATEWAY_INSTANCE: 'corpus-test' })
    .replace('127.0.0.1:4318', '127.0.0.1:0')
    .replace('127.0.0.1:4317', '127.0.0.1:0')
    .replace('\nservice:\n', '\nservice:\n  admin: { endpoint: 127.0.0.1:0 }\n');
  if (!yaml.includes('127.0.0.1:0\n  otlp_grpc:\n    endpoint: 127.0.0.1:0'))
    throw new Error(`the default config's listeners moved:\n${yaml}`);
  return yaml;
}

/** Sends spans through one official exporter and waits until it has delivered them. */
async function send(exporter: SpanExporter, spans: Record<string, string>[]): Promise<void> {
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'corpus' }),
    // the SDK drops past its queue (2048 by default) and the corpus is emitted all at once
    spanProcessors: [
      new BatchSpanProcessor({ exporter, maxExportBatchSize: 256, maxQueueSize: 8192 }),
    ],
  });
  const tracer = provider.getTracer('corpus');
  for (const { name, ...attributes } of spans) tracer.startSpan(name!, { attributes }).end();
  await provider.forceFlush();
  await provider.shutdown();
}

/** What was exported, once `marker` appears at least `count` times in the file. */
function exported(gateway: GatewayProcess, marker: RegExp, count: number): Promise<string> {
  const file = join(gateway.dir, 'data', 'otlp.jsonl');
  return until(
    `${count} records in the exported file`,
    () => {
      const out = existsSync(file) ? readFileSync(file, 'utf8') : '';
      return (out.match(marker)?.length ?? 0) >= count ? out : undefined;
    },
    30_000,
  );
}

const escaped = (s: string) => JSON.stringify(s).slice(1, -1);

/** Asserts no sample leaked into the export, the gateway's output or /metrics, and the counts. */
async function expectRedacted(
  gateway: GatewayProcess,
  text: string,
  samples: Sample[],
  lookAlikes: string[],
  signal: 'traces' | 'logs',
): Promise<void> {
  const leaked = samples.filter(
    (s) => text.includes(escaped(s.secret)) || gateway.output().includes(s.secret),
  );
  expect(leaked.map((s) => `${s.detector}: ${s.text}`)).toEqual([]);
  expect(lookAlikes.filter((l) => !text.includes(escaped(l)))).toEqual([]);
  const metrics = await scrapeMetrics(gateway.adminUrl);
  const counts = Object.fromEntries(
    CORPUS_DETECTORS.map((rule) => [
      rule,
      sampleValue(metrics, 'otelgw_redactions_total', { processor: 'redact', rule, signal }),
    ]),
  );
  expect(counts).toEqual(Object.fromEntries(CORPUS_DETECTORS.map((d) => [d, PER_DETECTOR])));
  expect(samples.filter((s) => metrics.includes(s.secret))).toEqual([]);
}

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
    await expectRedacted(gateway, text, samples, lookAlikes, 'traces');
  }, 60_000);

  it('redacts every sample in log bodies, strings and nested maps', async () => {
    const { samples, lookAlikes } = piiCorpus(PER_DETECTOR, 31);
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
    await expectRedacted(gateway, text, samples, lookAlikes, 'logs');
  }, 60_000);
});
