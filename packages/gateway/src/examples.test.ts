// The example configs shipped in examples/: each loads, and its real processors and connectors do
// what its comment says to a sample of data (exporters replaced by recorders, no network).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ExportLogsServiceRequest, ExportTraceServiceRequest } from '@org/otlp';
import { forEachLogRecord, forEachSpan } from '@org/otlp';
import { describe, expect, it } from 'vitest';
import type { Compact } from '../test-support/compact.ts';
import { build, fromList } from '../test-support/compact.ts';
import { sampleValue } from '../test-support/prometheus.ts';
import { runConfig } from '../test-support/run-config.ts';
import { loadConfig } from './config/load.ts';
import type { Batch } from './signal.ts';
import { scalarOf } from './values.ts';

const dir = join(import.meta.dirname, '..', 'examples');
const ENV = {
  COLLECTOR_URL: 'http://127.0.0.1:9',
  ERRORS_URL: 'http://127.0.0.1:9',
  ERRORS_TOKEN: 'errors-token',
  PAYMENTS_TOKEN: 'payments-token-0123456789',
  SEARCH_TOKEN: 'search-token-0123456789',
  WEB_TOKEN: 'web-token-0123456789',
  PAYMENTS_COLLECTOR_URL: 'http://127.0.0.1:9',
  SHARED_COLLECTOR_URL: 'http://127.0.0.1:9',
  THIRD_PARTY_URL: 'http://127.0.0.1:9',
  THIRD_PARTY_API_KEY: 'vendor-key',
  THIRD_PARTY_HASH_KEY: 'example-hash-key',
};
// Read by the processors when they are created, as from the gateway's environment.
process.env.THIRD_PARTY_HASH_KEY = ENV.THIRD_PARTY_HASH_KEY;
const run = (file: string) => runConfig(loadConfig(join(dir, file), ENV));

interface SpanSpec {
  name: string;
  attributes?: Compact;
  error?: boolean;
}

function spans(list: SpanSpec[], resource: Compact = { 'service.name': 'shop' }, tenant?: string) {
  const batch = build('traces', {
    resource,
    names: list.map((s) => s.name),
    records: list.map((s) => s.attributes ?? {}),
  });
  if (batch.signal === 'traces')
    forEachSpan(batch.request, (span, _scope, _resource) => {
      const spec = list.find((s) => s.name === span.name)!;
      span.status = { code: spec.error ? 2 : 0, message: '' };
    });
  return withTenant(batch, tenant);
}

function logs(severities: number[], resource: Compact, tenant?: string) {
  const batch = build('logs', { resource, bodies: severities.map((n) => `log-${n}`) });
  let i = 0;
  if (batch.signal === 'logs')
    forEachLogRecord(batch.request, (log) => (log.severityNumber = severities[i++]!));
  return withTenant(batch, tenant);
}

const withTenant = (batch: Batch, tenant: string | undefined): Batch => ({
  ...batch,
  context: { receiver: 'otlp_http', tenant, headers: new Map() },
});

const logBodies = (requests: readonly object[]) =>
  requests
    .filter((r) => 'resourceLogs' in r)
    .flatMap((r) => {
      const bodies: string[] = [];
      forEachLogRecord(r as ExportLogsServiceRequest, (log) =>
        bodies.push(String(scalarOf(log.body))),
      );
      return bodies;
    });

/** Each span's attributes, by span name. */
const attributesOf = (requests: readonly object[]) => {
  const out: Record<string, Compact> = {};
  for (const r of requests)
    forEachSpan(
      r as ExportTraceServiceRequest,
      (span) => (out[span.name] = fromList(span.attributes)),
    );
  return out;
};

const routingDropped = async (run: ReturnType<typeof runConfig>, labels: Record<string, string>) =>
  sampleValue(await run.metrics.registry.metrics(), 'otelgw_routing_dropped_items_total', {
    reason: 'drop_route',
    ...labels,
  });

