import type { KeyValue } from '@org/otlp';
import { SpanKind, StatusCode } from '@org/otlp';
import { RE2JS } from 're2js';
import { z } from 'zod';
import { re2Pattern } from '../../config/re2.ts';
import type { Scalar } from '../../values.ts';
import { scalarOf } from '../../values.ts';

/** The record fields a condition can read (span name/kind/status, log severity, metric name). */
const FIELDS = [
  'name',
  'kind',
  'status.code',
  'severity_number',
  'severity_text',
  'metric.name',
] as const;
export type Field = (typeof FIELDS)[number];

/**
 * Where a condition reads its value: a resource or record attribute, the scope name, a record
 * field, the tenant, or a request header the receiver passes on (`metadata_headers`).
 */
const SOURCES = ['resource', 'attribute', 'scope', 'field', 'tenant', 'header'] as const;
const OPERATORS = ['equals', 'in', 'regex', 'exists', 'gt', 'gte', 'lt', 'lte'] as const;

const scalar = z.union([z.string(), z.number(), z.boolean()]);

/** Names the enum fields accept besides their numbers: `SERVER` or `SPAN_KIND_SERVER`, `ERROR`… */
const ENUMS: Partial<Record<Field, { prefix: string; values: Record<string, number> }>> = {
  kind: { prefix: 'SPAN_KIND_', values: SpanKind },
  'status.code': { prefix: 'STATUS_CODE_', values: StatusCode },
};

/** An enum field's number for a name (any case, prefix optional); other values as they are. */
function enumValue(field: Field | undefined, value: string | number | boolean) {
  const names = field === undefined ? undefined : ENUMS[field];
  if (!names || typeof value !== 'string') return value;
  const name = value.toUpperCase().replace(names.prefix, '');
  return Object.hasOwn(names.values, name) ? names.values[name]! : undefined;
}

const leafSchema = z
  .strictObject({
    resource: z.string().min(1).optional().describe('A resource attribute key.'),
    attribute: z
      .string()
      .min(1)
      .optional()
      .describe('A span, log record or data point attribute key.'),
    scope: z.literal(true).optional().describe('The instrumentation scope name.'),
    field: z.enum(FIELDS).optional().describe('A field of the record.'),
    tenant: z.literal(true).optional().describe('The authenticated tenant.'),
    header: z
      .string()
      .min(1)
      .transform((name) => name.toLowerCase())
      .optional()
      .describe('A request header or gRPC metadata key the receiver lists in metadata_headers.'),
    equals: scalar.optional(),
    in: z.array(scalar).min(1).optional(),
    regex: re2Pattern.optional(),
    exists: z.boolean().optional(),
    gt: z.number().optional(),
    gte: z.number().optional(),
    lt: z.number().optional(),
    lte: z.number().optional(),
  })
  .superRefine((leaf, ctx) => {
    const sources = SOURCES.filter((s) => leaf[s] !== undefined);
    if (sources.length !== 1)
      ctx.addIssue({
        code: 'custom',
        message: `name exactly one of ${SOURCES.join(', ')} (got ${sources.join(', ') || 'none'})`,
      });
    const operators = OPERATORS.filter((o) => leaf[o] !== undefined);
    const comparisons = operators.filter((o) => ['gt', 'gte', 'lt', 'lte'].includes(o));
    if (operators.length === 0 || (operators.length > 1 && comparisons.length !== operators.length))
      ctx.addIssue({
        code: 'custom',
        message: `give one of equals, in, regex, exists, or numeric bounds gt/gte/lt/lte (got ${operators.join(', ') || 'none'})`,
      });
    const names = leaf.field === undefined ? undefined : ENUMS[leaf.field];
    for (const value of [leaf.equals, ...(leaf.in ?? [])]) {
      if (names && value !== undefined && enumValue(leaf.field, value) === undefined)
        ctx.addIssue({
          code: 'custom',
          message: `${leaf.field} is a number or one of ${Object.keys(names.values).join(', ')} (got "${String(value)}")`,
        });
    }
  });

