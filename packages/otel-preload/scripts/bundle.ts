// Builds the preload into dist/ as CommonJS bundles: the preload itself (register.cjs), the
// public helpers, and every lazy part (lazy-<name>.cjs, see src/lazy/load.ts). Startup then reads
// one file instead of the ~400 the SDK packages are made of. CommonJS rather than ESM because an
// ESM module importing a Node built-in gets a facade that evaluates every export getter of it
// (importing node:http that way loads Node's whole fetch implementation), and because CommonJS
// compiles lazily. Each lazy part carries its own copy of what it shares with the core; the API
// keeps its state in one global, so copies agree.
//
//   node scripts/bundle.ts
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { LAZY_MODULES } from '../src/lazy/load.ts';

const root = join(import.meta.dirname, '..');
const outdir = join(root, 'dist');

rmSync(outdir, { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: {
    register: 'src/register.ts',
    config: 'src/config/env.ts',
    logger: 'src/logger.ts',
    metrics: 'src/business-metrics.ts',
    'crash-sender': 'src/export/crash-sender.ts',
    ...Object.fromEntries(LAZY_MODULES.map((name) => [`lazy-${name}`, `src/lazy/${name}.ts`])),
  },
  outdir,
  entryNames: '[name]',
  outExtension: { '.js': '.cjs' },
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node22',
  // Hooks must be the same module instances the app's loader sees; pino runs the app's logs.
  external: ['require-in-the-middle', 'import-in-the-middle', 'pino'],
  // Sources written as ESM read import.meta.url; in a CommonJS bundle it is this file's URL.
  define: { 'import.meta.url': '__preloadFileUrl' },
  banner: { js: "const __preloadFileUrl = require('node:url').pathToFileURL(__filename).href;" },
  sourcemap: 'linked',
  legalComments: 'linked',
  metafile: true,
  minify: process.env.PRELOAD_BUNDLE_MINIFY !== '0',
  logLevel: 'warning',
});
const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
process.stdout.write(
  `bundle: ${Object.keys(result.metafile.outputs).length} files, ${(bytes / 1024).toFixed(0)} KiB\n`,
);
if (process.argv.includes('--analyze')) {
  const byPackage = new Map<string, number>();
  const main = Object.entries(result.metafile.outputs).find(([f]) => f.endsWith('register.cjs'))!;
  for (const [file, { bytesInOutput }] of Object.entries(main[1].inputs)) {
    const pkg =
      /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file.split('node_modules/.pnpm/').at(-1)!)?.[1] ??
      file;
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + bytesInOutput);
  }
  for (const [pkg, bytes] of [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 20))
    process.stdout.write(`${(bytes / 1024).toFixed(0).padStart(6)} KiB  ${pkg}\n`);
}
