// @org/otlp's encodings are accepted by the real Collector: requests encoded by our codec (protobuf
// and JSON) reach Jaeger, Prometheus and Elasticsearch intact, and our decoder reads the
// Collector's responses.
import { randomBytes, randomUUID } from 'node:crypto';
import type {
  ExportLogsServiceRequest,
  ExportMetricsServiceRequest,
  ExportTraceServiceRequest,
  KeyValue,
} from '@org/otlp';
import {
  decodeTraceResponse,
  encodeLogsRequestJson,
  encodeMetricsRequest,
  encodeTraceRequest,
} from '@org/otlp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StackEnv } from '../support/stack.ts';
import { ensureStack, eventually, getJson } from '../support/stack.ts';

const str = (key: string, value: string): KeyValue => ({ key, value: { stringValue: value } });

describe('@org/otlp encodings against the real Collector', () => {
  let stack: { env: StackEnv; release: () => void };
  const runId = randomUUID().slice(0, 8);
  const service = `e2e-codec-${runId}`;
  const resource = {
    attributes: [str('service.name', service)],
    droppedAttributesCount: 0,
    entityRefs: [],
  };
  const nowNs = BigInt(Date.now()) * 1_000_000n;

  beforeAll(() => {
    stack = ensureStack();
  });
  afterAll(() => stack?.release());

  const post = (path: string, body: Uint8Array | string, type: string) =>
    fetch(`${stack.env.OTELCOL_OTLP_HTTP_URL}${path}`, {
      method: 'POST',
      headers: { 'content-type': type },
      body,
    });

  it('accepts a protobuf trace request and Jaeger shows the span', async () => {
    const traceId = randomBytes(16);
    const spanId = randomBytes(8);
    const request: ExportTraceServiceRequest = {
      resourceSpans: [
        {
          resource,
          schemaUrl: '',
          scopeSpans: [
            {
              scope: {
                name: 'codec-e2e',
                version: '1.0.0',
                attributes: [],
                droppedAttributesCount: 0,
              },
              schemaUrl: '',
              spans: [
                {
                  traceId,
                  spanId,
                  traceState: '',
                  parentSpanId: new Uint8Array(0),
                  flags: 0x101,
                  name: 'GET /codec',
                  kind: 2,
                  startTimeUnixNano: nowNs - 3_000_000n,
                  endTimeUnixNano: nowNs,
                  attributes: [
                    str('http.route', '/codec'),
                    { key: 'retries', value: { intValue: 2n } },
                    { key: 'ratio', value: { doubleValue: 0.25 } },
                  ],
                  droppedAttributesCount: 0,
                  events: [],
                  droppedEventsCount: 0,
                  links: [],
                  droppedLinksCount: 0,
                  status: { message: 'upstream slow', code: 2 },
                },
              ],
            },
          ],
        },
      ],
    };
    const response = await post(
      '/v1/traces',
      encodeTraceRequest(request),
      'application/x-protobuf',
    );
    expect(response.status).toBe(200);
    expect(
      decodeTraceResponse(new Uint8Array(await response.arrayBuffer())).partialSuccess
        ?.rejectedSpans ?? 0n,
    ).toBe(0n);

    const hex = traceId.toString('hex');
    const body = await eventually('the span in Jaeger', async () => {
      const found = await getJson<{
        data: {
          spans: {
            spanID: string;
            operationName: string;
            tags: { key: string; value: unknown }[];
          }[];
        }[];
      }>(`${stack.env.JAEGER_URL}/api/traces/${hex}`).catch(() => undefined);
      return found?.data[0];
    });
    const [span] = body.spans;
    expect(span!.spanID).toBe(spanId.toString('hex'));
    expect(span!.operationName).toBe('GET /codec');
    const tags = Object.fromEntries(span!.tags.map((t) => [t.key, t.value]));
    expect(tags).toMatchObject({
      'http.route': '/codec',
      retries: 2,
      ratio: 0.25,
      error: true,
      'otel.status_description': 'upstream slow',
    });
  });

  it('accepts a protobuf metrics request and Prometheus shows the exact value', async () => {
    const request: ExportMetricsServiceRequest = {
      resourceMetrics: [
        {
          resource,
          schemaUrl: '',
          scopeMetrics: [
            {
              scope: undefined,
              schemaUrl: '',
              metrics: [
                {
                  name: 'codec_orders',
                  description: '',
                  unit: '',
                  metadata: [],
                  sum: {
                    aggregationTemporality: 2,
                    isMonotonic: true,
                    dataPoints: [
                      {
                        attributes: [str('region', 'eu')],
                        startTimeUnixNano: nowNs - 60_000_000_000n,
                        timeUnixNano: nowNs,
                        asInt: 9_007_199_254n,
                        exemplars: [],
                        flags: 0,
                      },
                    ],
                  },
                },
              ],
            },
          ],
        },
      ],
    };
    const response = await post(
      '/v1/metrics',
      encodeMetricsRequest(request),
      'application/x-protobuf',
    );
    expect(response.status).toBe(200);
    const sample = await eventually('the counter in Prometheus', async () => {
      const query = encodeURIComponent(`codec_orders_total{job="${service}"}`);
      const result = await getJson<{
        data: { result: { metric: Record<string, string>; value: [number, string] }[] };
      }>(`${stack.env.PROMETHEUS_URL}/api/v1/query?query=${query}`);
      return result.data.result[0];
    });
    expect(sample.metric.region).toBe('eu');
    expect(sample.value[1]).toBe('9007199254');
  });

  it('accepts a JSON logs request and Elasticsearch shows the record', async () => {
    const request: ExportLogsServiceRequest = {
      resourceLogs: [
        {
          resource,
          schemaUrl: '',
          scopeLogs: [
            {
              scope: undefined,
              schemaUrl: '',
              logRecords: [
                {
                  timeUnixNano: nowNs,
                  observedTimeUnixNano: nowNs,
                  severityNumber: 17,
                  severityText: 'ERROR',
                  body: { stringValue: `codec log ${runId}` },
                  attributes: [
                    str('order.id', `o-${runId}`),
                    { key: 'attempt', value: { intValue: 3n } },
                  ],
                  droppedAttributesCount: 0,
                  flags: 0,
                  traceId: new Uint8Array(0),
                  spanId: new Uint8Array(0),
                  eventName: '',
                },
              ],
            },
          ],
        },
      ],
    };
    const response = await post('/v1/logs', encodeLogsRequestJson(request), 'application/json');
    expect(response.status).toBe(200);
    const doc = await eventually('the log record in Elasticsearch', async () => {
      const result = await getJson<{ hits: { hits: { _source: Record<string, unknown> }[] } }>(
        `${stack.env.ELASTICSEARCH_URL}/otel-logs/_search`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: { term: { 'Resource.service.name.keyword': service } } }),
        },
      );
      return result.hits.hits[0]?._source;
    });
    expect(doc).toMatchObject({
      Body: `codec log ${runId}`,
      SeverityText: 'ERROR',
      'order.id': `o-${runId}`,
      attempt: 3,
    });
  });
});
