import type { Attributes } from '@opentelemetry/api';
import type { InstrumentationScope as SdkScope } from '@opentelemetry/core';
import type { Resource as SdkResource } from '@opentelemetry/resources';
import type { AnyValue, InstrumentationScope, KeyValue, Resource } from '@org/otlp';

/** OTLP span/log flags: bit 8 says whether bit 9 (the parent is remote) is known. */
export const HAS_IS_REMOTE = 0x100;
export const IS_REMOTE = 0x200;
const INT64_LIMIT = 2 ** 63;

/** An SDK item: what the grouping needs of a span or a log record. */
interface Item {
  readonly resource: SdkResource;
  readonly instrumentationScope: SdkScope;
}

/** One resource's items of one scope, converted. */
export interface Group<T> {
  scope: InstrumentationScope;
  scopeSchemaUrl: string;
  items: T[];
}

/** One resource with its scopes' items, converted. */
export interface ResourceGroup<T> {
  resource: Resource;
  schemaUrl: string;
  scopes: Group<T>[];
}

/**
 * Groups SDK items by resource, then by instrumentation scope (object identity: the SDK shares
 * one scope object per tracer or logger), converting each item with `convert`. Resources and
 * scopes are converted once per exporter and reused for later batches.
 */
export class Grouper {
  private readonly resources = new WeakMap<SdkResource, Resource>();
  private readonly scopes = new WeakMap<SdkScope, InstrumentationScope>();

  group<I extends Item, T>(items: readonly I[], convert: (item: I) => T): ResourceGroup<T>[] {
    const byResource = new Map<SdkResource, Map<SdkScope, Group<T>>>();
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      let byScope = byResource.get(item.resource);
      if (byScope === undefined) {
        byScope = new Map();
        byResource.set(item.resource, byScope);
      }
      let group = byScope.get(item.instrumentationScope);
      if (group === undefined) {
        group = {
          scope: this.scope(item.instrumentationScope),
          scopeSchemaUrl: item.instrumentationScope.schemaUrl ?? '',
          items: [],
        };
        byScope.set(item.instrumentationScope, group);
      }
      group.items.push(convert(item));
    }
    const out: ResourceGroup<T>[] = [];
    for (const [resource, byScope] of byResource) {
      out.push({
        resource: this.resource(resource),
        schemaUrl: resource.schemaUrl ?? '',
        scopes: [...byScope.values()],
      });
    }
    return out;
  }

  private resource(resource: SdkResource): Resource {
    let converted = this.resources.get(resource);
    if (converted === undefined) {
      converted = {
        attributes: toKeyValues(resource.attributes),
        droppedAttributesCount: 0,
        entityRefs: [],
      };
      // A resource with attributes still being detected is converted again next time.
      if (!resource.asyncAttributesPending) this.resources.set(resource, converted);
    }
    return converted;
  }

  private scope(scope: SdkScope & { attributes?: Attributes }): InstrumentationScope {
    let converted = this.scopes.get(scope);
    if (converted === undefined) {
      converted = {
        name: scope.name,
        version: scope.version ?? '',
        attributes: scope.attributes ? toKeyValues(scope.attributes) : [],
        droppedAttributesCount: 0,
      };
      this.scopes.set(scope, converted);
    }
    return converted;
  }
}

/**
 * Nanoseconds since the epoch of an SDK `[seconds, nanoseconds]` time. An app may hand the API
 * a time with fractions: that one is rounded to the nanosecond rather than failing its batch.
 */
export function nanos(time: readonly [number, number]): bigint {
  const [seconds, nanos] = time;
  if (Number.isInteger(seconds) && Number.isInteger(nanos))
    return BigInt(seconds) * 1_000_000_000n + BigInt(nanos);
  const whole = Math.trunc(seconds);
  return BigInt(whole) * 1_000_000_000n + BigInt(Math.round((seconds - whole) * 1e9 + nanos));
}

/** 16 or 8 bytes from a hex trace or span id. */
export const idBytes = (hex: string): Uint8Array => Buffer.from(hex, 'hex');

/** SDK attributes as OTLP key-values; undefined values are skipped, as the API allows them. */
export function toKeyValues(attributes: Attributes | Record<string, unknown>): KeyValue[] {
  const out: KeyValue[] = [];
  for (const key in attributes) {
    const value = attributes[key];
    if (value !== undefined) out.push({ key, value: toAnyValue(value) });
  }
  return out;
}

/**
 * An attribute value or log body as an OTLP AnyValue: integers that fit int64 as `intValue`
 * (exact), other numbers as `doubleValue`, arrays element-wise, byte arrays as `bytesValue`,
 * plain objects (log bodies) as key-value lists; null becomes the empty value.
 */
export function toAnyValue(value: unknown): AnyValue {
  switch (typeof value) {
    case 'string':
      return { stringValue: value };
    case 'number':
      return Number.isInteger(value) && Math.abs(value) < INT64_LIMIT
        ? { intValue: BigInt(value) }
        : { doubleValue: value };
    case 'boolean':
      return { boolValue: value };
    case 'bigint':
      return { intValue: value };
    case 'object':
      if (value === null) return {};
      if (Array.isArray(value)) return { arrayValue: { values: value.map(toAnyValue) } };
      if (value instanceof Uint8Array) return { bytesValue: value };
      return { kvlistValue: { values: toKeyValues(value as Record<string, unknown>) } };
    default:
      return {};
  }
}
