import { RE2JS } from 're2js';
import type { Shape } from './shape.ts';
import {
  AT,
  AUTH_WORD,
  COLON,
  DASH,
  DASHES,
  DOT,
  IBAN_START,
  JWT,
  PLUS,
  TOKEN_HINT,
} from './shape.ts';

/**
 * Built-in detectors of sensitive values in strings. Each has a stable name (the `rule` label of
 * otelgw_redactions_total), is on or off by default, and replaces what it finds in place, leaving
 * the rest of the string: `card 4111 1111 1111 1111 declined` keeps its words. Patterns are fixed
 * here, anchored on word boundaries and bounded in length; none nests quantifiers, so none can
 * backtrack catastrophically. Where a shape alone would catch look-alikes (order ids, timestamps),
 * a check confirms it: Luhn for cards, mod 97 for IBANs.
 */
export interface Detector {
  readonly name: string;
  readonly onByDefault: boolean;
  /**
   * A necessary condition of a finding (an `@`, 13 digits in a row, `://`…) checked on the text's
   * shape, so most strings skip the pattern's scan; undefined: every string is scanned.
   */
  readonly gate: Required<Gate> | undefined;
  /** Calls `replace` for each finding; returns the string with every finding replaced. */
  scrub(text: string, replacement: (found: string) => string): string;
}

/** What a string's shape must show for a detector to scan it: all of it. */
export interface Gate {
  /** Every one of these marks. */
  marks?: number;
  digitRun?: number;
  capitalRun?: number;
  length?: number;
  /** A last check on the text itself, when the shape says yes. */
  text?: ((text: string) => boolean) | undefined;
}

/** A gate with every field set: one object shape, so checking any gate stays monomorphic. */
type FullGate = Required<Gate>;

const full = (gate: Gate): FullGate => ({
  marks: gate.marks ?? 0,
  digitRun: gate.digitRun ?? 0,
  capitalRun: gate.capitalRun ?? 0,
  length: gate.length ?? 0,
  text: gate.text,
});

/** Whether a string of `shape` passes `gate`. */
export function passes(gate: FullGate | undefined, shape: Shape, text: string): boolean {
  if (!gate) return true;
  return (
    (shape.marks & gate.marks) === gate.marks &&
    shape.digitRun >= gate.digitRun &&
    shape.capitalRun >= gate.capitalRun &&
    shape.length >= gate.length &&
    (gate.text === undefined || gate.text(text))
  );
}

/**
 * One quick test implied by every detector's gate: a string without any of the gates' marks,
 * digit runs or capital runs passes none of them. Detectors without a gate make it always true.
 */
export function anyGate(detectors: readonly Detector[]): (shape: Shape) => boolean {
  let marks = 0;
  let digitRun = Infinity;
  let capitalRun = Infinity;
  for (const { gate } of detectors) {
    if (!gate) return () => true;
    if (gate.marks) marks |= gate.marks;
    else if (gate.digitRun) digitRun = Math.min(digitRun, gate.digitRun);
    else if (gate.capitalRun) capitalRun = Math.min(capitalRun, gate.capitalRun);
    else return () => true;
  }
  return (shape) =>
    (shape.marks & marks) !== 0 || shape.digitRun >= digitRun || shape.capitalRun >= capitalRun;
}

/** A detector from a pattern (global flag required) and an optional check of each match. */
function pattern(
  name: string,
  onByDefault: boolean,
  gate: Gate,
  regex: RegExp,
  /** Confirms a match; `before` is the text just before it. */
  check: (match: string, before: string) => boolean = () => true,
  /** Replace only this capture group of the match (the secret after a label). */
  group?: number,
): Detector {
  return {
    name,
    onByDefault,
    gate: full(gate),
    scrub: (text, replacement) =>
      text.replace(regex, (match: string, ...groups: unknown[]) => {
        const offset = groups.at(-2) as number;
        if (!check(match, text.slice(Math.max(0, offset - 256), offset))) return match;
        if (group === undefined) return replacement(match);
        const secret = groups[group - 1] as string | undefined;
        return secret ? match.replace(secret, () => replacement(secret)) : match;
      }),
  };
}

/**
 * A detector whose matches are confirmed by `valid`; a match that fails is tried again without
 * its trailing parts (cut at `separator` or digit by digit), so a valid number followed by more
 * digits or a short word (`… 12/25`, `… EUR`) is still found.
 */
function prefixChecked(
  name: string,
  gate: Gate,
  regex: RegExp,
  valid: (candidate: string) => boolean,
  separator: RegExp,
): Detector {
  return {
    name,
    onByDefault: true,
    gate: full(gate),
    scrub: (text, replacement) =>
      text.replace(regex, (match: string) => {
        for (let end = match.length; end > 0; end--) {
          const candidate = match.slice(0, end);
          if (separator.test(match.charAt(end - 1))) continue;
          // never cut inside a run of digits or letters: only before a separator or at the end
          const next = match.charAt(end);
          if (next !== '' && !separator.test(next)) continue;
          if (valid(candidate)) return replacement(candidate) + match.slice(end);
        }
        return match;
      }),
  };
}

