// The main job (`make demo`): the local stack, the gateway, and a sample service started with
// `node --require @org/otel-preload`, with traffic and a live summary, until Ctrl-C.
// Runs whatever is built and says what is not. Stops everything it started on SIGINT/SIGTERM.
//
//   node scripts/demo.ts [--duration-s N] [--no-stack] [--rps N]
import type { ChildProcess } from 'node:child_process';
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const root = join(import.meta.dirname, '..');
const runDir = join(root, '.run', 'demo');
const stackScript = join(root, 'deploy', 'local', 'stack.sh');
const { values: args } = parseArgs({
  options: {
    'duration-s': { type: 'string', default: '3600' },
    'no-stack': { type: 'boolean', default: false },
    rps: { type: 'string', default: '10' },
  },
});
const durationMs = Number(args['duration-s']) * 1000;
const rps = Number(args.rps);
if (!(durationMs > 0) || !(rps > 0 && rps <= 200)) {
  console.error('demo: --duration-s must be > 0 and --rps within 1..200');
  process.exit(2);
}

const say = (line: string) => console.log(`[demo] ${line}`);
const children: ChildProcess[] = [];
let stackStartedHere = false;
let stopping = false;

function stackEnv(): Record<string, string> {
  const out = spawnSync('bash', [stackScript, 'env'], { encoding: 'utf8' }).stdout;
  return Object.fromEntries(
    out
      .trim()
      .split('\n')
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

function startStack(): Record<string, string> | undefined {
  if (args['no-stack']) {
    say('stack: skipped (--no-stack)');
    return undefined;
  }
  const running = spawnSync('bash', [stackScript, 'status'], { stdio: 'ignore' }).status === 0;
  if (!running) {
    say(
      'stack: starting the Collector, Jaeger, Prometheus, Alertmanager and Elasticsearch (first run builds them: minutes)',
    );
    const up = spawnSync('bash', [stackScript, 'up'], { stdio: ['ignore', 'ignore', 'inherit'] });
    if (up.status !== 0) {
      say('stack: could not start (see the lines above); continuing without it');
      return undefined;
    }
    stackStartedHere = true;
  } else {
    say('stack: already running, reusing it (left running on exit)');
  }
  return stackEnv();
}

/** Starts a child with its output in .run/demo/<name>.log; reports an unexpected exit. */
function startChild(
  name: string,
  args: string[],
  env: Record<string, string>,
  cwd: string,
): ChildProcess {
  mkdirSync(runDir, { recursive: true });
  const log = createWriteStream(join(runDir, `${name}.log`));
  const child = spawn(process.execPath, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  children.push(child);
  child.on('exit', (code, signal) => {
    if (!stopping)
      say(
        `${name} exited unexpectedly (code ${code}, signal ${signal}); log: ${join(runDir, `${name}.log`)}`,
      );
  });
  return child;
}

const startService = (name: string, port: number, env: Record<string, string>) =>
  startChild(
    name,
    ['--require', '@org/otel-preload', join(root, 'examples', 'shop', 'server.ts')],
    { ...env, PORT: String(port), OTEL_SERVICE_NAME: name },
    join(root, 'examples'),
  );

async function waitHealthy(url: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return true;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

interface Stats {
  sent: number;
  byStatus: Map<string, number>;
  latencies: number[];
}

const stats: Stats = { sent: 0, byStatus: new Map(), latencies: [] };

async function oneRequest(base: string): Promise<void> {
  const started = performance.now();
  let status = 'error';
  try {
    const pick = Math.random();
    const response =
      pick < 0.6
        ? await fetch(`${base}/products`)
        : await fetch(`${base}/checkout`, {
            method: 'POST',
            body: JSON.stringify({ productId: pick < 0.95 ? 'p-1' : 'p-404', quantity: 1 }),
          });
    await response.arrayBuffer();
    status = String(response.status);
  } catch {
    // counted as "error"
  }
  stats.sent++;
  stats.byStatus.set(status, (stats.byStatus.get(status) ?? 0) + 1);
  stats.latencies.push(performance.now() - started);
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0
    ? 0
    : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

async function backendCounts(
  env: Record<string, string> | undefined,
  service: string,
): Promise<string> {
  if (!env) return 'backends: not running';
  const parts: string[] = [];
  const count = async (label: string, fn: () => Promise<number>) => {
    try {
      parts.push(`${label} ${await fn()}`);
    } catch {
      parts.push(`${label} ?`);
    }
  };
  await count('jaeger traces', async () => {
    const body = (await (
      await fetch(`${env.JAEGER_URL}/api/traces?service=${service}&lookback=1h&limit=1000`)
    ).json()) as { data: unknown[] | null };
    return body.data?.length ?? 0;
  });
  await count('prometheus series', async () => {
    const query = encodeURIComponent(`count({job="${service}"})`);
    const body = (await (
      await fetch(`${env.PROMETHEUS_URL}/api/v1/query?query=${query}`)
    ).json()) as { data: { result: { value: [number, string] }[] } };
    return Number(body.data.result[0]?.value[1] ?? 0);
  });
  await count('elasticsearch logs', async () => {
    const body = (await (await fetch(`${env.ELASTICSEARCH_URL}/otel-logs/_count`)).json()) as {
      count?: number;
    };
    return body.count ?? 0;
  });
  return parts.join(', ');
}

async function stopAll(code: number): Promise<never> {
  if (stopping) process.exit(code);
  stopping = true;
  say('stopping…');
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
          child.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          child.kill('SIGTERM');
        }),
    ),
  );
  if (stackStartedHere)
    spawnSync('bash', [stackScript, 'down'], { stdio: ['ignore', 'ignore', 'inherit'] });
  say('stopped cleanly');
  process.exit(code);
}

async function main(): Promise<void> {
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));

  const stack = startStack();
  const gatewayCli = join(root, 'packages', 'gateway', 'dist', 'cli.js');
  let otlpEndpoint = stack?.OTELCOL_OTLP_HTTP_URL ?? 'http://127.0.0.1:4318';
  if (existsSync(gatewayCli)) {
    // The embedded default config: OTLP/HTTP in on :4318, out to the collector when the stack
    // runs, else to .run/demo/data/ files.
    mkdirSync(runDir, { recursive: true });
    startChild(
      'gateway',
      [gatewayCli],
      stack ? { OTEL_GATEWAY_UPSTREAM: stack.OTELCOL_OTLP_HTTP_URL! } : {},
      runDir,
    );
    if (!(await waitHealthy('http://127.0.0.1:13133/readyz', 10_000))) {
      say(`gateway did not become ready; log: ${join(runDir, 'gateway.log')}`);
      return stopAll(1);
    }
    say(
      `gateway: http://127.0.0.1:4318 (embedded default config) → ${stack ? stack.OTELCOL_OTLP_HTTP_URL : join(runDir, 'data', 'otlp.jsonl')}; metrics http://127.0.0.1:13133/metrics`,
    );
    otlpEndpoint = 'http://127.0.0.1:4318';
  } else {
    say('gateway: not built yet — the service exports straight to the collector');
  }
  say('preload: environment parsing only — traces, metrics and logs are not built yet');

  const service = 'demo-shop';
  startService(service, 8080, { OTEL_EXPORTER_OTLP_ENDPOINT: otlpEndpoint });
  const base = 'http://127.0.0.1:8080';
  if (!(await waitHealthy(`${base}/healthz`, 10_000))) {
    say(`${service} did not start; log: ${join(runDir, `${service}.log`)}`);
    return stopAll(1);
  }
  say(
    `${service} on ${base}, started with node --require @org/otel-preload, OTLP → ${otlpEndpoint}`,
  );
  if (stack) {
    say(`traces:  ${stack.JAEGER_URL}/api/traces?service=${service}`);
    say(
      `metrics: ${stack.PROMETHEUS_URL}/graph?g0.expr=${encodeURIComponent(`{job="${service}"}`)}`,
    );
    say(`logs:    ${stack.ELASTICSEARCH_URL}/otel-logs/_search?q=Resource.service.name:${service}`);
  }
  say(`sending ${rps} requests/s; Ctrl-C to stop`);

  const endAt = Date.now() + durationMs;
  const traffic = setInterval(() => void oneRequest(base), 1000 / rps);
  const summary = setInterval(() => {
    const sorted = stats.latencies.splice(0).sort((a, b) => a - b);
    const statuses = [...stats.byStatus].map(([s, n]) => `${s}:${n}`).join(' ');
    void backendCounts(stack, service).then((backends) => {
      if (stopping) return;
      say(
        `sent ${stats.sent} (${statuses}) p50 ${percentile(sorted, 0.5).toFixed(1)} ms p95 ${percentile(sorted, 0.95).toFixed(1)} ms | ${backends}`,
      );
    });
    if (Date.now() >= endAt) {
      clearInterval(traffic);
      clearInterval(summary);
      void stopAll(0);
    }
  }, 5000);
}

void main();
