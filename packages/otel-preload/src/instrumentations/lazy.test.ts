import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageOf, watchFirstLoads } from './lazy.ts';

/** A node_modules tree: `outer-pkg` requires `inner-pkg` while it loads. */
function packages(): string {
  const root = mkdtempSync(join(tmpdir(), 'lazy-test-'));
  for (const [name, body] of [
    ['outer-pkg', "module.exports = { inner: require('inner-pkg') };"],
    ['inner-pkg', 'module.exports = { value: 1 };'],
  ] as const) {
    mkdirSync(join(root, 'node_modules', name), { recursive: true });
    writeFileSync(join(root, 'node_modules', name, 'index.js'), body);
  }
  return root;
}

describe('watchFirstLoads', () => {
  it('activates each watched package once, before it loads, including one loaded by another', () => {
    const root = packages();
    const seen: string[] = [];
    const cacheSizes: number[] = [];
    const require = createRequire(join(root, 'app.js'));
    watchFirstLoads(
      ['outer-pkg', 'inner-pkg'],
      (name) => {
        seen.push(name);
        cacheSizes.push(Object.keys(require.cache).filter((k) => k.includes(name)).length);
      },
      (name, error) => {
        throw new Error(`${name}: ${String(error)}`);
      },
    );
    expect(require('outer-pkg')).toEqual({ inner: { value: 1 } });
    require('inner-pkg');
    require('outer-pkg');
    expect(seen).toEqual(['outer-pkg', 'inner-pkg']);
    expect(cacheSizes).toEqual([0, 0]); // each callback ran before its package was loaded
  });
});

describe('packageOf', () => {
  it('names the package of a bare specifier and nothing for paths', () => {
    expect(packageOf('node:http')).toBe('http');
    expect(packageOf('pg/lib/client')).toBe('pg');
    expect(packageOf('@scope/pkg/deep')).toBe('@scope/pkg');
    expect(packageOf('./local')).toBeUndefined();
    expect(packageOf('/abs/path')).toBeUndefined();
  });
});
