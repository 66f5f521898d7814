// `@org/otel-preload/logger`: a pino logger that writes JSON lines to stdout, correlated with
// the active trace and scrubbed of secrets. Usable with or without the preload running.
import { trace } from '@opentelemetry/api';
import type { DestinationStream, Logger, LoggerOptions } from 'pino';
import { pino } from 'pino';
import { serviceFields } from './service-fields.ts';

/**
 * Keys whose values never reach a log line, at any of the places {@link secretPaths} covers
 * (rule `log.secrets`, named like the other source-redaction rules in redaction.ts).
 */
export const SECRET_KEYS = [
  'password',
  'passwd',
  'secret',
  'token',
  'access_token',
  'refresh_token',
  'id_token',
  'api_key',
  'apikey',
  'client_secret',
  'private_key',
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
] as const;

/** What replaces a secret value. */
export const CENSOR = '[REDACTED]';

/** A key as secret names are compared: lower case, without `_` or `-` (apiKey, API_KEY, api-key). */
const normalized = (key: string) => key.toLowerCase().replace(/[-_]/g, '');
const SECRET_NAMES = new Set<string>(SECRET_KEYS.map(normalized));
/** How deep {@link withoutSecrets} looks: log objects are shallow, and cycles must end. */
const MAX_DEPTH = 6;

const isPlain = (value: unknown): value is Record<string, unknown> => {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
};

/**
 * `value` with the values of secret-named keys replaced by {@link CENSOR} in plain objects and
 * arrays down to {@link MAX_DEPTH} levels, names compared ignoring case, `_` and `-`. Copies only
 * what it changes: the caller's objects are never modified, and a clean object comes back as is.
 */
export function withoutSecrets(value: unknown, depth = 0): unknown {
  if (depth >= MAX_DEPTH) return value;
  if (Array.isArray(value)) {
    const items = value as unknown[];
    let out: unknown[] | undefined;
    for (let i = 0; i < items.length; i++) {
      const clean = withoutSecrets(items[i], depth + 1);
      if (clean !== items[i]) (out ??= [...items])[i] = clean;
    }
    return out ?? items;
  }
  if (!isPlain(value)) return value;
  let out: Record<string, unknown> | undefined;
  for (const key of Object.keys(value)) {
    const item = value[key];
    const clean = SECRET_NAMES.has(normalized(key)) ? CENSOR : withoutSecrets(item, depth + 1);
    if (clean !== item) (out ??= { ...value })[key] = clean;
  }
  return out ?? value;
}

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
