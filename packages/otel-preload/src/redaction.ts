import type { Attributes, Span } from '@opentelemetry/api';

/**
 * Redaction at the source. Rule names match the gateway's redact processor, so one vocabulary
 * describes what is removed wherever it is removed:
 * - `http.headers`: only allow-listed headers are recorded; the deny-list below never is.
 * - `url.credentials`: user:password in URLs becomes REDACTED:REDACTED.
 * - `url.query`: values of sensitive query parameters become REDACTED.
 * - `db.statement`: SQL is recorded without literals (strings and numbers become `?`).
 */
export const NEVER_CAPTURED_HEADERS = new Set([
  'cookie',
  'set-cookie',
  'authorization',
  'proxy-authorization',
]);

/** The allow-list with the deny-list removed (lowercased). */
export function capturableHeaders(allowList: readonly string[]): string[] {
  return allowList.map((h) => h.toLowerCase()).filter((h) => !NEVER_CAPTURED_HEADERS.has(h));
}

/**
 * Dollar-quoted strings (`$$…$$`, `$tag$…$tag$`), single-quoted strings (with '' and \'
 * escapes), hex and decimal numbers; not $1 placeholders.
 */
const SQL_LITERAL =
  /\$([a-z_]\w*)?\$[\s\S]*?\$\1\$|'(?:[^'\\]|\\.|'')*'|\b0x[0-9a-f]+\b|(?<![\w$.])-?\d+(?:\.\d+)?(?:e[+-]?\d+)?\b/gi;

/** SQL with string, numeric and hex literals replaced by `?` (identifiers and keywords kept). */
export function sanitizeSql(sql: string): string {
  return sql.replace(SQL_LITERAL, '?');
}

/** The set {@link redactQuery} takes: parameter names, compared in lower case. */
export function queryNames(names: readonly string[]): ReadonlySet<string> {
  return new Set(names.map((name) => name.toLowerCase()));
}

/**
 * A URL query string with the values of the named parameters replaced by `REDACTED`. Names are
 * compared after percent-decoding and ignoring case (`Token` is as secret as `token`); `names`
 * comes from {@link queryNames}.
 */
export function redactQuery(query: string, names: ReadonlySet<string>): string {
  if (names.size === 0 || query === '') return query;
  let changed = false;
  const parts = query.split('&').map((part) => {
    const eq = part.indexOf('=');
    const raw = eq < 0 ? part : part.slice(0, eq);
    let name = raw;
    try {
      name = decodeURIComponent(raw.replace(/\+/g, ' '));
    } catch {
      // a malformed escape: compare the raw name
    }
    if (eq < 0 || !names.has(name.toLowerCase())) return part;
    changed = true;
    return `${raw}=REDACTED`;
  });
  return changed ? parts.join('&') : query;
}

/**
 * Text with URL credentials and query values replaced (rules url.credentials and url.query):
 * endpoints may carry `user:password@` or `?token=`, and they appear in warnings and in the
 * effective-config line.
 */
export function scrubUrls(text: string): string {
  return text
    .replace(/(\b[a-z][\w+.-]*:\/\/)[^/@\s"]+@/gi, '$1REDACTED@')
    .replace(/([?&][^=&\s"#]+)=[^&\s"#]*/g, '$1=REDACTED');
}

/** Userinfo in an absolute URL: `scheme://user:password@`. */
const URL_USERINFO = /^([a-z][\w+.-]*:\/\/)[^/?#@]*@/i;

/**
 * An absolute URL with rules url.credentials and url.query applied: user and password become
 * REDACTED:REDACTED, and the values of the named query parameters REDACTED.
 */
export function redactUrl(url: string, names: ReadonlySet<string>): string {
  const withoutUser = url.replace(URL_USERINFO, '$1REDACTED:REDACTED@');
  const hashAt = withoutUser.indexOf('#');
  const end = hashAt < 0 ? withoutUser.length : hashAt;
  const queryAt = withoutUser.indexOf('?');
  if (queryAt < 0 || queryAt > end) return withoutUser;
  return (
    withoutUser.slice(0, queryAt + 1) +
    redactQuery(withoutUser.slice(queryAt + 1, end), names) +
    withoutUser.slice(end)
  );
}

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

/**
 * Keys whose values never reach a log line or an exported log record (rule `log.secrets`):
 * createLogger's redact paths and {@link withoutSecrets} match them.
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
    const clean = SECRET_NAMES.has(normalized(key)) ? CENSOR : withoutSecrets(item, depth + 1);
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
    const clean = SECRET_NAMES.has(normalized(key)) ? CENSOR : withoutSecrets(item, depth + 1);
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