export type Leaf = z.infer<typeof leafSchema>;
export type Condition = Leaf | { all: Condition[] } | { any: Condition[] } | { not: Condition };

export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.strictObject({ all: z.array(conditionSchema).min(1) }),
    z.strictObject({ any: z.array(conditionSchema).min(1) }),
    z.strictObject({ not: conditionSchema }),
    leafSchema,
  ]),
);

/** What a condition reads from: the record being routed, its scope and resource, the request. */
export interface MatchView {
  resource: readonly KeyValue[];
  scopeName: string | undefined;
  /** Undefined when routing a whole resource (no record-level condition in the table). */
  record: readonly KeyValue[] | undefined;
  field(name: Field): string | number | undefined;
  tenant: string | undefined;
  headers: ReadonlyMap<string, string>;
}

export type Matcher = (view: MatchView) => boolean;

/** Whether a condition reads anything below the resource (then batches are split per record). */
export function needsRecord(condition: Condition): boolean {
  if ('all' in condition) return condition.all.some(needsRecord);
  if ('any' in condition) return condition.any.some(needsRecord);
  if ('not' in condition) return needsRecord(condition.not);
  return (
    condition.attribute !== undefined ||
    condition.scope !== undefined ||
    condition.field !== undefined
  );
}

function find(list: readonly KeyValue[] | undefined, key: string): Scalar | undefined {
  if (list === undefined) return undefined;
  for (let i = 0; i < list.length; i++) if (list[i]!.key === key) return scalarOf(list[i]!.value);
  return undefined;
}

/** A leaf's value getter. */
function reader(leaf: Leaf): (view: MatchView) => Scalar | undefined {
  if (leaf.resource !== undefined) {
    const key = leaf.resource;
    return (view) => find(view.resource, key);
  }
  if (leaf.attribute !== undefined) {
    const key = leaf.attribute;
    return (view) => find(view.record, key);
  }
  if (leaf.scope) return (view) => view.scopeName;
  if (leaf.field !== undefined) {
    const field = leaf.field;
    return (view) => view.field(field);
  }
  if (leaf.tenant) return (view) => view.tenant;
  const header = leaf.header!;
  return (view) => view.headers.get(header);
}

/** Compiles a condition once: patterns compiled, sets built, nothing parsed per record. */
export function compileCondition(condition: Condition): Matcher {
  if ('all' in condition) {
    const parts = condition.all.map(compileCondition);
    return (view) => parts.every((part) => part(view));
  }
  if ('any' in condition) {
    const parts = condition.any.map(compileCondition);
    return (view) => parts.some((part) => part(view));
  }
  if ('not' in condition) {
    const inner = compileCondition(condition.not);
    return (view) => !inner(view);
  }
  const read = reader(condition);
  if (condition.exists !== undefined) {
    const wanted = condition.exists;
    return (view) => (read(view) !== undefined) === wanted;
  }
  if (condition.equals !== undefined) {
    const wanted = enumValue(condition.field, condition.equals);
    return (view) => read(view) === wanted;
  }
  if (condition.in !== undefined) {
    const wanted = new Set<unknown>(condition.in.map((v) => enumValue(condition.field, v)));
    return (view) => wanted.has(read(view));
  }
  if (condition.regex !== undefined) {
    const regex = RE2JS.compile(condition.regex);
    return (view) => {
      const value = read(view);
      return value !== undefined && regex.matcher(String(value)).find();
    };
  }
  const { gt, gte, lt, lte } = condition;
  return (view) => {
    const value = read(view);
    const n =
      typeof value === 'number'
        ? value
        : typeof value === 'string' && value.trim() !== ''
          ? Number(value)
          : NaN;
    if (Number.isNaN(n)) return false;
    return (
      (gt === undefined || n > gt) &&
      (gte === undefined || n >= gte) &&
      (lt === undefined || n < lt) &&
      (lte === undefined || n <= lte)
    );
  };
}
