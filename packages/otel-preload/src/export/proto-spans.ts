import type { Attributes } from '@opentelemetry/api';
import type { InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import type { Batch } from './batch.ts';
import { pendingResources } from './batch.ts';
import { HAS_IS_REMOTE, IS_REMOTE } from './convert.ts';
import { varintSize } from '@org/otlp';
import type { KeyCache } from './proto-out.ts';
import { ProtoOut } from './proto-out.ts';

/**
 * Room a scope's spans start with in a batch: what that scope's spans took in the last batch
 * exported, within these bounds (a server span encodes to about 400 bytes).
 */
const MIN_GROUP_CAPACITY = 1024;
const MAX_GROUP_CAPACITY = 1024 * 1024;
/** Headroom for the short-string path, which reserves three bytes per UTF-16 unit. */
const FRAMING_SLACK = 256;

/** The spans of one resource and scope in a batch: their `ScopeSpans.spans` fields, encoded. */
interface SpanGroup {
  readonly resource: Resource;
  readonly scope: InstrumentationScope;
  readonly out: ProtoOut;
}

/**
 * Encodes spans to OTLP protobuf as they end, so that a batch waiting for its export holds
 * bytes rather than span object graphs: the spans die young, the queue's memory is its encoded
 * size, and the export only frames the bytes. Resources and scopes are encoded once and framed
 * around each batch's spans when it is exported.
 */
export class ProtobufSpans {
  /** Encoded attribute keys, shared by every batch. */
  private readonly keys = new Map<string, KeyCache>();
  private readonly resources = new WeakMap<Resource, Buffer>();
  private readonly scopes = new WeakMap<InstrumentationScope, Buffer>();
  /** Bytes each scope's spans took in the last batch exported. */
  private readonly sizes = new WeakMap<InstrumentationScope, number>();

  batch(): ProtobufSpanBatch {
    return new ProtobufSpanBatch(this);
  }

  /** A new output for one scope's spans in a batch, sharing the key cache. */
  output(scope: InstrumentationScope): ProtoOut {
    const last = this.sizes.get(scope) ?? 0;
    const capacity = Math.min(MAX_GROUP_CAPACITY, Math.max(MIN_GROUP_CAPACITY, last * 1.25));
    return new ProtoOut(Math.ceil(capacity), this.keys);
  }

  /**
   * An `ExportTraceServiceRequest` of the groups' spans, grouped by resource in first-seen order.
   * Groups left empty (their only span failed to encode) are left out.
   */
  request(groups: readonly SpanGroup[]): Buffer {
    const byResource = new Map<Resource, SpanGroup[]>();
    for (const group of groups) {
      if (group.out.pos === 0) continue;
      this.sizes.set(group.scope, group.out.pos);
      const list = byResource.get(group.resource);
      if (list) list.push(group);
      else byResource.set(group.resource, [group]);
    }
    const framed = [...byResource].map(([resource, list]) => {
      const scopes = list.map((group) => {
        const scope = this.scopeBytes(group.scope);
        const schemaUrl = group.scope.schemaUrl ?? '';
        const length =
          field(scope.length) + group.out.pos + (schemaUrl ? field(utf8(schemaUrl)) : 0);
        return { group, scope, schemaUrl, length };
      });
      const body = this.resourceBytes(resource);
      const schemaUrl = resource.schemaUrl ?? '';
      let length = field(body.length) + (schemaUrl ? field(utf8(schemaUrl)) : 0);
      for (const scope of scopes) length += field(scope.length);
      return { body, schemaUrl, scopes, length };
    });
    let total = 0;
    for (const resource of framed) total += field(resource.length);
    const out = new ProtoOut(total + FRAMING_SLACK);
    for (const resource of framed) {
      out.byte(0x0a);
      out.varint(resource.length);
      out.byte(0x0a);
      out.varint(resource.body.length);
      out.raw(resource.body);
      for (const scope of resource.scopes) {
        out.byte(0x12);
        out.varint(scope.length);
        out.byte(0x0a);
        out.varint(scope.scope.length);
        out.raw(scope.scope);
        out.raw(scope.group.out.bytes());
        out.str(0x1a, scope.schemaUrl);
      }
      out.str(0x1a, resource.schemaUrl);
    }
    return out.bytes();
  }

  /** A `Resource` message body; kept once the resource has all its attributes. */
  private resourceBytes(resource: Resource): Buffer {
    let bytes = this.resources.get(resource);
    if (bytes === undefined) {
      const out = new ProtoOut(1024, this.keys);
      out.attributes(0x0a, resource.attributes);
      bytes = Buffer.from(out.bytes());
      if (!resource.asyncAttributesPending) this.resources.set(resource, bytes);
    }
    return bytes;
  }

  /** An `InstrumentationScope` message body. */
  private scopeBytes(scope: InstrumentationScope & { attributes?: Attributes }): Buffer {
    let bytes = this.scopes.get(scope);
    if (bytes === undefined) {
      const out = new ProtoOut(256, this.keys);
      out.str(0x0a, scope.name);
      out.str(0x12, scope.version ?? '');
      if (scope.attributes) out.attributes(0x1a, scope.attributes);
      bytes = Buffer.from(out.bytes());
      this.scopes.set(scope, bytes);
    }
    return bytes;
  }
}

/** One export's spans, encoded as they were added. */
export class ProtobufSpanBatch implements Batch<ReadableSpan> {
  count = 0;
  private readonly codec: ProtobufSpans;
  private readonly groups: SpanGroup[] = [];
  /** The group of the last span: consecutive spans mostly share one. */
  private last: SpanGroup | undefined;
  /** Set while a span is written: code it runs (a getter) must not end another span into it. */
  private writing = false;

  constructor(codec: ProtobufSpans) {
    this.codec = codec;
  }

  /** Encodes the span; on failure nothing of it stays in the batch, and the error is thrown. */
  add(span: ReadableSpan): void {
    if (this.writing) throw new Error('a span ended while another was being encoded');
    let group = this.last;
    if (
      group === undefined ||
      group.resource !== span.resource ||
      group.scope !== span.instrumentationScope
    ) {
      group = this.groupOf(span);
      this.last = group;
    }
    const { out } = group;
    const mark = out.pos;
    this.writing = true;
    try {
      writeSpan(out, span);
    } catch (error) {
      out.pos = mark;
      throw error;
    } finally {
      this.writing = false;
    }
    this.count++;
  }

  ready(): Promise<unknown> | undefined {
    return pendingResources(this.groups);
  }

  encode(): Uint8Array {
    return this.codec.request(this.groups);
  }

  private groupOf(span: ReadableSpan): SpanGroup {
    for (const group of this.groups) {
      if (group.resource === span.resource && group.scope === span.instrumentationScope)
        return group;
    }
    const group = {
      resource: span.resource,
      scope: span.instrumentationScope,
      out: this.codec.output(span.instrumentationScope),
    };
    this.groups.push(group);
    return group;
  }
}

/** A span as a `ScopeSpans.spans` field (tag 2), as @org/otlp encodes the converted span. */
export function writeSpan(out: ProtoOut, span: ReadableSpan): void {
  const context = span.spanContext();
  const parent = span.parentSpanContext;
  // Most spans take 128 to 16383 bytes: two length bytes.
  const start = out.open(0x12, 2);
  out.id(0x0a, context.traceId);
  out.id(0x12, context.spanId);
  if (context.traceState) out.str(0x1a, context.traceState.serialize());
  if (parent) out.id(0x22, parent.spanId);
  out.str(0x2a, span.name);
  // The API numbers kinds from INTERNAL = 0; OTLP reserves 0 for "unspecified".
  out.uint(0x30, span.kind + 1);
  out.time(0x39, span.startTime);
  out.time(0x41, span.endTime);
  out.attributes(0x4a, span.attributes);
  out.uint(0x50, span.droppedAttributesCount);
  const { events, links } = span;
  for (let i = 0; i < events.length; i++) {
    const event = events[i]!;
    const at = out.open(0x5a);
    out.time(0x09, event.time);
    out.str(0x12, event.name);
    if (event.attributes) out.attributes(0x1a, event.attributes);
    out.uint(0x20, event.droppedAttributesCount ?? 0);
    out.close(at);
  }
  out.uint(0x60, span.droppedEventsCount);
  for (let i = 0; i < links.length; i++) {
    const link = links[i]!;
    const linked = link.context;
    const at = out.open(0x6a);
    out.id(0x0a, linked.traceId);
    out.id(0x12, linked.spanId);
    if (linked.traceState) out.str(0x1a, linked.traceState.serialize());
    if (link.attributes) out.attributes(0x22, link.attributes);
    out.uint(0x28, link.droppedAttributesCount ?? 0);
    out.byte(0x35);
    out.fixed32((linked.traceFlags & 0xff) | HAS_IS_REMOTE | (linked.isRemote ? IS_REMOTE : 0));
    out.close(at);
  }
  out.uint(0x70, span.droppedLinksCount);
  const status = out.open(0x7a);
  out.str(0x12, span.status.message ?? '');
  out.uint(0x18, span.status.code);
  out.close(status);
  out.byte(0x85);
  out.byte(0x01);
  out.fixed32((context.traceFlags & 0xff) | HAS_IS_REMOTE | (parent?.isRemote ? IS_REMOTE : 0));
  out.close(start, 2);
}

/** Encoded size of a length-delimited field with a one-byte tag and a body of `length` bytes. */
const field = (length: number): number => 1 + varintSize(length) + length;

const utf8 = (value: string): number => Buffer.byteLength(value, 'utf8');
