import { createRequire, isBuiltin, register } from 'node:module';

interface SyncHooks {
  supportsSyncHooks(): boolean;
  register(options: { include: string[] }): void;
}

const require = createRequire(import.meta.url);

/**
 * Registers import-in-the-middle's loader for the `include`d modules only, so instrumentations
 * can patch what ESM code imports (named imports of `node:http` included). Every other module
 * loads untouched. In-thread synchronous hooks where Node supports them; otherwise the
 * loader-thread `module.register` form, which applies to imports from then on.
 */
export function registerEsmHooks(include: readonly string[]): void {
  const names = include.flatMap((name) => (isBuiltin(name) ? [name, `node:${name}`] : [name]));
  const sync = require('import-in-the-middle/register-hooks.mjs') as SyncHooks;
  if (sync.supportsSyncHooks()) {
    sync.register({ include: names });
    return;
  }
  register('import-in-the-middle/hook.mjs', import.meta.url, {
    data: { include: names },
  });
}
