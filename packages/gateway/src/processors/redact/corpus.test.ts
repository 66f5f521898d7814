// The redact processor's defaults against the generated PII corpus: 300 valid samples of each
// built-in detector, in span names, attributes and nested values, and as many look-alikes. No
// secret may survive, each detector must count exactly its own samples, and every look-alike must
// come through byte for byte.
import { describe, expect, it } from 'vitest';
import { build } from '../../../test-support/compact.ts';
import { CORPUS_DETECTORS, piiCorpus } from '../../../test-support/pii-corpus.ts';
import { testSettings } from '../../../test-support/settings.ts';
import { UNCHANGED } from '../../component.ts';
import { GatewayMetrics } from '../../telemetry/metrics.ts';
import { redactProcessorConfigSchema } from './config.ts';
import { RedactProcessor } from './processor.ts';

const PER_DETECTOR = 300;

describe('redact against the PII corpus', () => {
  const { samples, lookAlikes } = piiCorpus(PER_DETECTOR);
  const metrics = new GatewayMetrics({ processMetrics: false });
  const processor = new RedactProcessor(
    redactProcessorConfigSchema.parse({}),
    testSettings('redact', metrics),
  );

  it('removes every sample, counting each under its own detector', async () => {
    // each sample in turn as an attribute, a nested list value and a span name
    const batch = build('traces', {
      records: samples.map((s, i) =>
        i % 3 === 0 ? { note: s.text } : i % 3 === 1 ? { request: { body: [s.text] } } : {},
      ),
    });
    if (batch.signal !== 'traces') throw new Error('built spans');
    const spans = batch.request.resourceSpans[0]!.scopeSpans[0]!.spans;
    samples.forEach((s, i) => {
      if (i % 3 === 2) spans[i]!.name = s.text;
    });
    expect(processor.process(batch)).not.toBe(UNCHANGED);
    const out = JSON.stringify(batch.request, (_k, v: unknown) =>
      typeof v === 'bigint' ? v.toString() : v,
    );
    const leaked = samples.filter((s) => out.includes(JSON.stringify(s.secret).slice(1, -1)));
    expect(leaked.map((s) => `${s.detector}: ${s.text}`)).toEqual([]);
    const { values } = await metrics.redactions.get();
    const counts = Object.fromEntries(values.map((v) => [String(v.labels.rule), v.value]));
    expect(counts).toEqual(Object.fromEntries(CORPUS_DETECTORS.map((d) => [d, PER_DETECTOR])));
  });

  it('passes every look-alike through unchanged', () => {
    const batch = build('logs', { records: lookAlikes.map((text) => ({ message: text })) });
    expect(processor.process(batch)).toBe(UNCHANGED);
  });
});
