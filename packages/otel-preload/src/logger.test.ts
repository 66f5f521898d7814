import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.ts';
import { CENSOR } from '@org/redaction';
import { TOO_DEEP, withoutSecrets } from './redaction.ts';

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

  it('censors a cyclic object at every level the line shows', () => {
    const { out, stream } = lines();
    const cyclic: Record<string, unknown> = { password: 'cyclic-pw', name: 'db' };
    cyclic.self = cyclic;
    createLogger({}, stream).info({ cyclic }, 'connected');
    const line = JSON.stringify(out[0]);
    expect(line).not.toContain('cyclic-pw');
    expect(out[0]).toMatchObject({
      cyclic: {
        password: CENSOR,
        name: 'db',
        self: { password: CENSOR, self: { password: CENSOR } },
      },
    });
    expect(cyclic.password).toBe('cyclic-pw');
  });

  it('censors secret-named keys on a logged Error', () => {
    const { out, stream } = lines();
    const error = Object.assign(new Error('refused'), { token: 'error-token', code: 'E_AUTH' });
    const logger = createLogger({}, stream);
    logger.error(error, 'as the object');
    logger.error({ err: error }, 'under err');
    logger.error({ cause: error }, 'under another key');
    for (const line of out) expect(JSON.stringify(line)).not.toContain('error-token');
    expect(out.map((line) => (line.err ?? line.cause) as Record<string, unknown>)).toMatchObject([
      { message: 'refused', token: CENSOR, code: 'E_AUTH' },
      { message: 'refused', token: CENSOR, code: 'E_AUTH' },
      { token: CENSOR, code: 'E_AUTH' },
    ]);
    expect(error.token).toBe('error-token');
  });

  it('censors the inner errors of an AggregateError in the line', () => {
    const { out, stream } = lines();
    const inner = Object.assign(new Error('db'), { password: 'hunter2' });
    createLogger({}, stream).error({ err: new AggregateError([inner], 'both failed') }, 'x');
    expect(JSON.stringify(out[0])).not.toContain('hunter2');
  });

  // The redact paths stop at `*.token`; withoutSecrets looks into Errors at any level below.
  it('censors secret-named keys on an Error nested in the logged object', () => {
    const { out, stream } = lines();
    const error = Object.assign(new Error('refused'), { token: 'nested-token' });
    createLogger({}, stream).error({ request: { error } }, 'nested');
    expect(JSON.stringify(out[0])).not.toContain('nested-token');
  });
});

describe('withoutSecrets', () => {
  it('returns clean values as they are', () => {
    const clean = { a: [1, { b: 'c' }] };
    expect(withoutSecrets(clean)).toBe(clean);
  });

  it('censors a cyclic object down to its depth bound, and terminates', () => {
    const cyclic: Record<string, unknown> = { password: 'p', name: 'db' };
    cyclic.self = cyclic;
    const clean = withoutSecrets(cyclic) as typeof cyclic;
    expect(clean).not.toBe(cyclic);
    let level = clean;
    for (let depth = 0; depth < 6; depth++) {
      // 6 levels: MAX_DEPTH in redaction.ts; deeper, the cycle is cut off, secret and all
      expect([depth, level.password, level.name]).toEqual([depth, CENSOR, 'db']);
      level = level.self as typeof cyclic;
    }
    expect(level).toBe(TOO_DEEP);
    expect(cyclic.password).toBe('p'); // the caller's object is left alone
  });

  // Exported log record bodies and attributes (export/log-records.ts) go through withoutSecrets.
  it('censors secret-named keys on an Error and its cause, keeping it an Error', () => {
    const cause = Object.assign(new Error('inner'), { password: 'p' });
    const error = Object.assign(new Error('e', { cause }), { token: 't', code: 'E1' });
    const clean = withoutSecrets(error) as Error & { token?: unknown; code?: unknown };
    expect(clean).toBeInstanceOf(Error);
    expect([clean.message, clean.stack, clean.token, clean.code]).toEqual([
      'e',
      error.stack,
      CENSOR,
      'E1',
    ]);
    expect((clean.cause as { password?: unknown }).password).toBe(CENSOR);
    expect([error.token, (error.cause as { password?: unknown }).password]).toEqual(['t', 'p']);
    const aggregate = new AggregateError(
      [Object.assign(new Error('one'), { token: 'inner' })],
      'all',
    );
    const cleanAggregate = withoutSecrets(aggregate) as AggregateError;
    expect(cleanAggregate).toBeInstanceOf(AggregateError);
    expect((cleanAggregate.errors[0] as { token?: unknown }).token).toBe(CENSOR);
    expect((aggregate.errors[0] as { token?: unknown }).token).toBe('inner');
    const plain = new Error('nothing secret');
    expect(withoutSecrets(plain)).toBe(plain);
  });
});
