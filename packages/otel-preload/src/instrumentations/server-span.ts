import type {
  AttributeValue,
  Attributes,
  Exception,
  HrTime,
  Link,
  SpanContext,
  SpanStatus,
  TimeInput,
} from '@opentelemetry/api';
import { SpanKind, SpanStatusCode, diag } from '@opentelemetry/api';
import type { InstrumentationScope } from '@opentelemetry/core';
import {
  AddAttributeDecision,
  addHrTimes,
  cleanAttributes,
  cleanSimpleAttributes,
  hrTime,
  hrTimeDuration,
  isTimeInput,
  isTimeInputHrTime,
  maybeAddAttribute,
  millisToHrTime,
} from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { Span as SdkSpan, TimedEvent } from '@opentelemetry/sdk-trace';
import type { ServerSpans, SpanLimitsInUse } from './server-spans.ts';

/** Fixed for the life of the process; read once rather than through the getter per span. */
const TIME_ORIGIN = performance.timeOrigin;

/** A recording server span: the SDK span's behaviour, for one kind of span. */
export class ServerSpan implements SdkSpan {
  readonly kind = SpanKind.SERVER;
  readonly parentSpanContext?: SpanContext;
  readonly resource: Resource;
  readonly instrumentationScope: InstrumentationScope;
  readonly attributes: Attributes = {};
  readonly links: Link[] = [];
  readonly events: TimedEvent[] = [];
  readonly startTime: HrTime;
  name: string;
  status: SpanStatus = { code: SpanStatusCode.UNSET };
  endTime: HrTime = [0, 0];
  duration: HrTime = [-1, -1];
  ended = false;
  droppedAttributesCount = 0;
  droppedEventsCount = 0;
  droppedLinksCount = 0;
  private attributeCount = 0;
  private readonly context: SpanContext;
  private readonly owner: ServerSpans;
  private readonly limits: SpanLimitsInUse;
  /** performance.now() at the start, and the offset from it to the wall clock (as the SDK). */
  private readonly startedAt: number;
  private readonly offset: number;

  constructor(
    owner: ServerSpans,
    name: string,
    context: SpanContext,
    parent: SpanContext | undefined,
    startedAt: number,
  ) {
    const now = Date.now();
    this.startedAt = startedAt;
    this.offset = now - (this.startedAt + TIME_ORIGIN);
    this.startTime = millisToHrTime(now);
    this.owner = owner;
    this.limits = owner.limits;
    this.resource = owner.settings.resource;
    this.instrumentationScope = owner.scope;
    this.name = name;
    this.context = context;
    if (parent) this.parentSpanContext = parent;
  }

  spanContext(): SpanContext {
    return this.context;
  }

  /**
   * Sets an attribute whose value the instrumentation built and knows to be valid: only the span
   * limits apply (the count, and the length of strings).
   */
  put(key: string, value: string | number | string[]): void {
    // As the SDK: an ended span (the app may end the server span itself) takes no more.
    if (this.ended) return;
    if (!Object.hasOwn(this.attributes, key)) {
      if (this.attributeCount >= this.limits.attributeCountLimit) {
        this.dropAttribute();
        return;
      }
      this.attributeCount++;
    }
    const limit = this.limits.attributeValueLengthLimit;
    this.attributes[key] =
      typeof value === 'string'
        ? value.length > limit
          ? value.slice(0, limit)
          : value
        : typeof value === 'number'
          ? value
          : value.map((item) => (item.length > limit ? item.slice(0, limit) : item));
  }

  setAttribute(key: string, value?: AttributeValue): this {
    if (this.endedAlready()) return this;
    const decision = maybeAddAttribute({
      key,
      value,
      attributes: this.attributes,
      limits: this.limits,
      currentAttributesCount: this.attributeCount,
    });
    if (decision === AddAttributeDecision.DROP_LIMIT_REACHED) this.dropAttribute();
    else if (decision === AddAttributeDecision.ADD_NEW) this.attributeCount++;
    return this;
  }

  setAttributes(attributes: Attributes): this {
    for (const key of Object.keys(attributes)) this.setAttribute(key, attributes[key]);
    return this;
  }

  addEvent(name: string, attributesOrTime?: Attributes | TimeInput, time?: TimeInput): this {
    if (this.endedAlready()) return this;
    const { eventCountLimit, attributePerEventCountLimit, attributeValueLengthLimit } = this.limits;
    if (eventCountLimit === 0) {
      diag.warn('No events allowed.');
      this.droppedEventsCount++;
      return this;
    }
    if (this.events.length >= eventCountLimit) {
      if (this.droppedEventsCount === 0) diag.debug('Dropping extra events.');
      this.events.shift();
      this.droppedEventsCount++;
    }
    let attributes = attributesOrTime;
    if (isTimeInput(attributesOrTime)) {
      if (!isTimeInput(time)) time = attributesOrTime;
      attributes = undefined;
    }
    this.events.push({
      name,
      time: this.time(time),
      ...cleanSimpleAttributes(attributes, {
        attributeCountLimit: attributePerEventCountLimit,
        attributeValueLengthLimit,
      }),
    });
    return this;
  }