describe('example configs', () => {
  it('ships the five examples this suite covers', () => {
    expect(readdirSync(dir).sort()).toEqual([
      'drop-debug-logs-in-production.yaml',
      'drop-health-checks.yaml',
      'errors-to-extra-destination.yaml',
      'per-tenant-upstreams.yaml',
      'pii-free-third-party.yaml',
    ]);
  });

  it('errors-to-extra-destination: errors reach both destinations, the rest only the collector', () => {
    const gateway = run('errors-to-extra-destination.yaml');
    const batch = spans([{ name: 'ok' }, { name: 'failed', error: true }]);
    expect(gateway.send('otlp_http', batch)).toBeUndefined();
    expect(gateway.exporters.get('otlp_http')!.spanNames()).toEqual(['ok', 'failed']);
    expect(gateway.exporters.get('otlp_http/errors')!.spanNames()).toEqual(['failed']);
  });

  it('per-tenant-upstreams: the payments tenant to its collector, the others to the shared one', () => {
    const gateway = run('per-tenant-upstreams.yaml');
    gateway.send('otlp_http', spans([{ name: 'pay' }], undefined, 'payments'));
    gateway.send('otlp_http', spans([{ name: 'browse' }], undefined, 'web'));
    gateway.send('otlp_http', logs([9], {}, 'payments'));
    gateway.send('otlp_http', logs([13], {}, 'search'));
    const payments = gateway.exporters.get('otlp_http/payments')!;
    const shared = gateway.exporters.get('otlp_http/shared')!;
    expect(payments.spanNames()).toEqual(['pay']);
    expect(shared.spanNames()).toEqual(['browse']);
    expect(logBodies(payments.batches)).toEqual(['log-9']);
    expect(logBodies(shared.batches)).toEqual(['log-13']);
  });

  it('drop-health-checks: probe and scrape spans dropped and counted, lookalikes kept', async () => {
    const gateway = run('drop-health-checks.yaml');
    gateway.send(
      'otlp_http',
      spans([
        { name: 'probe', attributes: { 'url.path': '/healthz' } },
        { name: 'ready', attributes: { 'http.route': '/ready' } },
        { name: 'scrape', attributes: { 'http.target': '/metrics?format=text' } },
        { name: 'cart', attributes: { 'url.path': '/cart' } },
        { name: 'lookalike', attributes: { 'http.target': '/healthcheck-report' } },
      ]),
    );
    expect(gateway.exporters.get('otlp_http')!.spanNames()).toEqual(['cart', 'lookalike']);
    expect(
      await routingDropped(gateway, { connector: 'routing', route: 'health', signal: 'traces' }),
    ).toBe(3);
  });

  it('drop-debug-logs-in-production: only production debug logs are dropped', async () => {
    const gateway = run('drop-debug-logs-in-production.yaml');
    gateway.send('otlp_http', logs([5, 9, 0, 1], { 'deployment.environment.name': 'production' }));
    gateway.send('otlp_http', logs([5], { 'deployment.environment.name': 'staging' }));
    expect(logBodies(gateway.exporters.get('otlp_http')!.batches)).toEqual([
      'log-9',
      'log-0',
      'log-5',
    ]);
    expect(
      await routingDropped(gateway, {
        connector: 'routing',
        route: 'debug_in_production',
        signal: 'logs',
      }),
    ).toBe(2);
  });

  it('pii-free-third-party: the copy keeps the allow-list only, with user ids hashed', () => {
    const gateway = run('pii-free-third-party.yaml');
    gateway.send(
      'otlp_http',
      spans([
        {
          name: 'checkout',
          attributes: {
            'enduser.id': 'user-4711',
            'user.email': 'jane.doe@example.com',
            'client.address': '203.0.113.9',
            'http.route': '/checkout',
            'http.response.status_code': 200,
          },
        },
      ]),
    );
    const own = attributesOf(gateway.exporters.get('otlp_http')!.batches).checkout!;
    const copy = attributesOf(gateway.exporters.get('otlp_http/third_party')!.batches).checkout!;
    expect(own['enduser.id']).toBe('user-4711');
    expect(JSON.stringify(own)).not.toContain('jane.doe@example.com');
    expect(Object.keys(copy).sort()).toEqual([
      'enduser.id',
      'http.response.status_code',
      'http.route',
    ]);
    expect(copy['enduser.id']).not.toBe('user-4711');
    expect(JSON.stringify(copy)).not.toMatch(/user-4711|jane\.doe|203\.0\.113\.9/);
  });
});
