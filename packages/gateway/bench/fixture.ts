// The realistic request of the processors benchmark: 200 server spans of a checkout service,
// about 20 attributes each, as an instrumented HTTP + SQL service sends them. Some carry PII or
// secrets (emails, card numbers, bearer tokens, query tokens), half carry SQL with literals,
// 5 % are health checks and 4 % errors; the rest is what a redactor must leave alone (order ids,
// UUIDs, user agents, routes).
import type { AnyValue, KeyValue, Span } from '@org/otlp';
import { encodeTraceRequest, spanOf } from '@org/otlp';

export const SPANS_PER_REQUEST = 200;
const isHealth = (i: number) => i % 20 === 0;
const isError = (i: number) => i % 25 === 3;

const value = (v: string | number): AnyValue =>
  typeof v === 'number' ? { intValue: BigInt(v) } : { stringValue: v };
const attributes = (entries: Record<string, string | number>): KeyValue[] =>
  Object.entries(entries).map(([key, v]) => ({ key, value: value(v) }));

function spanAttributes(i: number, n: number): Record<string, string | number> {
  const path = isHealth(i) ? '/healthz' : `/api/orders/${1000 + n}`;
  const query = i % 10 === 1 ? '?page=2&token=tok_9f8e7d6c5b4a39281706' : '?page=2';
  return {
    'http.request.method': i % 3 === 0 ? 'POST' : 'GET',
    'url.full': `https://shop.example.com${path}${query}`,
    'url.path': path,
    'http.route': isHealth(i) ? '/healthz' : '/api/orders/:id',
    'http.response.status_code': isError(i) ? 500 : 200,
    'server.address': 'shop.example.com',
    'server.port': 443,
    'client.address': `10.${n % 250}.${i % 250}.${(n * 7) % 250}`,
    'user_agent.original':
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36',
    'network.protocol.version': '1.1',
    'db.system.name': 'postgresql',
    ...(i % 2 === 0
      ? {
          'db.query.text': `SELECT id, total, currency FROM orders WHERE customer_id = ${5000 + n} AND status = 'paid' AND region IN ('eu', 'us') LIMIT 20`,
        }
      : { 'db.operation.name': 'SELECT' }),
    'enduser.id': `user-${40_000 + n}`,
    'order.id': `ORD-2026-${100_000 + n}`,
    'request.id': `3f2b8c1e-${String(n).padStart(6, '0')}-4a7d-9e21-5c8f0b6d2a91`,
    'app.cart.items': i % 7,
    ...(i % 10 === 5 ? { 'app.payment.card': '4111 1111 1111 1111' } : {}),
    ...(i % 5 === 2 ? { 'user.email': `jane.doe${n}@example.com` } : {}),
    ...(i % 20 === 7
      ? { 'http.request.header.authorization': 'Bearer sk_9f8e7d6c5b4a3928170605' }
      : {}),
    'app.feature_flags': 'new-checkout,fast-pay',
    'code.function.name': 'OrderController.show',
  };
}

/**
 * Request `variant` of the fixture, and how many of its spans each system must deliver after
 * enrich + redact + route. Variants differ in every per-request value (ids, URLs, SQL numbers,
 * emails, addresses), as a service's requests do, so nothing can be remembered from one to the
 * next; where health checks, errors and PII sit, and so the routed count, is the same in all.
 */
export function realisticRequest(variant = 0): { body: Uint8Array; routed: number } {
  const spans: Span[] = [];
  let routed = 0;
  for (let i = 0; i < SPANS_PER_REQUEST; i++) {
    const n = variant * SPANS_PER_REQUEST + i;
    if (!isHealth(i)) routed += isError(i) ? 2 : 1; // errors are also copied to a second route
    spans.push(
      spanOf({
        traceId: Uint8Array.from({ length: 16 }, (_, j) => (j * 31 + n) % 255 || 1),
        spanId: Uint8Array.from({ length: 8 }, (_, j) => (j * 17 + i) % 255 || 1),
        flags: 0x101,
        name: isHealth(i) ? 'GET /healthz' : 'GET /api/orders/:id',
        kind: 2,
        startTimeUnixNano: 1_795_000_000_000_000_000n + BigInt(i) * 1000n,
        endTimeUnixNano: 1_795_000_000_012_000_000n + BigInt(i) * 1000n,
        attributes: attributes(spanAttributes(i, n)),
        status: isError(i) ? { code: 2, message: 'payment declined' } : undefined,
      }),
    );
  }
  const resource = {
    attributes: attributes({
      'service.name': 'checkout',
      'service.version': '1.4.2',
      'service.instance.id': '5d1c7a3e-checkout-7d9f8',
      'host.name': 'node-12.eu-west-1',
      'k8s.pod.name': 'checkout-7d9f8c6b5-x2x9q',
      'k8s.namespace.name': 'shop',
      'telemetry.sdk.name': 'opentelemetry',
      'telemetry.sdk.language': 'nodejs',
    }),
    droppedAttributesCount: 0,
    entityRefs: [],
  };
  const scope = {
    name: '@opentelemetry/instrumentation-http',
    version: '0.57.0',
    attributes: [],
    droppedAttributesCount: 0,
  };
  const body = encodeTraceRequest({
    resourceSpans: [{ resource, schemaUrl: '', scopeSpans: [{ scope, schemaUrl: '', spans }] }],
  });
  return { body, routed };
}
