// The detectors' gates skip a pattern's scan when a string's shape rules a match out. A gate that
// is wrong hides a secret, so: for every detector, every string its pattern finds something in
// must pass its gate. Checked on the PII corpus (each sample alone and inside text), its
// look-alikes, and strings made at random from the characters the patterns care about.
import { describe, expect, it } from 'vitest';
import { piiCorpus, random } from '../../../test-support/pii-corpus.ts';
import { DETECTORS, passes } from './detectors.ts';
import { AUTH_WORD, IBAN_START, JWT, TOKEN_HINT, emptyShape, shapeOf } from './shape.ts';

const PIECES = [
  ...'0123456789 -+.:@/_=',
  'eyJ',
  'Bearer ',
  'bAsIc ',
  'TOKEN\t',
  'digest\u00a0',
  'AKIA',
  'ghp_',
  'github_pat_',
  'glpat-',
  'xoxb-',
  'sk_live_',
  'AIza',
  'npm_',
  'DE89',
  'gb82',
  '-----BEGIN PRIVATE KEY-----',
  'https://',
  'user:pw@',
  'a',
  'Z',
  'x',
  '\u00e9',
];

function randomStrings(count: number): string[] {
  const next = random(4242);
  return Array.from({ length: count }, () => {
    let text = '';
    const parts = 1 + Math.floor(next() * 40);
    for (let i = 0; i < parts; i++) text += PIECES[Math.floor(next() * PIECES.length)];
    return text;
  });
}

describe('detector gates', () => {
  const { samples, lookAlikes } = piiCorpus(300);
  const texts = [
    ...samples.flatMap((s) => [s.text, s.secret, `id=${s.secret};`, `${s.secret}\n`]),
    ...lookAlikes,
    ...randomStrings(50_000),
  ];

  it.each(DETECTORS.map((d) => [d.name, d] as const))(
    '%s: never skips a string it finds something in',
    (_name, detector) => {
      const shape = emptyShape();
      const hidden = texts.filter(
        (text) =>
          detector.scrub(text, () => '#') !== text &&
          !passes(detector.gate, shapeOf(text, shape), text),
      );
      expect(hidden).toEqual([]);
    },
  );

  it('reads the shape a string has', () => {
    const shape = (text: string) => ({ ...shapeOf(text, emptyShape()) });
    expect(shape('card 4111 1111-1111 1111 exp 12/25')).toMatchObject({ digitRun: 16 });
    expect(shape('4111  1111')).toMatchObject({ digitRun: 4 }); // two separators break a run
    expect(shape('x AKIAABCDEFGHIJKLMNOP y').capitalRun).toBe(20);
    expect(shape('Authorization: bearer abc').marks & AUTH_WORD).toBe(AUTH_WORD);
    expect(shape('unbearer abc').marks & AUTH_WORD).toBe(0); // not at a word start
    expect(shape('a.eyJhb').marks & JWT).toBe(JWT);
    expect(shape('iban de89370400440532013000').marks & IBAN_START).toBe(IBAN_START);
    expect(shape('abc1d23').marks & IBAN_START).toBe(0);
    expect(shape('a26862de89f73d1').marks & IBAN_START).toBe(0); // inside a word: no IBAN starts there
    expect(shape('key AIzaSy').marks & TOKEN_HINT).toBe(TOKEN_HINT);
    expect(shape('plain words only').marks & TOKEN_HINT).toBe(0);
  });
});
