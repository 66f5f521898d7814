import type { HrTime, Link, SpanContext } from '@opentelemetry/api';
import { SpanKind, SpanStatusCode, TraceFlags } from '@opentelemetry/api';
import type { InstrumentationScope } from '@opentelemetry/core';
import { TraceState } from '@opentelemetry/core';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace';
import { decodeTraceRequest, encodeTraceRequest } from '@org/otlp';
import { describe, expect, it } from 'vitest';
import { sdkSpans } from '../../test-support/sdk-spans.ts';
import { Grouper } from './convert.ts';
import { ProtobufSpans } from './proto-spans.ts';
import { spansToRequest } from './spans.ts';

/** What the converting path makes of the spans: the reference the eager encoder must equal. */
const converted = (spans: readonly ReadableSpan[]) =>
  Buffer.from(encodeTraceRequest(spansToRequest(spans, new Grouper())));

const eager = (spans: readonly ReadableSpan[], codec = new ProtobufSpans()) => {
  const batch = codec.batch();
  for (const span of spans) batch.add(span);
  expect(batch.count).toBe(spans.length);
  return Buffer.from(batch.encode());
};

const resource = (attributes: Record<string, unknown>, schemaUrl?: string): Resource =>
  ({ attributes, schemaUrl, asyncAttributesPending: false }) as unknown as Resource;

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const shop = resource(
  { 'service.name': 'shop', 'host.cpus': 2 },
  'https://opentelemetry.io/schemas/1.26.0',
);
const scope = { name: 'edge', version: '1.0.0', schemaUrl: 'https://example.com/scope' };

/** A span built by hand, to reach values and shapes the SDK's own spans do not produce. */
function span(over: Partial<ReadableSpan> & { id?: string } = {}): ReadableSpan {
  const context: SpanContext = {
    traceId: TRACE,
    spanId: over.id ?? 'b7ad6b7169203331',
    traceFlags: TraceFlags.SAMPLED,
  };
  const base: ReadableSpan = {
    name: 'GET /',
    kind: SpanKind.SERVER,
    spanContext: () => context,
    startTime: [1_700_000_000, 123_456_789] as HrTime,
    endTime: [1_700_000_001, 999_999_999] as HrTime,
    status: { code: SpanStatusCode.UNSET },
    attributes: {},
    links: [],
    events: [],
    duration: [1, 876_543_210] as HrTime,
    ended: true,
    resource: shop,
    instrumentationScope: scope,
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  };
  return { ...base, ...over };
}

/** Values that reach every branch of the attribute encoding, and every length-prefix size. */
const ODD_VALUES: Record<string, unknown> = {
  short: 'ok',
  ascii127: 'a'.repeat(127),
  ascii128: 'a'.repeat(128),
  euro42: '€'.repeat(42), // 126 bytes: the one-byte-length path with non-ASCII text
  euro43: '€'.repeat(43), // 129 bytes: the measured path
  mixed: 'naïve – 東京 🚀',
  lone: '\ud800x', // a lone surrogate becomes U+FFFD, as Buffer writes it
  huge: 'x'.repeat(20_000), // a three-byte length, pushing the span past 16383 bytes
  zero: 0,
  negativeZero: -0,
  negative: -42,
  minSafe: Number.MIN_SAFE_INTEGER,
  beyondSafe: 2 ** 53 + 2,
  nearLimit: 2 ** 62,
  atLimit: 2 ** 63, // a double: int64 cannot hold it
  belowLimit: -(2 ** 63),
  fraction: 0.25,
  nan: NaN,
  infinite: -Infinity,
  yes: true,
  no: false,
  bigint: -1n,
  bytes: new Uint8Array([0, 1, 255]),
  empty: [],
  list: ['a', 'b', null, undefined, 3],
  nested: { inner: { deep: 1 }, list: [true] },
  nothing: null,
  skipped: undefined,
  '': 'empty key',
  ключ: 'non-ASCII key',
};

