// Times one input on its own, outside the fuzzer (no instrumentation, no fuzzer heap): tells an
// input that is slow in itself from one that met a garbage collection during the run.
//
//   node fuzz/replay.ts <decode|http-request> FILE [--times N]
//
// Prints `replay {"medianUs":…,"maxUs":…,"times":N}`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { times: { type: 'string', default: '25' } },
});
const [target, file] = positionals;
if (!target || !file) {
  console.error('usage: node fuzz/replay.ts <decode|http-request> FILE [--times N]');
  process.exit(2);
}
const { fuzz } = (await import(
  pathToFileURL(join(import.meta.dirname, 'targets', `${target}.ts`)).href
)) as { fuzz: (data: Buffer) => unknown };
const input = readFileSync(file);
const times = Number(values.times);
const durations: number[] = [];
for (let i = 0; i < times; i++) {
  const started = performance.now();
  await fuzz(input);
  durations.push((performance.now() - started) * 1000);
}
durations.sort((a, b) => a - b);
console.log(
  `replay ${JSON.stringify({ medianUs: durations[times >> 1], maxUs: durations[times - 1], times })}`,
);
process.exit(0);
