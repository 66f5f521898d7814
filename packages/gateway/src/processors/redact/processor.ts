import type { AnyValue, InstrumentationScope, KeyValue } from '@org/otlp';
import { forEachDataPoint, forEachLogRecord, forEachResource, forEachSpan } from '@org/otlp';
import { isSecretKey, queryNames, redactQuery, redactUrl, sanitizeSql } from '@org/redaction';
import type { Effects, Processor, Settings } from '../../component.ts';
import { IMMEDIATE, UNCHANGED } from '../../component.ts';
import type { Batch, RequestContext } from '../../signal.ts';
import type { RedactProcessorConfig } from './config.ts';
import type { Detector } from './detectors.ts';
import { keyedHash } from '../keyed-hash.ts';
import { DETECTORS, anyGate, passes, re2Detector } from './detectors.ts';
import type { Shape } from './shape.ts';
import type { KeyPlan, KeyRule, Place } from './keys.ts';
import { KeyPlans, keyMatcher } from './keys.ts';
import { emptyShape, shapeOf } from './shape.ts';

/** Fatal: bytes that are not UTF-8 are left alone rather than scanned as replacement characters. */
const UTF8 = new TextDecoder('utf-8', { fatal: true });

const SQL_KEYS = new Set(['db.statement', 'db.query.text']);
const URL_KEYS = new Set(['url.full', 'http.url', 'http.target']);
const QUERY_KEYS = new Set(['url.query', 'url.fragment']);

/** Longest value remembered as the last clean one of its place. */
const LAST_CLEAN_LENGTH = 512;

/** What one batch's redaction found, by rule. */
class Findings {
  readonly counts = new Map<string, number>();
  changed = false;

  add(rule: string, n = 1): void {
    this.counts.set(rule, (this.counts.get(rule) ?? 0) + n);
    this.changed = true;
  }
}

/**
 * The `redact` processor. Every place a value can hide is visited: resource, scope, span, event,
 * link, data point, exemplar and log attributes (keys and values), nested arrays and key-value
 * lists at any depth, span and event names, status messages, scope names and versions, metric
 * descriptions, log event names, severity texts and bodies. On attributes, in order: the allow-list
 * (an attribute not on it is dropped), the rules by key, secret-named keys, SQL literals, URL
 * credentials and query values; then, on every string value left, the enabled detectors.
 * Findings are counted per rule (otelgw_redactions_total); the values found appear nowhere.
 */
export class RedactProcessor implements Processor {
  private readonly rules: KeyRule[];
  private readonly allowed: ((key: string) => boolean) | undefined;
  /** The enabled built-in detectors, then the configured patterns, each with its replacement. */
  private readonly detectors: { detector: Detector; found: (text: string) => string }[];
  /** The findings of the batch being processed (one at a time: processing is synchronous). */
  private active = new Findings();
  /** The shape of the string being scrubbed (one object, refilled for every string). */
  private readonly shape = emptyShape();
  /** False when no enabled detector's gate can pass: the string is clean without more work. */
  private readonly worthScanning: (shape: Shape) => boolean;
  private readonly config: RedactProcessorConfig;
  private readonly settings: Settings;
  private readonly urlNames: ReadonlySet<string>;
  private readonly keyedHash: ((text: string) => string) | undefined;
  private readonly plans: KeyPlans;
  /** The places outside attributes (span name, status message…), by name. */
  private readonly fields = new Map<string, Place>();

  constructor(
    config: RedactProcessorConfig,
    settings: Settings,
    env: NodeJS.ProcessEnv = process.env,
  ) {
    this.config = config;
    this.settings = settings;
    const hashKey = config.hash_key_env === undefined ? undefined : env[config.hash_key_env];
    if (config.hash_key_env !== undefined && !hashKey)
      throw new Error(`environment variable ${config.hash_key_env} (hash_key_env) is not set`);
    this.keyedHash = hashKey === undefined ? undefined : keyedHash(hashKey);
    this.rules = config.rules.map((rule) => ({
      name: rule.name,
      matches: keyMatcher(rule.keys),
      action: rule.action,
    }));
    this.allowed = config.allowed_keys && keyMatcher(config.allowed_keys);
    // Each detector's callback is made once: it counts the finding in the batch being processed.
    const scrubber = (detector: Detector, action: 'mask' | 'hash') => ({
      detector,
      found: (text: string) => {
        this.active.add(detector.name);
        return action === 'hash' ? this.hash(text) : config.mask;
      },
    });
    this.detectors = [
      ...DETECTORS.filter((d) => config.detectors[d.name] ?? d.onByDefault).map((detector) =>
        scrubber(detector, config.detector_action),
      ),
      ...config.patterns.map((p) =>
        scrubber(re2Detector(p.name, p.pattern), p.action ?? config.detector_action),
      ),
    ];
    this.urlNames = queryNames(config.url_query_params);
    this.worthScanning = anyGate(this.detectors.map((d) => d.detector));
    this.plans = new KeyPlans((key) => this.plan(key));
  }

