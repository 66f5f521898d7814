import { RE2JS } from 're2js';

/** A key matcher from exact keys and globs (RE2: linear time whatever the config holds). */
export function keyMatcher(patterns: readonly string[]): (key: string) => boolean {
  const exact = new Set(patterns.filter((p) => !p.includes('*')));
  const globs = patterns
    .filter((p) => p.includes('*'))
    .map((p) =>
      RE2JS.compile(
        `^${p
          .split('*')
          .map((part) => RE2JS.quote(part))
          .join('.*')}$`,
      ),
    );
  return (key) => exact.has(key) || globs.some((g) => g.matches(key));
}

export interface KeyRule {
  name: string;
  matches: (key: string) => boolean;
  action: 'drop' | 'mask' | 'hash';
}

/** Which value rule a key's string values get before the detectors. */
export type ValueRule = 'none' | 'sql' | 'url' | 'query';

/**
 * A place values are found in (an attribute key, the span name…) and the last value found clean
 * there: many values repeat from record to record (a user agent, a host, a route, SQL once its
 * literals are gone), and comparing with the last one is far cheaper than scanning it again.
 */
export interface Place {
  lastClean: string | undefined;
}

/** Everything redact decides from an attribute key alone. */
export interface KeyPlan extends Place {
  /** On the allow-list, or no allow-list. */
  allowed: boolean;
  /** The first rule by key that matches. */
  rule: KeyRule | undefined;
  /** The detectors find nothing in the key itself. */
  clean: boolean;
  /** Secret-named, with rule secret.keys on: the value is masked. */
  secret: boolean;
  value: ValueRule;
}

const PLANS = 16_384;
const KEY_LENGTH = 256;

/**
 * Key plans, made once per key: keys repeat in every batch, so a batch costs one lookup per
 * attribute instead of an allow-list match, rule matches, a detector pass, a secret-name check and
 * the SQL and URL key checks. Emptied when full; long keys, and keys that hold something the
 * detectors find, are planned every time.
 */
export class KeyPlans {
  private readonly plans = new Map<string, KeyPlan>();
  private readonly make: (key: string) => KeyPlan;

  constructor(make: (key: string) => KeyPlan) {
    this.make = make;
  }

  get(key: string): KeyPlan {
    let plan = this.plans.get(key);
    if (plan) return plan;
    plan = this.make(key);
    // A key the detectors found something in is not kept: it holds what they redact.
    if (plan.clean && key.length <= KEY_LENGTH) {
      if (this.plans.size >= PLANS) this.plans.clear();
      this.plans.set(key, plan);
    }
    return plan;
  }
}