describe('ProtobufSpans', () => {
  it('encodes the SDK spans byte for byte as the converting path, which matches the official serializer', () => {
    const spans = sdkSpans(2 ** 60);
    expect(eager(spans).equals(converted(spans))).toBe(true);
    expect(decodeTraceRequest(eager(spans))).toEqual(
      decodeTraceRequest(ProtobufTraceSerializer.serializeRequest(spans)!),
    );
  });

  it('encodes every kind of value, event, link and length byte for byte as the converting path', () => {
    const linkTo = (traceId: string, spanId: string, extra: Partial<Link> = {}): Link => ({
      context: { traceId, spanId, traceFlags: TraceFlags.SAMPLED, isRemote: true },
      ...extra,
    });
    const events: TimedEvent[] = [
      { name: 'plain', time: [1_700_000_000, 5] },
      {
        name: 'with attributes',
        time: [1_700_000_000, 999_999_999],
        attributes: { attempt: 2, reason: 'é'.repeat(100) },
        droppedAttributesCount: 3,
      },
      { name: '', time: [0, 0] },
    ];
    const links: Link[] = [
      linkTo(TRACE, '00f067aa0ba902b7', {
        attributes: { reason: 'batch' },
        droppedAttributesCount: 1,
      }),
      linkTo('4BF92F3577B34DA6A3CE929D0E0E4736', '00F067AA0BA902B7'),
      linkTo('not hex at all', 'abz1'),
      linkTo('abc', '0'),
      linkTo('ab'.repeat(200), '0123456789abcdef'), // 200 bytes: a two-byte length
      {
        context: {
          traceId: TRACE,
          spanId: '1111111111111111',
          traceFlags: TraceFlags.NONE,
          traceState: new TraceState('a=1,b=2'),
        },
      },
    ];
    const remote: SpanContext = {
      traceId: TRACE,
      spanId: '2222222222222222',
      traceFlags: TraceFlags.SAMPLED,
      isRemote: true,
    };
    const spans = [
      span({ attributes: ODD_VALUES, events, links }),
      span({
        id: '3333333333333333',
        name: '',
        kind: SpanKind.INTERNAL,
        parentSpanContext: remote,
      }),
      span({
        id: '4444444444444444',
        status: { code: SpanStatusCode.ERROR, message: 'boom' },
        droppedAttributesCount: 1,
        droppedEventsCount: 200,
        droppedLinksCount: 3,
        startTime: [0, 0],
        endTime: [4_102_444_800, 1],
      }),
      span({ id: '5555555555555555', status: { code: SpanStatusCode.OK }, resource: resource({}) }),
      span({ id: '6666666666666666', instrumentationScope: { name: '' } }),
      // Out-of-range enums, as an app can pass them: sign-extended varints.
      span({
        id: '9999999999999999',
        kind: -2 as SpanKind,
        status: { code: -1 as SpanStatusCode },
      }),
    ];
    expect(eager(spans).equals(converted(spans))).toBe(true);
  });

  it('writes times as the converting path does: carries, before 1970, fractions, far future', () => {
    // Seconds whose low 23 bits of seconds × 1953125, × 512, plus 999999999 nanoseconds,
    // carry into the high word, and seconds that do not.
    const carries = (s: number) => ((s * 1953125) % 2 ** 23) * 512 + 999_999_999 >= 2 ** 32;
    let carrying = 1_700_000_000;
    while (!carries(carrying)) carrying++;
    let plain = 1_700_000_000;
    while (carries(plain)) plain++;
    const times: [HrTime, HrTime][] = [
      [
        [carrying, 999_999_999],
        [carrying + 1, 0],
      ],
      [
        [plain, 999_999_999],
        [plain, 999_999_999],
      ],
      [
        [-1, 500_000_000],
        [-1, -500_000_000],
      ],
      [
        [1_700_000_000.5, 0.4],
        [1_700_000_001, 0.5],
      ],
      [
        [1_700_000_000_123, 5],
        [1, -1e9],
      ],
    ];
    const spans = times.map(([startTime, endTime], i) =>
      span({ id: `${i}`.repeat(16), startTime, endTime }),
    );
    expect(eager(spans).equals(converted(spans))).toBe(true);
    const written = decodeTraceRequest(eager(spans)).resourceSpans[0]!.scopeSpans[0]!.spans;
    expect(written[0]!.startTimeUnixNano).toBe(BigInt(carrying) * 1_000_000_000n + 999_999_999n);
    expect(written[3]!.startTimeUnixNano).toBe(1_700_000_000_500_000_000n);
    expect(written[4]!.endTimeUnixNano).toBe(0n);
  });

  it('keeps resources and scopes apart when spans of several interleave, across many spans', () => {
    const other = resource({ 'service.name': 'other' });
    const jobs = { name: 'jobs' };
    const places: [Resource, InstrumentationScope][] = [
      [shop, scope],
      [other, jobs],
      [shop, jobs],
      [shop, scope],
      [other, scope],
    ];
    // 600 spans: each group's output grows several times over its first capacity.
    const spans = Array.from({ length: 600 }, (_, i) => {
      const [spanResource, spanScope] = places[i % places.length]!;
      return span({
        id: i.toString(16).padStart(16, '0'),
        resource: spanResource,
        instrumentationScope: spanScope,
        attributes: { 'url.path': `/orders/${i}`, 'http.response.status_code': 200 },
      });
    });
    const codec = new ProtobufSpans();
    expect(eager(spans, codec).equals(converted(spans))).toBe(true);
    // The next batch starts from the sizes of this one: the same bytes.
    expect(eager(spans, codec).equals(converted(spans))).toBe(true);
  });

  it('reuses a KeyValue only for the same value under the same field, across batches', () => {
    // A key's last KeyValue is copied when the value repeats: it must not be copied for a value
    // that merely compares equal in another type or field, nor outlive a change of value.
    const values: unknown[] = [
      'GET',
      'GET',
      'POST',
      'GET',
      200,
      200,
      '200',
      200,
      0,
      -0,
      0,
      1.5,
      1.5,
      NaN,
      NaN,
      true,
      true,
      false,
      1,
      'x'.repeat(300),
      'x'.repeat(300),
      '€',
      '€',
      ['GET'],
      'GET',
    ];
    // A key whose value changes on every span stops being re-remembered after a few misses.
    for (let i = 0; i < 150; i++) values.push(`/orders/${i}`, `/orders/${i % 3}`);
    const plain = values.map((value, i) =>
      span({ id: (i + 1).toString(16).padStart(16, '0'), attributes: { k: value } }),
    );
    // The same key and value also as an event attribute and inside a kvlist: other fields.
    const mixed = values.map((value, i) =>
      span({
        id: (i + 1).toString(16).padStart(16, '0'),
        attributes: i % 5 === 0 ? { k: value, m: { k: value } } : { k: value },
        events: i % 4 === 0 ? [{ name: 'e', time: [1, 0], attributes: { k: value } }] : [],
      }),
    );
    for (const spans of [plain, mixed]) {
      const codec = new ProtobufSpans();
      for (const from of [0, 7, 40]) {
        const part = spans.slice(from, from + 160);
        expect(eager(part, codec).equals(converted(part))).toBe(true);
      }
    }
  });

  it('encodes keys past the cache bound as it does the cached ones', () => {
    // 1100 keys fill the 1024-entry cache; the rest are encoded afresh on every span.
    const attributes = Object.fromEntries(
      Array.from({ length: 1100 }, (_, i) => [`key.${i}`, i % 2 ? 'same' : i]),
    );
    const spans = [1, 2, 3].map((n) => span({ id: `${n}`.padStart(16, '0'), attributes }));
    expect(eager(spans).equals(converted(spans))).toBe(true);
  });

  it('leaves out a scope whose only span failed to encode', () => {
    const batch = new ProtobufSpans().batch();
    const good = span();
    batch.add(good);
    const unreadable = span({
      id: '7777777777777777',
      instrumentationScope: { name: 'only-failing' },
      links: [{ context: {} as SpanContext }],
    });
    expect(() => batch.add(unreadable)).toThrow();
    expect(Buffer.from(batch.encode()).equals(converted([good]))).toBe(true);
  });

  it('refuses a span ended while another is being encoded, and keeps the first intact', () => {
    const batch = new ProtobufSpans().batch();
    const inner = span({ id: '1212121212121212' });
    let refused: unknown;
    const outer = span({
      attributes: {
        get reentrant(): string {
          try {
            batch.add(inner);
          } catch (error) {
            refused = error;
          }
          return 'value';
        },
      },
    });
    batch.add(outer);
    expect(String(refused)).toContain('while another was being encoded');
    expect(batch.count).toBe(1);
    expect(Buffer.from(batch.encode()).equals(converted([outer]))).toBe(true);
  });

  it('leaves nothing of a span that fails to encode, and goes on with the next', () => {
    const batch = new ProtobufSpans().batch();
    const good = span();
    batch.add(good);
    const failing = span({
      id: '7777777777777777',
      attributes: {
        first: 'written before the failure',
        get second(): string {
          throw new Error('unreadable attribute');
        },
      },
    });
    expect(() => batch.add(failing)).toThrow('unreadable attribute');
    const next = span({ id: '8888888888888888' });
    batch.add(next);
    expect(batch.count).toBe(2);
    expect(Buffer.from(batch.encode()).equals(converted([good, next]))).toBe(true);
  });

  it('encodes a resource again while its detectors are still running, then keeps it', () => {
    const attributes: Record<string, unknown> = { 'service.name': 'shop' };
    const detecting = { attributes, asyncAttributesPending: true } as unknown as Resource;
    const codec = new ProtobufSpans();
    const before = eager([span({ resource: detecting })], codec);
    attributes['cloud.region'] = 'eu-west-1';
    (detecting as { asyncAttributesPending: boolean }).asyncAttributesPending = false;
    const after = eager([span({ resource: detecting })], codec);
    expect(decodeTraceRequest(before).resourceSpans[0]!.resource!.attributes).toHaveLength(1);
    expect(decodeTraceRequest(after).resourceSpans[0]!.resource!.attributes).toHaveLength(2);
  });

  it('waits for the resources of its spans that are still detecting', () => {
    const batch = new ProtobufSpans().batch();
    batch.add(span());
    expect(batch.ready()).toBeUndefined();
    const waiting = Promise.resolve();
    const detecting = {
      attributes: {},
      asyncAttributesPending: true,
      waitForAsyncAttributes: () => waiting,
    } as unknown as Resource;
    batch.add(span({ resource: detecting }));
    expect(batch.ready()).toBeInstanceOf(Promise);
  });
});
