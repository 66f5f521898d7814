import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gatewayJsonSchema } from './json-schema.ts';

const committed = join(import.meta.dirname, '..', '..', 'gateway.schema.json');

describe('gateway.schema.json', () => {
  it('matches the zod schemas (regenerate: pnpm --filter @org/otel-gateway schema)', () => {
    const expected = `${JSON.stringify(gatewayJsonSchema(), null, 2)}\n`;
    expect(readFileSync(committed, 'utf8')).toBe(expected);
  });

  it('describes every component type and its options', () => {
    const schema = gatewayJsonSchema() as {
      properties: Record<string, { patternProperties?: Record<string, unknown> }>;
    };
    expect(Object.keys(schema.properties.exporters!.patternProperties!)).toEqual([
      '^otlp_http(/[A-Za-z0-9_.-]+)?$',
      '^otlp_grpc(/[A-Za-z0-9_.-]+)?$',
      '^file(/[A-Za-z0-9_.-]+)?$',
      '^debug(/[A-Za-z0-9_.-]+)?$',
    ]);
    expect(JSON.stringify(schema)).toContain('max_body_bytes');
  });
});
