import { describe, expect, it } from 'vitest';
import { capturableHeaders, sanitizeSql } from './redaction.ts';

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
});
