/** Rule `http.headers`: headers never recorded, whatever an allow-list says. */
export const NEVER_CAPTURED_HEADERS: ReadonlySet<string> = new Set([
  'cookie',
  'set-cookie',
  'authorization',
  'proxy-authorization',
]);

/** The allow-list with the deny-list removed (lowercased). */
export function capturableHeaders(allowList: readonly string[]): string[] {
  return allowList.map((h) => h.toLowerCase()).filter((h) => !NEVER_CAPTURED_HEADERS.has(h));
}
