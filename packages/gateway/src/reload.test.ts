// Hot reload of the built CLI: SIGHUP or a saved file switches destinations without losing what
// was accepted before; an invalid new config is rejected and the running one keeps working.
import { writeFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayProcess } from '../test-support/gateway-process.ts';
import { startGateway } from '../test-support/gateway-process.ts';
import type { Sink } from '../test-support/otlp-sink.ts';
import { startSink } from '../test-support/otlp-sink.ts';
import { traceRequestBytes } from '../test-support/spans.ts';
import { freePort, until } from '../test-support/wait.ts';

const config = (sinkUrl: string, endpoint = '127.0.0.1:0') => `
receivers:
  otlp_http: { endpoint: ${endpoint} }
exporters:
  otlp_http:
    endpoint: ${sinkUrl}
    sending_queue: { capacity: 100, consumers: 1 }
service:
  admin: { endpoint: 127.0.0.1:0 }
  pipelines:
    traces: { receivers: [otlp_http], exporters: [otlp_http] }
`;

const body = (name: string) => traceRequestBytes([name]);

describe('hot reload', () => {
  let a: Sink;
  let b: Sink;
  let gateway: GatewayProcess | undefined;
  beforeAll(async () => {
    [a, b] = await Promise.all([startSink(), startSink()]);
  });
  afterAll(async () => {
    await Promise.all([a.close(), b.close()]);
  });
  afterEach(async () => {
    await gateway?.stop('SIGKILL');
    gateway = undefined;
    a.spans.length = 0;
    b.spans.length = 0;
    a.behaviour.delayMs = 0;
  });

  const send = async (name: string) => {
    const response = await fetch(`${gateway!.otlpUrl}/v1/traces`, {
      method: 'POST',
      body: body(name),
      headers: { 'content-type': 'application/x-protobuf' },
    });
    expect(response.status).toBe(200);
  };
  const reloads = () =>
    gateway!
      .output()
      .split('\n')
      .filter((line) => line.includes('"config reloaded"')).length;

  it('SIGHUP switches the destination; what was accepted before still reaches the old one', async () => {
    a.behaviour.delayMs = 100; // keeps batches queued while the reload happens
    gateway = await startGateway(config(a.url));
    for (let i = 0; i < 8; i++) await send(`before-${i}`);
    writeFileSync(gateway.configPath, config(b.url));
    gateway.child.kill('SIGHUP');
    await until('the reload', () => reloads() === 1);
    await send('after');
    await until('the new destination', () => b.spans.includes('after'));
    expect(a.spans).toHaveLength(8);
    expect(a.spans).not.toContain('after');
    expect(b.spans).toEqual(['after']);
    expect(gateway.output()).not.toContain('dropped a batch');
  });

  it('rejects an invalid config and keeps serving with the running one', async () => {
    gateway = await startGateway(config(a.url));
    writeFileSync(gateway.configPath, config(b.url).replace('capacity: 100', 'capacity: -5'));
    gateway.child.kill('SIGHUP');
    await until('the rejection', () => gateway!.output().includes('reload rejected'));
    expect(gateway.output()).toMatch(/exporters\.otlp_http\.sending_queue\.capacity/);
    await send('still-a');
    await until('the old destination', () => a.spans.includes('still-a'));
    expect(b.spans).toEqual([]);
    expect(reloads()).toBe(0);
  });

  it('rolls back when a changed receiver cannot listen, and keeps serving', async () => {
    const port = await freePort();
    gateway = await startGateway(config(a.url, `127.0.0.1:${port}`));
    const taken = new URL(b.url).host; // the sink's port is in use
    writeFileSync(gateway.configPath, config(b.url, taken));
    gateway.child.kill('SIGHUP');
    await until('the failure', () => gateway!.output().includes('reload failed'));
    expect(gateway.output()).toContain(`cannot listen on ${taken}`);
    await send('after-rollback');
    await until('the old destination', () => a.spans.includes('after-rollback'));
    expect(b.spans).toEqual([]);
    expect(reloads()).toBe(0);
  });

  it('--watch-config reloads when the file is saved', async () => {
    gateway = await startGateway(config(a.url), {}, ['--watch-config']);
    await new Promise((resolve) => setTimeout(resolve, 1100)); // a distinct mtime
    writeFileSync(gateway.configPath, config(b.url));
    await until('the reload', () => reloads() === 1, 15_000);
    await send('watched');
    await until('the new destination', () => b.spans.includes('watched'));
  });
});
