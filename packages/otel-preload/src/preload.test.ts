// Two sample services started with `node --require @org/otel-preload`, calling each other over
// HTTP and exporting to the built gateway (file exporter): one trace across both, the HTTP
// histogram on the Prometheus endpoint, no secrets in what was exported, unchanged exit codes.
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const preload = createRequire(import.meta.url).resolve('@org/otel-preload');
const service = join(import.meta.dirname, '..', 'test-fixtures', 'service.cjs');
const gatewayCli = join(
  dirname(createRequire(import.meta.url).resolve('@org/otel-gateway/package.json')),
  'dist',
  'cli.js',
);

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

async function until<T>(
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

interface Proc {
  child: ChildProcess;
  output: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function run(args: string[], env: Record<string, string>, cwd?: string): Proc {
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

interface ExportedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: { key: string; value: Record<string, unknown> }[];
}

describe('@org/otel-preload with --require', () => {
  const dir = mkdtempSync(join(tmpdir(), 'preload-test-'));
  let gateway: Proc;
  let leaf: Proc;
  let root: Proc;
  let rootPort = 0;
  let rootMetricsPort = 0;

  const spans = (): { service: string; span: ExportedSpan }[] => {
    const file = join(dir, 'spans.jsonl');
    if (!existsSync(file)) return [];
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .flatMap((line) => {
        const request = JSON.parse(line) as {
          resourceSpans: {
            resource: { attributes: { key: string; value: { stringValue?: string } }[] };
            scopeSpans: { spans: ExportedSpan[] }[];
          }[];
        };
        return request.resourceSpans.flatMap((rs) => {
          const name =
            rs.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue ?? '';
          return rs.scopeSpans.flatMap((ss) => ss.spans.map((span) => ({ service: name, span })));
        });
      });
  };

  beforeAll(async () => {
    const otlpPort = await freePort();
    writeFileSync(
      join(dir, 'gateway.yaml'),
      `receivers:
  otlp_http: { endpoint: 127.0.0.1:${otlpPort} }
exporters:
  file: { path: ${join(dir, 'spans.jsonl')}, batch: { enabled: false } }
service:
  admin: { endpoint: 127.0.0.1:0 }
  pipelines:
    traces: { receivers: [otlp_http], exporters: [file] }
`,
    );
    gateway = run([gatewayCli, '--config', join(dir, 'gateway.yaml')], {});
    await until('the gateway', () =>
      gateway.output().includes('gateway started') ? true : undefined,
    );
    const [leafPort, leafMetrics] = [await freePort(), await freePort()];
    [rootPort, rootMetricsPort] = [await freePort(), await freePort()];
    const common = {
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${otlpPort}`,
      OTEL_BSP_SCHEDULE_DELAY: '100',
      OTEL_PRELOAD_CAPTURE_HEADERS: 'x-request-id,cookie,authorization',
    };
    leaf = run(['--require', preload, service], {
      ...common,
      OTEL_SERVICE_NAME: 'leaf',
      PORT: String(leafPort),
      OTEL_EXPORTER_PROMETHEUS_PORT: String(leafMetrics),
    });
    root = run(['--require', preload, service], {
      ...common,
      OTEL_SERVICE_NAME: 'root',
      PORT: String(rootPort),
      DOWNSTREAM: `http://127.0.0.1:${leafPort}`,
      OTEL_EXPORTER_PROMETHEUS_PORT: String(rootMetricsPort),
    });
    await until('both services', () =>
      leaf.output().includes('listening') && root.output().includes('listening') ? true : undefined,
    );
  });

  afterAll(() => {
    for (const proc of [root, leaf, gateway])
      if (proc.child.exitCode === null) proc.child.kill('SIGKILL');
  });

  it('exports one trace across both services with parent/child links', async () => {
    const body = await (await fetch(`http://127.0.0.1:${rootPort}/`)).text();
    expect(body).toBe('root → leaf /leaf?password=hunter2');
    const exported = await until('three spans', () => {
      const all = spans();
      return all.length >= 3 ? all : undefined;
    });
    const rootServer = exported.find((s) => s.service === 'root' && s.span.kind === 2)!;
    const rootClient = exported.find((s) => s.service === 'root' && s.span.kind === 3)!;
    const leafServer = exported.find((s) => s.service === 'leaf' && s.span.kind === 2)!;
    expect(rootClient.span.traceId).toBe(rootServer.span.traceId);
    expect(leafServer.span.traceId).toBe(rootServer.span.traceId);
    expect(rootClient.span.parentSpanId).toBe(rootServer.span.spanId);
    expect(leafServer.span.parentSpanId).toBe(rootClient.span.spanId);
  });

  it('never exports cookies, authorization or secret query values', () => {
    const text = readFileSync(join(dir, 'spans.jsonl'), 'utf8');
    expect(text).toContain('req-1'); // the allow-listed x-request-id header is recorded
    expect(text).toContain('password=REDACTED');
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('s3cr3t');
    expect(text).not.toContain('t0ken');
  });

  it('serves the stable HTTP server histogram on the Prometheus endpoint', async () => {
    const text = await (await fetch(`http://127.0.0.1:${rootMetricsPort}/metrics`)).text();
    expect(text).toMatch(
      /http_server_request_duration_bucket\{[^}]*http_response_status_code="200"/,
    );
    expect(text).toMatch(/http_client_request_duration_bucket/);
    // Scrapes of the preload's own endpoint are not traced.
    const before = spans().length;
    await fetch(`http://127.0.0.1:${rootPort}/after-scrape`);
    await until('spans of the next request', () =>
      spans().length >= before + 3 ? true : undefined,
    );
    const paths = spans().map(
      (s) => s.span.attributes.find((a) => a.key === 'url.path')?.value.stringValue,
    );
    expect(paths).toContain('/after-scrape');
    expect(paths).not.toContain('/metrics');
  });

  it('SIGTERM ends the process by the signal, as it would without the preload', async () => {
    root.child.kill('SIGTERM');
    expect(await root.exit).toEqual({ code: null, signal: 'SIGTERM' });
  });
});
