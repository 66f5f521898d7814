import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

const root = import.meta.dirname;

/** One vitest project per workspace package, named after the package, testing its sources. */
function workspaceProject(dir: string) {
  const manifest = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) as {
    name: string;
  };
  return {
    test: {
      name: manifest.name,
      root: join(root, dir),
      include: ['**/*.test.ts'],
      testTimeout: 30_000,
      hookTimeout: 60_000,
    },
  };
}

const packages = readdirSync(join(root, 'packages'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => workspaceProject(join('packages', entry.name)));

export default defineConfig({
  test: {
    root,
    projects: [
      ...packages,
      workspaceProject('examples'),
      {
        test: {
          name: '@org/e2e',
          root: join(root, 'test'),
          include: ['**/*.test.ts'],
          // End-to-end suites share one local stack, started once: run files one after another.
          globalSetup: ['./support/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 900_000,
        },
      },
    ],
  },
});
