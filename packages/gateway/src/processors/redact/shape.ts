/**
 * What one pass over a string tells the detectors' gates: which marker characters it holds, how
 * many digits, the longest run of capitals and digits, whether `eyJ` or two letters followed by
 * two digits appear. Every detector needs something here (an `@`, 13 digits, `://`…) that most
 * strings lack, so most strings are scanned once instead of once per detector.
 */
export interface Shape {
  /** Bits of the marks below. */
  marks: number;
  /** Longest run of digits with at most one space or dash between two (card and SSN shape). */
  digitRun: number;
  /** Longest run of [A-Z0-9]. */
  capitalRun: number;
  length: number;
}

export const AT = 1;
export const COLON = 2;
export const DASH = 4;
export const PLUS = 8;
export const DOT = 16;
/** `eyJ`: a base64url-encoded JSON object, the start of every JWT part. */
export const JWT = 32;
/** Two letters then two digits (any case) at the start of a word: where every IBAN starts. */
export const IBAN_START = 64;
/** A word starting `bearer`, `basic`, `token` or `digest`, in any case. */
export const AUTH_WORD = 128;
/**
 * Three characters that end a known token prefix: `h?_` (ghp_, gho_…), `ub_` (github_pat_),
 * `ve_` (_live_), `pm_` (npm_), `at-` (glpat-), `x?-` (xoxb-…), `AIz` (AIza).
 */
export const TOKEN_HINT = 256;
/** Five dashes in a row (a PEM armour line). */
export const DASHES = 512;

const AUTH_WORDS = ['bearer', 'basic', 'token', 'digest'];

/** Whether a word of AUTH_WORDS starts at `at` (ASCII case folded). */
function authWordAt(text: string, at: number): boolean {
  for (const word of AUTH_WORDS) {
    if (at + word.length > text.length) continue;
    let i = 0;
    while (i < word.length && (text.charCodeAt(at + i) | 0x20) === word.charCodeAt(i)) i++;
    if (i === word.length) return true;
  }
  return false;
}

// Per ASCII character: its kind in the low two bits, its mark above them, SEPARATOR for the
// space and the dash (which may sit between the digits of a card number).
const OTHER = 0;
const LOWER = 1;
const UPPER = 2;
const DIGIT = 3;
const MARK_SHIFT = 2;
const SEPARATOR = 1 << 8;
const TABLE = new Uint16Array(128);
for (let c = 48; c <= 57; c++) TABLE[c] = DIGIT;
for (let c = 65; c <= 90; c++) TABLE[c] = UPPER;
for (let c = 97; c <= 122; c++) TABLE[c] = LOWER;
TABLE[64] = AT << MARK_SHIFT;
TABLE[58] = COLON << MARK_SHIFT;
TABLE[45] = (DASH << MARK_SHIFT) | SEPARATOR;
TABLE[43] = PLUS << MARK_SHIFT;
TABLE[46] = DOT << MARK_SHIFT;
TABLE[32] = SEPARATOR;
const MARK_BITS = (AT | COLON | DASH | PLUS | DOT) << MARK_SHIFT;

/** `c` is one of `chars`. */
const among = (c: number, chars: string) => chars.includes(String.fromCharCode(c));

/** Whether the three characters ending with `c` end a known token prefix (see TOKEN_HINT). */
function tokenHint(c: number, previous: number, beforePrevious: number): boolean {
  if (c === 95)
    return (
      (beforePrevious === 104 && among(previous, 'pousr')) || // h?_
      (beforePrevious === 117 && previous === 98) || // ub_
      (beforePrevious === 118 && previous === 101) || // ve_
      (beforePrevious === 112 && previous === 109) // pm_
    );
  if (c === 45)
    return (
      (beforePrevious === 97 && previous === 116) || // at-
      (beforePrevious === 120 && among(previous, 'abprs')) // x?-
    );
  return c === 122 && previous === 73 && beforePrevious === 65; // AIz
}

/** Fills `into` with the shape of `text` and returns it (one object reused: no allocation). */
export function shapeOf(text: string, into: Shape): Shape {
  let marks = 0;
  let capitals = 0;
  let capitalRun = 0;
  let digits = 0; // the current run of digits (single separators allowed)
  let digitRun = 0;
  let separated = false; // the last character was a space or dash after a digit
  let previousKind = OTHER;
  let kinds = 0; // the kinds of the last three characters, newest in the low bits
  let previous = 0;
  let beforePrevious = 0;
  let third = 0; // the character before beforePrevious
  let fourth = 0;
  let dashes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const entry = c < 128 ? TABLE[c]! : 0;
    const kind = entry & 3;
    if (kind === DIGIT) {
      if (++capitals > capitalRun) capitalRun = capitals;
      if (++digits > digitRun) digitRun = digits;
      separated = false;
      dashes = 0;
      // a word start, letter, letter, digit, then this digit
      if (isIbanStart(kinds) && (i === 3 || !isWordChar(fourth))) marks |= IBAN_START;
    } else {
      marks |= (entry & MARK_BITS) >> MARK_SHIFT;
      if ((entry & SEPARATOR) !== 0 && digits > 0 && !separated) separated = true;
      else {
        digits = 0;
        separated = false;
      }
      if (c === 45) {
        if (++dashes === 5) marks |= DASHES;
      } else dashes = 0;
      if (kind === UPPER) {
        if (++capitals > capitalRun) capitalRun = capitals;
        if (c === 74 && previous === 121 && beforePrevious === 101) marks |= JWT; // e y J
      } else {
        capitals = 0;
        if (c === 95 || c === 45 || c === 122) {
          if (tokenHint(c, previous, beforePrevious)) marks |= TOKEN_HINT;
        }
      }
      // a word start (no letter, digit or _ before it) with b, t or d, in either case
      if (kind !== OTHER && previousKind === OTHER && previous !== 95) {
        const lower = c | 0x20;
        if ((lower === 98 || lower === 116 || lower === 100) && authWordAt(text, i))
          marks |= AUTH_WORD;
      }
    }
    kinds = ((kinds << 2) | kind) & 0xff;
    previousKind = kind;
    fourth = third;
    third = beforePrevious;
    beforePrevious = previous;
    previous = c;
  }
  into.marks = marks;
  into.digitRun = digitRun;
  into.capitalRun = capitalRun;
  into.length = text.length;
  return into;
}

/** A character `\w` matches (ASCII letters, digits, `_`). */
const isWordChar = (c: number) => (c < 128 && (TABLE[c]! & 3) !== OTHER) || c === 95;

/** The kinds before a digit were letter, letter, digit (any case). */
function isIbanStart(kinds: number): boolean {
  const third = (kinds >> 4) & 3;
  const second = (kinds >> 2) & 3;
  return (
    (kinds & 3) === DIGIT &&
    (second === LOWER || second === UPPER) &&
    (third === LOWER || third === UPPER)
  );
}

export const emptyShape = (): Shape => ({ marks: 0, digitRun: 0, capitalRun: 0, length: 0 });
