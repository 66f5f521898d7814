import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.ts';
import { CENSOR, withoutSecrets } from './redaction.ts';

/** A destination that keeps every line written to it, parsed. */
function lines() {
  const out: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      out.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { out, stream };
}

describe('createLogger', () => {
  it('censors secret-named keys in any case and nesting, and nothing else', () => {
    const { out, stream } = lines();
    const logged = {
      user: 'alice',
      apiKey: 'k1',
      config: { clientSecret: 's1', nested: { ACCESS_TOKEN: 't1', keep: 1 } },
      creds: [{ Password: 'p1', name: 'db' }],
      req: { headers: { Cookie: 'c1', 'x-request-id': 'r1' } },
    };
    createLogger({}, stream).info(logged, 'signed in');
    expect(out[0]).toMatchObject({
      msg: 'signed in',
      user: 'alice',
      apiKey: CENSOR,
      config: { clientSecret: CENSOR, nested: { ACCESS_TOKEN: CENSOR, keep: 1 } },
      creds: [{ Password: CENSOR, name: 'db' }],
      req: { headers: { Cookie: CENSOR, 'x-request-id': 'r1' } },
    });
    expect(logged.config.nested.ACCESS_TOKEN).toBe('t1'); // the app's object is left alone
  });

  it('still applies the app’s own formatter and redact paths', () => {
    const { out, stream } = lines();
    const logger = createLogger(
      {
        formatters: { log: (o) => ({ ...o, added: { token: 'from-formatter' } }) },
        redact: ['pin'],
      },
      stream,
    );
    logger.info({ pin: '1234' }, 'x');
    expect(out[0]).toMatchObject({ pin: CENSOR, added: { token: CENSOR } });
  });
});

describe('withoutSecrets', () => {
  it('returns clean values as they are, and stops at a bounded depth', () => {
    const clean = { a: [1, { b: 'c' }] };
    expect(withoutSecrets(clean)).toBe(clean);
    const cyclic: Record<string, unknown> = { password: 'p' };
    cyclic.self = cyclic;
    expect(() => withoutSecrets(cyclic)).not.toThrow();
    const error = Object.assign(new Error('e'), { token: 't' });
    expect(withoutSecrets(error)).toBe(error);
  });
});
