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

/** Single-quoted strings (with '' and \' escapes), hex and decimal numbers; not $1 placeholders. */
const SQL_LITERAL =
  /'(?:[^'\\]|\\.|'')*'|\b0x[0-9a-f]+\b|(?<![\w$.])-?\d+(?:\.\d+)?(?:e[+-]?\d+)?\b/gi;

/** SQL with string, numeric and hex literals replaced by `?` (identifiers and keywords kept). */
export function sanitizeSql(sql: string): string {
  return sql.replace(SQL_LITERAL, '?');
}

/**
 * A URL query string with the values of the named parameters replaced by `REDACTED` (names
 * compared after percent-decoding, case-sensitively, as instrumentation-http does).
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
    if (!names.has(name) || eq < 0) return part;
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
