// Runs one fuzz target under Jazzer.js (libFuzzer, coverage-guided) on the built gateway and codec.
//
//   node fuzz/run.ts <decode|http-request> [--runs N] [--seconds S] [--corpus DIR] [--report FILE] [--keep]
//
// Seeds (fuzz/seeds.ts) and the committed regression inputs (fuzz/regressions/<target>/) are run
// first, then mutated inputs until --runs or --seconds. A finding (exit 77) or a timeout (70)
// leaves its input under the run's artifact directory, named in the output; copy it into
// fuzz/regressions/<target>/ once fixed. Prints and optionally writes the run's summary as JSON.
// The run's directory (corpus, artifacts, the slowest input for fuzz/replay.ts) is removed after
// a clean run unless --keep is given; after a finding it is kept and named.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import type { RunSummary } from './stats.ts';
import type { Target } from './seeds.ts';
import { writeSeeds } from './seeds.ts';

/** Whether the target is synchronous, and the bug detectors its own work would trip. */
const TARGETS: Record<Target, { sync: boolean; disableBugDetectors: string[] }> = {
  decode: { sync: true, disableBugDetectors: [] },
  // It talks to the receiver over loopback on purpose: that is the request path under test.
  'http-request': { sync: false, disableBugDetectors: ['ssrf'] },
};

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    runs: { type: 'string' },
    seconds: { type: 'string' },
    corpus: { type: 'string' },
    report: { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});
const target = positionals[0] as Target | undefined;
if (!target || !(target in TARGETS)) {
  console.error(
    `usage: node fuzz/run.ts <${Object.keys(TARGETS).join('|')}> [--runs N] [--seconds S] [--corpus DIR] [--report FILE]`,
  );
  process.exit(2);
}

const here = import.meta.dirname;
const work = mkdtempSync(join(tmpdir(), `fuzz-${target}-`));
const corpus = resolve(values.corpus ?? join(work, 'corpus'));
const seeds = join(work, 'seeds');
const artifacts = join(work, 'artifacts');
const regressions = join(here, 'regressions', target);
for (const dir of [corpus, artifacts]) mkdirSync(dir, { recursive: true });
const seeded = await writeSeeds(target, seeds);
const replayed = existsSync(regressions) ? readdirSync(regressions).length : 0;

const { OptionSource, OptionsManager, startFuzzing } = await import('@jazzer.js/core');
const targetUrl = pathToFileURL(join(here, 'targets', `${target}.ts`)).href;
const packages = join(here, '..', '..');
const options = new OptionsManager(OptionSource.DefaultCLIOptions).merge(
  {
    fuzzTarget: targetUrl,
    fuzzEntryPoint: 'fuzz',
    fuzzerOptions: [
      corpus,
      seeds,
      ...(replayed > 0 ? [regressions] : []),
      `-artifact_prefix=${artifacts}/`,
      '-max_len=65536',
      '-rss_limit_mb=2048',
      '-print_final_stats=1',
      ...(values.runs ? [`-runs=${values.runs}`] : []),
      ...(values.seconds ? [`-max_total_time=${values.seconds}`] : []),
    ],
    // Coverage from the built code the gateway runs: the codec and the gateway itself.
    includes: [join(packages, 'otlp', 'dist') + '/', join(packages, 'gateway', 'dist') + '/'],
    excludes: ['node_modules'],
    sync: TARGETS[target].sync,
    disableBugDetectors: TARGETS[target].disableBugDetectors,
    mode: 'fuzzing',
    timeout: 10_000,
  },
  OptionSource.CommandLineArguments,
);
const started = performance.now();
const { returnCode } = await startFuzzing(options);
const { stats } = (await import(targetUrl)) as {
  stats: { summary(): RunSummary; slowestInput: Buffer | undefined };
};
const slowestInput = join(work, 'slowest-input');
if (stats.slowestInput) writeFileSync(slowestInput, stats.slowestInput);
const summary = {
  target,
  ...stats.summary(),
  slowestInput,
  seconds: Math.round((performance.now() - started) / 1000),
  seeds: seeded,
  regressions: replayed,
  findings: readdirSync(artifacts),
  returnCode,
};
console.log(`fuzz summary ${JSON.stringify(summary)}`);
if (values.report) writeFileSync(values.report, `${JSON.stringify(summary, null, 2)}\n`);
if (summary.findings.length > 0 || Number(returnCode) !== 0)
  console.error(`fuzz: findings and the run's inputs are kept in ${work}`);
else if (!values.keep) rmSync(work, { recursive: true, force: true });
process.exit(Number(returnCode));
