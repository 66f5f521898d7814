import type { AnyValue, InstrumentationScope, KeyValue, ResourceHolder } from '@org/otlp';
import {
  countDataPoints,
  forEachDataPoint,
  forEachLogRecord,
  forEachResource,
  forEachSpan,
} from '@org/otlp';
import { RE2JS } from 're2js';
import type { Effects, Processor, Settings } from '../../component.ts';
import { IMMEDIATE, UNCHANGED } from '../../component.ts';
import type { Batch, RequestContext } from '../../signal.ts';
import { keyedHash } from '../keyed-hash.ts';
import { ServiceCatalog } from './catalog.ts';
import { scalarValue } from '../../values.ts';
import type { EnrichAction, EnrichProcessorConfig } from './config.ts';

/** One action compiled: changes an attribute list in place and says whether it changed it. */
type Apply = (attributes: KeyValue[]) => boolean;

interface Compiled {
  on: EnrichAction['on'];
  /** Whether the action may add an attribute (a scope is created for it when there is none). */
  adds: boolean;
  apply: Apply;
}

/**
 * The text of a value, for hashing: scalars as they print (an id sent as the int 42 by one
 * service and the string "42" by another hashes the same, so they still correlate), bytes in
 * base64, arrays and maps in a stable JSON form.
 */
function textOf(value: AnyValue): string {
  if ('stringValue' in value) return value.stringValue;
  if ('intValue' in value) return value.intValue.toString();
  if ('doubleValue' in value) return String(value.doubleValue);
  if ('boolValue' in value) return String(value.boolValue);
  if ('bytesValue' in value) return Buffer.from(value.bytesValue).toString('base64');
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}

/** Whether `a` is the catalog's scalar `b`, same type and value. */
function sameScalar(a: AnyValue | undefined, b: AnyValue): boolean {
  if (a === undefined) return false;
  if ('stringValue' in b) return 'stringValue' in a && a.stringValue === b.stringValue;
  if ('intValue' in b) return 'intValue' in a && a.intValue === b.intValue;
  if ('doubleValue' in b) return 'doubleValue' in a && a.doubleValue === b.doubleValue;
  if ('boolValue' in b) return 'boolValue' in a && a.boolValue === b.boolValue;
  return false;
}

/** Where `key` is in `attributes`, or -1 (a loop: this runs on every record). */
function indexOf(attributes: KeyValue[], key: string): number {
  for (let i = 0; i < attributes.length; i++) if (attributes[i]!.key === key) return i;
  return -1;
}

/** Sets `key` to `value`: replaces the attribute when present, appends it otherwise. */
function set(attributes: KeyValue[], key: string, value: AnyValue): void {
  const at = indexOf(attributes, key);
  if (at >= 0) attributes[at] = { key, value };
  else attributes.push({ key, value });
}

function compile(
  action: EnrichAction,
  hmac: ((text: string) => string) | undefined,
  env: NodeJS.ProcessEnv,
): Apply {
  const { key } = action;
  let source: ((attributes: KeyValue[]) => AnyValue | undefined) | undefined;
  if (action.value !== undefined) {
    const value = scalarValue(action.value);
    source = () => value;
  } else if (action.from_env !== undefined) {
    const text = env[action.from_env];
    if (text === undefined)
      throw new Error(`environment variable ${action.from_env} (from_env of ${key}) is not set`);
    const value = { stringValue: text };
    source = () => value;
  } else if (action.from_attribute !== undefined) {
    const from = action.from_attribute;
    source = (attributes) => attributes[indexOf(attributes, from)]?.value;
  }
  switch (action.action) {
    case 'insert':
      return (attributes) => {
        if (indexOf(attributes, key) >= 0) return false;
        const value = source!(attributes);
        if (value === undefined) return false;
        attributes.push({ key, value });
        return true;
      };
    case 'upsert':
    case 'update':
      return (attributes) => {
        if (action.action === 'update' && indexOf(attributes, key) < 0) return false;
        const value = source!(attributes);
        if (value === undefined) return false;
        set(attributes, key, value);
        return true;
      };
    case 'delete':
      return (attributes) => {
        const at = indexOf(attributes, key);
        if (at < 0) return false;
        attributes.splice(at, 1);
        return true;
      };
    case 'rename': {
      const to = action.to!;
      return (attributes) => {
        const at = indexOf(attributes, key);
        if (at < 0) return false;
        const { value } = attributes[at]!;
        attributes.splice(at, 1);
        if (value !== undefined) set(attributes, to, value);
        return true;
      };
    }
    case 'hash':
      return (attributes) => {
        const at = indexOf(attributes, key);
        const value = attributes[at]?.value;
        if (value === undefined) return false;
        const digest = hmac!(textOf(value));
        attributes[at] = { key, value: { stringValue: digest } };
        return true;
      };
    case 'extract': {
      const pattern = RE2JS.compile(action.pattern!);
      const groups = Object.keys(pattern.namedGroups());
      return (attributes) => {
        const value = attributes[indexOf(attributes, key)]?.value;
        if (value === undefined || !('stringValue' in value)) return false;
        const match = pattern.matcher(value.stringValue);
        if (!match.find()) return false;
        let changed = false;
        for (const group of groups) {
          const text = match.group(group);
          if (text === null) continue;
          set(attributes, group, { stringValue: text });
          changed = true;
        }
        return changed;
      };
    }
  }
}

const emptyScope = (): InstrumentationScope => ({
  name: '',
  version: '',
  attributes: [],
  droppedAttributesCount: 0,
});

/**
 * The attribute lists of every scope. Where there is none and an action may add, it visits a new
 * list and creates the scope only when something was added to it.
 */
