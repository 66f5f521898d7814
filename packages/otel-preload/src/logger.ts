// `@org/otel-preload/logger`: a pino logger that writes JSON lines to stdout, correlated with
// the active trace and scrubbed of secrets. Usable with or without the preload running.
import { trace } from '@opentelemetry/api';
import type { DestinationStream, Logger, LoggerOptions } from 'pino';
import { pino } from 'pino';
import { CENSOR, SECRET_KEYS } from '@org/redaction';
import { withoutSecrets } from './redaction.ts';
import { serviceFields } from './service-fields.ts';

/**
 * pino `redact` paths for `keys`: at the top level, one level down (`*.key`), and in request and
 * response headers (`req.headers.key`, `res.headers.key`), the shapes pino's HTTP serializers use.
 */
export function secretPaths(keys: readonly string[] = SECRET_KEYS): string[] {
  const paths: string[] = [];
  for (const key of keys) {
    const step = /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
    paths.push(
      step.startsWith('.') ? key : step,
      `*${step}`,
      `req.headers${step}`,
      `res.headers${step}`,
    );
  }
  return paths;
}

/** The W3C trace flags as two hex digits, the form the OpenTelemetry pino instrumentation uses. */
const flagsHex = (flags: number) => (flags & 0xff).toString(16).padStart(2, '0');

/**
 * Trace correlation for a log call: the active span's ids, or nothing outside a span. pino calls
 * this for every line it writes.
 */
export function traceFields(): Record<string, string> {
  const span = trace.getActiveSpan();
  if (span === undefined) return {};
  const { traceId, spanId, traceFlags } = span.spanContext();
  return { trace_id: traceId, span_id: spanId, trace_flags: flagsHex(traceFlags) };
}

/**
 * A pino logger writing JSON to stdout (or `destination`) whose every line carries `trace_id`,
 * `span_id` and `trace_flags` of the active span, the service's `service.name`,
 * `service.version`, `service.instance.id` and `deployment.environment.name` (the same values
 * the preload puts on spans), an ISO `time`, and `[REDACTED]` in place of secret-named keys
 * (`password`, `apiKey`, `Authorization`…, in nested objects and arrays too).
 * `options` are pino's: its `base` fields, `mixin` and `redact` paths add to these, the rest
 * overrides.
 */
export function createLogger(options: LoggerOptions = {}, destination?: DestinationStream): Logger {
  const { base, mixin, redact, formatters, ...rest } = options;
  const extraPaths = Array.isArray(redact) ? redact : (redact?.paths ?? []);
  const log = formatters?.log;
  const merged: LoggerOptions = {
    timestamp: pino.stdTimeFunctions.isoTime,
    ...rest,
    // Secret-named keys in any case and at any depth the paths below do not reach.
    formatters: {
      ...formatters,
      log: (object) => withoutSecrets(log ? log(object) : object) as Record<string, unknown>,
    },
    base: base === null ? null : { ...serviceFields(), ...base },
    mixin: mixin
      ? (object, level, logger) => ({ ...traceFields(), ...mixin(object, level, logger) })
      : traceFields,
    redact: {
      ...(Array.isArray(redact) ? {} : redact),
      paths: [...secretPaths(), ...extraPaths],
      censor: Array.isArray(redact) || redact?.censor === undefined ? CENSOR : redact.censor,
    },
  };
  return destination ? pino(merged, destination) : pino(merged);
}
