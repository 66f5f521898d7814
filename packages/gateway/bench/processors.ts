// Processors benchmark: what enriching, redacting and routing cost, on a realistic request
// (bench/fixture.ts: 200 spans × ~20 attributes, some PII, half with SQL).
//
// 1. Per component, in process: items per CPU-second of enrich, redact and routing alone, and of
//    the embedded default pipeline (enrich + redact), on decoded batches (decoding not counted).
// 2. End to end, each system its own process between this load generator and one sink, alternating
//    in one run: the gateway with a no-op pipeline, with the embedded default pipeline, and doing
//    enrich + redact + route; the real Collector (deploy/local's build) passing through, and doing
//    the same enrich + redact + route with its resource, attributes, redaction, transform and
//    filter processors and routing connector. CPU-seconds per million spans received, counted
//    until the sink holds every span each system must deliver (a round that falls short fails).
//
//   node bench/processors.ts               print the tables
//   node bench/processors.ts --write       also write them into README.md between the markers
//   node bench/processors.ts --components  only the per-component part (seconds, no processes)
//   node bench/processors.ts --only gateway-full,collector-full   only these systems
// GATEWAY_BENCH_PROFILE=DIR writes V8 CPU profiles of the gateway processes there.
import type { ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeTraceRequest } from '@org/otlp';
import { writeReadmeSection } from '../../../scripts/readme-section.ts';
import { routingConnectorConfigSchema } from '../src/connectors/routing/config.ts';
import { RoutingConnector } from '../src/connectors/routing/connector.ts';
import { Delivery } from '../src/pipeline/delivery.ts';
import { IMMEDIATE } from '../src/component.ts';
import { enrichProcessorConfigSchema } from '../src/processors/enrich/config.ts';
import { EnrichProcessor } from '../src/processors/enrich/processor.ts';
import { redactProcessorFactory } from '../src/processors/redact/factory.ts';
import type { Batch } from '../src/signal.ts';
import { batchOf, contextOf } from '../src/signal.ts';
import { testSettings } from '../test-support/settings.ts';
import type { Target } from './configs.ts';
import {
  ENRICH,
  ROUTING,
  TARGETS,
  collectorConfig,
  deliveredPerRequest,
  gatewayConfig,
} from './configs.ts';
import { SPANS_PER_REQUEST, realisticRequest } from './fixture.ts';
import {
  cpuSeconds,
  delivered,
  freePort,
  here,
  load,
  median,
  run,
  sinkSpans,
  waitListening,
} from './harness.ts';

const REQUESTS_PER_ROUND = 600;
const ROUNDS = 5;
const HASH_KEY = 'bench-hash-key';
/**
 * Distinct requests sent in turn: 64 × 200 spans hold ~77,000 distinct per-request values, more
 * than any cache of the systems keeps, so each value is processed as new.
 */
const VARIANTS = 64;
const fixtures = Array.from({ length: VARIANTS }, (_, variant) => realisticRequest(variant));
const bodies = fixtures.map((f) => f.body);
const { routed } = fixtures[0]!;

// ---------------------------------------------------------------- per component, in process

process.env.BENCH_HASH_KEY = HASH_KEY;
// What the embedded default config reads (the gateway processes inherit this environment).
process.env.OTEL_GATEWAY_ENVIRONMENT = 'production';

type Step = (batch: Batch) => void;

function componentSteps(): Record<string, Step> {
  const settings = testSettings('bench');
  const enrich = new EnrichProcessor(enrichProcessorConfigSchema.parse(ENRICH), settings, {
    BENCH_HASH_KEY: HASH_KEY,
  });
  const redact = redactProcessorFactory.create(
    settings,
    redactProcessorFactory.configSchema.parse({}),
  );
  const stand = (id: string) => ({
    id,
    signal: 'traces' as const,
    mutates: false,
    saturated: () => false,
    route: () => undefined,
  });
  const routing = new RoutingConnector(
    settings,
    routingConnectorConfigSchema.parse(ROUTING),
    new Map([
      ['traces/main', stand('traces/main')],
      ['traces/errors', stand('traces/errors')],
    ]),
  );
  return {
    enrich: (batch) => void enrich.process(batch),
    redact: (batch) => void redact.process(batch, batch.context, IMMEDIATE),
    routing: (batch) => routing.route(batch, new Delivery()),
    'default pipeline (enrich + redact)': (batch) => {
      enrich.process(batch);
      redact.process(batch, batch.context, IMMEDIATE);
    },
  };
}

/** Items per CPU-second of `step`, over fresh decoded batches (decoding outside the timing). */
function itemsPerCpuSecond(step: Step): number {
  const BATCHES = 50;
  const REPEATS = 8;
  let cpu = 0;
  let items = 0;
  for (let r = 0; r < REPEATS + 1; r++) {
    const batches = Array.from({ length: BATCHES }, (_, b) =>
      batchOf(
        'traces',
        decodeTraceRequest(bodies[(r * BATCHES + b) % VARIANTS]!),
        contextOf('bench'),
      ),
    );
    const before = process.cpuUsage();
    for (const batch of batches) step(batch);
    const used = process.cpuUsage(before);
    if (r === 0) continue; // warm-up
    cpu += (used.user + used.system) / 1e6;
    items += BATCHES * SPANS_PER_REQUEST;
  }
  return items / cpu;
}

// ---------------------------------------------------------------- end to end, side by side

interface Result {
  spansPerSecond: number;
  cpuPerMillion: number;
}

