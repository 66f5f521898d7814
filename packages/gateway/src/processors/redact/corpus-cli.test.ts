// The PII corpus through the built CLI running the embedded default config (only its fixed
// listener ports set to 0 and an admin port added, so tests can run side by side): a third of the
// samples each from the official OpenTelemetry exporters over HTTP/protobuf, HTTP/JSON and gRPC,
// a second corpus as log bodies (strings and nested maps) over HTTP/protobuf, and smaller ones as
// span event attributes, span link attributes and metric data point attributes (strings, arrays
// and nested maps in turn). Nothing planted may reach the exported file or the gateway's own
// output, each detector's counter must grow by what was planted, and every look-alike must arrive
// as it was sent.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Tracer } from '@opentelemetry/api';
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
import type { Signal } from '../../signal.ts';

const PER_DETECTOR = 300;
/** Samples of each detector in each further position (event, link, data point): fewer, faster. */
const PER_POSITION = 50;
/** Events or links per span, well under the SDK's limits (128 of each). */
const PER_SPAN = 10;

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

/** Runs `emit` on a tracer of the official SDK and waits until `exporter` has delivered it all. */
async function trace(exporter: SpanExporter, emit: (tracer: Tracer) => void): Promise<void> {
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'corpus' }),
    // the SDK drops past its queue (2048 by default) and the corpus is emitted all at once
    spanProcessors: [
      new BatchSpanProcessor({ exporter, maxExportBatchSize: 256, maxQueueSize: 8192 }),
    ],
  });
  emit(provider.getTracer('corpus'));
  await provider.forceFlush();
  await provider.shutdown();
}

/** Sends spans through one official exporter and waits until it has delivered them. */
const send = (exporter: SpanExporter, spans: Record<string, string>[]) =>
  trace(exporter, (tracer) => {
    for (const { name, ...attributes } of spans) tracer.startSpan(name!, { attributes }).end();
  });

/** An attribute value as the SDK takes it: strings, arrays and maps at any depth. */
type Planted = string | Planted[] | { [key: string]: Planted };

/** Where a planted text sits in an attribute value: alone, in an array, in a nested map. */
const SHAPES: ((text: string) => Planted)[] = [(t) => t, (t) => ['ok', t], (t) => ({ doc: { t } })];

/**
 * One attribute set per text, its value in each of `shapes` in turn, keyed by its index
 * (`marker`) so that no two sets are equal.
 */
