import type { Context, Span } from '@opentelemetry/api';
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  DiagLogLevel,
  createContextKey,
  diag,
  trace,
} from '@opentelemetry/api';
import { TraceState } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan, Sampler } from '@opentelemetry/sdk-trace';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  InMemorySpanExporter,
  ParentBasedSampler,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import { PooledIdGenerator } from '../ids.ts';
import { ServerSpan } from './server-span.ts';
import { ServerSpans, SpanContextOver } from './server-spans.ts';

const LIMITS = {
  attributeCountLimit: 4,
  attributeValueLengthLimit: 5,
  eventCountLimit: 2,
  linkCountLimit: 1,
  attributePerEventCountLimit: 2,
  attributePerLinkCountLimit: 1,
};
const resource = resourceFromAttributes({ 'service.name': 'shop' });
const remoteParent = trace.setSpanContext(ROOT_CONTEXT, {
  traceId: '0af7651916cd43dd8448eb211c80319c',
  spanId: 'b7ad6b7169203331',
  traceFlags: TraceFlags.SAMPLED,
  isRemote: true,
  traceState: new TraceState('vendor=abc'),
});

/** The SDK's tracer and the server spans, both with `sampler`, exporting to one place. */
function setup(sampler: Sampler) {
  const exporter = new InMemorySpanExporter();
  const processors = [new SimpleSpanProcessor({ exporter })];
  const settings = {
    resource,
    sampler,
    spanLimits: LIMITS,
    idGenerator: new PooledIdGenerator(),
    processors,
  };
  const sdk = new TracerProvider({ ...settings, spanProcessors: processors }).getTracer('sdk');
  const spans = new ServerSpans(settings, { name: 'server' });
  return {
    exporter,
    sdkSpan: (parent: Context) => sdk.startSpan('GET', { kind: SpanKind.SERVER }, parent),
    serverSpan: (parent: Context) => spans.start('GET', parent),
  };
}

/** The same calls an app and the instrumentation make, limits and misuse included. */
function exercise(span: Span) {
  span.setAttribute('http.request.method', 'GET');
  span.setAttribute('url.path', '/orders/12345678');
  span.setAttribute('bad', { nested: new WeakMap() });
  span.setAttributes({ 'app.user': 'alice-in-wonderland', 'app.tier': 3, 'app.extra': true });
  span.addEvent('first', { a: 1, b: 'longer than five', c: 3 });
  span.addEvent('second', 1_700_000_000_000);
  span.recordException(Object.assign(new Error('boom'), { code: 'E_BOOM' }));
  span.recordException({} as never);
  span.addLink({ context: trace.getSpanContext(remoteParent)!, attributes: { x: 1, y: 2 } });
  span.addLinks([{ context: trace.getSpanContext(remoteParent)! }]);
  span.setStatus({ code: SpanStatusCode.ERROR, message: 'failed' });
  span.updateName('GET /orders/:id');
  span.end();
  span.setAttribute('after.end', 1);
  span.end();
}

/** The diagnostics `run` logs, by level, with span ids masked. */
function diagnosed(run: () => void): string[] {
  const seen: string[] = [];
  const log = (level: string) => (message: string) =>
    seen.push(`${level} ${message.replace(/[0-9a-f]{16,32}/g, 'ID')}`);
  diag.setLogger(
    {
      error: log('error'),
      warn: log('warn'),
      info: log('info'),
      debug: log('debug'),
      verbose: log('verbose'),
    },
    DiagLogLevel.ALL,
  );
  try {
    run();
  } finally {
    diag.disable();
  }
  return seen;
}

/** What an exporter reads of a span, ids and times aside. */
function exported(span: ReadableSpan) {
  return {
    name: span.name,
    kind: span.kind,
    parent: span.parentSpanContext,
    traceState: span.spanContext().traceState?.serialize(),
    flags: span.spanContext().traceFlags,
    attributes: span.attributes,
    droppedAttributes: span.droppedAttributesCount,
    events: span.events.map(({ name, attributes, droppedAttributesCount }) => ({
      name,
      attributes,
      droppedAttributesCount,
    })),
    droppedEvents: span.droppedEventsCount,
    links: span.links,
    droppedLinks: span.droppedLinksCount,
    status: span.status,
    ended: span.ended,
    resource: span.resource,
  };
}

