// Two sample services started with `node --require @org/otel-preload` (CommonJS) and with
// `node --import @org/otel-preload` (ESM), calling each other over HTTP and exporting to the built
// gateway (file exporter): one trace across both, log lines carrying its ids, the HTTP histogram
// on the Prometheus endpoint, no secrets or SQL literals in anything exported or logged,
// invalid settings warned about while the app serves, unchanged exit by signal.
import { mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExportedSpan, Proc } from '../test-support/processes.ts';
import {
  exportedLogRecords,
  exportedSpans,
  freePort,
  run,
  startGateway,
  until,
} from '../test-support/processes.ts';

const preload = createRequire(import.meta.url).resolve('@org/otel-preload');
const fixtures = join(import.meta.dirname, '..', 'test-fixtures');

/** The JSON lines a process printed (its log lines), parsed. */
const jsonLines = (output: string): Record<string, unknown>[] =>
  output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);

const attribute = (span: ExportedSpan, key: string) =>
  span.attributes.find((a) => a.key === key)?.value.stringValue;

const MODES = [
  { flag: '--require', fixture: 'service.cjs' },
  { flag: '--import', fixture: 'service.mjs' },
] as const;

describe.each(MODES)('@org/otel-preload with $flag', ({ flag, fixture }) => {
  const dir = mkdtempSync(join(tmpdir(), 'preload-test-'));
  const service = join(fixtures, fixture);
  let gateway: Proc;
  let leaf: Proc;
  let root: Proc;
  let rootPort = 0;
  let rootMetricsPort = 0;

  const spans = () => exportedSpans(dir);
  const logRecords = () => exportedLogRecords(dir);

  beforeAll(async () => {
    let endpoint: string;
    ({ proc: gateway, endpoint } = await startGateway(dir));
    const [leafPort, leafMetrics] = [await freePort(), await freePort()];
    [rootPort, rootMetricsPort] = [await freePort(), await freePort()];
    const common = {
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      OTEL_BSP_SCHEDULE_DELAY: '100',
      OTEL_BLRP_SCHEDULE_DELAY: '100',
      OTEL_PRELOAD_CAPTURE_HEADERS: 'x-request-id,cookie,authorization',
    };
    leaf = run([flag, preload, service], {
      ...common,
      OTEL_SERVICE_NAME: 'leaf',
      PORT: String(leafPort),
      PG_URL: `postgres://app:pw@127.0.0.1:${await freePort()}/shop`,
      OTEL_EXPORTER_PROMETHEUS_PORT: String(leafMetrics),
      // Invalid values: each warns and falls back; the service still serves.
      OTEL_TRACES_SAMPLER_ARG: 'half',
      OTEL_EXPORTER_OTLP_HEADERS: 'api-key',
    });
    root = run([flag, preload, service], {
      ...common,
      OTEL_SERVICE_NAME: 'root',
      OTEL_LOGS_EXPORTER: 'otlp',
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
    const exported = await until('five spans', () => {
      const all = spans();
      return all.length >= 5 ? all : undefined;
    });
    const rootServer = exported.find((s) => s.service === 'root' && s.span.kind === 2)!;
    const rootClient = exported.find((s) => s.service === 'root' && s.span.kind === 3)!;
    const leafServer = exported.find((s) => s.service === 'leaf' && s.span.kind === 2)!;
    const query = exported.find((s) => s.span.name.startsWith('pg.query'))!;
    expect(rootClient.span.traceId).toBe(rootServer.span.traceId);
    expect(leafServer.span.traceId).toBe(rootServer.span.traceId);
    expect(rootClient.span.parentSpanId).toBe(rootServer.span.spanId);
    expect(leafServer.span.parentSpanId).toBe(rootClient.span.spanId);
    expect(query.span.parentSpanId).toBe(leafServer.span.spanId);
  });

  it('records SQL without literals', () => {
    const query = spans().find((s) => s.span.name.startsWith('pg.query'))!;
    expect(attribute(query.span, 'db.query.text')).toBe(
      'SELECT * FROM users WHERE email = ? AND id = ?',
    );
  });

  it('writes log lines carrying the trace and span ids, from createLogger and from app pino', () => {
    const all = spans();
    const rootServer = all.find((s) => s.service === 'root' && s.span.kind === 2)!.span;
    const leafServer = all.find((s) => s.service === 'leaf' && s.span.kind === 2)!.span;
    const rootLine = jsonLines(root.output()).find((l) => l.msg === 'root handling')!;
    expect(rootLine).toMatchObject({
      trace_id: rootServer.traceId,
      span_id: rootServer.spanId,
      trace_flags: '01',
      'service.name': 'root',
      password: '[REDACTED]',
    });
    const leafLine = jsonLines(leaf.output()).find((l) => l.msg === 'leaf handling')!;
    expect(leafLine).toMatchObject({
      trace_id: leafServer.traceId,
      span_id: leafServer.spanId,
      trace_flags: '01',
    });
  });

  it('exports log records over OTLP where OTEL_LOGS_EXPORTER=otlp, with the trace ids', async () => {
    const rootServer = spans().find((s) => s.service === 'root' && s.span.kind === 2)!.span;
    const records = await until('the root service’s log record', () => {
      const found = logRecords().filter((r) => r.traceId === rootServer.traceId);
      return found.length > 0 ? found : undefined;
    });
    expect(records[0]!.spanId).toBe(rootServer.spanId);
    expect(JSON.stringify(records)).toContain('root handling');
  });

  it('never exports or logs cookies, authorization, secret query values or SQL literals', () => {
    const text = [
      readFileSync(join(dir, 'spans.jsonl'), 'utf8'),
      readFileSync(join(dir, 'logs.jsonl'), 'utf8'),
      root.output(),
      leaf.output(),
    ].join('\n');
    expect(text).toContain('req-1'); // the allow-listed x-request-id header is recorded
    expect(text).toContain('password=REDACTED');
    for (const secret of ['hunter2', 's3cr3t', 't0ken', 'alice@example.com', 'app:pw'])
      expect(text).not.toContain(secret);
  });

  it('warns once per invalid variable, naming it and the fallback, and still serves', () => {
    const output = leaf.output();
    expect(output).toContain('invalid OTEL_TRACES_SAMPLER_ARG="half"');
    expect(output).toContain('invalid OTEL_EXPORTER_OTLP_HEADERS="[REDACTED]"');
    expect(output).not.toContain('api-key');
    expect(spans().some((s) => s.service === 'leaf')).toBe(true);
  });

  it('serves the stable HTTP server histogram on the Prometheus endpoint', async () => {
    const text = await (await fetch(`http://127.0.0.1:${rootMetricsPort}/metrics`)).text();
    expect(text).toMatch(
      /http_server_request_duration_bucket\{[^}]*http_response_status_code="200"/,
    );
    expect(text).toMatch(/http_client_request_duration_bucket/);
    expect(text).toMatch(/ticket_sales_total\{[^}]*event="concert"[^}]*\} [1-9]/);
    // Runtime metrics start shortly after startup.
    expect(text).toMatch(/nodejs_eventloop_utilization/);
    // Scrapes of the preload's own endpoint are not traced.
    const before = spans().length;
    await fetch(`http://127.0.0.1:${rootPort}/after-scrape`);
    await until('spans of the next request', () =>
      spans().length >= before + 5 ? true : undefined,
    );
    const paths = spans().map((s) => attribute(s.span, 'url.path'));
    expect(paths).toContain('/after-scrape');
    expect(paths).not.toContain('/metrics');
  });

  it('SIGTERM ends the process by the signal, as it would without the preload', async () => {
    root.child.kill('SIGTERM');
    expect(await root.exit).toEqual({ code: null, signal: 'SIGTERM' });
  });
});
