// The long fuzz run behind `make fuzz`: a million inputs for the decoders, a hundred thousand for
// the HTTP request path (a loopback round trip each), bounded in time; with --write, the figures
// go into the gateway README's fuzzing section. Exit 1 on any finding.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { writeReadmeSection } from '../../../scripts/readme-section.ts';
import type { RunSummary } from './stats.ts';

interface Summary extends RunSummary {
  target: string;
  seconds: number;
  findings: string[];
  returnCode: number;
  slowestInput: string;
  /** The slowest input replayed on its own, outside the fuzzer (median of 25). */
  replayedUs?: number | undefined;
}

function replay(target: string, file: string): number | undefined {
  const run = spawnSync(process.execPath, [join(import.meta.dirname, 'replay.ts'), target, file], {
    encoding: 'utf8',
  });
  const line = /^replay (.*)$/m.exec(run.stdout)?.[1];
  return line ? (JSON.parse(line) as { medianUs: number }).medianUs : undefined;
}

const PLAN = [
  { target: 'decode', runs: 1_000_000, seconds: 3600 },
  { target: 'http-request', runs: 100_000, seconds: 1800 },
];

const dir = mkdtempSync(join(tmpdir(), 'fuzz-long-'));
const summaries: Summary[] = [];
for (const { target, runs, seconds } of PLAN) {
  const report = join(dir, `${target}.json`);
  console.log(`fuzzing ${target}: ${runs} inputs or ${seconds} s`);
  spawnSync(
    process.execPath,
    [
      '--disable-warning=ExperimentalWarning',
      join(import.meta.dirname, 'run.ts'),
      target,
      '--runs',
      String(runs),
      '--seconds',
      String(seconds),
      '--report',
      report,
      '--keep',
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const summary = JSON.parse(readFileSync(report, 'utf8')) as Summary;
  summary.replayedUs = replay(target, summary.slowestInput);
  if (summary.findings.length === 0)
    rmSync(dirname(summary.slowestInput), { recursive: true, force: true });
  summaries.push(summary);
}

const ms = (us: number) => (us / 1000).toFixed(us < 1000 ? 3 : 1);
const table = [
  `Jazzer.js 4.0.0 (libFuzzer, coverage of the built \`@org/otlp\` and gateway code), Node ${process.versions.node}; \`make fuzz\` on ${new Date().toISOString().slice(0, 10)}.`,
  '',
  '| target | inputs | findings | seconds | peak RSS | median input | slowest input | slowest / median | slowest replayed alone |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...summaries.map(
    (s) =>
      `| ${s.target} | ${s.inputs.toLocaleString('en-US')} | ${s.findings.length} | ${s.seconds} | ${s.peakRssMiB} MiB | ${ms(s.medianUs)} ms | ${ms(s.slowestUs)} ms (${s.slowestBytes} bytes) | ${Math.round(s.slowestUs / s.medianUs).toLocaleString('en-US')}× | ${s.replayedUs === undefined ? '?' : `${ms(s.replayedUs)} ms`} |`,
  ),
].join('\n');
console.log(table);
if (process.argv.includes('--write'))
  writeReadmeSection(join(import.meta.dirname, '..', 'README.md'), 'fuzz', table);
process.exit(summaries.some((s) => s.findings.length > 0 || s.returnCode !== 0) ? 1 : 0);
