// Preload overhead benchmark, beside bare node and beside
// @opentelemetry/auto-instrumentations-node/register, measured in the same run, alternating:
// - startup: wall time of `node <flags> -e 0` and of `node <flags> -e "require('http')"`
//   (median of STARTUP_RUNS each) and the peak RSS (VmHWM) of the latter;
// - a hello-world HTTP server (bench/hello.cjs) under load from a separate process
//   (bench/load.ts), traces exported to a local OTLP sink (bench/sink.cjs, one per instrumented
//   variant): requests/s and the server's peak RSS. In each round the servers run side by
//   side, each is warmed up, and then short load slices alternate between them, so that all
//   are measured across the same stretch of time: this machine's speed drifts by ±20% from one
//   few-second stretch to the next, more than the differences being measured.
//
//   node bench/run.ts                  print the table
//   node bench/run.ts --write          also write it into README.md between the bench markers
//   node bench/run.ts --compare PATH   add another build of the preload (its register.cjs, or
//                                      the directory holding it) to every round, to measure a
//                                      change side by side with the build before it
import type { ChildProcess } from 'node:child_process';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { get } from 'node:http';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { writeReadmeSection } from '../../../scripts/readme-section.ts';
import { freePort } from '../test-support/processes.ts';

const STARTUP_RUNS = 15;
const LOAD_ROUNDS = 5;
/**
 * Load before measuring, per server. V8 is still optimizing the preload's and Node's HTTP paths
 * 2–3 s into load on this machine (--trace-opt), and a steady state is what is being compared.
 */
const WARMUP_MS = 3000;
const SLICE_MS = 250;
/** Slices per server per round: 5 s of measured load each. */
const SLICES_EACH = 20;
const MAX_REQUESTS = 1_000_000;
const here = import.meta.dirname;
const require = createRequire(join(here, '..', 'package.json'));

interface Variant {
  name: string;
  /** Where its traces go: a sink of its own, so that its delivered spans can be counted. */
  sinkPort?: number;
  flags: string[];
}

const VARIANTS: Variant[] = [
  { name: 'bare node', flags: [] },
  { name: '@org/otel-preload', flags: ['--require', require.resolve('@org/otel-preload')] },
  {
    name: 'auto-instrumentations-node/register',
    flags: ['--require', require.resolve('@opentelemetry/auto-instrumentations-node/register')],
  },
];

/**
 * The variant `--compare PATH` names, if any. Exits with a message naming what is wrong: a
 * missing path, a directory without register.cjs, `--compare` without a path, or `--write` with
 * it (the README's table is this build's).
 */
function comparedVariant(argv: readonly string[]): Variant | undefined {
  const at = argv.indexOf('--compare');
  if (at < 0) return undefined;
  const path = argv[at + 1];
  if (path === undefined || path.startsWith('--')) usage('--compare needs a path');
  if (argv.includes('--write')) usage('--compare and --write do not go together');
  const given = resolve(path);
  const file = statSync(given, { throwIfNoEntry: false })?.isDirectory()
    ? join(given, 'register.cjs')
    : given;
  if (!statSync(file, { throwIfNoEntry: false })?.isFile())
    usage(`--compare ${path}: ${file} does not exist (build it first?)`);
  return { name: `compared: ${path}`, flags: ['--require', file] };
}

function usage(message: string): never {
  process.stderr.write(`bench/run.ts: ${message}\n`);
  process.exit(2);
}

const compared = comparedVariant(process.argv.slice(2));
if (compared) VARIANTS.splice(2, 0, compared);

const COUNTS = ['none', 'one', 'two', 'three', 'four'];

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** Peak resident set of a running process, in MiB. */
const peakRssMiB = (pid: number) =>
  Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

/** Starts a node process and resolves once it prints "listening". */
async function startListening(args: string[], env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${args.join(' ')} did not listen`)), 20_000);
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('listening')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}`)));
  });
  return child;
}

const stop = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });

/** Spans the sink has received so far (a fresh connection each time: no keep-alive races). */
function sinkCount(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path: '/', agent: false }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => {
        try {
          if (response.statusCode !== 200) throw new Error(`status ${response.statusCode}`);
          resolve((JSON.parse(body) as { spans: number }).spans);
        } catch (error) {
          reject(new Error(`the sink's count is unreadable: ${String(error)}`));
        }
      });
    }).on('error', reject);
  });
}

/**
 * Spans the sink has received since `before`, once it has them all or the longest export delay
 * (OTEL_BSP_SCHEDULE_DELAY's 5 s default, with room for the export itself) has passed.
 */
async function delivered(variant: Variant, before: number, expected: number): Promise<number> {
  if (variant.sinkPort === undefined) return 0;
  const deadline = performance.now() + 8000;
  for (;;) {
    const spans = (await sinkCount(variant.sinkPort)) - before;
    if (spans >= expected || performance.now() > deadline) return spans;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

interface Loaded {
  ok: number;
  failed: number;
  ms: number;
  warmup: { ok: number; failed: number };
}

/** Warms up each server, then alternates load slices between them; one result per port. */
function load(ports: number[]): Loaded[] {
  const slices = SLICES_EACH * ports.length;
  const result = spawnSync(
    process.execPath,
    [
      join(here, 'load.ts'),
      String(WARMUP_MS),
      String(SLICE_MS),
      String(slices),
      String(MAX_REQUESTS),
      ...ports.map(String),
    ],
    { encoding: 'utf8', timeout: (WARMUP_MS + SLICE_MS * SLICES_EACH) * ports.length + 30_000 },
  );
  if (result.status !== 0) throw new Error(`load generator failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as Loaded[];
}

interface Measured {
  startup: number[];
  startupHttp: number[];
  startupRss: number[];
  rps: number[];
  rss: number[];
  /** Spans the sink received per round, as a share of the requests the app served. */
  delivered: number[];
}

async function main(): Promise<void> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    OTEL_SERVICE_NAME: 'hello',
    OTEL_TRACES_EXPORTER: 'otlp',
    OTEL_METRICS_EXPORTER: 'prometheus',
    // Cloud detectors make network calls at startup; the preload leaves them off by default.
    OTEL_NODE_RESOURCE_DETECTORS: 'env,host,os,process,serviceinstance,container',
    OTEL_LOG_LEVEL: 'error',
  };
  /** A variant's environment: its own sink, and a free port for its Prometheus endpoint. */
  const envOf = async (variant: Variant): Promise<NodeJS.ProcessEnv> => ({
    ...env,
    ...(variant.sinkPort === undefined
      ? {}
      : { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${variant.sinkPort}` }),
    OTEL_EXPORTER_PROMETHEUS_PORT: String(await freePort()),
  });
  const results = new Map<string, Measured>(
    VARIANTS.map((v) => [
      v.name,
      { startup: [], startupHttp: [], startupRss: [], rps: [], rss: [], delivered: [] },
    ]),
  );
  const printHwm =
    "require('http');process.on('exit',()=>process.stdout.write(/VmHWM:\\s+(\\d+)/.exec(require('fs').readFileSync('/proc/self/status','utf8'))[1]))";
  const sinks: ChildProcess[] = [];
  try {
    for (const variant of VARIANTS) {
      if (variant.flags.length === 0) continue;
      variant.sinkPort = await freePort();
      sinks.push(
        await startListening([join(here, 'sink.cjs'), String(variant.sinkPort)], process.env),
      );
    }
    for (let run = 0; run < STARTUP_RUNS; run++) {
      for (const variant of VARIANTS) {
        const r = results.get(variant.name)!;
        for (const [script, into] of [
          ['0', r.startup],
          [printHwm, r.startupHttp],
        ] as const) {
          const started = performance.now();
          const out = spawnSync(process.execPath, [...variant.flags, '-e', script], {
            env: await envOf(variant),
            encoding: 'utf8',
            timeout: 30_000,
          });
          into.push(performance.now() - started);
          if (out.status !== 0)
            throw new Error(`${variant.name}: exit ${out.status}: ${out.stderr}`);
          if (script !== '0') r.startupRss.push(Number(out.stdout) / 1024);
        }
      }
    }
    for (let round = 0; round < LOAD_ROUNDS; round++) {
      const servers: ChildProcess[] = [];
      try {
        const ports: number[] = [];
        const before: number[] = [];
        for (const variant of VARIANTS) {
          const port = await freePort();
          before.push(variant.sinkPort === undefined ? 0 : await sinkCount(variant.sinkPort));
          servers.push(
            await startListening(
              [...variant.flags, join(here, 'hello.cjs'), String(port)],
              await envOf(variant),
            ),
          );
          ports.push(port);
        }
        const loaded = load(ports);
        for (const [i, variant] of VARIANTS.entries()) {
          const r = results.get(variant.name)!;
          const { ok, failed, ms, warmup } = loaded[i]!;
          if (failed + warmup.failed > 0) throw new Error(`${variant.name}: requests failed`);
          r.rps.push(ok / (ms / 1000));
          r.rss.push(peakRssMiB(servers[i]!.pid!));
          const served = warmup.ok + ok;
          r.delivered.push((await delivered(variant, before[i]!, served)) / served);
          process.stderr.write(
            `round ${round + 1} ${variant.name}: ${r.rps.at(-1)!.toFixed(0)} req/s, ${r.rss.at(-1)!.toFixed(1)} MiB, ${(r.delivered.at(-1)! * 100).toFixed(0)}% of requests' spans delivered\n`,
          );
        }
      } finally {
        await Promise.all(servers.map(stop));
      }
    }
  } finally {
    await Promise.all(sinks.map(stop));
  }

  const base = results.get('bare node')!;
  const added = (value: number, baseline: number, digits = 0) =>
    value === baseline ? '' : ` (+${(value - baseline).toFixed(digits)})`;
  const rows = VARIANTS.map(({ name }) => {
    const r = results.get(name)!;
    const startup = median(r.startup);
    const startupHttp = median(r.startupHttp);
    const startupRss = median(r.startupRss);
    const rss = median(r.rss);
    const rps = median(r.rps);
    // Each round's ratio against bare node in the same round: this machine's throughput drifts
    // between rounds more than it does within one.
    const ofBare = median(r.rps.map((value, i) => value / base.rps[i]!));
    return `| ${name} | ${startup.toFixed(0)}${added(startup, median(base.startup))} | ${startupHttp.toFixed(0)}${added(startupHttp, median(base.startupHttp))} | ${startupRss.toFixed(1)}${added(startupRss, median(base.startupRss), 1)} | ${rss.toFixed(1)}${added(rss, median(base.rss), 1)} | ${rps.toFixed(0)} | ${(ofBare * 100).toFixed(0)}% | ${name === 'bare node' ? '' : `${(median(r.delivered) * 100).toFixed(0)}%`} |`;
  });
  const table = [
    `Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'cpu'}; startup: median of ${STARTUP_RUNS} runs; load: median of ${LOAD_ROUNDS} rounds; in each, the ${COUNTS[VARIANTS.length]} servers run side by side, each gets ${WARMUP_MS / 1000} s of warm-up, then ${SLICE_MS} ms load slices alternate between them (${(SLICES_EACH * SLICE_MS) / 1000} s each), 32 keep-alive connections from one separate process; traces exported to a local OTLP sink.`,
    '',
    "| | startup `-e 0` (ms, added) | startup `require('http')` (ms, added) | RSS after startup (MiB, added) | peak RSS under load (MiB, added) | requests/s (median) | of bare (median of per-round ratios) | spans delivered (of requests served) |",
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
  process.stdout.write(`${table}\n`);
  if (process.argv.includes('--write')) {
    writeReadmeSection(join(here, '..', 'README.md'), 'bench', table);
  }
}

await main();
