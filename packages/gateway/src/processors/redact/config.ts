import { z } from 'zod';
import { re2Pattern } from '../../config/re2.ts';
import { DETECTOR_NAMES } from './detectors.ts';

const keyPattern = z
  .string()
  .min(1)
  .describe('An attribute key, exactly, or a glob where * stands for any run of characters.');

const ruleName = z
  .string()
  .regex(/^[a-z0-9_.-]+$/, 'lowercase letters, digits, _ . -')
  .describe('The rule label of otelgw_redactions_total.');

const ruleSchema = z.strictObject({
  name: ruleName,
  keys: z.array(keyPattern).min(1).describe('The attribute keys the rule covers, at any depth.'),
  action: z
    .enum(['drop', 'mask', 'hash'])
    .default('mask')
    .describe('drop the attribute, mask its value, or replace it with a keyed hash.'),
});

const patternSchema = z.strictObject({
  name: ruleName.refine((name) => !DETECTOR_NAMES.includes(name), {
    message: 'a built-in detector has this name',
  }),
  pattern: re2Pattern.describe(
    'An RE2 regular expression (linear time whatever the input); every match in every string is replaced.',
  ),
  action: z
    .enum(['mask', 'hash'])
    .optional()
    .describe('What replaces a match; detector_action when not given.'),
});

export const redactProcessorConfigSchema = z
  .strictObject({
    rules: z.array(ruleSchema).default([]).describe('Rules by attribute key, applied first.'),
    allowed_keys: z
      .array(keyPattern)
      .optional()
      .describe(
        'When set, only these attribute keys are kept; every other attribute is dropped (fails closed), counted as rule allowed_keys.',
      ),
    detectors: z
      .record(z.string(), z.boolean())
      .default({})
      .superRefine((switches, ctx) => {
        for (const name of Object.keys(switches))
          if (!DETECTOR_NAMES.includes(name))
            ctx.addIssue({
              code: 'custom',
              path: [name],
              message: `unknown detector ${name}; known: ${DETECTOR_NAMES.join(', ')}`,
            });
      })
      .describe(
        'Built-in value detectors switched on or off by name; the rest keep their default (phone, ipv4, ipv6 off; all others on).',
      ),
    patterns: z
      .array(patternSchema)
      .default([])
      .describe(
        'Detectors of your own, applied to every string after the built-in ones: an account number format, an internal ticket id…',
      ),
    detector_action: z
      .enum(['mask', 'hash'])
      .default('mask')
      .describe('What replaces a value a detector found.'),
    secret_keys: z
      .boolean()
      .default(true)
      .describe(
        'Mask the values of secret-named keys (password, token, api_key, cookie…): rule secret.keys.',
      ),
    sql: z
      .boolean()
      .default(true)
      .describe(
        'Replace the literals in db.statement and db.query.text with ?: rule db.statement.',
      ),
    url_query_params: z
      .array(z.string().min(1))
      .default([
        'token',
        'access_token',
        'api_key',
        'apikey',
        'key',
        'password',
        'secret',
        'signature',
        'sig',
        'code',
      ])
      .describe(
        'Query and fragment parameters whose values are redacted in url.full, http.url, http.target and url.query: rule url.query.',
      ),
    mask: z.string().default('[REDACTED]').describe('What replaces a masked value.'),
    hash_key_env: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name')
      .optional()
      .describe('Environment variable holding the HMAC-SHA256 key of hash actions.'),
  })
  .superRefine((config, ctx) => {
    const hashes =
      config.detector_action === 'hash' ||
      config.rules.some((rule) => rule.action === 'hash') ||
      config.patterns.some((pattern) => pattern.action === 'hash');
    if (hashes && config.hash_key_env === undefined)
      ctx.addIssue({ code: 'custom', path: ['hash_key_env'], message: 'hash actions need a key' });
  })
  .describe('Removes secrets and personal data from every place a value can hide.');

export type RedactProcessorConfig = z.infer<typeof redactProcessorConfigSchema>;
