// Child processes for the preload's tests and benchmark: free ports, polling, a process handle
// that keeps its output, and the built gateway as the OTLP receiver writing to JSONL files.
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';

/** A TCP port free on 127.0.0.1 right now. */
export const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

/** Polls `check` until it returns a value; fails naming `what` after `ms`. */
export async function until<T>(
  what: string,
  check: () => T | undefined | Promise<T | undefined>,
  ms = 15_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export interface Proc {
  child: ChildProcess;
  /** stdout and stderr so far, interleaved. */
  output: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `node ...args` with `env` added to this process's environment. */
export function run(args: string[], env: Record<string, string>, cwd?: string): Proc {
  const child = spawn(process.execPath, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => output, exit };
}

const gatewayCli = join(
  dirname(createRequire(import.meta.url).resolve('@org/otel-gateway/package.json')),
  'dist',
  'cli.js',
);

/** The built gateway receiving OTLP/HTTP and writing spans and logs as JSONL files in `dir`. */
export async function startGateway(dir: string): Promise<{ proc: Proc; endpoint: string }> {
  const port = await freePort();
  writeFileSync(
    join(dir, 'gateway.yaml'),
    `receivers:
  otlp_http: { endpoint: 127.0.0.1:${port} }
exporters:
  file: { path: ${join(dir, 'spans.jsonl')}, batch: { enabled: false } }
  file/logs: { path: ${join(dir, 'logs.jsonl')}, batch: { enabled: false } }
service:
  admin: { endpoint: 127.0.0.1:0 }
  pipelines:
    traces: { receivers: [otlp_http], exporters: [file] }
    logs: { receivers: [otlp_http], exporters: [file/logs] }
`,
  );
  const proc = run([gatewayCli, '--config', join(dir, 'gateway.yaml')], {});
  await until('the gateway', () => (proc.output().includes('gateway started') ? true : undefined));
  return { proc, endpoint: `http://127.0.0.1:${port}` };
}

/** The JSON lines of a file the gateway writes (none while it does not exist). */
export function readJsonl<T>(file: string): T[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as T);
}

export interface ExportedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: { key: string; value: Record<string, unknown> }[];
  status?: { code?: number; message?: string };
  events?: { name: string; attributes: { key: string; value: Record<string, unknown> }[] }[];
}

export interface ExportedLogRecord {
  traceId?: string;
  spanId?: string;
  severityText?: string;
  body?: { stringValue?: string };
  attributes?: { key: string; value: Record<string, unknown> }[];
}

/** Every span in the gateway's spans.jsonl, with its service.name. */
export const exportedSpans = (dir: string): { service: string; span: ExportedSpan }[] =>
  readJsonl<{
    resourceSpans: {
      resource: { attributes: { key: string; value: { stringValue?: string } }[] };
      scopeSpans: { spans: ExportedSpan[] }[];
    }[];
  }>(join(dir, 'spans.jsonl')).flatMap((request) =>
    request.resourceSpans.flatMap((rs) => {
      const name =
        rs.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue ?? '';
      return rs.scopeSpans.flatMap((ss) => ss.spans.map((span) => ({ service: name, span })));
    }),
  );

/** Every log record in the gateway's logs.jsonl. */
export const exportedLogRecords = (dir: string): ExportedLogRecord[] =>
  readJsonl<{ resourceLogs: { scopeLogs: { logRecords: ExportedLogRecord[] }[] }[] }>(
    join(dir, 'logs.jsonl'),
  ).flatMap((request) =>
    request.resourceLogs.flatMap((rl) => rl.scopeLogs.flatMap((sl) => sl.logRecords)),
  );
