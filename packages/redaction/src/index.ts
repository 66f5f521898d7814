// @org/redaction: the redaction rules shared by the preload (at the source) and the gateway (in
// flight), so one rule name means one behaviour wherever data is redacted.
export { NEVER_CAPTURED_HEADERS, capturableHeaders } from './headers.ts';
export { CENSOR, SECRET_KEYS, isSecretKey } from './secrets.ts';
export { sanitizeSql } from './sql.ts';
export { queryNames, redactQuery, redactUrl, scrubUrls } from './url.ts';