describe('ServerSpans', () => {
  it('records and exports what an SDK span records, limits and misuse included', () => {
    const { exporter, sdkSpan, serverSpan } = setup(
      new ParentBasedSampler({ root: new AlwaysOnSampler() }),
    );
    for (const parent of [ROOT_CONTEXT, remoteParent]) {
      exporter.reset();
      const span = serverSpan(parent);
      expect(span).toBeInstanceOf(ServerSpan);
      const sdkDiagnostics = diagnosed(() => exercise(sdkSpan(parent)));
      const serverDiagnostics = diagnosed(() => exercise(span));
      expect(serverDiagnostics).toEqual(sdkDiagnostics);
      expect(serverDiagnostics.length).toBeGreaterThan(3);
      const [fromSdk, fromServer] = exporter.getFinishedSpans();
      expect(exported(fromServer!)).toEqual(exported(fromSdk!));
      expect(fromServer!.events[0]!.time).toEqual([1_700_000_000, 0]);
      expect(fromSdk!.events[0]!.time).toEqual([1_700_000_000, 0]);
      const duration = fromServer!.duration[0] * 1e9 + fromServer!.duration[1];
      expect(duration).toBeGreaterThanOrEqual(0);
      expect(duration).toBeLessThan(1e9);
    }
  });

  it('keeps the instrumentation’s own attributes within the limits', () => {
    const { serverSpan } = setup(new AlwaysOnSampler());
    const span = serverSpan(ROOT_CONTEXT) as ServerSpan;
    span.put('url.path', '/a/very/long/path');
    span.put('http.request.header.x-request-id', ['abcdefgh', 'ab']);
    span.put('server.port', 8080);
    span.put('url.path', '/b');
    span.put('client.address', '10.0.0.1');
    span.put('user_agent.original', 'curl');
    expect(span.attributes).toEqual({
      'url.path': '/b',
      'http.request.header.x-request-id': ['abcde', 'ab'],
      'server.port': 8080,
      'client.address': '10.0.',
    });
    expect(span.droppedAttributesCount).toBe(1);
  });

  it('takes nothing after the span ended, and no length limit below 1', () => {
    const { serverSpan } = setup(new AlwaysOnSampler());
    const span = serverSpan(ROOT_CONTEXT) as ServerSpan;
    span.put('http.request.method', 'GET');
    span.end();
    span.put('http.response.status_code', 200);
    expect(span.attributes).toEqual({ 'http.request.method': 'GET' });
    const unlimited = new ServerSpans(
      {
        resource,
        sampler: new AlwaysOnSampler(),
        spanLimits: { ...LIMITS, attributeValueLengthLimit: 0 },
        idGenerator: new PooledIdGenerator(),
        processors: [],
      },
      { name: 'server' },
    ).start('GET', ROOT_CONTEXT) as ServerSpan;
    unlimited.put('url.path', '/orders/12345678');
    unlimited.setAttribute('app.note', 'kept whole');
    expect(unlimited.attributes).toEqual({
      'url.path': '/orders/12345678',
      'app.note': 'kept whole',
    });
  });

  it('follows the sampler: a remote parent’s trace, or a non-recording span', () => {
    const sampled = setup(new ParentBasedSampler({ root: new AlwaysOffSampler() }));
    const child = sampled.serverSpan(remoteParent);
    expect(child.isRecording()).toBe(true);
    expect(child.spanContext().traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect((child as ServerSpan).parentSpanContext?.spanId).toBe('b7ad6b7169203331');
    const root = sampled.serverSpan(ROOT_CONTEXT);
    expect(root.isRecording()).toBe(false);
    expect(root.spanContext().traceFlags).toBe(TraceFlags.NONE);
    expect(trace.isSpanContextValid(root.spanContext())).toBe(true);
  });
});

describe('SpanContextOver', () => {
  it('holds the span over its parent and extends like any context', () => {
    const key = createContextKey('test key');
    const { serverSpan } = setup(new AlwaysOnSampler());
    const parent = ROOT_CONTEXT.setValue(key, 'from parent');
    const span = serverSpan(parent);
    const over = new SpanContextOver(parent, span);
    expect(trace.getSpan(over)).toBe(span);
    expect(over.getValue(key)).toBe('from parent');
    const extended = over.setValue(key, 'replaced');
    expect(extended.getValue(key)).toBe('replaced');
    expect(trace.getSpan(extended)).toBe(span);
    expect(trace.getSpan(over.deleteValue(key))).toBe(span);
    expect(trace.getSpan(trace.deleteSpan(over))).toBeUndefined();
  });
});
