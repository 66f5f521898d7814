import { Server, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import type { Sampler } from '@opentelemetry/sdk-trace';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace';
import { emptyResource } from '@opentelemetry/resources';
import { afterEach, describe, expect, it } from 'vitest';
import { PooledIdGenerator } from '../ids.ts';
import { instrumentHttpServers } from './http-server.ts';
import { DurationAggregations } from './request-durations.ts';
import { ServerSpans } from './server-spans.ts';

/** A server class of its own, so patching its prototype touches no other test's servers. */
class TestServer extends Server {}

async function serve(sampler: Sampler, handler: ConstructorParameters<typeof Server>[1]) {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const spans = new InMemorySpanExporter();
  const serverSpans = new ServerSpans(
    {
      resource: emptyResource(),
      sampler,
      spanLimits: {
        attributeCountLimit: 128,
        eventCountLimit: 128,
        linkCountLimit: 128,
        attributePerEventCountLimit: 128,
        attributePerLinkCountLimit: 128,
      },
      idGenerator: new PooledIdGenerator(),
      processors: [new SimpleSpanProcessor({ exporter: spans })],
    },
    { name: 'test' },
  );
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const durations = new DurationAggregations();
  const reader = new PeriodicExportingMetricReader({
    exporter: metricExporter,
    exportIntervalMillis: 60_000,
    metricProducers: [durations.forReader(AggregationTemporality.CUMULATIVE)],
  });
  const meterProvider = new MeterProvider({ readers: [reader] });
  const undo = instrumentHttpServers([TestServer.prototype], {
    capturedHeaders: [],
    redactedQueryParams: ['token'],
    ignore: () => false,
    routesReported: () => false,
    spans: serverSpans,
    durations,
  });
  const server = new TestServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const recorded = async () => {
    await reader.forceFlush();
    const found = metricExporter
      .getMetrics()
      .at(-1)
      ?.scopeMetrics.flatMap((s) => s.metrics)
      .find((m) => m.descriptor.name === 'http.server.request.duration');
    return found?.dataPoints ?? [];
  };
  cleanups.push(() => {
    undo();
    server.close();
    server.closeAllConnections();
    void meterProvider.shutdown();
    context.disable();
  });
  return { url, spans, durations: recorded };
}

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

describe('instrumentHttpServers', () => {
  it('records one server span with redacted query and the duration histogram', async () => {
    const { url, spans, durations } = await serve(new AlwaysOnSampler(), (req, res) => {
      res.end('ok');
    });
    await (await fetch(`${url}/orders?token=s3cret&page=2`)).text();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const [span] = spans.getFinishedSpans();
    expect(span!.attributes['url.query']).toBe('token=REDACTED&page=2');
    expect(span!.attributes['http.response.status_code']).toBe(200);
    expect((await durations())[0]!.attributes).toMatchObject({
      'http.request.method': 'GET',
      'http.response.status_code': 200,
    });
  });

  it('takes server.address and server.port from each request’s Host header', async () => {
    const { url, spans } = await serve(new AlwaysOnSampler(), (req, res) => {
      res.end('ok');
    });
    for (const host of ['[::1]:8080', '[::1]:8080', 'shop.example', 'shop.example:443']) {
      await new Promise<void>((resolve, reject) => {
        request(url, { headers: { host } }, (res) => res.resume().on('end', resolve))
          .on('error', reject)
          .end();
      });
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(
      spans
        .getFinishedSpans()
        .map((s) => [s.attributes['server.address'], s.attributes['server.port']]),
    ).toEqual([
      ['[::1]', 8080],
      ['[::1]', 8080],
      ['shop.example', undefined],
      ['shop.example', 443],
    ]);
  });

  it('gives a request emitted again by another server one span and one duration', async () => {
    const inner = new TestServer((req, res) => res.end('ok'));
    const { url, spans, durations } = await serve(new AlwaysOnSampler(), (req, res) => {
      inner.emit('request', req, res);
    });
    await (await fetch(`${url}/handed-over`)).text();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(spans.getFinishedSpans()).toHaveLength(1);
    const points = await durations();
    expect((points[0]!.value as { count: number }).count).toBe(1);
  });

  it('records the duration of requests whose spans are not sampled', async () => {
    const { url, spans, durations } = await serve(new AlwaysOffSampler(), (req, res) => {
      res.end('ok');
    });
    await (await fetch(url)).text();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(spans.getFinishedSpans()).toHaveLength(0);
    const points = await durations();
    expect(points).toHaveLength(1);
    expect((points[0]!.value as { count: number }).count).toBe(1);
  });
});
