// What the tests sending the PII corpus through the built CLI share: the config they run, how they
// emit through the official SDK, how they plant a text in an attribute value, and the one check
// that nothing planted leaked, every detector counted what was planted and every look-alike
// arrived as it was sent.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Tracer } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { expect } from 'vitest';
import { DEFAULT_CONFIG_YAML } from '../src/config/default.ts';
import type { Signal } from '../src/signal.ts';
import type { GatewayProcess } from './gateway-process.ts';
import type { Sample } from './pii-corpus.ts';
import { CORPUS_DETECTORS } from './pii-corpus.ts';
import { sampleValue, scrapeMetrics } from './prometheus.ts';
import { until } from './wait.ts';

/**
 * The embedded default config with only its fixed listener ports set to 0 and an admin port added,
 * so tests can run side by side. Throws when the default config's listeners moved.
 */
export function defaultConfig(): string {
  const yaml = DEFAULT_CONFIG_YAML({ OTEL_GATEWAY_INSTANCE: 'corpus-test' })
    .replace('127.0.0.1:4318', '127.0.0.1:0')
    .replace('127.0.0.1:4317', '127.0.0.1:0')
    .replace('\nservice:\n', '\nservice:\n  admin: { endpoint: 127.0.0.1:0 }\n');
  if (!yaml.includes('127.0.0.1:0\n  otlp_grpc:\n    endpoint: 127.0.0.1:0'))
    throw new Error(`the default config's listeners moved:\n${yaml}`);
  return yaml;
}

/**
 * Runs `emit` on a tracer of the official SDK and resolves once `exporter` has delivered all of it
 * and been shut down.
 */
export async function trace(exporter: SpanExporter, emit: (tracer: Tracer) => void): Promise<void> {
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

/** An attribute value as the SDK takes it: strings, arrays and maps at any depth. */
export type Planted = string | Planted[] | { [key: string]: Planted };

/** Where a planted text sits in an attribute value: alone, in an array, in a nested map. */
export const SHAPES: readonly ((text: string) => Planted)[] = [
  (t) => t,
  (t) => ['ok', t],
  (t) => ({ doc: { t } }),
];

/**
 * One attribute set per text, its value in each of `shapes` in turn, keyed by its index
 * (`marker`) so that no two sets are equal.
 */
export function planted(
  texts: string[],
  marker: string,
  shapes = SHAPES,
): Record<string, Planted | number>[] {
  return texts.map((text, i) => ({ [marker]: i, note: shapes[i % shapes.length]!(text) }));
}

/** What was exported, once `marker` appears at least `count` times in the file (30 s at most). */
export function exported(gateway: GatewayProcess, marker: RegExp, count: number): Promise<string> {
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

/**
 * Asserts that no sample leaked into `text` (the export), the gateway's output or /metrics, that
 * every look-alike is in `text` as it was sent, and that each detector's counter for `signal` grew
 * from `before` by exactly the samples planted for it.
 */
export async function expectRedacted(
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
export async function redactions(
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
