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
