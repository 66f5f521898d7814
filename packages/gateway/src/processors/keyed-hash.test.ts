// The keyed hash of the enrich and redact hash actions is HMAC-SHA256, byte for byte.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { random } from '../../test-support/pii-corpus.ts';
import { keyedHash } from './keyed-hash.ts';

describe('keyedHash', () => {
  const next = random(99);
  const text = (length: number) =>
    Array.from({ length }, () => String.fromCodePoint(32 + Math.floor(next() * 0x2ff))).join('');

  it.each([
    ['a short key', 'k'],
    ['a 64-byte key', 'x'.repeat(64)],
    ['a key longer than a block', 'key-'.repeat(40)],
    ['a key beyond ASCII', 'schlüssel-ключ'],
  ])('equals createHmac with %s, for empty, short, multi-byte and long texts', (_name, key) => {
    const hmac = keyedHash(key);
    for (const value of ['', 'user-4711', text(10), text(1365), text(1366), text(5000)])
      expect(hmac(value)).toBe(createHmac('sha256', key).update(value).digest('hex'));
  });
});
