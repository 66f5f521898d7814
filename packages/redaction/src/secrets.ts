/**
 * Rule `secret.keys` (the preload's `log.secrets`): keys whose values are secrets wherever they
 * appear, compared ignoring case, `_` and `-` (apiKey, API_KEY and api-key are one name).
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
  'session',
  'sessionid',
  'secret_access_key',
  'x-api-key',
] as const;

/** What replaces a secret value. */
export const CENSOR = '[REDACTED]';

/** A key as secret names are compared: lower case, without `_` or `-`. */
const normalized = (key: string) => key.toLowerCase().replace(/[-_]/g, '');
const SECRET_NAMES = new Set<string>(SECRET_KEYS.map(normalized));

/**
 * Whether `key` names a secret (see {@link SECRET_KEYS}): the whole key, or its last dotted
 * segment (`db.password`, `http.request.header.authorization`, `aws.secret_access_key`).
 */
export function isSecretKey(key: string): boolean {
  if (SECRET_NAMES.has(normalized(key))) return true;
  const dot = key.lastIndexOf('.');
  return dot >= 0 && SECRET_NAMES.has(normalized(key.slice(dot + 1)));
}
