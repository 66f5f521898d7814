// A generated corpus of personal data and secrets, the same on every run (seeded): valid samples
// for each built-in detector, each inside a sentence, and look-alikes that must come through
// untouched. The secret part of each sample is what must never leave the gateway.

/** One planted value: the text carrying it and the part of it that is the secret. */
export interface Sample {
  detector: string;
  text: string;
  secret: string;
}

/** A deterministic generator (mulberry32), so a failure names a sample that can be replayed. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DIGITS = '0123456789';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const ALNUM = `${UPPER}abcdefghijklmnopqrstuvwxyz${DIGITS}`;

/** The digit that makes `digits` + it pass Luhn. */
function luhnDigit(digits: string): string {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}

/** The two check digits of an IBAN (ISO 13616: the rearranged number mod 97 is 1). */
function ibanCheck(country: string, bban: string): string {
  const rearranged = `${bban}${country}00`.replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
  let remainder = 0;
  for (const digit of rearranged) remainder = (remainder * 10 + Number(digit)) % 97;
  return String(98 - remainder).padStart(2, '0');
}

class Generator {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = random(seed);
  }
  int(below: number): number {
    return Math.floor(this.next() * below);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  chars(alphabet: string, length: number): string {
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet[this.int(alphabet.length)];
    return out;
  }
  base64url(length: number): string {
    return this.chars(`${ALNUM}-_`, length);
  }
}

type Maker = (g: Generator) => { text: string; secret: string };

const CARD_PREFIXES: readonly [string, number][] = [
  ['4', 16],
  ['51', 16],
  ['55', 16],
  ['2221', 16],
  ['2720', 16],
  ['34', 15],
  ['37', 15],
  ['6011', 16],
  ['4', 19],
];

/** How each detector's samples are made: a sentence around the value, and the secret in it. */
const MAKERS: Record<string, Maker> = {
  payment_card: (g) => {
    const [prefix, length] = g.pick(CARD_PREFIXES);
    const body = prefix + g.chars(DIGITS, length - prefix.length - 1);
    const card = body + luhnDigit(body);
    const separator = g.pick(['', ' ', '-']);
    const grouped = separator === '' ? card : card.replace(/(\d{4})(?=\d)/g, `$1${separator}`);
    return { text: `card ${grouped} declined`, secret: grouped };
  },
  iban: (g) => {
    const [country, bban] = g.pick([
      ['DE', g.chars(DIGITS, 18)],
      ['GB', g.chars(UPPER, 4) + g.chars(DIGITS, 14)],
      ['FR', g.chars(DIGITS, 23)],
      ['NL', g.chars(UPPER, 4) + g.chars(DIGITS, 10)],
    ] as const);
    const iban = `${country}${ibanCheck(country, bban)}${bban}`;
    const spaced = g.int(2) === 0 ? iban : iban.replace(/(.{4})(?=.)/g, '$1 ');
    return { text: `refund to ${spaced} today`, secret: spaced };
  },
  us_ssn: (g) => {
    let area = 1 + g.int(898);
    if (area === 666) area = 667;
    const ssn = `${String(area).padStart(3, '0')}-${String(1 + g.int(99)).padStart(2, '0')}-${String(1 + g.int(9999)).padStart(4, '0')}`;
    return { text: `ssn ${ssn} on file`, secret: ssn };
  },
  email: (g) => {
    const email = `${g.chars('abcdefghijklmnopqrstuvwxyz', 3 + g.int(8))}.${g.chars(DIGITS, 2)}@${g.pick(['example.com', 'mail.example.org', 'corp.example.co.uk'])}`;
    return { text: `mail sent to ${email}`, secret: email };
  },
  jwt: (g) => {
    const jwt = `eyJ${g.base64url(30)}.eyJ${g.base64url(40 + g.int(40))}.${g.base64url(43)}`;
    return { text: `token=${jwt}`, secret: jwt };
  },
  bearer: (g) => {
    const token = g.chars(`${ALNUM}._~+/-`, 20 + g.int(30));
    return {
      text: `Authorization: ${g.pick(['Bearer', 'Basic', 'Token'])} ${token}`,
      secret: token,
    };
  },
  aws_access_key: (g) => {
    const key = `${g.pick(['AKIA', 'ASIA'])}${g.chars(UPPER + DIGITS, 16)}`;
    return { text: `using ${key} for s3`, secret: key };
  },
  private_key: (g) => {
    const kind = g.pick(['RSA ', 'EC ', '', 'OPENSSH ']);
    const key = `-----BEGIN ${kind}PRIVATE KEY-----\n${g.chars(`${ALNUM}+/`, 64)}\n${g.chars(`${ALNUM}+/`, 40)}=\n-----END ${kind}PRIVATE KEY-----`;
    return { text: `loaded ${key}`, secret: key };
  },
  // GitHub, GitLab, Slack, Stripe, Google and npm formats in turn
  known_token: (g) => {
    const token = g.pick([
      () => `ghp_${g.chars(ALNUM, 36)}`,
      () => `github_pat_${g.chars(`${ALNUM}_`, 60)}`,
      () => `glpat-${g.chars(`${ALNUM}-_`, 20)}`,
      () => `xoxb-${g.chars(DIGITS, 11)}-${g.chars(DIGITS, 13)}-${g.chars(ALNUM, 24)}`,
      () => `sk_live_${g.chars(ALNUM, 24)}`,
      () => `rk_live_${g.chars(ALNUM, 24)}`,
      () => `AIza${g.chars(`${ALNUM}-_`, 35)}`,
      () => `npm_${g.chars(ALNUM, 36)}`,
    ])();
    return { text: `configured with ${token} ok`, secret: token };
  },
  url_credentials: (g) => {
    const password = g.chars(ALNUM, 8 + g.int(12));
    const user = g.pick(['', 'admin', 'svc_reporting']);
    const userinfo = `${user}:${password}`;
    const url = `${g.pick(['postgres', 'redis', 'https', 'amqp'])}://${userinfo}@db${g.int(9)}.internal:5432/app`;
    return { text: `connecting to ${url}`, secret: password };
  },
};

