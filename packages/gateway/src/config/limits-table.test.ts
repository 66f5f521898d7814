import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readReadmeSection } from '../../../../scripts/readme-section.ts';
import { DEFAULT_DECODE_LIMITS, decodeLimitsSchema } from '../receivers/limits.ts';
import { ANSWERS, limitsTable } from './limits-table.ts';

describe('the README limits section', () => {
  it('documents every decode limit with the answer a client gets past it', () => {
    for (const key of Object.keys(decodeLimitsSchema.unwrap().shape))
      expect(ANSWERS).toHaveProperty(key);
    for (const [key, value] of Object.entries(DEFAULT_DECODE_LIMITS))
      expect(limitsTable()).toContain(`| \`receivers.*.limits.${key}\` | \`${value}\` |`);
  });

  it('matches the schemas (regenerate: pnpm --filter @org/otel-gateway run limits)', () => {
    const readme = join(import.meta.dirname, '..', '..', 'README.md');
    expect(readReadmeSection(readme, 'limits')).toBe(limitsTable());
  });
});
