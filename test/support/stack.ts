import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Repository root, for scripts and configs under test. */
export const repoRoot = join(import.meta.dirname, '..', '..');
const stackScript = join(repoRoot, 'deploy', 'local', 'stack.sh');

/** The endpoints `stack.sh env` prints. */
export interface StackEnv {
  OTELCOL_OTLP_GRPC_ENDPOINT: string;
  OTELCOL_OTLP_HTTP_URL: string;
  OTELCOL_HEALTH_URL: string;
  OTELCOL_METRICS_URL: string;
  JAEGER_URL: string;
  PROMETHEUS_URL: string;
  ALERTMANAGER_URL: string;
  ELASTICSEARCH_URL: string;
  STACK_RUN_DIR: string;
}

function run(
  command: string,
  env: NodeJS.ProcessEnv = process.env,
): { status: number | null; stdout: string } {
  const result = spawnSync('bash', [stackScript, command], {
    env,
    encoding: 'utf8',
    // Build progress (first run: minutes) goes straight to the terminal.
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: 45 * 60_000,
  });
  return { status: result.status, stdout: result.stdout };
}

export function stackEnv(): StackEnv {
  const { stdout } = run('env');
  return Object.fromEntries(
    stdout
      .trim()
      .split('\n')
      .map((line) => {
        const eq = line.indexOf('=');
        return [line.slice(0, eq), line.slice(eq + 1)];
      }),
  ) as unknown as StackEnv;
}

/** Whether the stack was started by a test run that no longer exists. */
function ownerGone(runDir: string): boolean {
  let owner: number;
  try {
    owner = Number(readFileSync(join(runDir, 'owner.pid'), 'utf8'));
  } catch {
    return false; // started by hand: nobody owns it
  }
  try {
    process.kill(owner, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Starts the local stack unless it already runs, and returns a function that stops it again
 * only if this call started it (a stack the developer started stays up).
 */
export function ensureStack(): { env: StackEnv; release: () => void } {
  // `env` only prints the configured endpoints: it needs no running stack, so it is asked once.
  const env = stackEnv();
  let wasRunning = run('status').status === 0;
  if (wasRunning && ownerGone(env.STACK_RUN_DIR)) {
    // Left by a run that died moments ago: its watcher is about to stop it, so take it over.
    run('down');
    wasRunning = false;
  }
  if (!wasRunning) {
    // Tied to this process: a run killed before its teardown (a sibling task failed) does not
    // leave the servers behind.
    const up = run('up', { ...process.env, OTEL_STACK_OWNER_PID: String(process.pid) });
    if (up.status !== 0) throw new Error(`deploy/local/stack.sh up failed (exit ${up.status})`);
  }
  return {
    env,
    release: () => {
      if (!wasRunning) run('down');
    },
  };
}

/**
 * Polls `probe` until it returns a value (not undefined) or the deadline passes; the backends
 * ingest asynchronously. Bounded in time; the last error is reported on timeout.
 */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}; last error: ${String(last)}`,
  );
}

export async function getJson<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, init);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}