function planted(
  texts: string[],
  marker: string,
  shapes = SHAPES,
): Record<string, Planted | number>[] {
  return texts.map((text, i) => ({ [marker]: i, note: shapes[i % shapes.length]!(text) }));
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

/** `value` in OTLP/JSON. */
function anyValue(value: Planted | number): unknown {
  if (typeof value === 'number') return { intValue: String(value) };
  if (typeof value === 'string') return { stringValue: value };
  if (Array.isArray(value)) return { arrayValue: { values: value.map(anyValue) } };
  const values = Object.entries(value).map(([key, v]) => ({ key, value: anyValue(v) }));
  return { kvlistValue: { values } };
}

/**
 * An OTLP/JSON request with one cumulative monotonic sum, a data point of 1 per attribute set,
 * as the SDK's metrics exporter writes a counter's `.add(1, attributes)`. Written out because the
 * package has no metrics SDK among its dependencies.
 */
function sumRequest(points: Record<string, Planted | number>[]): unknown {
  const now = String(BigInt(Date.now()) * 1_000_000n);
  const dataPoints = points.map((attributes) => ({
    attributes: Object.entries(attributes).map(([key, value]) => ({ key, value: anyValue(value) })),
    startTimeUnixNano: now,
    timeUnixNano: now,
    asInt: '1',
  }));
  const resource = { attributes: [{ key: 'service.name', value: { stringValue: 'corpus' } }] };
  const sum = { aggregationTemporality: 2, isMonotonic: true, dataPoints };
  const metrics = [{ name: 'corpus.requests', unit: '1', sum }];
  return {
    resourceMetrics: [{ resource, scopeMetrics: [{ scope: { name: 'corpus' }, metrics }] }],
  };
}

const escaped = (s: string) => JSON.stringify(s).slice(1, -1);

/** Asserts no sample leaked into the export, the gateway's output or /metrics, and the counts. */
async function expectRedacted(
  gateway: GatewayProcess,
  text: string,
  samples: Sample[],
  lookAlikes: string[],
  signal: Signal,
  before: Record<string, number>,
): Promise<void> {
  const leaked = samples.filter(
    (s) => text.includes(escaped(s.secret)) || gateway.output().includes(s.secret),
  );
  expect(leaked.map((s) => `${s.detector}: ${s.text}`)).toEqual([]);
  expect(lookAlikes.filter((l) => !text.includes(escaped(l)))).toEqual([]);
  const sown = (d: string) => samples.filter((s) => s.detector === d).length;
  expect(await redactions(gateway, signal)).toEqual(
    Object.fromEntries(CORPUS_DETECTORS.map((d) => [d, before[d]! + sown(d)])),
  );
  const metrics = await scrapeMetrics(gateway.adminUrl);
  expect(samples.filter((s) => metrics.includes(s.secret))).toEqual([]);
}

/** Each detector's otelgw_redactions_total for `signal` (0 before its first finding). */
async function redactions(
  gateway: GatewayProcess,
  signal: Signal,
): Promise<Record<string, number>> {
  const metrics = await scrapeMetrics(gateway.adminUrl);
  return Object.fromEntries(
    CORPUS_DETECTORS.map((rule) => [
      rule,
      sampleValue(metrics, 'otelgw_redactions_total', { processor: 'redact', rule, signal }) ?? 0,
    ]),
  );
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

  it('redacts every sample in span event attributes, keeping every look-alike', async () => {
    const { samples, lookAlikes } = piiCorpus(PER_POSITION, 37);
    const before = await redactions(gateway, 'traces');
    const texts = [...samples.map((s) => s.text), ...lookAlikes];
    // the SDK drops map values from event attributes (it keeps primitives and flat arrays)
    const events = planted(texts, 'corpus.event', SHAPES.slice(0, 2));
    await trace(new ProtoExporter({ url: `${gateway.otlpUrl}/v1/traces` }), (tracer) => {
      for (let i = 0; i < events.length; i += PER_SPAN) {
        const span = tracer.startSpan('events');
        for (const attributes of events.slice(i, i + PER_SPAN)) span.addEvent('step', attributes);
        span.end();
      }
    });
    const text = await exported(gateway, /"corpus\.event"/g, events.length);
    await expectRedacted(gateway, text, samples, lookAlikes, 'traces', before);
  }, 60_000);

  it('redacts every sample in span link attributes, keeping every look-alike', async () => {
    const { samples, lookAlikes } = piiCorpus(PER_POSITION, 41);
    const before = await redactions(gateway, 'traces');
    const links = planted([...samples.map((s) => s.text), ...lookAlikes], 'corpus.link');
    await trace(new JsonExporter({ url: `${gateway.otlpUrl}/v1/traces` }), (tracer) => {
      const target = tracer.startSpan('target');
      target.end();
      const context = target.spanContext();
      for (let i = 0; i < links.length; i += PER_SPAN) {
        const batch = links.slice(i, i + PER_SPAN).map((attributes) => ({ context, attributes }));
        tracer.startSpan('linked', { links: batch }).end();
      }
    });
    const text = await exported(gateway, /"corpus\.link"/g, links.length);
    await expectRedacted(gateway, text, samples, lookAlikes, 'traces', before);
  }, 60_000);

  it('redacts every sample in metric data point attributes, keeping every look-alike', async () => {
    const { samples, lookAlikes } = piiCorpus(PER_POSITION, 43);
    const before = await redactions(gateway, 'metrics');
    const points = planted([...samples.map((s) => s.text), ...lookAlikes], 'corpus.point');
    const response = await fetch(`${gateway.otlpUrl}/v1/metrics`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(sumRequest(points)),
    });
    expect(response.status).toBe(200);
    const text = await exported(gateway, /"corpus\.point"/g, points.length);
    await expectRedacted(gateway, text, samples, lookAlikes, 'metrics', before);
  }, 60_000);
});
