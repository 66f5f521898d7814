// The routing connector in the built CLI with testdata/config.yaml: two tenants with their own
// upstreams and a copy of errors to a third destination. While the errors destination is down,
// both tenants' data arrives in full and what the errors route could not deliver is counted;
// while acme's upstream hangs, only acme's requests are refused, and beta's all arrive.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeTraceRequest } from '@org/otlp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayProcess } from '../../../test-support/gateway-process.ts';
import { startGateway } from '../../../test-support/gateway-process.ts';
import { sampleValue, scrapeMetrics } from '../../../test-support/prometheus.ts';
import type { Sink } from '../../../test-support/otlp-sink.ts';
import { startSink } from '../../../test-support/otlp-sink.ts';
import { span, traceRequestOf } from '../../../test-support/spans.ts';
import { until } from '../../../test-support/wait.ts';

const yaml = readFileSync(join(import.meta.dirname, 'testdata', 'config.yaml'), 'utf8');
const TOKENS = { acme: 'acme-token-0123456789', beta: 'beta-token-0123456789' };
type Tenant = keyof typeof TOKENS;

/** One request of a tenant: an ordinary span, an error, and a health check. */
function request(tenant: Tenant, n: number): Uint8Array {
  const path = (value: string) => [{ key: 'url.path', value: { stringValue: value } }];
  return encodeTraceRequest(
    traceRequestOf(
      [
        span(`${tenant}-${n}-ok`, 0, undefined, { attributes: path('/cart') }),
        span(`${tenant}-${n}-err`, 1, undefined, {
          attributes: path('/pay'),
          status: { code: 2, message: 'declined' },
        }),
        span(`${tenant}-${n}-hc`, 2, undefined, { attributes: path('/healthz') }),
      ],
      'checkout',
    ),
  );
}

describe('routing connector in the running gateway', () => {
  let acme: Sink;
  let shared: Sink;
  let errors: Sink;
  let errorsPort: number;
  let gateway: GatewayProcess;
  const accepted: Record<Tenant, number[]> = { acme: [], beta: [] };
  let sent = 0;

  beforeAll(async () => {
    [acme, shared, errors] = await Promise.all([startSink(), startSink(), startSink()]);
    errorsPort = Number(new URL(errors.url).port);
    await errors.close(); // the errors destination starts down
    gateway = await startGateway(yaml, {
      ACME_TOKEN: TOKENS.acme,
      BETA_TOKEN: TOKENS.beta,
      ACME_URL: acme.url,
      SHARED_URL: shared.url,
      ERRORS_URL: `http://127.0.0.1:${errorsPort}`,
    });
  });
  afterAll(async () => {
    await gateway.stop('SIGKILL');
    await Promise.all([acme.close(), shared.close(), errors.close()]);
  });

  /** Sends the next request of `tenant`; returns its status (and remembers what was accepted). */
  const send = async (tenant: Tenant) => {
    const n = ++sent;
    const response = await fetch(`${gateway.otlpUrl}/v1/traces`, {
      method: 'POST',
      body: request(tenant, n),
      headers: {
        'content-type': 'application/x-protobuf',
        authorization: `Bearer ${TOKENS[tenant]}`,
      },
    });
    if (response.status === 200) accepted[tenant].push(n);
    return response.status;
  };
  const names = (tenant: Tenant, kinds: string[]) =>
    accepted[tenant].flatMap((n) => kinds.map((kind) => `${tenant}-${n}-${kind}`)).sort();
  /** A traces sample of the gateway's metrics (labels as a whole), 0 when absent. */
  const metric = async (name: string, labels: Record<string, string>) =>
    sampleValue(await scrapeMetrics(gateway.adminUrl), name, { ...labels, signal: 'traces' }) ?? 0;

  it('delivers every route in full while the errors destination is down, and accounts for the errors', async () => {
    for (let i = 0; i < 20; i++) {
      // As a client does: a 503 (acme's small queue momentarily full) is retried.
      let status = 0;
      for (let attempt = 0; attempt < 20 && status !== 200; attempt++) {
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 50));
        status = await send(i % 2 === 0 ? 'acme' : 'beta');
      }
      expect(status).toBe(200);
    }

    await until(
      'both tenant upstreams',
      () => acme.spans.length === 20 && shared.spans.length === 20,
    );
    expect([...acme.spans].sort()).toEqual(names('acme', ['ok', 'err']));
    expect([...shared.spans].sort()).toEqual(names('beta', ['ok', 'err']));
    expect(new Set(acme.tenants)).toEqual(new Set(['acme']));

    // The errors destination comes back on its address; what it missed was dropped and counted.
    errors = await startSink(errorsPort);
    const planted = 20;
    const dropped = () =>
      metric('otelgw_exporter_dropped_items_total', {
        exporter: 'otlp_http/errors',
        reason: 'queue_full',
      });
    await until('every error delivered or counted', async () => {
      return errors.spans.length + (await dropped()) === planted;
    });
    expect(await dropped()).toBeGreaterThan(0);
    expect(errors.spans.every((name) => name.endsWith('-err'))).toBe(true);
    expect(new Set(errors.spans).size).toBe(errors.spans.length);

    // Health checks went nowhere, counted by their route.
    for (const sink of [acme, shared, errors])
      expect(sink.spans.filter((name) => name.endsWith('-hc'))).toEqual([]);
    expect(
      await metric('otelgw_routing_dropped_items_total', {
        connector: 'routing',
        route: 'health',
        reason: 'drop_route',
      }),
    ).toBe(20);
    for (const [route, items] of [
      ['errors', 20],
      ['acme', 20],
      ['shared', 20],
      ['health', 20],
    ] as const)
      expect(
        await metric('otelgw_routing_routed_items_total', { connector: 'routing', route }),
      ).toBe(items);
  });

  it('refuses only the tenant whose upstream hangs; the other tenant loses nothing', async () => {
    const before = { acme: accepted.acme.length, beta: accepted.beta.length };
    const refusedBefore = await metric('otelgw_receiver_refused_requests_total', {
      receiver: 'otlp_http',
      reason: 'backpressure',
    });
    acme.behaviour.hang = true; // acme's queue (capacity 8, one consumer) fills and stays full
    const refused: Record<Tenant, number> = { acme: 0, beta: 0 };
    for (let i = 0; i < 60 && refused.acme < 3; i++) {
      const tenant: Tenant = i % 2 === 0 ? 'acme' : 'beta';
      if ((await send(tenant)) === 503) refused[tenant]++;
    }
    expect(refused.acme).toBeGreaterThan(0);
    expect(refused.beta).toBe(0);
    expect(accepted.beta.length).toBeGreaterThan(before.beta);
    expect(
      await metric('otelgw_receiver_refused_requests_total', {
        receiver: 'otlp_http',
        reason: 'backpressure',
      }),
    ).toBe(refusedBefore + refused.acme);

    await until(
      'every accepted beta span at the shared upstream',
      () => shared.spans.length === names('beta', ['ok', 'err']).length,
    );
    expect([...shared.spans].sort()).toEqual(names('beta', ['ok', 'err']));

    // acme's upstream recovers: everything acme got a 200 for arrives, once.
    acme.behaviour.hang = false;
    await until(
      'every accepted acme span',
      () => acme.spans.length === names('acme', ['ok', 'err']).length,
      30_000,
    );
    expect([...acme.spans].sort()).toEqual(names('acme', ['ok', 'err']));
  });
});
