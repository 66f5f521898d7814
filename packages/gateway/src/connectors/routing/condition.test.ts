// Routing conditions, table-driven from testdata/conditions.yaml, and the config errors that name
// what is wrong.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { toList } from '../../../test-support/compact.ts';
import type { Scalar } from '../../values.ts';
import type { Field, MatchView } from './condition.ts';
import { compileCondition, conditionSchema, needsRecord } from './condition.ts';

interface Case {
  name: string;
  condition: unknown;
  view: {
    resource?: Record<string, Scalar>;
    record?: Record<string, Scalar>;
    scope?: string;
    fields?: Partial<Record<Field, string | number>>;
    tenant?: string;
    headers?: Record<string, string>;
  };
  matches: boolean;
}

const cases = parse(
  readFileSync(join(import.meta.dirname, 'testdata', 'conditions.yaml'), 'utf8'),
) as Case[];

function viewOf(v: Case['view']): MatchView {
  return {
    resource: toList(v.resource),
    record: v.record && toList(v.record),
    scopeName: v.scope,
    field: (name) => v.fields?.[name],
    tenant: v.tenant,
    headers: new Map(Object.entries(v.headers ?? {})),
  };
}

describe('routing conditions', () => {
  it.each(cases)('$name', (c) => {
    const condition = conditionSchema.parse(c.condition);
    expect(compileCondition(condition)(viewOf(c.view))).toBe(c.matches);
  });

  it('knows which conditions need records and which whole resources', () => {
    const parse = (c: unknown) => conditionSchema.parse(c);
    expect(needsRecord(parse({ resource: 'a', exists: true }))).toBe(false);
    expect(
      needsRecord(
        parse({
          any: [
            { tenant: true, equals: 'x' },
            { header: 'h', exists: true },
          ],
        }),
      ),
    ).toBe(false);
    expect(needsRecord(parse({ not: { field: 'name', equals: 'x' } }))).toBe(true);
    expect(
      needsRecord(
        parse({
          all: [
            { resource: 'a', exists: true },
            { scope: true, equals: 'x' },
          ],
        }),
      ),
    ).toBe(true);
  });

  it.each([
    [
      { equals: 1 },
      /name exactly one of resource, attribute, scope, field, tenant, header \(got none\)/,
    ],
    [{ resource: 'a', attribute: 'b', equals: 1 }, /\(got resource, attribute\)/],
    [{ resource: 'a' }, /give one of equals, in, regex, exists.*\(got none\)/],
    [{ resource: 'a', equals: 1, regex: 'x' }, /\(got equals, regex\)/],
    [{ resource: 'a', regex: '(?=x)' }, /not an RE2 pattern/],
    [{ field: 'duration', equals: 1 }, /field/],
    [
      { field: 'kind', in: [2, 'SERVERR'] },
      /kind is a number or one of UNSPECIFIED, INTERNAL, SERVER.*got .*SERVERR/,
    ],
    [{ all: [] }, /all|too_small|>=1/i],
  ])('refuses %j', (condition, message) => {
    const result = conditionSchema.safeParse(condition);
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toMatch(message);
  });
});
