import { describe, expect, it } from 'vitest';
import { capturableHeaders, redactQuery, sanitizeSql } from './redaction.ts';

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
  });

  it('http.headers: the deny-list wins over the allow-list', () => {
    expect(capturableHeaders(['X-Request-Id', 'Cookie', 'authorization', 'Set-Cookie'])).toEqual([
      'x-request-id',
    ]);
  });

  it('url.query: replaces the values of named parameters only', () => {
    const names = new Set(['password', 'api key']);
    expect(redactQuery('a=1&password=hunter2&b=2', names)).toBe('a=1&password=REDACTED&b=2');
    expect(redactQuery('api%20key=x&api+key=y', names)).toBe('api%20key=REDACTED&api+key=REDACTED');
    expect(redactQuery('password&q=%E0%A4%A', names)).toBe('password&q=%E0%A4%A');
    expect(redactQuery('a=1', new Set())).toBe('a=1');
  });
});