  private hash(text: string): string {
    return this.keyedHash!(text);
  }

  /** `text` with every detector's findings replaced. */
  private scrub(text: string, findings: Findings): string {
    this.active = findings;
    const shape = shapeOf(text, this.shape);
    if (!this.worthScanning(shape)) return text;
    let out = text;
    for (const { detector, found } of this.detectors) {
      if (!passes(detector.gate, shape, out)) continue;
      const next = detector.scrub(out, found);
      if (next !== out) shapeOf((out = next), shape);
    }
    return out;
  }

  /** `text` found at `place` with the detectors applied, unless it is the last clean one there. */
  private scrubAt(place: Place, text: string, findings: Findings): string {
    if (place.lastClean === text) return text;
    const out = this.scrub(text, findings);
    if (out === text && text.length <= LAST_CLEAN_LENGTH) place.lastClean = text;
    return out;
  }

  /** The place named `name` outside attributes. */
  private field(name: string): Place {
    let place = this.fields.get(name);
    if (!place) this.fields.set(name, (place = { lastClean: undefined }));
    return place;
  }

  /** What redact decides from `key` alone (see KeyPlan). */
  private plan(key: string): KeyPlan {
    const { config } = this;
    return {
      allowed: !this.allowed || this.allowed(key),
      rule: this.rules.find((r) => r.matches(key)),
      clean: this.scrub(key, new Findings()) === key,
      secret: config.secret_keys && isSecretKey(key),
      lastClean: undefined,
      value:
        config.sql && SQL_KEYS.has(key)
          ? 'sql'
          : URL_KEYS.has(key)
            ? 'url'
            : QUERY_KEYS.has(key)
              ? 'query'
              : 'none',
    };
  }

  /** A value with the detectors applied to its strings, at any depth; undefined when unchanged. */
  private value(value: AnyValue, findings: Findings): AnyValue | undefined {
    if ('stringValue' in value) {
      const text = this.scrub(value.stringValue, findings);
      return text === value.stringValue ? undefined : { stringValue: text };
    }
    if ('bytesValue' in value) {
      // Bytes that are UTF-8 text are scanned as text; other bytes hold no text to find.
      let decoded: string;
      try {
        decoded = UTF8.decode(value.bytesValue);
      } catch {
        return undefined;
      }
      const text = this.scrub(decoded, findings);
      return text === decoded ? undefined : { bytesValue: Buffer.from(text, 'utf8') };
    }
    if ('arrayValue' in value) {
      for (let i = 0; i < value.arrayValue.values.length; i++) {
        const next = this.value(value.arrayValue.values[i]!, findings);
        if (next) value.arrayValue.values[i] = next;
      }
    } else if ('kvlistValue' in value) this.attributes(value.kvlistValue.values, findings);
    return undefined;
  }

