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
 * (Node ≥ 22.15), which sees both `require` and `import`. Never throws into the app.
 */
export function watchFirstLoads(
  names: Iterable<string>,
  onFirstLoad: (name: string) => void,
  onError: (name: string, error: unknown) => void,
): void {
  const pending = new Set(names);
  let busy = false;
  registerHooks({
    resolve(specifier, context, nextResolve) {
      const name = pending.size > 0 && !busy ? packageOf(specifier) : undefined;
      if (name !== undefined && pending.has(name)) {
        pending.delete(name);
        busy = true;
        try {
          onFirstLoad(name);
          const parent = context.parentURL ?? pathToFileURL(`${process.cwd()}/`).href;
          createRequire(parent)(specifier);
        } catch (error) {
          onError(name, error);
        } finally {
          busy = false;
        }
      }
      return nextResolve(specifier, context);
    },
  });
}
