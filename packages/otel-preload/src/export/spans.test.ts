import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import {
  decodeTraceRequest,
  decodeTraceRequestJson,
  encodeTraceRequest,
  encodeTraceRequestJson,
} from '@org/otlp';
import { describe, expect, it } from 'vitest';
import { sdkSpans } from '../../test-support/sdk-spans.ts';
import { Grouper } from './convert.ts';
import { spansToRequest } from './spans.ts';

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