  /** Applies the key rules and detectors to one attribute list, in place. */
  private attributes(list: KeyValue[], findings: Findings): void {
    for (let i = list.length - 1; i >= 0; i--) {
      const attribute = list[i]!;
      const { value } = attribute;
      let { key } = attribute;
      let plan = this.plans.get(key);
      if (!plan.allowed) {
        list.splice(i, 1);
        findings.add('allowed_keys');
        continue;
      }
      const { rule } = plan;
      if (rule) {
        if (rule.action === 'drop') list.splice(i, 1);
        else {
          // the key is scrubbed too: a rule on `user.*` must not keep `user.jane@example.com`
          if (!plan.clean) key = this.scrub(key, findings);
          if (value !== undefined) {
            const text =
              'stringValue' in value ? value.stringValue : JSON.stringify(value, bigints);
            const replaced = rule.action === 'hash' ? this.hash(text) : this.config.mask;
            list[i] = { key, value: { stringValue: replaced } };
          } else if (key !== attribute.key) list[i] = { ...attribute, key };
        }
        findings.add(rule.name);
        continue;
      }
      // A key can hold a value too (an address used as a map key): scrubbed like one.
      if (!plan.clean) {
        key = this.scrub(key, findings);
        list[i] = { ...attribute, key };
        plan = this.plan(key);
      }
      if (value === undefined) continue;
      if (plan.secret) {
        list[i] = { key, value: { stringValue: this.config.mask } };
        findings.add('secret.keys');
        continue;
      }
      if ('stringValue' in value) {
        let text = value.stringValue;
        if (plan.value === 'sql') {
          const sanitized = sanitizeSql(text);
          if (sanitized !== text) findings.add('db.statement');
          text = sanitized;
        } else if (plan.value !== 'none') {
          const redacted =
            plan.value === 'url'
              ? redactUrl(text, this.urlNames)
              : redactQuery(text.replace(/^\?/, ''), this.urlNames);
          const expected =
            plan.value === 'query' && text.startsWith('?') ? `?${redacted}` : redacted;
          if (expected !== text) findings.add('url.query');
          text = expected;
        }
        text = this.scrubAt(plan, text, findings);
        if (text !== value.stringValue) list[i] = { key, value: { stringValue: text } };
        continue;
      }
      const next = this.value(value, findings);
      if (next) list[i] = { key, value: next };
    }
  }

  process(
    batch: Batch,
    _context: RequestContext = batch.context,
    effects: Effects = IMMEDIATE,
  ): Batch | typeof UNCHANGED {
    const findings = new Findings();
    const attributes = (list: KeyValue[]) => this.attributes(list, findings);
    const text = (s: string, place: string) =>
      s === '' ? s : this.scrubAt(this.field(place), s, findings);
    const scope = (s: InstrumentationScope) => {
      s.name = text(s.name, 'scope.name');
      s.version = text(s.version, 'scope.version');
      attributes(s.attributes);
    };
    forEachResource(batch.request, (resource) => attributes(resource.attributes));
    switch (batch.signal) {
      case 'traces':
        for (const rs of batch.request.resourceSpans)
          for (const ss of rs.scopeSpans) if (ss.scope) scope(ss.scope);
        forEachSpan(batch.request, (span) => {
          span.name = text(span.name, 'span.name');
          attributes(span.attributes);
          if (span.status) span.status.message = text(span.status.message, 'status');
          for (const event of span.events) {
            event.name = text(event.name, 'event.name');
            attributes(event.attributes);
          }
          for (const link of span.links) attributes(link.attributes);
        });
        break;
      case 'metrics':
        for (const rm of batch.request.resourceMetrics)
          for (const sm of rm.scopeMetrics) {
            if (sm.scope) scope(sm.scope);
            for (const metric of sm.metrics)
              metric.description = text(metric.description, 'description');
          }
        forEachDataPoint(batch.request, (point) => {
          attributes(point.attributes);
          if ('exemplars' in point)
            for (const e of point.exemplars) attributes(e.filteredAttributes);
        });
        break;
      case 'logs':
        for (const rl of batch.request.resourceLogs)
          for (const sl of rl.scopeLogs) if (sl.scope) scope(sl.scope);
        forEachLogRecord(batch.request, (record) => {
          record.eventName = text(record.eventName, 'event.name');
          record.severityText = text(record.severityText, 'severity');
          attributes(record.attributes);
          if (record.body) {
            const next = this.value(record.body, findings);
            if (next) record.body = next;
          }
        });
        break;
    }
    if (!findings.changed) return UNCHANGED;
    const { metrics, id } = this.settings;
    const signal = batch.signal;
    effects.defer(() => {
      for (const [rule, n] of findings.counts)
        metrics.redactions.inc({ processor: id, rule, signal }, n);
    });
    return batch;
  }

  start(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

const bigints = (_key: string, v: unknown) => (typeof v === 'bigint' ? v.toString() : v);
