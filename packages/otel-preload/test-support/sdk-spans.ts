import { SpanKind, SpanStatusCode, TraceFlags, context, trace } from '@opentelemetry/api';
import { TraceState } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';

/** Finished spans from the real SDK, covering every field the converter maps. */
export function sdkSpans(huge: number | undefined): ReadableSpan[] {
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
