// The preload next to other OpenTelemetry setups and in failure paths, as real child processes:
// an app that brings its own SDK, a second copy of the preload, and a crash.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Proc } from '../test-support/processes.ts';
import { packageManager } from './start.ts';
import {
  exportedLogRecords,
  exportedSpans,
  run,
  startGateway,
  until,
} from '../test-support/processes.ts';

const preload = createRequire(import.meta.url).resolve('@org/otel-preload');
const here = dirname(import.meta.dirname);

/** Runs `node --require <preload> [flags] -e script` from the package directory. */
function node(flags: string[], script: string, env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, ['--require', preload, ...flags, '-e', script], {
    cwd: here,
    encoding: 'utf8',
    timeout: 20_000,
    env: {
      ...process.env,
      OTEL_METRICS_EXPORTER: 'none',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9',
      ...env,
    },
  });
  return {
    ...result,
    warnings: result.stderr.split('\n').filter((l) => l.startsWith('[otel-preload]')),
  };
}

describe('the preload beside other setups', () => {
  it('steps back, with one warning, when the app starts its own SDK, which then works', () => {
    const script = `
      const { NodeSDK } = require('@opentelemetry/sdk-node');
      const { InMemorySpanExporter, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace');
      const { trace } = require('@opentelemetry/api');
      const exporter = new InMemorySpanExporter();
      const sdk = new NodeSDK({ spanProcessors: [new SimpleSpanProcessor({ exporter })], instrumentations: [] });
      sdk.start();
      trace.getTracer('app').startSpan('mine').end();
      // The app's own provider, flushed: its span processor exports asynchronously.
      trace.getTracerProvider().getDelegate().forceFlush().then(() => {
        console.log('app spans', exporter.getFinishedSpans().map((s) => s.name).join());
        return sdk.shutdown();
      });`;
    const result = node([], script);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('app spans mine');
    expect(result.warnings).toEqual([
      '[otel-preload] the app sets up its own OpenTelemetry SDK; the preload steps back',
    ]);
  });

  it('starts once when a second copy is loaded, which says so and does nothing', () => {
    const copy = mkdtempSync(join(tmpdir(), 'preload-copy-'));
    cpSync(dirname(preload), copy, { recursive: true });
    const result = node(['--require', join(copy, 'register.cjs')], "console.log('ran')");
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('ran\n');
    expect(result.warnings).toEqual(['[otel-preload] loaded twice; the second load does nothing']);
  });
});

