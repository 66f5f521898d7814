import type { AnyValue } from '@org/otlp';

/** A config or fixture scalar: what YAML and JSON give for an attribute value. */
export type Scalar = string | number | boolean;

/** The OTLP value of a scalar, typed as written: integers as intValue, other numbers as doubles. */
export function scalarValue(value: Scalar): AnyValue {
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  return Number.isInteger(value) ? { intValue: BigInt(value) } : { doubleValue: value };
}

/** The scalar an OTLP value holds (ints as numbers); undefined for bytes, arrays, maps or none. */
export function scalarOf(value: AnyValue | undefined): Scalar | undefined {
  if (value === undefined) return undefined;
  if ('stringValue' in value) return value.stringValue;
  if ('boolValue' in value) return value.boolValue;
  if ('intValue' in value) return Number(value.intValue);
  if ('doubleValue' in value) return value.doubleValue;
  return undefined;
}
