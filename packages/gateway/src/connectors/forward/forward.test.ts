// The forward connector in the built CLI: a batch reaches the exporters of both joined pipelines,
// and a full queue behind the connector refuses at the receiver before either pipeline takes it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayProcess } from '../../../test-support/gateway-process.ts';
import { startGateway } from '../../../test-support/gateway-process.ts';
import type { Sink } from '../../../test-support/otlp-sink.ts';
import { startSink } from '../../../test-support/otlp-sink.ts';
import { traceRequestBytes } from '../../../test-support/spans.ts';
import { until } from '../../../test-support/wait.ts';

const yaml = readFileSync(join(import.meta.dirname, 'testdata', 'config.yaml'), 'utf8');

describe('forward connector', () => {
  let raw: Sink;
  let copy: Sink;
  let gateway: GatewayProcess;
  beforeAll(async () => {
    [raw, copy] = await Promise.all([startSink(), startSink()]);
    gateway = await startGateway(yaml, { RAW_URL: raw.url, COPY_URL: copy.url });
  });
  afterAll(async () => {
    await gateway.stop('SIGKILL');
    await Promise.all([raw.close(), copy.close()]);
  });

  const send = (name: string) =>
    fetch(`${gateway.otlpUrl}/v1/traces`, {
      method: 'POST',
      body: traceRequestBytes([name]),
      headers: { 'content-type': 'application/x-protobuf' },
    });

  it('delivers to the exporters of both pipelines', async () => {
    expect((await send('one')).status).toBe(200);
    await until('both sinks', () => raw.spans.length === 1 && copy.spans.length === 1);
    expect(raw.spans).toEqual(['one']);
    expect(copy.spans).toEqual(['one']);
  });

  it('refuses when the pipeline behind the connector is full, and the other pipeline gets none of it', async () => {
    copy.behaviour.hang = true; // the copy exporter's queue (capacity 2) fills and stays full
    const statuses: number[] = [];
    for (let i = 0; i < 20 && !statuses.includes(503); i++) {
      const response = await send(`burst-${i}`);
      statuses.push(response.status);
      if (response.status === 503) expect(response.headers.get('retry-after')).toBeTruthy();
    }
    expect(statuses).toContain(503);
    const accepted = statuses.filter((s) => s === 200).length;
    await until('accepted spans at raw', () => raw.spans.length === 1 + accepted);
    // What the receiver refused went nowhere: no duplicate waits in the raw pipeline for a retry.
    expect(raw.spans.filter((n) => n.startsWith('burst-'))).toHaveLength(accepted);
  });
});