/** The Collector binary deploy/local builds (cached outside the repo; built on first use). */
const collectorBinary = () =>
  execFileSync('bash', [join(here, '..', '..', '..', 'deploy', 'local', 'build-collector.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  })
    .trim()
    .split('\n')
    .at(-1)!;
let collector = '';

function start(target: Target, port: number, sink: string): ChildProcess {
  const dir = mkdtempSync(join(tmpdir(), 'processors-bench-'));
  const config = join(dir, 'config.yaml');
  if (target.startsWith('collector')) {
    writeFileSync(config, collectorConfig(target, port, sink));
    return run(['--config', config], dir, collector);
  }
  writeFileSync(config, gatewayConfig(target, port, sink));
  const profile = process.env.GATEWAY_BENCH_PROFILE
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.GATEWAY_BENCH_PROFILE}`]
    : [];
  return run([...profile, join(here, '..', 'dist', 'cli.js'), '--config', config], dir);
}

async function measure(target: Target, sinkPort: number): Promise<Result> {
  const port = await freePort();
  const child = start(target, port, `http://127.0.0.1:${sinkPort}`);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const per = deliveredPerRequest(target, routed);
  try {
    await waitListening(port);
    const start = await sinkSpans(sinkPort);
    const warm = await load(port, bodies, {}, REQUESTS_PER_ROUND / 2);
    const before = start + warm.ok * per;
    await delivered(sinkPort, before);
    const cpuBefore = cpuSeconds(child.pid!);
    const { ok, wallMs } = await load(port, bodies, {}, REQUESTS_PER_ROUND);
    await delivered(sinkPort, before + ok * per);
    const cpu = cpuSeconds(child.pid!) - cpuBefore;
    const spans = ok * SPANS_PER_REQUEST;
    return { spansPerSecond: (spans * 1000) / wallMs, cpuPerMillion: (cpu * 1e6) / spans };
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

const components = Object.entries(componentSteps()).map(
  ([name, step]) => [name, itemsPerCpuSecond(step)] as const,
);
for (const [name, rate] of components)
  console.error(`${name}: ${Math.round(rate).toLocaleString('en-US')} spans per CPU-second`);

if (process.argv.includes('--components')) process.exit(0);
collector = collectorBinary();

const sinkPort = await freePort();
const sink = run(['sink.ts', String(sinkPort)]);
await waitListening(sinkPort);
const only = process.argv.indexOf('--only');
const chosen =
  only < 0 ? TARGETS : TARGETS.filter((t) => process.argv[only + 1]?.split(',').includes(t));
const results = Object.fromEntries(TARGETS.map((t) => [t, [] as Result[]])) as Record<
  Target,
  Result[]
>;
try {
  for (let round = 0; round < ROUNDS; round++) {
    for (const target of chosen) {
      const result = await measure(target, sinkPort);
      results[target].push(result);
      console.error(
        `${target} round ${round + 1}: ${Math.round(result.spansPerSecond)} spans/s, ${result.cpuPerMillion.toFixed(2)} CPU-s per million spans`,
      );
    }
  }
} finally {
  sink.kill('SIGTERM');
}

if (chosen.length < TARGETS.length) process.exit(0); // the rounds above are the result

const cpu = (target: Target) => median(results[target].map((r) => r.cpuPerMillion));
const rate = (target: Target) =>
  Math.round(median(results[target].map((r) => r.spansPerSecond))).toLocaleString('en-US');
/** The ratio of two systems' CPU per span, round by round: the median and the range. */
const ratio = (a: Target, b: Target) => {
  const each = results[a].map((r, i) => r.cpuPerMillion / results[b][i]!.cpuPerMillion);
  const [low, high] = [Math.min(...each), Math.max(...each)];
  return `${median(each).toFixed(2)}× (${low.toFixed(2)}–${high.toFixed(2)})`;
};
const row = (name: string, target: Target) =>
  `| ${name} | ${rate(target)} | ${cpu(target).toFixed(2)} |`;
const table = [
  `Fixture: ${SPANS_PER_REQUEST} server spans × ~20 attributes per request (${bodies[0]!.length} bytes, ${VARIANTS} variants sent in turn): emails, card numbers, bearer tokens and query tokens in some, SQL with literals in half, 5 % health checks, 4 % errors. Machine: ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, Node ${process.versions.node}.`,
  '',
  'Per component, in process, on decoded batches:',
  '',
  '| component | spans per CPU-second |',
  '| --- | ---: |',
  ...components.map(([name, r]) => `| ${name} | ${Math.round(r).toLocaleString('en-US')} |`),
  '',
  `End to end: ${REQUESTS_PER_ROUND} OTLP/HTTP protobuf requests per round, 16 in flight, from a separate process, to one sink; median of ${ROUNDS} alternating rounds. CPU-seconds are the system's own per million spans received.`,
  '',
  '| system | spans/s | CPU-seconds per million spans |',
  '| --- | ---: | ---: |',
  row('otel-gateway, no-op pipeline', 'gateway-noop'),
  row('otel-gateway, embedded default pipeline (enrich + redact)', 'gateway-default'),
  row('otel-gateway, enrich + redact + route', 'gateway-full'),
  row('Collector, pass-through (batch)', 'collector-noop'),
  row('Collector, enrich + redact + route', 'collector-full'),
  '',
  `Enrich + redact + route, as ratios of CPU per span taken within each round (median, and the range over the ${ROUNDS} rounds): the Collector spends ${ratio('collector-full', 'gateway-full')} the gateway's CPU (target ≥ 1.2×); the gateway spends ${ratio('gateway-full', 'gateway-noop')} its own no-op pipeline (target ≤ 2×).`,
].join('\n');
console.log(table);

if (process.argv.includes('--write')) {
  writeReadmeSection(join(here, '..', 'README.md'), 'processors-bench', table);
}
