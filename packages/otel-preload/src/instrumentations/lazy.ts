import { createRequire, registerHooks } from 'node:module';
import { pathToFileURL } from 'node:url';

/** The package name of a bare specifier: `node:http` → http, `pg/lib/x` → pg, `@a/b/c` → @a/b. */
export function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.includes(':\\'))
    return undefined;
  const bare = specifier.startsWith('node:') ? specifier.slice(5) : specifier;
  if (bare.startsWith('file:') || bare.startsWith('data:')) return undefined;
  const parts = bare.split('/');
  return bare.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/**
 * Calls `onFirstLoad(name)` synchronously the first time the app requires or imports a watched
 * package, before that package is loaded, and then loads it once through the (now patched)
 * `require`, so an instrumentation created in the callback hooks even this first load: its
 * require-in-the-middle hook patches the exports in place, and the app's own load then finds
 * them in the module cache. Uses the synchronous in-thread `module.registerHooks`
 * (Node ≥ 22.15), which sees both `require` and `import`. `onFirstImport` runs once, at the
 * first ESM import (for an ESM app, its entry module), so ESM-only machinery loads only for apps
 * that use ESM. Never throws into the app.
 */
export function watchFirstLoads(
  names: Iterable<string>,
  onFirstLoad: (name: string) => void,
  onError: (name: string, error: unknown) => void,
  onFirstImport?: () => void,
): void {
  const pending = new Set(names);
  let imported = onFirstImport === undefined;
  registerHooks({
    resolve(specifier, context, nextResolve) {
      if (!imported && context.conditions?.includes('import')) {
        imported = true;
        try {
          onFirstImport!();
        } catch (error) {
          onError('ESM hooks', error);
        }
      }
      const name = pending.size > 0 ? packageOf(specifier) : undefined;
      if (name !== undefined && pending.has(name)) {
        // Deleted first: the load below resolves the same name again. Other watched names met
        // while this one loads (express requiring http) are activated as they come.
        pending.delete(name);
        try {
          onFirstLoad(name);
          const parent = context.parentURL ?? pathToFileURL(`${process.cwd()}/`).href;
          const load = createRequire(parent);
          const exports: unknown = load(specifier);
          // An instrumentation that replaces a module's exports (pino's does) gives the
          // replacement only to requires that pass through require-in-the-middle; the require
          // that got us here is already past it and reads the module cache, so the cache gets
          // the replacement too.
          const cached = load.cache[load.resolve(specifier)];
          if (cached !== undefined && cached.exports !== exports) cached.exports = exports;
        } catch (error) {
          onError(name, error);
        }
      }
      return nextResolve(specifier, context);
    },
  });
}

/**
 * Calls `onFirstUse` the first time the app reads the global `name`, before it gets the value,
 * and puts the property back as it was. A global the app replaces before reading it is left as
 * the app sets it, without the callback. Does nothing for a global that is missing or cannot be
 * redefined. Never throws into the app.
 */
export function watchFirstGlobalUse(
  name: string,
  onFirstUse: () => void,
  onError: (error: unknown) => void,
): void {
  const global = globalThis as Record<string, unknown>;
  const original = Object.getOwnPropertyDescriptor(global, name);
  if (original === undefined || !original.configurable) return;
  Object.defineProperty(global, name, {
    configurable: true,
    enumerable: original.enumerable ?? false,
    get() {
      Object.defineProperty(global, name, original);
      try {
        onFirstUse();
      } catch (error) {
        onError(error);
      }
      return global[name];
    },
    set(value: unknown) {
      Object.defineProperty(global, name, original);
      global[name] = value;
    },
  });
}
