// The PII corpus through the built CLI running the embedded default config, in the attribute
// positions beyond span attributes and log bodies: span event attributes, span link attributes and
// metric data point attributes (strings, arrays and nested maps in turn), each sent by an official
// OpenTelemetry exporter. Nothing planted may reach the exported file or the gateway's own output,
// each detector's counter must grow by what was planted, and every look-alike must arrive as it
// was sent.
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  defaultConfig,
  expectRedacted,
  exported,
  planted,
  redactions,
  SHAPES,
  trace,
} from '../../../test-support/corpus-cli.ts';
import type { GatewayProcess } from '../../../test-support/gateway-process.ts';
import { startGateway } from '../../../test-support/gateway-process.ts';
import { piiCorpus } from '../../../test-support/pii-corpus.ts';

/** Samples of each detector in each position (event, link, data point). */
const PER_POSITION = 50;
/** Events or links per span, well under the SDK's limits (128 of each). */
const PER_SPAN = 10;

describe('the embedded default config against the PII corpus in events, links and metrics', () => {
  let gateway: GatewayProcess;
  beforeAll(async () => {
    gateway = await startGateway(defaultConfig());
  });
  afterAll(async () => {
    expect(await gateway.stop()).toBe(0);
  });

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
    const provider = new MeterProvider({
      resource: resourceFromAttributes({ 'service.name': 'corpus' }),
      readers: [
        new PeriodicExportingMetricReader({
          exporter: new OTLPMetricExporter({
            url: `${gateway.otlpUrl}/v1/metrics`,
            // shutdown() collects once more after forceFlush(): cumulative would send every
            // series again and each detector would count it twice
            temporalityPreference: AggregationTemporality.DELTA,
          }),
          // one series per attribute set; the SDK folds those past limit - 1 into an overflow series
          cardinalityLimits: { counter: points.length + 1 },
        }),
      ],
    });
    const counter = provider.getMeter('corpus').createCounter('corpus.requests');
    for (const attributes of points) counter.add(1, attributes);
    await provider.forceFlush();
    await provider.shutdown();
    const text = await exported(gateway, /"corpus\.point"/g, points.length);
    await expectRedacted(gateway, text, samples, lookAlikes, 'metrics', before);
  }, 60_000);
});
