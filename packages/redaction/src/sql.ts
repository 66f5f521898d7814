/**
 * Dollar-quoted strings (`$$…$$`, `$tag$…$tag$`), single-quoted strings (with '' and \'
 * escapes), hex and decimal numbers; not $1 placeholders.
 */
const SQL_LITERAL =
  /\$([a-z_]\w*)?\$[\s\S]*?\$\1\$|'(?:[^'\\]|\\.|'')*'|\b0x[0-9a-f]+\b|(?<![\w$.])-?\d+(?:\.\d+)?(?:e[+-]?\d+)?\b/gi;

/**
 * Rule `db.statement`: SQL with string, numeric and hex literals replaced by `?` (identifiers,
 * keywords and `$1` placeholders kept).
 */
export function sanitizeSql(sql: string): string {
  return sql.replace(SQL_LITERAL, '?');
}
