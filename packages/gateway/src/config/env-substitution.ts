import { ErrorCode, GatewayError } from '../errors.ts';

/**
 * Expands the Collector-compatible references in one config string:
 *   `${env:VAR}`            the variable's value; unset (or empty) is an error
 *   `${env:VAR:-default}`   the value, or `default` when unset or empty
 *   `$$`                    a literal `$`
 * Anything else after `$` is kept as written. Errors are thrown as {@link GatewayError} naming the
 * variable; the config loader adds the key path and line.
 */
export function expandEnv(
  input: string,
  env: Readonly<Record<string, string | undefined>>,
): string {
  if (!input.includes('$')) return input;
  let out = '';
  let i = 0;
  while (i < input.length) {
    const dollar = input.indexOf('$', i);
    if (dollar === -1) {
      out += input.slice(i);
      break;
    }
    out += input.slice(i, dollar);
    const next = input[dollar + 1];
    if (next === '$') {
      out += '$';
      i = dollar + 2;
      continue;
    }
    if (next !== '{') {
      out += '$';
      i = dollar + 1;
      continue;
    }
    const close = input.indexOf('}', dollar + 2);
    if (close === -1) {
      throw new GatewayError(ErrorCode.CONFIG_ENV_SYNTAX, `unclosed "\${" in "${input}"`);
    }
    out += resolve(input.slice(dollar + 2, close), env);
    i = close + 1;
  }
  return out;
}

const REFERENCE = /^env:([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?$/s;

function resolve(body: string, env: Readonly<Record<string, string | undefined>>): string {
  const match = REFERENCE.exec(body);
  if (!match) {
    throw new GatewayError(
      ErrorCode.CONFIG_ENV_SYNTAX,
      `"\${${body}}" is not a valid reference; use \${env:NAME} or \${env:NAME:-default}`,
    );
  }
  const [, name, fallback] = match as unknown as [string, string, string | undefined];
  const value = env[name];
  if (value !== undefined && value !== '') return value;
  if (fallback !== undefined) return fallback;
  throw new GatewayError(
    ErrorCode.CONFIG_ENV_UNSET,
    `environment variable ${name} is not set and \${env:${name}} has no default`,
  );
}