/** The Luhn checksum of a digit string (spaces and dashes ignored). */
export function luhn(candidate: string): boolean {
  const digits = candidate.replace(/[ -]/g, '');
  if (digits.length < 13 || digits.length > 19) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** The ISO 13616 check of an IBAN: the rearranged number is 1 modulo 97. */
export function ibanValid(candidate: string): boolean {
  const iban = candidate.replace(/ /g, '').toUpperCase();
  if (iban.length < 15 || iban.length > 34) return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const c of rearranged) {
    const value = c >= 'A' ? String(c.charCodeAt(0) - 55) : c;
    for (const digit of value) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder === 1;
}

/**
 * A detector from a user's RE2 pattern (rule `patterns`): RE2 matches in time linear in the input,
 * so no configured pattern can hang the gateway. Empty matches are skipped: `x*` finds only runs.
 */
export function re2Detector(name: string, pattern: string): Detector {
  const regex = RE2JS.compile(pattern);
  return {
    name,
    onByDefault: true,
    gate: undefined,
    scrub: (text, replacement) => {
      const matcher = regex.matcher(text);
      let out = '';
      let last = 0;
      let from = 0;
      while (from <= text.length && matcher.find(from)) {
        const start = matcher.start();
        const end = matcher.end();
        if (end === start) {
          from = end + 1;
          continue;
        }
        out += text.slice(last, start) + replacement(text.slice(start, end));
        last = from = end;
      }
      return last === 0 ? text : out + text.slice(last);
    },
  };
}

export const DETECTORS: readonly Detector[] = [
  // A block cut off before its END line (attribute length limits do that) is masked to the end.
  pattern(
    'private_key',
    true,
    { marks: DASHES, text: (t) => t.includes('PRIVATE KEY') },
    /-----BEGIN [A-Z ]{0,20}PRIVATE KEY(?: BLOCK)?-----(?:[\s\S]*?-----END [A-Z ]{0,20}PRIVATE KEY(?: BLOCK)?-----|[\s\S]*$)/g,
  ),
  // The classes exclude the dots between parts, so the unbounded runs cannot backtrack.
  pattern('jwt', true, { marks: JWT }, /\beyJ[\w-]{5,}\.eyJ[\w-]{5,}\.[\w-]*/g),
  pattern(
    'bearer',
    true,
    { marks: AUTH_WORD },
    /\b(?:Bearer|Basic|Token|Digest)\s+([\w~+/.=-]{8,})/gi,
    () => true,
    1,
  ),
  pattern('aws_access_key', true, { capitalRun: 20 }, /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g),
  pattern(
    'known_token',
    true,
    { marks: TOKEN_HINT, length: 15 },
    /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_\w{22,}|glpat-[\w-]{20,}|xox[abprs]-[\w-]{10,}|(?:sk|rk)_live_[A-Za-z0-9]{10,}|AIza[\w-]{35}|npm_[A-Za-z0-9]{36,})/g,
  ),
  // `user:password@` (the user may be empty: `redis://:pw@host`), or a lone user that looks like a
  // token (`https://<token>@host`: 16+ characters mixing letters and digits); `git@` stays.
  pattern(
    'url_credentials',
    true,
    { marks: AT | COLON },
    /\b[a-z][\w+.-]{0,20}:\/\/([^/\s:@]{0,256}:[^/\s@]{1,256}|[\w~.%+-]{16,256})@/gi,
    (match) => {
      if (match.endsWith('REDACTED:REDACTED@')) return false; // what rule url.query already replaced
      const userinfo = match.slice(match.indexOf('//') + 2, -1);
      return userinfo.includes(':') || (/[a-z]/i.test(userinfo) && /\d/.test(userinfo));
    },
    1,
  ),
  pattern(
    'email',
    true,
    { marks: AT },
    /\b[\w.%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){1,8}\b/g,
    // user@host in a URL's authority is userinfo (rule url_credentials), not an address
    (_match, before) => !/:\/\/[^\s/@]*$/.test(before),
  ),
  // Before cards: an IBAN's digits can hold a run that passes as a card (`DE.. 3704 0044 …`).
  prefixChecked(
    'iban',
    { marks: IBAN_START, length: 15 },
    /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b/gi,
    ibanValid,
    / /,
  ),
  // Card numbers start with an issuer prefix, which keeps epoch-millisecond timestamps and most
  // order ids out even when their digits pass Luhn; a run that fails Luhn is tried again shorter
  // (a card followed by an expiry or a suffix: `4111111111111111 12/25`).
  prefixChecked(
    'payment_card',
    { digitRun: 13 },
    /\b(?:4|5[0-8]|2[2-7]|3[0-9]|6[0-9])\d(?:[ -]?\d){11,17}\b/g,
    // 8-4-4 grouping is a UUID's, never a card's
    (candidate) =>
      /^\d(?:[ -]?\d){12,18}$/.test(candidate) && !/^\d{8}-/.test(candidate) && luhn(candidate),
    /[ -]/,
  ),
  pattern(
    'us_ssn',
    true,
    { marks: DASH, digitRun: 9 },
    /\b(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}\b/g,
  ),
  pattern(
    'phone',
    false,
    { marks: PLUS, digitRun: 2 },
    /(?<![\w+])\+\d{1,3}[ .-]?(?:\(\d{1,4}\)[ .-]?)?\d{2,4}(?:[ .-]?\d{2,4}){1,4}\b/g,
  ),
  pattern(
    'ipv4',
    false,
    { marks: DOT, digitRun: 1 },
    /\b(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)\b/g,
  ),
  pattern(
    'ipv6',
    false,
    { marks: COLON },
    /\b(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}\b|\b(?:[0-9a-f]{1,4}:){1,6}:(?:[0-9a-f]{1,4}:?){0,6}\b/gi,
  ),
];

export const DETECTOR_NAMES: readonly string[] = DETECTORS.map((d) => d.name);
