import type { Context, Span, SpanContext } from '@opentelemetry/api';
import { SpanKind, TraceFlags, createContextKey, trace } from '@opentelemetry/api';
import type { InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { IdGenerator, Sampler, SpanProcessor } from '@opentelemetry/sdk-trace';
import { SamplingDecision } from '@opentelemetry/sdk-trace';
import type { SpanLimitSettings } from '../config/settings.ts';
import { ServerSpan } from './server-span.ts';

/** Span limits with every value set: no length limit is an infinite one. */
export type SpanLimitsInUse = Required<SpanLimitSettings>;

/** The key the API keeps the active span under (it creates its keys with Symbol.for). */
const SPAN_KEY = createContextKey('OpenTelemetry Context Key SPAN');

/** What server spans are made with: the same parts the preload's tracer provider uses. */
export interface ServerSpanSettings {
  resource: Resource;
  sampler: Sampler;
  spanLimits: SpanLimitSettings;
  idGenerator: IdGenerator;
  processors: readonly SpanProcessor[];
}

/**
 * Starts the HTTP server instrumentation's spans. They follow the SDK's rules (sampler, span
 * limits, processors, the same ReadableSpan for exporters) without the SDK span's per-request
 * costs: the instrumentation's own attributes, whose values it builds and knows to be valid, are
 * stored without the generic validation every SDK `setAttribute` runs (a WeakSet allocated per
 * call). What the app sets through the API is validated exactly as the SDK does.
 */
export class ServerSpans {
  readonly settings: ServerSpanSettings;
  readonly scope: InstrumentationScope;
  readonly limits: SpanLimitsInUse;

  constructor(settings: ServerSpanSettings, scope: InstrumentationScope) {
    this.settings = settings;
    this.scope = scope;
    // As the SDK: no length limit, or one that is not positive, keeps values whole.
    const length = settings.spanLimits.attributeValueLengthLimit ?? Infinity;
    this.limits = {
      ...settings.spanLimits,
      attributeValueLengthLimit: length > 0 ? length : Infinity,
    };
  }

  /**
   * A server span named `name` under `parent` (a context extracted from the request, or the
   * root context: never one with tracing suppressed), or a non-recording span carrying the
   * sampler's decision. `startedAt` is the performance.now() its duration counts from (the
   * instrumentation's own reading of the request's start, which the duration histogram uses too).
   */
  start(name: string, parent: Context, startedAt = performance.now()): Span {
    const { idGenerator, sampler, processors } = this.settings;
    const remote = trace.getSpanContext(parent);
    const parentContext = remote && trace.isSpanContextValid(remote) ? remote : undefined;
    const traceId = parentContext?.traceId ?? idGenerator.generateTraceId();
    const spanId = idGenerator.generateSpanId();
    const sampling = sampler.shouldSample(parent, traceId, name, SpanKind.SERVER, {}, []);
    const traceFlags =
      sampling.decision === SamplingDecision.RECORD_AND_SAMPLED
        ? TraceFlags.SAMPLED
        : TraceFlags.NONE;
    const traceState = sampling.traceState ?? parentContext?.traceState;
    const spanContext: SpanContext = traceState
      ? { traceId, spanId, traceFlags, traceState }
      : { traceId, spanId, traceFlags };
    if (sampling.decision === SamplingDecision.NOT_RECORD)
      return trace.wrapSpanContext(spanContext);
    const span = new ServerSpan(this, name, spanContext, parentContext, startedAt);
    if (sampling.attributes) span.setAttributes(sampling.attributes);
    for (let i = 0; i < processors.length; i++) processors[i]!.onStart(span, parent);
    return span;
  }
}

/**
 * A context holding `span` over `parent`, built without copying the parent's entries: the
 * request's context is read far more often (every span the app starts) than it is extended.
 */
export class SpanContextOver implements Context {
  private readonly parent: Context;
  private readonly span: Span;
  private full: Context | undefined;

  constructor(parent: Context, span: Span) {
    this.parent = parent;
    this.span = span;
  }

  getValue(key: symbol): unknown {
    return key === SPAN_KEY ? this.span : this.parent.getValue(key);
  }

  setValue(key: symbol, value: unknown): Context {
    return this.materialized().setValue(key, value);
  }

  deleteValue(key: symbol): Context {
    return this.materialized().deleteValue(key);
  }

  private materialized(): Context {
    return (this.full ??= trace.setSpan(this.parent, this.span));
  }
}