describe('entry and failure paths', () => {
  it('starts from NODE_OPTIONS, on the main thread only', () => {
    const script = `
      const { Worker } = require('node:worker_threads');
      const recording = () => require('@opentelemetry/api').trace.getTracer('t').startSpan('s').isRecording();
      console.log('main', recording());
      new Worker("console.log('worker', require('@opentelemetry/api').trace.getTracer('t').startSpan('s').isRecording())", { eval: true });`;
    const result = spawnSync(process.execPath, ['-e', script], {
      cwd: here,
      encoding: 'utf8',
      timeout: 20_000,
      env: {
        ...process.env,
        NODE_OPTIONS: `--require ${preload}`,
        OTEL_METRICS_EXPORTER: 'none',
        OTEL_TRACES_EXPORTER: 'none',
      },
    });
    expect(result.status).toBe(0);
    expect(result.stdout.split('\n').sort()).toEqual(['', 'main true', 'worker false']);
  });

  it('says which Node.js it needs where module.registerHooks is missing, and the app runs', () => {
    // As on Node.js before 22.15: the hooks API is removed before the preload loads.
    const older = join(mkdtempSync(join(tmpdir(), 'preload-node-')), 'older-node.cjs');
    writeFileSync(older, "delete require('node:module').registerHooks;");
    const result = spawnSync(
      process.execPath,
      ['--require', older, '--require', preload, '-e', 'console.log("ran")'],
      { encoding: 'utf8', timeout: 20_000 },
    );
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('ran\n');
    expect(result.stderr).toBe(
      `[otel-preload] disabled, the app runs uninstrumented: it needs Node.js 22.15 or later, and this is ${process.version}\n`,
    );
  });

  it('names the port its Prometheus endpoint bound when asked for port 0', async () => {
    const app = run(['--require', preload, '-e', 'setTimeout(() => {}, 20_000)'], {
      OTEL_METRICS_EXPORTER: 'prometheus',
      OTEL_EXPORTER_PROMETHEUS_PORT: '0',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9',
      OTEL_LOG_LEVEL: 'debug',
    });
    try {
      const url = await until(
        'the endpoint line',
        () =>
          /Prometheus endpoint on (http:\/\/127\.0\.0\.1:[1-9]\d*\/metrics)/.exec(
            app.output(),
          )?.[1],
      );
      const response = await fetch(url);
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('# TYPE');
    } finally {
      app.child.kill('SIGKILL');
    }
  });

  it('stays out of a package manager that NODE_OPTIONS reaches (npm start)', () => {
    const bin = join(mkdtempSync(join(tmpdir(), 'preload-npm-')), 'node_modules', 'npm', 'bin');
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, 'npm-cli.js'), "console.log('npm ran')");
    const result = spawnSync(process.execPath, ['--require', preload, join(bin, 'npm-cli.js')], {
      encoding: 'utf8',
      timeout: 20_000,
      env: { ...process.env, OTEL_LOG_LEVEL: 'debug', OTEL_TRACES_SAMPLER_ARG: 'half' },
    });
    expect(result.stdout).toBe('npm ran\n');
    expect(result.stderr).toBe(
      '[otel-preload] not started in npm-cli, a package manager; the app it runs starts its own\n',
    );
    expect(packageManager('/home/a/.yarn/releases/yarn-4.5.0.cjs')).toBe('yarn-4.5.0');
    expect(packageManager('/usr/lib/node_modules/pnpm/bin/pnpm.cjs')).toBe('pnpm');
    expect(packageManager('/srv/shop/dist/server.js')).toBeUndefined();
  });

  it('warns once about a destination that is down, however many exports fail, and exits 0', () => {
    const script = `
      const tracer = require('@opentelemetry/api').trace.getTracer('t');
      let n = 0;
      const timer = setInterval(() => { tracer.startSpan('s' + n).end(); if (++n === 12) clearInterval(timer); }, 60);`;
    const result = node([], script, {
      OTEL_BSP_SCHEDULE_DELAY: '50',
      OTEL_EXPORTER_OTLP_TIMEOUT: '100',
    });
    expect(result.status).toBe(0);
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]).toMatch(/could not export \d+ spans: ECONNREFUSED/);
  });
});

describe('exit with the destination down', () => {
  it('waits at most OTEL_PRELOAD_SHUTDOWN_TIMEOUT_MS, says so once, and exits as it would', () => {
    const script = "require('@opentelemetry/api').trace.getTracer('t').startSpan('s').end()";
    for (const exit of ['', '; process.exitCode = 4']) {
      const started = performance.now();
      const result = node([], script + exit, { OTEL_PRELOAD_SHUTDOWN_TIMEOUT_MS: '300' });
      expect(result.status).toBe(exit ? 4 : 0);
      expect(performance.now() - started).toBeLessThan(5000);
      expect(result.warnings).toEqual([
        '[otel-preload] gave up exporting after OTEL_PRELOAD_SHUTDOWN_TIMEOUT_MS=300 ms: the OTLP destination failed or did not answer in time; what was still queued is dropped',
      ]);
    }
  });
});

describe('SIGTERM with the destination down', () => {
  it('lets an app that handles SIGTERM itself exit once the flush has run out of time', async () => {
    const script = `
      const http = require('node:http');
      const server = http.createServer((req, res) => res.end('ok'));
      server.listen(0, '127.0.0.1', () => {
        let n = 0;
        const next = () => http.get({ port: server.address().port, host: '127.0.0.1', agent: false }, (r) => {
          r.resume();
          r.on('end', () => (++n < 50 ? next() : console.log('ready')));
        });
        next();
      });
      process.on('SIGTERM', () => server.close());`;
    const app = run(['--require', preload, '-e', script], {
      OTEL_METRICS_EXPORTER: 'none',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9',
      OTEL_BSP_SCHEDULE_DELAY: '50',
      OTEL_PRELOAD_SHUTDOWN_TIMEOUT_MS: '300',
    });
    await until('the requests', () => (app.output().includes('ready') ? true : undefined));
    const signalled = performance.now();
    app.child.kill('SIGTERM');
    const exit = await app.exit;
    // Without giving up, the export retries (OTEL_EXPORTER_OTLP_TIMEOUT, 10 s) held it up.
    expect(performance.now() - signalled).toBeLessThan(5000);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(app.output()).toContain(
      'gave up exporting after OTEL_PRELOAD_SHUTDOWN_TIMEOUT_MS=300 ms',
    );
  });
});

