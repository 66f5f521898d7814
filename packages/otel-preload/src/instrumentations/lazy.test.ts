import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageOf, watchFirstGlobalUse, watchFirstLoads } from './lazy.ts';

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

describe('watchFirstGlobalUse', () => {
  const global = globalThis as Record<string, unknown>;
  const watched = (value: unknown, onFirstUse: () => void, onError = (_: unknown) => {}) => {
    const name = `preloadTestGlobal${Math.random().toString(36).slice(2)}`;
    Object.defineProperty(global, name, { value, writable: true, configurable: true });
    watchFirstGlobalUse(name, onFirstUse, onError);
    return name;
  };

  it('calls back once, at the first read, and then leaves the property as it was', () => {
    const seen: unknown[] = [];
    const original = () => 'fetched';
    const name = watched(original, () => seen.push('activated'));
    expect(seen).toEqual([]);
    expect(global[name]).toBe(original);
    expect(global[name]).toBe(original);
    expect(seen).toEqual(['activated']);
    expect(Object.getOwnPropertyDescriptor(global, name)).toEqual({
      value: original,
      writable: true,
      enumerable: false,
      configurable: true,
    });
    delete global[name];
  });

  it('keeps what the app sets before reading it, without calling back', () => {
    const seen: unknown[] = [];
    const name = watched('built-in', () => seen.push('activated'));
    global[name] = 'the app’s own';
    expect(global[name]).toBe('the app’s own');
    expect(seen).toEqual([]);
    delete global[name];
  });

  it('reports a failing callback and still gives the app its value', () => {
    const errors: unknown[] = [];
    const name = watched(
      'built-in',
      () => {
        throw new Error('cannot load');
      },
      (error) => errors.push(String(error)),
    );
    expect(global[name]).toBe('built-in');
    expect(errors).toEqual(['Error: cannot load']);
    delete global[name];
  });

  it('leaves a missing global missing', () => {
    watchFirstGlobalUse(
      'preloadTestMissingGlobal',
      () => {},
      () => {},
    );
    expect('preloadTestMissingGlobal' in globalThis).toBe(false);
  });
});
