import { z } from 'zod';
import { re2Pattern } from '../../config/re2.ts';

const attributeValue = z.union([z.string(), z.number(), z.boolean()]);

const actionSchema = z
  .strictObject({
    key: z.string().min(1).describe('The attribute the action works on.'),
    action: z
      .enum(['insert', 'upsert', 'update', 'delete', 'rename', 'hash', 'extract'])
      .default('insert')
      .describe(
        'insert: set when absent (keeps what the app set); upsert: always set; update: set only when present; delete; rename to `to`; hash: replace with an HMAC-SHA256 (key from `hash_key_env`); extract: named groups of `pattern` become attributes.',
      ),
    on: z
      .enum(['resource', 'scope', 'record'])
      .default('resource')
      .describe(
        'Where: the resource, the instrumentation scope, or each span, log record or data point.',
      ),
    value: attributeValue.optional().describe('A literal value.'),
    from_env: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name')
      .optional()
      .describe(
        'Take the value from this environment variable (read at start; unset is an error).',
      ),
    from_attribute: z
      .string()
      .min(1)
      .optional()
      .describe(
        'Take the value from another attribute in the same place (no change when it is absent).',
      ),
    to: z.string().min(1).optional().describe('rename: the new key.'),
    pattern: re2Pattern
      .optional()
      .describe(
        'extract: an RE2 pattern (linear time, cannot hang) with named groups: (?<name>…).',
      ),
  })
  .superRefine((action, ctx) => {
    const sources = [action.value, action.from_env, action.from_attribute].filter(
      (source) => source !== undefined,
    ).length;
    const needsValue = ['insert', 'upsert', 'update'].includes(action.action);
    if (needsValue && sources !== 1)
      ctx.addIssue({
        code: 'custom',
        message: `${action.action} needs exactly one of value, from_env, from_attribute`,
      });
    if (!needsValue && sources > 0)
      ctx.addIssue({ code: 'custom', message: `${action.action} takes no value` });
    if ((action.action === 'rename') !== (action.to !== undefined))
      ctx.addIssue({
        code: 'custom',
        path: ['to'],
        message: 'to goes with rename, and only with it',
      });
    if ((action.action === 'extract') !== (action.pattern !== undefined))
      ctx.addIssue({
        code: 'custom',
        path: ['pattern'],
        message: 'pattern goes with extract, and only with it',
      });
  });

export type EnrichAction = z.infer<typeof actionSchema>;

export const enrichProcessorConfigSchema = z
  .strictObject({
    actions: z.array(actionSchema).default([]).describe('Applied in order, to every batch.'),
    catalog: z
      .strictObject({
        path: z.string().min(1).describe('The catalog file (YAML or JSON).'),
        interval_ms: z
          .number()
          .int()
          .min(100)
          .default(1000)
          .describe('How often the file is checked for changes.'),
      })
      .optional()
      .describe(
        'A service catalog: resource attributes (team, owner, tier, on-call…) by service.name, applied before the actions, re-read when the file changes.',
      ),
    hash_key_env: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name')
      .optional()
      .describe(
        'Environment variable holding the HMAC key of `hash` actions (equal values hash alike across services; without the key nobody can test guesses).',
      ),
  })
  .superRefine((config, ctx) => {
    if (config.actions.length === 0 && config.catalog === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['actions'],
        message: 'give actions, a catalog, or both',
      });
    if (config.actions.some((a) => a.action === 'hash') && config.hash_key_env === undefined)
      ctx.addIssue({ code: 'custom', path: ['hash_key_env'], message: 'hash actions need a key' });
  })
  .describe('Sets, changes or removes attributes on resources, scopes or records.');

export type EnrichProcessorConfig = z.infer<typeof enrichProcessorConfigSchema>;
