/** Numeric and hex literals (in SQL outside strings); `$1` placeholders and identifiers kept. */
const NUMBER = /\b0x[0-9a-f]+\b|(?<![\w$.])-?\d+(?:\.\d+)?(?:e[+-]?\d+)?\b/gi;
/** The opening tag of a dollar-quoted string: `$$` or `$tag$`. */
const DOLLAR_TAG = /\$(?:[a-z_]\w*)?\$/iy;

/**
 * Rule `db.statement`: SQL with string (single-quoted, with '' and \' escapes, or dollar-quoted
 * `$$…$$` / `$tag$…$tag$`), numeric and hex literals replaced by `?`; identifiers, keywords and
 * `$1` placeholders kept. One pass over the text: a string that never closes is a literal to the
 * end, so no input makes it rescan (it is applied to every statement).
 */
export function sanitizeSql(sql: string): string {
  // String literals become `?` first, then numbers are replaced in one pass over what is left: a
  // `?` is neither a word character nor a dot, so it changes no number's boundaries.
  let out = '';
  let plain = 0;
  let i = 0;
  const literal = (start: number, end: number) => {
    out += `${sql.slice(plain, start)}?`;
    plain = i = end;
  };
  // Only quotes and dollar signs can open a literal: jump from one to the next.
  let quote = sql.indexOf("'");
  let dollar = sql.indexOf('$');
  while (quote >= 0 || dollar >= 0) {
    if (quote >= 0 && quote < i) quote = sql.indexOf("'", i);
    if (dollar >= 0 && dollar < i) dollar = sql.indexOf('$', i);
    if (quote < 0 && dollar < 0) break;
    if (quote >= 0 && (dollar < 0 || quote < dollar)) {
      i = quote;
      let j = i + 1;
      for (; j < sql.length; j++) {
        const d = sql.charCodeAt(j);
        if (d === 0x5c) j++;
        else if (d === 0x27) {
          if (sql.charCodeAt(j + 1) !== 0x27) break;
          j++;
        }
      }
      literal(i, Math.min(j + 1, sql.length));
    } else {
      i = dollar;
      DOLLAR_TAG.lastIndex = i;
      const tag = DOLLAR_TAG.exec(sql)?.[0];
      if (tag === undefined) i++;
      else {
        const close = sql.indexOf(tag, i + tag.length);
        literal(i, close < 0 ? sql.length : close + tag.length);
      }
    }
  }
  return (plain === 0 ? sql : out + sql.slice(plain)).replace(NUMBER, '?');
}
