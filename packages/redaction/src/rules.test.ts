import { describe, expect, it } from 'vitest';
import {
  capturableHeaders,
  isSecretKey,
  queryNames,
  redactQuery,
  redactUrl,
  sanitizeSql,
} from './index.ts';

describe('redaction rules', () => {
  it('db.statement: drops string and number literals, keeps structure and placeholders', () => {
    expect(
      sanitizeSql(
        "SELECT * FROM users WHERE email = 'a@b.c' AND age > 42 AND id = $1 AND t1.x = 0x1F",
      ),
    ).toBe('SELECT * FROM users WHERE email = ? AND age > ? AND id = $1 AND t1.x = ?');
    expect(sanitizeSql("INSERT INTO t (a, b) VALUES ('it''s', -3.5e2)")).toBe(
      'INSERT INTO t (a, b) VALUES (?, ?)',
    );
    expect(
      sanitizeSql("SELECT $$it's a secret$$, $pw$hunter2 $$ still$pw$ FROM t WHERE id = $1"),
    ).toBe('SELECT ?, ? FROM t WHERE id = $1');
    // numbers right against a string literal are literals too
    expect(sanitizeSql("SELECT 'a'-5, 5'b', c'd'0x1F, 'e'1.5e3, t2.c1")).toBe(
      'SELECT ??, ??, c??, ??, t2.c1',
    );
  });

  it('http.headers: the deny-list wins over the allow-list', () => {
    expect(capturableHeaders(['X-Request-Id', 'Cookie', 'authorization', 'Set-Cookie'])).toEqual([
      'x-request-id',
    ]);
  });

  it('url.query: replaces the values of named parameters only, whatever their case', () => {
    const names = queryNames(['password', 'API key']);
    expect(redactQuery('Password=a&PASSWORD=b&api+KEY=c', names)).toBe(
      'Password=REDACTED&PASSWORD=REDACTED&api+KEY=REDACTED',
    );
    expect(redactQuery('a=1&password=hunter2&b=2', names)).toBe('a=1&password=REDACTED&b=2');
    expect(redactQuery('api%20key=x&api+key=y', names)).toBe('api%20key=REDACTED&api+key=REDACTED');
    expect(redactQuery('password&q=%E0%A4%A', names)).toBe('password&q=%E0%A4%A');
    expect(redactQuery('a=1', new Set())).toBe('a=1');
  });

  it('url.credentials and url.query on a whole URL, leaving the rest as it was', () => {
    const names = queryNames(['token']);
    expect(redactUrl('https://user:pw@api.example/pay?Token=s3&page=2#top', names)).toBe(
      'https://REDACTED:REDACTED@api.example/pay?Token=REDACTED&page=2#top',
    );
    expect(redactUrl('http://api.example/a@b?x=1', names)).toBe('http://api.example/a@b?x=1');
    expect(redactUrl('http://api.example/?token=', names)).toBe(
      'http://api.example/?token=REDACTED',
    );
    expect(redactUrl('http://api.example/#?token=1', names)).toBe('http://api.example/#?token=1');
    expect(redactUrl('http://api.example/?a=?&token=1', names)).toBe(
      'http://api.example/?a=?&token=REDACTED',
    );
  });

  it('url.query: fragment parameters and request targets too', () => {
    const names = queryNames(['access_token', 'token']);
    expect(redactUrl('https://app.example/cb#access_token=a1&state=s', names)).toBe(
      'https://app.example/cb#access_token=REDACTED&state=s',
    );
    expect(redactUrl('/search?token=t1&q=x#token=t2', names)).toBe(
      '/search?token=REDACTED&q=x#token=REDACTED',
    );
    expect(redactUrl('/docs#token', names)).toBe('/docs#token');
  });

  it('secret.keys: names compared ignoring case, _ and -', () => {
    for (const key of ['password', 'API_KEY', 'apiKey', 'api-key', 'Set-Cookie', 'client_secret'])
      expect([key, isSecretKey(key)]).toEqual([key, true]);
    for (const key of ['passport', 'tokenizer', 'user', 'keyboard'])
      expect([key, isSecretKey(key)]).toEqual([key, false]);
  });

  it('db.statement: one pass - an unclosed string or dollar tag is a literal to the end', () => {
    expect(sanitizeSql("SELECT 1 FROM t WHERE a = 'open AND b = 2")).toBe(
      'SELECT ? FROM t WHERE a = ?',
    );
    expect(sanitizeSql('SELECT $t$ never closed')).toBe('SELECT ?');
    // Adversarial input that made the former pattern rescan: still answered, and still redacted.
    const escapes = `'${"\\'".repeat(50_000)}`;
    expect(sanitizeSql(escapes)).toBe('?');
    const tags = Array.from({ length: 20_000 }, (_, i) => `$t${i}$`).join(' ');
    expect(sanitizeSql(tags)).toBe('?');
  });

  it('url.credentials: a password holding @ is redacted whole', () => {
    expect(redactUrl('postgres://u:p@ss@db:5432/app', queryNames([]))).toBe(
      'postgres://REDACTED:REDACTED@db:5432/app',
    );
  });

  it('secret.keys: the last dotted segment of a key counts', () => {
    for (const key of ['db.password', 'http.request.header.authorization', 'aws.secret_access_key'])
      expect([key, isSecretKey(key)]).toEqual([key, true]);
    expect(isSecretKey('password.policy.length')).toBe(false);
  });
});
