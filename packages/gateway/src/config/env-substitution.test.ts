import { describe, expect, it } from 'vitest';
import { ErrorCode, GatewayError } from '../errors.ts';
import { expandEnv } from './env-substitution.ts';

const env = { UPSTREAM: 'http://collector:4318', EMPTY: '', TOKEN: 's3cr3t' };

function errorOf(fn: () => unknown): GatewayError {
  try {
    fn();
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected a GatewayError');
}

describe('expandEnv', () => {
  it('leaves strings without references alone', () => {
    expect(expandEnv('127.0.0.1:4318', env)).toBe('127.0.0.1:4318');
  });

  it('substitutes variables, defaults and escapes', () => {
    expect(expandEnv('${env:UPSTREAM}/v1/traces', env)).toBe('http://collector:4318/v1/traces');
    expect(expandEnv('${env:MISSING:-localhost:4317}', env)).toBe('localhost:4317');
    expect(expandEnv('${env:EMPTY:-fallback}', env)).toBe('fallback');
    expect(expandEnv('${env:MISSING:-}', env)).toBe('');
    expect(expandEnv('cost: $$5 and $HOME', env)).toBe('cost: $5 and $HOME');
    expect(expandEnv('Bearer ${env:TOKEN} ${env:TOKEN}', env)).toBe('Bearer s3cr3t s3cr3t');
  });

  it('names an unset variable without a default', () => {
    const error = errorOf(() => expandEnv('${env:NOPE}', env));
    expect(error.code).toBe(ErrorCode.CONFIG_ENV_UNSET);
    expect(error.message).toContain('NOPE');
  });

  it('rejects malformed references', () => {
    expect(errorOf(() => expandEnv('${env:UPSTREAM', env)).code).toBe(ErrorCode.CONFIG_ENV_SYNTAX);
    expect(errorOf(() => expandEnv('${file:/etc/passwd}', env)).code).toBe(
      ErrorCode.CONFIG_ENV_SYNTAX,
    );
    expect(errorOf(() => expandEnv('${env:1BAD}', env)).code).toBe(ErrorCode.CONFIG_ENV_SYNTAX);
  });
});
