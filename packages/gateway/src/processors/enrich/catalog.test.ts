// The service catalog: exact names and globs, first match wins, errors that name the file and the
// problem, and a file changed while in use: re-read, or, when broken, the last good one kept.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readReadmeSection } from '../../../../../scripts/readme-section.ts';
import { until } from '../../../test-support/wait.ts';
import { exampleSection } from '../../config/component-docs.ts';
import { ServiceCatalog, readCatalog } from './catalog.ts';

const dir = mkdtempSync(join(tmpdir(), 'catalog-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

const CATALOG = `
services:
  - { match: checkout, attributes: { team: shop, owner: alice, tier: 1 } }
  - { match: 'payments-*', attributes: { team: payments, on_call: pay-oncall } }
  - { match: '*', attributes: { team: platform } }
`;

describe('service catalog', () => {
  it('reads the example the README shows', () => {
    const path = join(import.meta.dirname, 'testdata', 'catalog.yaml');
    const entries = readCatalog(path);
    expect(entries.map((e) => e.matches('payments-ledger'))).toEqual([false, true, true]);
    const readme = join(import.meta.dirname, 'README.md');
    expect(readReadmeSection(readme, 'catalog')).toBe(exampleSection(readFileSync(path, 'utf8')));
  });

  it('matches exact names and globs, the first entry that matches winning', () => {
    const entries = readCatalog(file('a.yaml', CATALOG));
    const lookup = (service: string) =>
      entries.find((e) => e.matches(service))?.attributes.map((a) => [a.key, a.value]);
    expect(lookup('checkout')).toEqual([
      ['team', { stringValue: 'shop' }],
      ['owner', { stringValue: 'alice' }],
      ['tier', { intValue: 1n }],
    ]);
    expect(lookup('payments-ledger')?.[0]).toEqual(['team', { stringValue: 'payments' }]);
    expect(lookup('search')).toEqual([['team', { stringValue: 'platform' }]]);
    expect(
      readCatalog(
        file('b.json', '{"services":[{"match":"a.b","attributes":{"x":true}}]}'),
      )[0]!.matches('axb'),
    ).toBe(false);
  });

  it.each([
    ['services: [', /service catalog .*c\.yaml: /],
    ['services: [{ match: x }]', /service catalog .*c\.yaml: services\.0\.attributes: /],
    ['teams: []', /service catalog .*c\.yaml: services: /],
  ])('names the file and the problem: %s', (text, message) => {
    expect(() => readCatalog(file('c.yaml', text))).toThrow(message);
  });

  it('re-reads a changed file, and keeps the last good catalog when the file breaks', async () => {
    const path = file('live.yaml', CATALOG);
    const events: string[] = [];
    const catalog = new ServiceCatalog(
      path,
      {
        reloaded: (n) => events.push(`ok ${n}`),
        rejected: (reason) => events.push(`rejected ${reason}`),
      },
      100,
    );
    const team = () => {
      const value = catalog.lookup('checkout')?.find((a) => a.key === 'team')?.value;
      return value && 'stringValue' in value ? value.stringValue : undefined;
    };
    expect(team()).toBe('shop');
    // changed after the read and before watching starts: a watcher that takes its own baseline
    // misses this change for good
    writeFileSync(path, 'services:\n  - { match: checkout, attributes: { team: cart } }\n');
    catalog.watch();
    try {
      await until('the new catalog', () => team() === 'cart');
      writeFileSync(path, 'services: [ broken');
      await until('the rejection', () => events.some((e) => e.startsWith('rejected')));
      expect(team()).toBe('cart');
      expect(events[0]).toBe('ok 3');
      expect(events).toContain('ok 1');
    } finally {
      catalog.unwatch();
    }
  });
});