function forEachScope(
  batch: Batch,
  create: boolean,
  visit: (attributes: KeyValue[]) => void,
): void {
  const containers =
    batch.signal === 'traces'
      ? batch.request.resourceSpans.flatMap((r) => r.scopeSpans)
      : batch.signal === 'metrics'
        ? batch.request.resourceMetrics.flatMap((r) => r.scopeMetrics)
        : batch.request.resourceLogs.flatMap((r) => r.scopeLogs);
  for (const container of containers) {
    if (container.scope) visit(container.scope.attributes);
    else if (create) {
      const scope = emptyScope();
      visit(scope.attributes);
      if (scope.attributes.length > 0) container.scope = scope;
    }
  }
}

/** Every resource container with the number of items under it. */
function resourcesWithItems(batch: Batch): { holder: ResourceHolder; items: number }[] {
  switch (batch.signal) {
    case 'traces':
      return batch.request.resourceSpans.map((holder) => ({
        holder,
        items: holder.scopeSpans.reduce((n, s) => n + s.spans.length, 0),
      }));
    case 'metrics':
      return batch.request.resourceMetrics.map((holder) => ({
        holder,
        items: countDataPoints({ resourceMetrics: [holder] }),
      }));
    case 'logs':
      return batch.request.resourceLogs.map((holder) => ({
        holder,
        items: holder.scopeLogs.reduce((n, s) => n + s.logRecords.length, 0),
      }));
  }
}

function forEachRecord(batch: Batch, visit: (attributes: KeyValue[]) => void): void {
  switch (batch.signal) {
    case 'traces':
      return forEachSpan(batch.request, (span) => visit(span.attributes));
    case 'metrics':
      return forEachDataPoint(batch.request, (point) => visit(point.attributes));
    case 'logs':
      return forEachLogRecord(batch.request, (record) => visit(record.attributes));
  }
}

/**
 * The `enrich` processor: the service catalog's attributes on every resource it knows (the
 * catalog is authoritative), then its actions, compiled once (values resolved, patterns compiled
 * with RE2, which matches in linear time), applied in order. Changes batches in place; answers
 * UNCHANGED when nothing changed.
 */
export class EnrichProcessor implements Processor {
  private readonly actions: Compiled[];
  private readonly catalog: ServiceCatalog | undefined;
  private readonly settings: Settings;

  constructor(
    config: EnrichProcessorConfig,
    settings: Settings,
    env: NodeJS.ProcessEnv = process.env,
  ) {
    this.settings = settings;
    const { metrics, logger, id } = settings;
    this.catalog =
      config.catalog &&
      new ServiceCatalog(
        config.catalog.path,
        {
          reloaded: (entries) => {
            metrics.catalogEntries.set({ processor: id }, entries);
            metrics.catalogReloads.inc({ processor: id, outcome: 'ok' });
          },
          rejected: (reason) => {
            metrics.catalogReloads.inc({ processor: id, outcome: 'rejected' });
            logger.warn({ reason }, 'service catalog rejected; the last good one stays in use');
          },
        },
        config.catalog.interval_ms,
      );
    const hashKey = config.hash_key_env === undefined ? undefined : env[config.hash_key_env];
    if (config.hash_key_env !== undefined && !hashKey)
      throw new Error(`environment variable ${config.hash_key_env} (hash_key_env) is not set`);
    const hmac = hashKey === undefined ? undefined : keyedHash(hashKey);
    this.actions = config.actions.map((action) => ({
      on: action.on,
      adds: ['insert', 'upsert', 'rename', 'extract'].includes(action.action),
      apply: compile(action, hmac, env),
    }));
  }

  process(
    batch: Batch,
    _context: RequestContext = batch.context,
    effects: Effects = IMMEDIATE,
  ): Batch | typeof UNCHANGED {
    let changed = this.catalog ? this.applyCatalog(batch, this.catalog, effects) : false;
    for (const { on, adds, apply } of this.actions) {
      const visit = (attributes: KeyValue[]) => {
        if (apply(attributes)) changed = true;
      };
      if (on === 'resource')
        forEachResource(batch.request, (resource) => visit(resource.attributes));
      else if (on === 'scope') forEachScope(batch, adds, visit);
      else forEachRecord(batch, visit);
    }
    return changed ? batch : UNCHANGED;
  }

  /** Sets each resource's catalog attributes (the catalog is authoritative); counts the unknown. */
  private applyCatalog(batch: Batch, catalog: ServiceCatalog, effects: Effects): boolean {
    let changed = false;
    let unknown = 0;
    for (const { holder, items } of resourcesWithItems(batch)) {
      const name = holder.resource?.attributes.find((a) => a.key === 'service.name')?.value;
      const found = name && 'stringValue' in name ? catalog.lookup(name.stringValue) : undefined;
      if (!found) {
        unknown += items;
        continue;
      }
      holder.resource ??= { attributes: [], droppedAttributesCount: 0, entityRefs: [] };
      const attributes = holder.resource.attributes;
      for (const { key, value } of found) {
        const at = indexOf(attributes, key);
        if (at >= 0 && sameScalar(attributes[at]!.value, value!)) continue;
        // a copy: later processors may change the batch's values in place
        set(attributes, key, { ...value! });
        changed = true;
      }
    }
    if (unknown > 0) {
      const { metrics, id } = this.settings;
      const signal = batch.signal;
      effects.defer(() => metrics.catalogUnknown.inc({ processor: id, signal }, unknown));
    }
    return changed;
  }

  start(): Promise<void> {
    this.catalog?.watch();
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    this.catalog?.unwatch();
    return Promise.resolve();
  }
}
