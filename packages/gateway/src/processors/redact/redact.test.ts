// The redact processor in the built CLI: spans from the official OpenTelemetry protobuf exporter
// carrying personal data and secrets in names, attributes, events and status come out of the file
// exporter without any of it, the counters in /metrics equal what was planted, and the gateway's
// own output never shows a planted value.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SpanStatusCode } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { afterAll, describe, expect, it } from 'vitest';
import type { GatewayProcess } from '../../../test-support/gateway-process.ts';
import { startGateway } from '../../../test-support/gateway-process.ts';
import { sampleValue, scrapeMetrics } from '../../../test-support/prometheus.ts';
import { until } from '../../../test-support/wait.ts';

const PLANTED = {
  email: 'jane.doe@example.com',
  card: '4111 1111 1111 1111',
  password: 'hunter2-secret',
  sqlLiteral: 'alice-literal',
  bearer: 'bearertokenvalue123456',
  ssn: '078-05-1120',
};

describe('redact in the running gateway', () => {
  let gateway: GatewayProcess | undefined;
  afterAll(async () => {
    expect(await gateway?.stop()).toBe(0);
  });

  it('leaves no planted value in what it exports, and counts each', async () => {
    gateway = await startGateway(`
receivers:
  otlp_http: { endpoint: 127.0.0.1:0 }
processors:
  redact: {}
exporters:
  file: { path: ./out.jsonl, batch: { enabled: false } }
service:
  admin: { endpoint: 127.0.0.1:0 }
  log_level: debug
  pipelines:
    traces: { receivers: [otlp_http], processors: [redact], exporters: [file] }
`);
    const provider = new TracerProvider({
      resource: resourceFromAttributes({
        'service.name': 'checkout',
        'owner.email': PLANTED.email,
      }),
      spanProcessors: [
        new SimpleSpanProcessor({
          exporter: new OTLPTraceExporter({ url: `${gateway.otlpUrl}/v1/traces` }),
        }),
      ],
    });
    const span = provider.getTracer('t').startSpan(`GET /users/${PLANTED.email}`, {
      attributes: {
        'payment.note': `card ${PLANTED.card} declined`,
        password: PLANTED.password,
        'db.statement': `SELECT * FROM users WHERE name = '${PLANTED.sqlLiteral}'`,
        'http.request.header.x-auth': `Bearer ${PLANTED.bearer}`,
        'order.id': '4111111111111112',
      },
    });
    span.addEvent('lookup', { who: `ssn ${PLANTED.ssn}` });
    span.setStatus({ code: SpanStatusCode.ERROR, message: `no account for ${PLANTED.email}` });
    span.end();
    await provider.forceFlush();
    await provider.shutdown();

    const file = join(gateway.dir, 'out.jsonl');
    const text = await until('the span in the file', () =>
      existsSync(file) && readFileSync(file, 'utf8').includes('GET /users/')
        ? readFileSync(file, 'utf8')
        : undefined,
    );
    for (const [what, value] of Object.entries(PLANTED)) {
      expect([what, text.includes(value)]).toEqual([what, false]);
      expect([what, gateway.output().includes(value)]).toEqual([what, false]);
    }
    expect(text).toContain('4111111111111112'); // an order id that fails Luhn stays
    const metrics = await scrapeMetrics(gateway.adminUrl);
    const count = (rule: string) =>
      sampleValue(metrics, 'otelgw_redactions_total', {
        processor: 'redact',
        rule,
        signal: 'traces',
      });
    expect({
      email: count('email'),
      payment_card: count('payment_card'),
      secrets: count('secret.keys'),
      sql: count('db.statement'),
      bearer: count('bearer'),
      ssn: count('us_ssn'),
    }).toEqual({ email: 3, payment_card: 1, secrets: 1, sql: 1, bearer: 1, ssn: 1 });
    expect(metrics).not.toContain(PLANTED.email);
  });
});
