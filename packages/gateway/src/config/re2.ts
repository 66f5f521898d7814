import { RE2JS } from 're2js';
import { z } from 'zod';

/**
 * A user-supplied regular expression, checked at config time by compiling it with RE2 (linear
 * time whatever the input, so no pattern can hang the gateway); one RE2 refuses (lookaround,
 * backreferences) is a config error naming it.
 */
export const re2Pattern = z
  .string()
  .min(1)
  .superRefine((pattern, ctx) => {
    try {
      RE2JS.compile(pattern);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: `not an RE2 pattern: ${(error as Error).message}` });
    }
  });
