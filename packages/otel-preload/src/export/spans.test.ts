import { SpanKind, SpanStatusCode, TraceFlags, context, trace } from '@opentelemetry/api';
import { TraceState } from '@opentelemetry/core';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import {
  decodeTraceRequest,
  decodeTraceRequestJson,
  encodeTraceRequest,
  encodeTraceRequestJson,
} from '@org/otlp';
import { describe, expect, it } from 'vitest';
import { Grouper } from './convert.ts';
import { spansToRequest } from './spans.ts';

/** Finished spans from the real SDK, covering every field the converter maps. */
function sdkSpans(huge: number | undefined): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  const spanProcessors = [new SimpleSpanProcessor({ exporter })];
  const checkout = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'checkout', 'service.version': '1.2.3' }),
    spanProcessors,
  });
  const billing = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'billing' }),
    spanProcessors,
  });
  const remoteParent = trace.setSpanContext(context.active(), {
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    traceFlags: TraceFlags.SAMPLED,
    isRemote: true,
    traceState: new TraceState('vendor=abc,other=1'),
  });
  const server = checkout.getTracer('http', '0.1.0').startSpan(
    'GET /orders/:id',
    {
      kind: SpanKind.SERVER,
      attributes: {
        'http.request.method': 'GET',
        'http.response.status_code': 200,
        ratio: 0.25,
        cached: false,
        tags: ['a', 'b'],
        codes: [1, 2, 3],
        huge,
        missing: undefined,
      },
    },
    remoteParent,
  );
  const child = checkout.getTracer('pg').startSpan(
    'SELECT orders',
    {
      kind: SpanKind.CLIENT,
      links: [
        {
          context: {
            traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
            spanId: '00f067aa0ba902b7',
            traceFlags: TraceFlags.NONE,
          },
          attributes: { reason: 'batch' },
        },
      ],
    },
    trace.setSpan(context.active(), server),
  );
  child.addEvent('retry', { attempt: 2 });
  child.recordException(new Error('connection reset'));
  child.setStatus({ code: SpanStatusCode.ERROR, message: 'connection reset' });
  child.end();
  server.setStatus({ code: SpanStatusCode.OK });
  server.end();
  const job = billing.getTracer('jobs').startSpan('charge', { kind: SpanKind.CONSUMER });
  job.end();
  return exporter.getFinishedSpans();
}

const convert = (spans: ReadableSpan[]) => spansToRequest(spans, new Grouper());

describe('spansToRequest', () => {
  const spans = sdkSpans(2 ** 60);

  it('encodes to the same protobuf request as the official serializer', () => {
    const ours = decodeTraceRequest(encodeTraceRequest(convert(spans)));
    const official = decodeTraceRequest(ProtobufTraceSerializer.serializeRequest(spans)!);
    expect(ours).toEqual(official);
  });

  it('encodes to the same JSON request as the official serializer, with exact 64-bit integers', () => {
    // The official JSON serializer writes integers as JSON numbers, which loses digits past 2^53.
    const exact = sdkSpans(undefined);
    const ours = decodeTraceRequestJson(encodeTraceRequestJson(convert(exact)));
    const official = decodeTraceRequestJson(
      new TextDecoder().decode(JsonTraceSerializer.serializeRequest(exact)),
    );
    expect(ours).toEqual(official);
    expect(encodeTraceRequestJson(convert(spans))).toContain(
      '"key":"huge","value":{"intValue":"1152921504606846976"}',
    );
  });

  it('groups by resource and scope, and marks remote parents in the span flags', () => {
    const request = convert(spans);
    expect(request.resourceSpans).toHaveLength(2);
    const [checkout] = request.resourceSpans;
    expect(checkout!.scopeSpans.map((s) => s.scope?.name)).toEqual(['pg', 'http']);
    const server = checkout!.scopeSpans[1]!.spans[0]!;
    expect(server.flags).toBe(0x301);
    expect(server.traceState).toBe('vendor=abc,other=1');
    expect(Buffer.from(server.parentSpanId).toString('hex')).toBe('b7ad6b7169203331');
    const child = checkout!.scopeSpans[0]!.spans[0]!;
    expect(child.flags).toBe(0x101);
    expect(child.links[0]!.flags).toBe(0x100);
  });

  it('converts a resource once and reuses it for later batches', () => {
    const grouper = new Grouper();
    const first = spansToRequest(spans, grouper).resourceSpans[0]!.resource;
    expect(spansToRequest(spans, grouper).resourceSpans[0]!.resource).toBe(first);
  });
});
