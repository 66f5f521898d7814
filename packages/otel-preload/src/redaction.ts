// Redaction at the source. The rules themselves live in @org/redaction, shared with the gateway's
// redact processor, so one rule name means one behaviour wherever data is redacted:
// - `http.headers`: only allow-listed headers are recorded; the deny-list never is.
// - `url.credentials`: user:password in URLs becomes REDACTED:REDACTED.
// - `url.query`: values of sensitive query parameters become REDACTED.
// - `db.statement`: SQL is recorded without literals (strings and numbers become `?`).
// - `log.secrets`: values of secret-named keys never reach a log line or an exported record.
import type { Attributes, Span } from '@opentelemetry/api';
import { CENSOR, isSecretKey, redactQuery, redactUrl } from '@org/redaction';

/**
 * Applies {@link redactUrl} to a client span's `url.full` and `url.query` (for instrumentations
 * whose own redaction misses some: undici's has none). Called from an instrumentation's request
 * hook, before anything can export the span; reads the attributes the SDK span keeps.
 */
export function redactUrlAttributes(span: Span, names: ReadonlySet<string>): void {
  const attributes = (span as { attributes?: Attributes }).attributes;
  const full = attributes?.['url.full'];
  if (typeof full === 'string') {
    const redacted = redactUrl(full, names);
    if (redacted !== full) span.setAttribute('url.full', redacted);
  }
  const query = attributes?.['url.query'];
  if (typeof query === 'string') {
    const bare = query.startsWith('?') ? query.slice(1) : query;
    const redacted = redactQuery(bare, names);
    if (redacted !== bare)
      span.setAttribute('url.query', query === bare ? redacted : `?${redacted}`);
  }
}

/** How deep {@link withoutSecrets} looks: log objects are shallow, and cycles must end. */
const MAX_DEPTH = 6;

const isPlain = (value: unknown): value is Record<string, unknown> => {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
};

/** What stands in for an object nested deeper than {@link MAX_DEPTH}: it is not looked into. */
export const TOO_DEEP = '[too deep]';

/**
 * `value` with the values of secret-named keys replaced by {@link CENSOR} in plain objects,
 * arrays and Errors (own keys, `cause` included) down to {@link MAX_DEPTH} levels, names compared
 * ignoring case, `_` and `-`; an object deeper than that is replaced by {@link TOO_DEEP}, so a
 * cycle or a deep structure can never carry a secret past the bound. Copies only what it changes:
 * the caller's objects are never modified (a censored Error is a copy of the same class), and a
 * clean object comes back as is.
 */
export function withoutSecrets(value: unknown, depth = 0): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (depth >= MAX_DEPTH)
    return Array.isArray(value) || isPlain(value) || value instanceof Error ? TOO_DEEP : value;
  if (Array.isArray(value)) {
    const items = value as unknown[];
    let out: unknown[] | undefined;
    for (let i = 0; i < items.length; i++) {
      const clean = withoutSecrets(items[i], depth + 1);
      if (clean !== items[i]) (out ??= [...items])[i] = clean;
    }
    return out ?? items;
  }
  if (value instanceof Error) return errorWithoutSecrets(value, depth);
  if (!isPlain(value)) return value;
  let out: Record<string, unknown> | undefined;
  for (const key of Object.keys(value)) {
    const item = value[key];
    const clean = isSecretKey(key) ? CENSOR : withoutSecrets(item, depth + 1);
    if (clean !== item) (out ??= { ...value })[key] = clean;
  }
  return out ?? value;
}

/** An Error's own keys, cause and inner errors censored; a copy (same prototype, same message and stack) if any was. */
function errorWithoutSecrets(error: Error, depth: number): Error {
  const fields = error as unknown as Record<string, unknown>;
  const keys = Object.keys(error);
  // `cause` and AggregateError's `errors` are own but not enumerable; loggers print them anyway.
  for (const key of ['cause', 'errors'])
    if (Object.hasOwn(error, key) && !keys.includes(key)) keys.push(key);
  let changes: Record<string, unknown> | undefined;
  for (const key of keys) {
    const item = fields[key];
    const clean = isSecretKey(key) ? CENSOR : withoutSecrets(item, depth + 1);
    if (clean !== item) (changes ??= {})[key] = clean;
  }
  if (!changes) return error;
  const copy = Object.create(
    Object.getPrototypeOf(error) as object,
    Object.getOwnPropertyDescriptors(error),
  ) as Error;
  // V8's `stack` is an accessor over the original's internal slot: copy its value instead.
  Object.defineProperty(copy, 'stack', {
    value: error.stack,
    enumerable: false,
    writable: true,
    configurable: true,
  });
  for (const [key, clean] of Object.entries(changes))
    Object.defineProperty(copy, key, {
      value: clean,
      enumerable: Object.getOwnPropertyDescriptor(error, key)?.enumerable ?? true,
      writable: true,
      configurable: true,
    });
  return copy;
}