/**
 * Values shaped like the samples that are not personal data or secrets: each must come through
 * exactly as it was sent. Phones and IPs are among them because their detectors are off by
 * default.
 */
const LOOK_ALIKES: readonly ((g: Generator) => string)[] = [
  (g) =>
    `request ${g.chars('0123456789abcdef', 8)}-${g.chars('0123456789abcdef', 4)}-4${g.chars('0123456789abcdef', 3)}-a${g.chars('0123456789abcdef', 3)}-${g.chars('0123456789abcdef', 12)}`,
  (g) => `trace ${g.chars('0123456789abcdef', 32)} span ${g.chars('0123456789abcdef', 16)}`,
  (g) => `at ${1_700_000_000_000 + g.int(100_000_000_000)} ms`,
  (g) => {
    // 16 digits with a card prefix that fail Luhn
    const body = `4${g.chars(DIGITS, 14)}`;
    const wrong = (Number(luhnDigit(body)) + 1 + g.int(9)) % 10;
    return `order ${body}${wrong}`;
  },
  (g) =>
    `version ${g.int(20)}.${g.int(50)}.${g.int(200)} released ${2020 + g.int(6)}-0${1 + g.int(9)}-1${g.int(10)}`,
  (g) =>
    `ssn-like 000-${g.chars(DIGITS, 2)}-${g.chars(DIGITS, 4)} and 666-12-${g.chars(DIGITS, 4)}`,
  (g) => {
    const bban = g.chars(DIGITS, 18);
    const check = ibanCheck('DE', bban);
    const wrong = String((Number(check) + 1) % 100).padStart(2, '0');
    return `account DE${wrong}${bban}`;
  },
  (g) => `clone ssh://git@git${g.int(9)}.example.com/repo.git`,
  (g) => `call +1 415 555 ${g.chars(DIGITS, 4)} from 10.${g.int(255)}.${g.int(255)}.${g.int(255)}`,
  (g) => `GET /api/v2/users/${g.int(1_000_000)}/orders?page=${g.int(9)}`,
];

/** Detector names the corpus plants, in a fixed order. */
export const CORPUS_DETECTORS: readonly string[] = Object.keys(MAKERS);

/** `perDetector` samples of each detector, and as many look-alikes, from `seed`. */
export function piiCorpus(
  perDetector: number,
  seed = 17,
): { samples: Sample[]; lookAlikes: string[] } {
  const g = new Generator(seed);
  const samples: Sample[] = [];
  for (const detector of CORPUS_DETECTORS)
    for (let i = 0; i < perDetector; i++) samples.push({ detector, ...MAKERS[detector]!(g) });
  const lookAlikes: string[] = [];
  for (let i = 0; i < perDetector; i++) lookAlikes.push(LOOK_ALIKES[i % LOOK_ALIKES.length]!(g));
  return { samples, lookAlikes };
}
