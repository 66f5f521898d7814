// The redact processor, table-driven from testdata/cases.yaml: each case's config applied to its
// input, compared in compact form, whether it answered UNCHANGED, and the findings per rule
// counted in otelgw_redactions_total.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Shape } from '../../../test-support/compact.ts';
import { build, shapeOf } from '../../../test-support/compact.ts';
import { testSettings } from '../../../test-support/settings.ts';
import type { Settings } from '../../component.ts';
import { UNCHANGED } from '../../component.ts';
import type { Signal } from '../../signal.ts';
import { redactProcessorConfigSchema } from './config.ts';
import { RedactProcessor } from './processor.ts';

interface Case {
  name: string;
  signal?: Signal;
  config: unknown;
  input: Shape;
  expect: Shape;
  changed?: boolean;
  counts: Record<string, number>;
}

const cases = parse(
  readFileSync(join(import.meta.dirname, 'testdata', 'cases.yaml'), 'utf8'),
) as Case[];
const ENV = { REDACT_KEY: 'redact-test-key' };

const settings = (): Settings => testSettings('redact');

async function counts(s: Settings): Promise<Record<string, number>> {
  const { values } = await s.metrics.redactions.get();
  return Object.fromEntries(values.map((v) => [String(v.labels.rule), v.value]));
}

describe('redact processor', () => {
  it.each(cases)('$name', async (c) => {
    const s = settings();
    const processor = new RedactProcessor(redactProcessorConfigSchema.parse(c.config), s, ENV);
    const batch = build(c.signal ?? 'traces', c.input);
    const out = processor.process(batch);
    expect(out === UNCHANGED ? 'UNCHANGED' : 'changed').toBe(
      c.changed === false ? 'UNCHANGED' : 'changed',
    );
    expect(shapeOf(batch, c.expect)).toEqual(c.expect);
    expect(await counts(s)).toEqual(c.counts);
  });

  it('reaches scope names and versions, log event names and severity texts, metric descriptions', () => {
    const s = settings();
    const processor = new RedactProcessor(redactProcessorConfigSchema.parse({}), s, ENV);
    const logs = build('logs', { scope: {}, records: [{}] });
    if (logs.signal !== 'logs') throw new Error('built logs');
    const scope = logs.request.resourceLogs[0]!.scopeLogs[0]!;
    scope.scope!.name = 'lib for jane@example.com';
    scope.logRecords[0]!.eventName = 'login jane@example.com';
    scope.logRecords[0]!.severityText = 'INFO jane@example.com';
    processor.process(logs);
    expect([
      scope.scope!.name,
      scope.logRecords[0]!.eventName,
      scope.logRecords[0]!.severityText,
    ]).toEqual(['lib for [REDACTED]', 'login [REDACTED]', 'INFO [REDACTED]']);
    const metrics = build('metrics', { records: [{}] });
    if (metrics.signal !== 'metrics') throw new Error('built metrics');
    const metric = metrics.request.resourceMetrics[0]!.scopeMetrics[0]!.metrics[0]!;
    metric.description = 'latency of jane@example.com';
    processor.process(metrics);
    expect(metric.description).toBe('latency of [REDACTED]');
  });

  it('scans bytes that are UTF-8 text and leaves other bytes as they were', async () => {
    const s = settings();
    const processor = new RedactProcessor(redactProcessorConfigSchema.parse({}), s, ENV);
    const spans = build('traces', { records: [{}] });
    if (spans.signal !== 'traces') throw new Error('built spans');
    const binary = Uint8Array.of(0xff, 0xfe, 0x40, 0x00);
    const span = spans.request.resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
    span.attributes = [
      { key: 'payload', value: { bytesValue: Buffer.from('mail jane@example.com', 'utf8') } },
      { key: 'blob', value: { bytesValue: binary } },
    ];
    expect(processor.process(spans)).not.toBe(UNCHANGED);
    const [payload, blob] = span.attributes.map((a) => a.value);
    expect(payload && 'bytesValue' in payload && Buffer.from(payload.bytesValue).toString()).toBe(
      'mail [REDACTED]',
    );
    expect(blob).toEqual({ bytesValue: binary });
    expect(await counts(s)).toEqual({ email: 1 });
  });

  it('runs a pattern that would backtrack catastrophically in linear time', () => {
    const s = settings();
    const config = { patterns: [{ name: 'nested', pattern: '(a+)+$' }] };
    const processor = new RedactProcessor(redactProcessorConfigSchema.parse(config), s, ENV);
    // 'a' x 100k then 'b': a backtracking engine tries 2^n splits before failing
    const logs = build('logs', { records: [{ payload: `${'a'.repeat(100_000)}b` }] });
    expect(processor.process(logs)).toBe(UNCHANGED);
  });

  it.each([
    [{ detectors: { credit_card: true } }, /unknown detector credit_card; known: private_key, jwt/],
    [{ rules: [{ name: 'x', keys: ['a'], action: 'hash' }] }, /hash actions need a key/],
    [{ rules: [{ name: 'Bad Name', keys: ['a'] }] }, /lowercase letters/],
    [{ patterns: [{ name: 'x', pattern: '(?<=a)b' }] }, /not an RE2 pattern: /],
    [{ patterns: [{ name: 'email', pattern: 'x' }] }, /a built-in detector has this name/],
    [{ patterns: [{ name: 'x', pattern: 'x', action: 'hash' }] }, /hash actions need a key/],
  ])('validates its config: %j', (config, message) => {
    const result = redactProcessorConfigSchema.safeParse(config);
    expect(result.error?.issues.map((i) => i.message).join('\n')).toMatch(message);
  });
});