  addLink(link: Link): this {
    if (this.endedAlready()) return this;
    const { linkCountLimit, attributePerLinkCountLimit, attributeValueLengthLimit } = this.limits;
    if (linkCountLimit === 0) {
      this.droppedLinksCount++;
      return this;
    }
    if (this.links.length >= linkCountLimit) {
      if (this.droppedLinksCount === 0) diag.debug('Dropping extra links.');
      this.links.shift();
      this.droppedLinksCount++;
    }
    this.links.push({
      context: link.context,
      ...cleanAttributes(link.attributes, {
        attributeCountLimit: attributePerLinkCountLimit,
        attributeValueLengthLimit,
      }),
    });
    return this;
  }

  addLinks(links: Link[]): this {
    for (const link of links) this.addLink(link);
    return this;
  }

  setStatus(status: SpanStatus): this {
    if (this.endedAlready()) return this;
    // As the SDK: UNSET changes nothing, and OK is final.
    if (status.code === SpanStatusCode.UNSET || this.status.code === SpanStatusCode.OK) return this;
    this.status =
      status.code === SpanStatusCode.ERROR && typeof status.message === 'string'
        ? { code: status.code, message: status.message }
        : { code: status.code };
    return this;
  }

  updateName(name: string): this {
    if (!this.endedAlready()) this.name = name;
    return this;
  }

  end(endTime?: TimeInput): void {
    if (this.endedAlready()) {
      diag.error(
        `${this.name} ${this.context.traceId}-${this.context.spanId} - You can only call end() on a span once.`,
      );
      return;
    }
    if (endTime === undefined) {
      // The usual end, now: the monotonic clock's elapsed time is never negative.
      this.duration = millisToHrTime(performance.now() - this.startedAt);
      this.endTime = addHrTimes(this.startTime, this.duration);
    } else {
      this.endTime = this.time(endTime);
      this.duration = hrTimeDuration(this.startTime, this.endTime);
      if (this.duration[0] < 0) {
        this.endTime = [this.startTime[0], this.startTime[1]];
        this.duration = [0, 0];
      }
    }
    if (this.droppedEventsCount > 0)
      diag.warn(`Dropped ${this.droppedEventsCount} events because eventCountLimit reached`);
    if (this.droppedLinksCount > 0)
      diag.warn(`Dropped ${this.droppedLinksCount} links because linkCountLimit reached`);
    const { processors } = this.owner.settings;
    for (let i = 0; i < processors.length; i++) processors[i]!.onEnding?.(this);
    this.ended = true;
    for (let i = 0; i < processors.length; i++) processors[i]!.onEnd(this);
  }

  isRecording(): boolean {
    return !this.ended;
  }

  recordException(exception: Exception, time?: TimeInput): void {
    const attributes: Attributes = {};
    if (typeof exception === 'string') attributes['exception.message'] = exception;
    else if (exception) {
      if (exception.code) attributes['exception.type'] = String(exception.code);
      else if (exception.name) attributes['exception.type'] = exception.name;
      if (exception.message) attributes['exception.message'] = exception.message;
      if (exception.stack) attributes['exception.stacktrace'] = exception.stack;
    }
    if (attributes['exception.type'] || attributes['exception.message'])
      this.addEvent('exception', attributes, time);
    // The SDK's words, formatted as the SDK formats them (an object shows as [object Object]).
    // eslint-disable-next-line @typescript-eslint/no-base-to-string
    else diag.warn(`Failed to record an exception ${String(exception)}`);
  }

  /** An SDK time: performance.now()-based numbers, epoch milliseconds, Dates, or now. */
  private time(input?: TimeInput): HrTime {
    if (typeof input === 'number')
      return input <= performance.now() ? hrTime(input + this.offset) : millisToHrTime(input);
    if (input instanceof Date) return millisToHrTime(input.getTime());
    if (isTimeInputHrTime(input)) return input;
    return addHrTimes(this.startTime, millisToHrTime(performance.now() - this.startedAt));
  }

  /** The SDK's diagnostics, so that a server span reports misuse and limits as any span does. */
  private endedAlready(): boolean {
    if (this.ended) {
      const span = `{traceId: ${this.context.traceId}, spanId: ${this.context.spanId}}`;
      diag.warn(
        `Cannot execute the operation on ended Span ${span}`,
        new Error(`Operation attempted on ended Span ${span}`),
      );
    }
    return this.ended;
  }

  private dropAttribute(): void {
    this.droppedAttributesCount++;
    if (this.droppedAttributesCount === 1) diag.warn('Dropping extra attributes.');
  }
}
