// Decode limits end to end, against the built CLI: over a limit a request gets 413 (request-wide
// limits) or 400 (per-record limits) over HTTP, INVALID_ARGUMENT over gRPC, counted by limit,
// and nothing of it reaches the destination; at the limit it is accepted.
import { status } from '@grpc/grpc-js';
import type { KeyValue, Span } from '@org/otlp';
import { encodeTraceRequest, encodeTraceRequestJson, spanOf } from '@org/otlp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptySpansJson, gzip, unknownFieldFlood } from '../../test-support/amplification.ts';
import type { GatewayProcess } from '../../test-support/gateway-process.ts';
import { startGateway } from '../../test-support/gateway-process.ts';
import { grpcCall } from '../../test-support/grpc-call.ts';
import type { Sink } from '../../test-support/otlp-sink.ts';
import { startSink } from '../../test-support/otlp-sink.ts';
import { sampleValue, scrapeMetrics } from '../../test-support/prometheus.ts';
import { until } from '../../test-support/wait.ts';
import { EXPORT_METHODS } from '../grpc/methods.ts';

interface Shape {
  spans?: number;
  attributes?: number;
  events?: number;
  links?: number;
  nested?: number;
}

let spanCounter = 0;

/** A trace request of `spans` spans, each with the given numbers of attributes, events, links. */
function request(shape: Shape) {
  const attrs = (n: number): KeyValue[] =>
    Array.from({ length: n }, (_, i) => ({ key: `k${i}`, value: { intValue: BigInt(i) } }));
  const spans: Span[] = Array.from({ length: shape.spans ?? 1 }, () =>
    spanOf({
      traceId: Uint8Array.from({ length: 16 }, (_, i) => i + 1),
      spanId: Uint8Array.from({ length: 8 }, (_, i) => ((++spanCounter + i) % 250) + 1),
      name: `limits-${spanCounter}`,
      kind: 1,
      startTimeUnixNano: 1n,
      endTimeUnixNano: 2n,
      attributes: [
        ...attrs(shape.attributes ?? 0),
        ...(shape.nested
          ? [
              {
                key: 'list',
                value: { arrayValue: { values: attrs(shape.nested).map((a) => a.value!) } },
              },
            ]
          : []),
      ],
      events: Array.from({ length: shape.events ?? 0 }, () => ({
        timeUnixNano: 1n,
        name: 'e',
        attributes: [],
        droppedAttributesCount: 0,
      })),
      links: Array.from({ length: shape.links ?? 0 }, () => ({
        traceId: Uint8Array.from({ length: 16 }, () => 7),
        spanId: Uint8Array.from({ length: 8 }, () => 8),
        traceState: '',
        attributes: [],
        droppedAttributesCount: 0,
        flags: 0,
      })),
    }),
  );
  return {
    resourceSpans: [
      {
        resource: { attributes: [], droppedAttributesCount: 0, entityRefs: [] },
        scopeSpans: [{ scope: undefined, spans, schemaUrl: '' }],
        schemaUrl: '',
      },
    ],
  };
}

const LIMITS = {
  max_items: 20,
  max_attributes_per_record: 8,
  max_events_per_span: 4,
  max_links_per_span: 3,
  max_values: 60,
  max_nodes: 400,
};

interface Case {
  name: string;
  /** A request at (or under) the limit, and one over it in each encoding. */
  at: Shape;
  over: { proto: Uint8Array; json: Uint8Array | string };
  limit: string;
  http: number;
}

const overBy = (shape: Shape) => ({
  proto: encodeTraceRequest(request(shape)),
  json: encodeTraceRequestJson(request(shape)),
});

const cases: Case[] = [
  {
    name: 'spans per request',
    at: { spans: 20 },
    over: overBy({ spans: 21 }),
    limit: 'items',
    http: 413,
  },
  {
    name: 'attributes per span',
    at: { attributes: 8 },
    over: overBy({ attributes: 9 }),
    limit: 'attributes',
    http: 400,
  },
  {
    name: 'events per span',
    at: { events: 4 },
    over: overBy({ events: 5 }),
    limit: 'events',
    http: 400,
  },
  {
    name: 'links per span',
    at: { links: 3 },
    over: overBy({ links: 4 }),
    limit: 'links',
    http: 400,
  },
  {
    name: 'values per request',
    at: { spans: 10, attributes: 6 },
    over: overBy({ spans: 10, attributes: 6, nested: 1 }),
    limit: 'values',
    http: 413,
  },
  {
    // Unknown fields and JSON objects cost memory without being items or values.
    name: 'decoded objects per request',
    at: { spans: 20, events: 4, links: 3 },
    over: { proto: unknownFieldFlood(500), json: emptySpansJson(500) },
    limit: 'nodes',
    http: 413,
  },
];

