// The enrich processor in the built CLI: spans from the official OpenTelemetry protobuf exporter
// come out of the file exporter with the environment stamped, the pod name split into team and
// service, the user email hashed with the configured key, and what the app set kept.
import { createHmac } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { afterAll, describe, expect, it } from 'vitest';
import type { GatewayProcess } from '../../../test-support/gateway-process.ts';
import { startGateway } from '../../../test-support/gateway-process.ts';
import { until } from '../../../test-support/wait.ts';

const HASH_KEY = 'enrich-cli-hash-key';

describe('enrich in the running gateway', () => {
  let gateway: GatewayProcess | undefined;
  afterAll(async () => {
    expect(await gateway?.stop()).toBe(0);
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