describe('crashes', () => {
  for (const [what, script] of [
    ['an uncaught exception', "setTimeout(() => { throw new Error('boom') }, 10)"],
    ['an unhandled rejection', "setTimeout(() => Promise.reject(new Error('boom')), 10)"],
  ] as const) {
    it(`leaves ${what} crashing the process as it would without the preload`, () => {
      const bare = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
      const withPreload = node([], script);
      expect(withPreload.status).toBe(bare.status);
      expect(withPreload.status).not.toBe(0);
      expect(withPreload.stderr).toContain('Error: boom');
    });
  }

  it('keeps the app’s own exit code and its own uncaughtException handler', () => {
    const script =
      "process.on('uncaughtException', (e) => { console.log('handled', e.message); process.exitCode = 3 }); setTimeout(() => { throw new Error('boom') }, 10)";
    const result = node([], script);
    expect(result.stdout).toBe('handled boom\n');
    expect(result.status).toBe(3);
  });
});

describe('exported to the gateway', () => {
  const dir = mkdtempSync(join(tmpdir(), 'preload-crash-'));
  let gateway: Proc | undefined;
  afterAll(() => gateway?.child.kill('SIGKILL'));

  let endpoint = '';

  it('flushes at beforeExit: a short-lived script’s span is exported', async () => {
    const started = await startGateway(dir);
    gateway = started.proc;
    endpoint = started.endpoint;
    const result = node(
      [],
      "require('@opentelemetry/api').trace.getTracer('t').startSpan('short-lived').end()",
      { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_BSP_SCHEDULE_DELAY: '60000' },
    );
    expect(result.status).toBe(0);
    await until('the short-lived span', () =>
      exportedSpans(dir).find((s) => s.span.name === 'short-lived'),
    );
  });

  it('sends what is queued when the app calls process.exit(), keeping its exit code', async () => {
    const result = node(
      [],
      "require('@opentelemetry/api').trace.getTracer('t').startSpan('exiting').end(); process.exit(3)",
      { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_BSP_SCHEDULE_DELAY: '60000' },
    );
    expect(result.status).toBe(3);
    await until('the exiting span', () =>
      exportedSpans(dir).find((s) => s.span.name === 'exiting'),
    );
  });

  it('exports spans and log records as OTLP JSON when the protocol is http/json', async () => {
    const result = node(
      [],
      `const api = require('@opentelemetry/api');
       api.trace.getTracer('t').startActiveSpan('in json', (span) => {
         require('@org/otel-preload/logger').createLogger().info('logged in json');
         span.end();
       });`,
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_LOGS_EXPORTER: 'otlp',
        OTEL_BSP_SCHEDULE_DELAY: '60000',
      },
    );
    expect(result.stderr.toString()).toBe('');
    const span = await until('the span sent as JSON', () =>
      exportedSpans(dir).find((s) => s.span.name === 'in json'),
    );
    const record = await until('the log record sent as JSON', () =>
      exportedLogRecords(dir).find((r) => r.body?.stringValue === 'logged in json'),
    );
    expect(record.spanId).toBe(span.span.spanId);
  });

  it('exports the failed span and a FATAL log record before the process dies as it would', async () => {
    const script = `
      const http = require('node:http');
      const server = http.createServer(() => { throw new Error('boom in handler'); });
      server.listen(0, '127.0.0.1', () => http.get('http://127.0.0.1:' + server.address().port + '/checkout').on('error', () => {}));`;
    const app = run(['--require', preload, '-e', script], {
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      OTEL_LOGS_EXPORTER: 'otlp',
      OTEL_METRICS_EXPORTER: 'none',
      OTEL_SERVICE_NAME: 'crashy',
      // Far longer than the test: only the last-chance export can deliver in time.
      OTEL_BSP_SCHEDULE_DELAY: '60000',
      OTEL_BLRP_SCHEDULE_DELAY: '60000',
    });
    const bare = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 10_000 });
    expect((await app.exit).code).toBe(bare.status);
    // Node's report names the app's throw, source line and caret, as without the preload.
    const report = bare.stderr.slice(0, bare.stderr.indexOf('\n    at '));
    expect(report).toContain('Error: boom in handler');
    expect(app.output()).toContain(report);

    const server = await until('the crashed request’s span', () =>
      exportedSpans(dir).find((s) => s.service === 'crashy' && s.span.kind === 2),
    );
    expect(server.span.status?.code).toBe(2);
    expect(server.span.events?.map((e) => e.name)).toContain('exception');
    const record = await until('the crash log record', () =>
      exportedLogRecords(dir).find((r) => r.severityText === 'FATAL'),
    );
    expect(record.body?.stringValue).toBe('uncaught exception: boom in handler');
    expect(record.traceId).toBe(server.span.traceId);
  });

  it('leaves a surviving app’s request span to its response, with the exception recorded', async () => {
    const script = `
      process.on('uncaughtException', (e) => console.log('survived', e.message));
      const http = require('node:http');
      const server = http.createServer((req, res) => {
        setTimeout(() => { throw new Error('async boom'); }, 0);
        setTimeout(() => { res.end('late'); server.close(); }, 100);
      });
      server.listen(0, '127.0.0.1', () => http.get('http://127.0.0.1:' + server.address().port + '/late', (r) => r.resume()));`;
    const app = run(['--require', preload, '-e', script], {
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      OTEL_METRICS_EXPORTER: 'none',
      OTEL_SERVICE_NAME: 'survivor',
      OTEL_BSP_SCHEDULE_DELAY: '100',
    });
    expect((await app.exit).code).toBe(0);
    expect(app.output()).toContain('survived async boom');
    const server = await until('the surviving request’s span', () =>
      exportedSpans(dir).find((s) => s.service === 'survivor' && s.span.kind === 2),
    );
    expect(
      server.span.attributes.find((a) => a.key === 'http.response.status_code')?.value,
    ).toEqual({
      intValue: '200',
    });
    expect(server.span.events?.map((e) => e.name)).toContain('exception');
  });

  it('traces fetch() and propagates its context, with the URL’s secrets redacted', async () => {
    const script = `
      const server = require('node:http').createServer((req, res) => {
        console.log('traceparent ' + req.headers.traceparent);
        res.end('ok');
      });
      server.listen(0, '127.0.0.1', async () => {
        const url = 'http://127.0.0.1:' + server.address().port + '/pay?Token=s3cr3t&page=2';
        await (await fetch(url)).text();
        server.close();
      });`;
    const app = run(['--require', preload, '-e', script], {
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      OTEL_METRICS_EXPORTER: 'none',
      OTEL_SERVICE_NAME: 'fetcher',
    });
    expect((await app.exit).code).toBe(0);
    const client = await until('the fetch span', () =>
      exportedSpans(dir).find((s) => s.service === 'fetcher' && s.span.kind === 3),
    );
    const server = exportedSpans(dir).find((s) => s.service === 'fetcher' && s.span.kind === 2)!;
    expect(server.span.parentSpanId).toBe(client.span.spanId);
    expect(app.output()).toContain(
      `traceparent 00-${client.span.traceId}-${client.span.spanId}-01`,
    );
    const value = (key: string) => client.span.attributes.find((a) => a.key === key)?.value;
    expect(value('url.full')?.stringValue).toMatch(/\/pay\?Token=REDACTED&page=2$/);
    expect(value('url.query')?.stringValue).toBe('?Token=REDACTED&page=2');
    expect(JSON.stringify(exportedSpans(dir))).not.toContain('s3cr3t');
  });

  it('names an Express app’s server spans by route, and only loads what the app uses', async () => {
    const script = `
      const express = require('express');
      const app = express();
      app.get('/orders/:id', (req, res) => res.send('order ' + req.params.id));
      const server = app.listen(0, '127.0.0.1', () =>
        require('node:http').get('http://127.0.0.1:' + server.address().port + '/orders/42', (r) => {
          r.resume();
          r.on('end', () => server.close());
        }));`;
    const app = run(['--require', preload, '-e', script], {
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      OTEL_METRICS_EXPORTER: 'none',
      OTEL_SERVICE_NAME: 'shop',
      OTEL_LOG_LEVEL: 'debug',
    });
    expect((await app.exit).code).toBe(0);
    const server = await until('the express request’s span', () =>
      exportedSpans(dir).find((s) => s.service === 'shop' && s.span.kind === 2),
    );
    expect(server.span.name).toBe('GET /orders/:id');
    expect(server.span.attributes.find((a) => a.key === 'http.route')?.value).toEqual({
      stringValue: '/orders/:id',
    });
    expect(app.output()).toContain('instrumentation express active');
    expect(app.output()).not.toContain('instrumentation pg active');
  });
});