describe('decode limits through the receivers', () => {
  let sink: Sink;
  let gateway: GatewayProcess;
  const receiver = (id: string) => ({ receiver: id, signal: 'traces' });

  beforeAll(async () => {
    sink = await startSink();
    const limits = JSON.stringify(LIMITS).replace(/"/g, '').replace(/:/g, ': ');
    gateway = await startGateway(`
receivers:
  otlp_http: { endpoint: 127.0.0.1:0, limits: ${limits} }
  otlp_grpc: { endpoint: 127.0.0.1:0, limits: ${limits}, max_recv_msg_size_mib: 1 }
exporters:
  otlp_http: { endpoint: ${sink.url}, batch: { enabled: false } }
service:
  admin: { endpoint: 127.0.0.1:0 }
  pipelines:
    traces: { receivers: [otlp_http, otlp_grpc], exporters: [otlp_http] }
`);
  });
  afterAll(async () => {
    expect(await gateway.stop()).toBe(0);
    await sink.close();
  });

  const post = (body: Uint8Array | string, type: string, encoding?: string) =>
    fetch(`${gateway.otlpUrl}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': type, ...(encoding ? { 'content-encoding': encoding } : {}) },
      body,
    });

  it.each(cases)(
    '$name: over the limit refused with nothing accepted, at the limit accepted',
    async (c) => {
      const before = await scrapeMetrics(gateway.adminUrl);
      const accepted =
        sampleValue(before, 'otelgw_receiver_accepted_items_total', receiver('otlp_http')) ?? 0;
      const refused = (id: string, text: string) =>
        sampleValue(text, 'otelgw_receiver_refused_requests_total', {
          ...receiver(id),
          reason: `limit_${c.limit}`,
        }) ?? 0;

      const proto = await post(c.over.proto, 'application/x-protobuf');
      expect(proto.status).toBe(c.http);
      expect(Buffer.from(await proto.arrayBuffer()).toString()).toContain('more than');
      const json = await post(c.over.json, 'application/json');
      expect(json.status).toBe(c.http);
      expect(((await json.json()) as { message: string }).message).toMatch(/more than \d+/);
      // Compressed, the same refusal: the limit holds whatever the compression ratio.
      const zipped = await post(gzip(c.over.proto), 'application/x-protobuf', 'gzip');
      expect(zipped.status).toBe(c.http);
      const grpc = await grpcCall(gateway.grpcAddress!, EXPORT_METHODS.traces, c.over.proto);
      expect(grpc.error?.code).toBe(status.INVALID_ARGUMENT);
      expect(grpc.error?.details).toMatch(/more than \d+/);

      const after = await scrapeMetrics(gateway.adminUrl);
      expect(refused('otlp_http', after) - refused('otlp_http', before)).toBe(3);
      expect(refused('otlp_grpc', after) - refused('otlp_grpc', before)).toBe(1);
      expect(
        sampleValue(after, 'otelgw_receiver_accepted_items_total', receiver('otlp_http')) ?? 0,
      ).toBe(accepted);

      const at = request(c.at);
      const ok = await post(encodeTraceRequest(at), 'application/x-protobuf');
      expect(ok.status).toBe(200);
      const names = at.resourceSpans[0]!.scopeSpans[0]!.spans.map((s) => s.name);
      await until('the request at the limit reaches the sink', () =>
        names.every((n) => sink.spans.includes(n)),
      );
    },
  );

  it('refuses a gRPC message that decompresses past max_recv_msg_size_mib', async () => {
    const big = encodeTraceRequest(request({ spans: 1, attributes: 1 }));
    const padded = new Uint8Array(2 * 1024 * 1024);
    padded.set(big);
    // Zero padding after a valid message is field 0: the point is that grpc-js stops at 1 MiB.
    const { error } = await grpcCall(gateway.grpcAddress!, EXPORT_METHODS.traces, padded, {
      gzip: true,
    });
    expect(error?.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(error?.details).toMatch(/larger than/);
  });
});
