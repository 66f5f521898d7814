// The short fuzz run of the suite: each target under Jazzer.js (coverage-guided) on the built
// code, from the SDK payloads, the amplification shapes and every committed regression input,
// for a bounded number of mutated inputs. Zero findings, or the test fails and names the input.
// The long run is `make fuzz` (figures in the README).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

function run(target: string, runs: number) {
  const result = spawnSync(
    process.execPath,
    [
      '--disable-warning=ExperimentalWarning',
      join(import.meta.dirname, 'run.ts'),
      target,
      '--runs',
      String(runs),
    ],
    { encoding: 'utf8', timeout: 120_000 },
  );
  const output = `${result.stdout}${result.stderr}`;
  const line = /^fuzz summary (.*)$/m.exec(output)?.[1];
  return {
    status: result.status,
    output,
    summary: line ? (JSON.parse(line) as Record<string, unknown>) : undefined,
  };
}

describe('fuzzing (short run)', () => {
  it.each([
    ['decode', 20_000],
    ['http-request', 3_000],
  ] as const)(
    '%s: %i inputs, no findings',
    (target, runs) => {
      const { status, output, summary } = run(target, runs);
      expect(summary, output.slice(-4000)).toBeDefined();
      expect(summary!.findings, output.slice(-4000)).toEqual([]);
      expect(status, output.slice(-4000)).toBe(0);
      expect(summary!.inputs).toBeGreaterThanOrEqual(runs);
    },
    150_000,
  );
});
