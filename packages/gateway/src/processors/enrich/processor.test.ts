// The enrich processor, table-driven from testdata/cases.yaml: each case's config applied to its
// input, compared in compact form (attributes as plain maps), and whether it answered UNCHANGED.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Shape } from '../../../test-support/compact.ts';
import { build, shapeOf } from '../../../test-support/compact.ts';
import { testSettings } from '../../../test-support/settings.ts';
import { UNCHANGED } from '../../component.ts';
import type { Signal } from '../../signal.ts';
import { enrichProcessorConfigSchema } from './config.ts';
import { EnrichProcessor } from './processor.ts';

interface Case {
  name: string;
  signal?: Signal;
  config: unknown;
  input: Shape;
  expect: Shape;
  changed?: boolean;
}

const cases = parse(
  readFileSync(join(import.meta.dirname, 'testdata', 'cases.yaml'), 'utf8'),
) as Case[];
const ENV = { DEPLOY_ENV: 'prod', HASH_KEY: 'test-hash-key' };
const SETTINGS = testSettings('enrich');

describe('enrich processor', () => {
  it.each(cases)('$name', (c) => {
    const processor = new EnrichProcessor(
      enrichProcessorConfigSchema.parse(c.config),
      SETTINGS,
      ENV,
    );
    const batch = build(c.signal ?? 'traces', c.input);
    const out = processor.process(batch);
    expect(out === UNCHANGED ? 'UNCHANGED' : 'changed').toBe(
      c.changed === false ? 'UNCHANGED' : 'changed',
    );
    expect(shapeOf(batch, c.expect)).toEqual(c.expect);
  });

  it('creates no scope when nothing was added to it, and answers UNCHANGED', () => {
    const processor = new EnrichProcessor(
      enrichProcessorConfigSchema.parse({
        actions: [{ key: 'lib.team', action: 'rename', to: 'team', on: 'scope' }],
      }),
      SETTINGS,
      ENV,
    );
    const batch = build('traces', { records: [{}] });
    if (batch.signal !== 'traces') throw new Error('built spans');
    expect(processor.process(batch)).toBe(UNCHANGED);
    expect(batch.request.resourceSpans[0]!.scopeSpans[0]!.scope).toBeUndefined();
  });

  it('catalog: UNCHANGED when the resource already has its attributes; values never shared', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'enrich-')), 'catalog.yaml');
    writeFileSync(path, 'services: [{ match: checkout, attributes: { team: shop, tier: 1 } }]');
    const processor = new EnrichProcessor(
      enrichProcessorConfigSchema.parse({ catalog: { path } }),
      SETTINGS,
      ENV,
    );
    const first = build('traces', { resource: { 'service.name': 'checkout' }, records: [{}] });
    const second = build('traces', { resource: { 'service.name': 'checkout' }, records: [{}] });
    expect(processor.process(first)).not.toBe(UNCHANGED);
    expect(processor.process(second)).not.toBe(UNCHANGED);
    expect(processor.process(first)).toBe(UNCHANGED);
    const team = (b: typeof first) =>
      b.signal === 'traces'
        ? b.request.resourceSpans[0]!.resource!.attributes.find((a) => a.key === 'team')!.value
        : undefined;
    expect(team(first)).toEqual({ stringValue: 'shop' });
    expect(team(first)).not.toBe(team(second));
    const stale = build('traces', {
      resource: { 'service.name': 'checkout', team: 'shop', tier: '1' },
      records: [{}],
    });
    expect(processor.process(stale)).not.toBe(UNCHANGED); // tier typed as the catalog says
    expect(shapeOf(stale, { resource: {} })).toEqual({
      resource: { 'service.name': 'checkout', team: 'shop', tier: 1 },
    });
  });

  it('refuses an unset environment variable, naming it', () => {
    const config = enrichProcessorConfigSchema.parse({
      actions: [{ key: 'env', from_env: 'NOT_SET_HERE' }],
    });
    expect(() => new EnrichProcessor(config, SETTINGS, {})).toThrow(
      'environment variable NOT_SET_HERE (from_env of env) is not set',
    );
  });

  it.each([
    [{ actions: [{ key: 'a' }] }, 'insert needs exactly one of value, from_env, from_attribute'],
    [{ actions: [{ key: 'a', action: 'delete', value: 1 }] }, 'delete takes no value'],
    [{ actions: [{ key: 'a', action: 'rename' }] }, 'to goes with rename, and only with it'],
    [{ actions: [{ key: 'a', action: 'hash' }] }, 'hash actions need a key'],
    [{ actions: [{ key: 'a', action: 'extract', pattern: '(' }] }, 'not an RE2 pattern: '],
  ])('validates its config: %j', (config, message) => {
    const result = enrichProcessorConfigSchema.safeParse(config);
    expect(result.error?.issues.map((i) => i.message).join('\n')).toContain(message);
  });
});
