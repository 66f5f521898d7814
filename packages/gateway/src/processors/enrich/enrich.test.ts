// The enrich processor in the built CLI: spans from the official OpenTelemetry protobuf exporter
// come out of the file exporter with the environment stamped, the pod name split into team and
// service, the user email hashed with the configured key, and what the app set kept.
import { createHmac } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { afterAll, describe, expect, it } from 'vitest';
import type { GatewayProcess } from '../../../test-support/gateway-process.ts';
import { startGateway } from '../../../test-support/gateway-process.ts';
import { sampleValue, scrapeMetrics } from '../../../test-support/prometheus.ts';
import { traceRequestBytes } from '../../../test-support/spans.ts';
import { until } from '../../../test-support/wait.ts';

const HASH_KEY = 'enrich-cli-hash-key';

describe('enrich in the running gateway', () => {
  let gateway: GatewayProcess | undefined;
  afterAll(async () => {
    expect(await gateway?.stop()).toBe(0);
  });

  it('applies the service catalog, counts unknown services, and follows the file as it changes', async () => {
    const catalog = join(mkdtempSync(join(tmpdir(), 'enrich-catalog-')), 'catalog.yaml');
    const write = (team: string) =>
      writeFileSync(
        catalog,
        `services:\n  - { match: 'check*', attributes: { team: ${team}, tier: 1 } }\n`,
      );
    write('shop');
    const catalogGateway = await startGateway(`
receivers:
  otlp_http: { endpoint: 127.0.0.1:0 }
processors:
  enrich: { catalog: { path: ${catalog}, interval_ms: 100 } }
exporters:
  file: { path: ./out.jsonl, batch: { enabled: false } }
service:
  admin: { endpoint: 127.0.0.1:0 }
  pipelines:
    traces: { receivers: [otlp_http], processors: [enrich], exporters: [file] }
`);
    try {
      const out = join(catalogGateway.dir, 'out.jsonl');
      let sent = 0;
      /** Sends one span of `service` and returns the team the gateway gave its resource. */
      const teamOf = async (service: string) => {
        const name = `span-${++sent}`;
        const response = await fetch(`${catalogGateway.otlpUrl}/v1/traces`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-protobuf' },
          body: traceRequestBytes([name], undefined, service),
        });
        expect(response.status).toBe(200);
        const line = await until(`${name} in the file`, () =>
          existsSync(out)
            ? readFileSync(out, 'utf8')
                .split('\n')
                .find((l) => l.includes(name))
            : undefined,
        );
        const attributes = (
          JSON.parse(line) as {
            resourceSpans: {
              resource: { attributes: { key: string; value: { stringValue?: string } }[] };
            }[];
          }
        ).resourceSpans[0]!.resource.attributes;
        return attributes.find((a) => a.key === 'team')?.value.stringValue;
      };
      const metric = async (name: string, labels: Record<string, string>) =>
        sampleValue(await scrapeMetrics(catalogGateway.adminUrl), name, {
          processor: 'enrich',
          ...labels,
        }) ?? 0;

      expect(await teamOf('checkout')).toBe('shop');
      expect(await teamOf('search')).toBeUndefined();
      expect(await metric('otelgw_enrich_catalog_unknown_items_total', { signal: 'traces' })).toBe(
        1,
      );

      write('cart');
      await until(
        'the catalog re-read',
        async () => (await metric('otelgw_enrich_catalog_reloads_total', { outcome: 'ok' })) >= 2,
      );
      expect(await teamOf('checkout')).toBe('cart');

      writeFileSync(catalog, 'services: [ broken');
      await until(
        'the broken catalog rejected',
        async () =>
          (await metric('otelgw_enrich_catalog_reloads_total', { outcome: 'rejected' })) >= 1,
      );
      expect(await teamOf('checkout')).toBe('cart');
      expect(catalogGateway.output()).toContain(
        'service catalog rejected; the last good one stays in use',
      );
    } finally {
      expect(await catalogGateway.stop()).toBe(0);
    }
  });

  it('enriches what the official exporter sends, and keeps what the app set', async () => {
    gateway = await startGateway(
      `
receivers:
  otlp_http: { endpoint: 127.0.0.1:0 }
processors:
  enrich:
    hash_key_env: ENRICH_HASH_KEY
    actions:
      - { key: deployment.environment.name, from_env: DEPLOY_ENV }
      - { key: service.version, value: unknown }
      - { key: user.email, action: hash, on: record }
      - key: k8s.pod.name
        action: extract
        pattern: '^(?<team>[a-z]+)-(?<service>[a-z]+)-[0-9a-f]+$'
exporters:
  file: { path: ./out.jsonl, batch: { enabled: false } }
service:
  admin: { endpoint: 127.0.0.1:0 }
  pipelines:
    traces: { receivers: [otlp_http], processors: [enrich], exporters: [file] }
`,
      { DEPLOY_ENV: 'staging', ENRICH_HASH_KEY: HASH_KEY },
    );
    const provider = new TracerProvider({
      resource: resourceFromAttributes({
        'service.name': 'ledger',
        'service.version': '2.1.0',
        'k8s.pod.name': 'payments-ledger-7f9c2',
      }),
      spanProcessors: [
        new SimpleSpanProcessor({
          exporter: new OTLPTraceExporter({ url: `${gateway.otlpUrl}/v1/traces` }),
        }),
      ],
    });
    provider
      .getTracer('t')
      .startSpan('charge', { attributes: { 'user.email': 'bob@example.com' } })
      .end();
    await provider.forceFlush();
    await provider.shutdown();

    const file = join(gateway.dir, 'out.jsonl');
    const line = await until('the span in the file', () =>
      existsSync(file)
        ? readFileSync(file, 'utf8')
            .split('\n')
            .find((l) => l.includes('charge'))
        : undefined,
    );
    const request = JSON.parse(line) as {
      resourceSpans: {
        resource: { attributes: { key: string; value: { stringValue?: string } }[] };
        scopeSpans: {
          spans: { attributes: { key: string; value: { stringValue?: string } }[] }[];
        }[];
      }[];
    };
    const [rs] = request.resourceSpans;
    const resource = Object.fromEntries(
      rs!.resource.attributes.map((a) => [a.key, a.value.stringValue]),
    );
    expect(resource).toMatchObject({
      'deployment.environment.name': 'staging',
      'service.version': '2.1.0', // insert keeps what the app set
      team: 'payments',
      service: 'ledger',
    });
    const span = Object.fromEntries(
      rs!.scopeSpans[0]!.spans[0]!.attributes.map((a) => [a.key, a.value.stringValue]),
    );
    expect(span['user.email']).toBe(
      createHmac('sha256', HASH_KEY).update('bob@example.com').digest('hex'),
    );
    expect(readFileSync(file, 'utf8')).not.toContain('bob@example.com');
  });
});
