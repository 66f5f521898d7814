/** The set {@link redactQuery} takes: parameter names, compared in lower case. */
export function queryNames(names: readonly string[]): ReadonlySet<string> {
  return new Set(names.map((name) => name.toLowerCase()));
}

/**
 * Rule `url.query`: a URL query string with the values of the named parameters replaced by
 * `REDACTED`. Names are compared after percent-decoding and ignoring case (`Token` is as secret
 * as `token`); `names` comes from {@link queryNames}.
 */
export function redactQuery(query: string, names: ReadonlySet<string>): string {
  if (names.size === 0 || query === '') return query;
  let changed = false;
  const parts = query.split('&').map((part) => {
    const eq = part.indexOf('=');
    const raw = eq < 0 ? part : part.slice(0, eq);
    let name = raw;
    if (raw.includes('%') || raw.includes('+')) {
      try {
        name = decodeURIComponent(raw.replace(/\+/g, ' '));
      } catch {
        // a malformed escape: compare the raw name
      }
    }
    if (eq < 0 || !names.has(name.toLowerCase())) return part;
    changed = true;
    return `${raw}=REDACTED`;
  });
  return changed ? parts.join('&') : query;
}

/**
 * Text with URL credentials and every query value replaced (rules `url.credentials` and
 * `url.query`): endpoints may carry `user:password@` or `?token=`, and they appear in warnings
 * and configuration lines.
 */
export function scrubUrls(text: string): string {
  return text
    .replace(/(\b[a-z][\w+.-]{0,20}:\/\/)[^/@\s"]{1,1024}@/gi, '$1REDACTED@')
    .replace(/([?&][^=&\s"#]+)=[^&\s"#]*/g, '$1=REDACTED');
}

/** Userinfo in an absolute URL: `scheme://user:password@`. */
const URL_USERINFO = /^([a-z][\w+.-]{0,20}:\/\/)[^/?#]*@/i;

/**
 * A URL reference (absolute, or a request target such as `http.target`'s `/path?query#fragment`)
 * with rules `url.credentials` and `url.query` applied: user and password become
 * REDACTED:REDACTED, and the values of the named parameters REDACTED, in the query and in a
 * fragment that carries parameters too (`#access_token=`, as OAuth's implicit flow returns it).
 */
export function redactUrl(url: string, names: ReadonlySet<string>): string {
  const withoutUser = url.replace(URL_USERINFO, '$1REDACTED:REDACTED@');
  const hashAt = withoutUser.indexOf('#');
  const end = hashAt < 0 ? withoutUser.length : hashAt;
  const queryAt = withoutUser.indexOf('?');
  const query = queryAt < 0 || queryAt > end ? '' : withoutUser.slice(queryAt + 1, end);
  const fragment = hashAt < 0 ? '' : withoutUser.slice(hashAt + 1);
  const redactedQuery = redactQuery(query, names);
  const redactedFragment = redactQuery(fragment, names);
  // Nothing to redact: the URL itself, not a copy pieced together from its parts.
  if (withoutUser === url && redactedQuery === query && redactedFragment === fragment) return url;
  const beforeFragment =
    query === '' && (queryAt < 0 || queryAt > end)
      ? withoutUser.slice(0, end)
      : withoutUser.slice(0, queryAt + 1) + redactedQuery;
  if (hashAt < 0) return beforeFragment;
  return `${beforeFragment}#${redactedFragment}`;
}
