import { Buffer } from 'node:buffer';
import { OtlpDecodeError, atPath } from '../errors.ts';
import type { Budget } from '../limits.ts';
import { EMPTY_BYTES } from '../proto/reader.ts';
import type { AnyValue, InstrumentationScope, KeyValue, Resource } from '../types/common.ts';

/**
 * Field access and scalar conversion for OTLP/JSON (the protobuf JSON mapping as the OTLP
 * specification restricts it): lowerCamelCase keys with snake_case accepted, 64-bit integers as
 * decimal strings or numbers, trace and span ids as hex, other bytes as base64, enums as integers,
 * unknown keys ignored. Every mismatch throws OtlpDecodeError with the field's path.
 */
export type JsonObject = Record<string, unknown>;

/** What one JSON decode carries: the nesting limit and what the request may still create. */
export interface JsonContext {
  readonly maxDepth: number;
  readonly budget: Budget;
}

const fail = (message: string): never => {
  throw new OtlpDecodeError('BAD_VALUE', message, -1);
};

/** The value under `camel` or its snake_case spelling; `null` counts as absent. */
export function field(obj: JsonObject, camel: string): unknown {
  const value = obj[camel];
  if (value !== undefined && value !== null) return value;
  const snake = SNAKE.get(camel) ?? camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  SNAKE.set(camel, snake);
  const alt = obj[snake];
  return alt === null ? undefined : alt;
}
const SNAKE = new Map<string, string>();

export function object(value: unknown, what: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    fail(`${what} must be an object`);
  return value as JsonObject;
}

/**
 * A repeated field: absent → [], each element decoded with its index in the error path. `count`
 * hears the length first, to apply a limit before anything is decoded.
 */
export function list<T>(
  obj: JsonObject,
  camel: string,
  decode: (item: unknown) => T,
  count?: (length: number) => void,
): T[] {
  const value = field(obj, camel);
  if (value === undefined) return [];
  if (!Array.isArray(value)) return fail(`${camel} must be an array`);
  count?.(value.length);
  const out = new Array<T>(value.length);
  for (let i = 0; i < value.length; i++) {
    try {
      out[i] = decode(value[i]);
    } catch (error) {
      throw atPath(error, `${camel}[${i}]`);
    }
  }
  return out;
}

/** A singular sub-message: absent → undefined. */
export function message<T>(
  obj: JsonObject,
  camel: string,
  decode: (item: JsonObject) => T,
): T | undefined {
  const value = field(obj, camel);
  if (value === undefined) return undefined;
  try {
    return decode(object(value, camel));
  } catch (error) {
    throw atPath(error, camel);
  }
}

export function str(obj: JsonObject, camel: string): string {
  const value = field(obj, camel);
  if (value === undefined) return '';
  if (typeof value !== 'string') fail(`${camel} must be a string`);
  return value as string;
}

export function bool(obj: JsonObject, camel: string): boolean {
  const value = field(obj, camel);
  if (value === undefined) return false;
  if (typeof value !== 'boolean') fail(`${camel} must be a boolean`);
  return value as boolean;
}

export const INTEGER = /^-?\d+$/;

/** int32 / uint32 / enum (number or integer string). */
export function int(obj: JsonObject, camel: string, min = -0x80000000, max = 0xffffffff): number {
  const value = field(obj, camel);
  if (value === undefined) return 0;
  const n = typeof value === 'string' && INTEGER.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
    fail(`${camel} must be an integer in [${min}, ${max}]`);
  }
  return n as number;
}

/**
 * Thrown when a 64-bit field arrives as a JSON number too large for a double: the decoder then
 * parses the text again in exact mode (see `parseJson`). Never escapes the package.
 */
export class NeedsExactParse extends OtlpDecodeError {
  constructor() {
    super('BAD_VALUE', 'integer beyond 2^53 sent as a JSON number', -1);
  }
}

/** A 64-bit integer: decimal string (canonical) or number; bigints from the exact re-parse too. */
export function int64Value(value: unknown, camel: string, signed: boolean): bigint {
  let out: bigint | undefined;
  if (typeof value === 'number' && Number.isInteger(value) && !Number.isSafeInteger(value)) {
    throw new NeedsExactParse();
  }
  if (typeof value === 'bigint') out = value;
  else if (typeof value === 'string' && INTEGER.test(value)) out = BigInt(value);
  else if (typeof value === 'number' && Number.isInteger(value)) out = BigInt(value);
  if (out === undefined) return fail(`${camel} must be an integer (decimal string or number)`);
  const fits = signed ? BigInt.asIntN(64, out) === out : BigInt.asUintN(64, out) === out;
  if (!fits) fail(`${camel} is out of the ${signed ? 'int64' : 'uint64'} range`);
  return out;
}

export function int64(obj: JsonObject, camel: string, signed = false): bigint {
  const value = field(obj, camel);
  return value === undefined ? 0n : int64Value(value, camel, signed);
}

export function optionalInt64(obj: JsonObject, camel: string, signed: boolean): bigint | undefined {
  const value = field(obj, camel);
  return value === undefined ? undefined : int64Value(value, camel, signed);
}

export function doubleValue(value: unknown, camel: string): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (value === 'NaN') return Number.NaN;
  if (value === 'Infinity') return Number.POSITIVE_INFINITY;
  if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
  if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value)))
    return Number(value);
  return fail(`${camel} must be a number`);
}

export function double(obj: JsonObject, camel: string): number {
  const value = field(obj, camel);
  return value === undefined ? 0 : doubleValue(value, camel);
}

export function optionalDouble(obj: JsonObject, camel: string): number | undefined {
  const value = field(obj, camel);
  return value === undefined ? undefined : doubleValue(value, camel);
}

const HEX = /^[0-9a-fA-F]*$/;

/** A trace id (16 bytes) or span id (8 bytes) as hex; empty means absent. */
export function id(obj: JsonObject, camel: string, size: 8 | 16): Uint8Array {
  const value = field(obj, camel);
  if (value === undefined || value === '') return EMPTY_BYTES;
  if (typeof value !== 'string' || !HEX.test(value)) return fail(`${camel} must be a hex string`);
  if (value.length !== size * 2) {
    throw new OtlpDecodeError(
      'BAD_ID_LENGTH',
      `${camel} has ${value.length / 2} bytes, expected ${size}`,
      -1,
    );
  }
  return new Uint8Array(Buffer.from(value, 'hex'));
}

const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

export function base64(value: unknown, camel: string): Uint8Array {
  if (typeof value !== 'string' || !BASE64.test(value)) return fail(`${camel} must be base64`);
  return new Uint8Array(Buffer.from(value, 'base64'));
}

export function anyValue(value: unknown, depth: number, cx: JsonContext): AnyValue {
  const obj = object(value, 'value');
  for (const key in obj) {
    const v = obj[key];
    if (v === null || v === undefined) continue;
    switch (key) {
      case 'stringValue':
      case 'string_value':
        if (typeof v !== 'string') fail('stringValue must be a string');
        return { stringValue: v as string };
      case 'boolValue':
      case 'bool_value':
        if (typeof v !== 'boolean') fail('boolValue must be a boolean');
        return { boolValue: v as boolean };
      case 'intValue':
      case 'int_value':
        return { intValue: int64Value(v, 'intValue', true) };
      case 'doubleValue':
      case 'double_value':
        return { doubleValue: doubleValue(v, 'doubleValue') };
      case 'bytesValue':
      case 'bytes_value':
        return { bytesValue: base64(v, 'bytesValue') };
      case 'arrayValue':
      case 'array_value':
      case 'kvlistValue':
      case 'kvlist_value': {
        if (depth >= cx.maxDepth)
          throw new OtlpDecodeError('TOO_DEEP', `AnyValue nested deeper than ${cx.maxDepth}`, -1);
        const inner = object(v, key);
        const count = (n: number) => cx.budget.value(n);
        if (key.startsWith('array')) {
          return {
            arrayValue: {
              values: list(inner, 'values', (item) => anyValue(item, depth + 1, cx), count),
            },
          };
        }
        return {
          kvlistValue: {
            values: list(inner, 'values', (item) => keyValue(item, depth + 1, cx), count),
          },
        };
      }
      default:
      // unknown member: ignored, as the JSON mapping requires
    }
  }
  return {};
}

export function keyValue(value: unknown, depth: number, cx: JsonContext): KeyValue {
  const obj = object(value, 'attribute');
  const raw = field(obj, 'value');
  let decoded: AnyValue | undefined;
  if (raw !== undefined) {
    try {
      decoded = anyValue(raw, depth, cx);
    } catch (error) {
      throw atPath(error, 'value');
    }
  }
  return { key: str(obj, 'key'), value: decoded };
}

/** The attributes of one record, within the attribute limit; each counts one value. */
export function attributes(obj: JsonObject, camel: string, cx: JsonContext): KeyValue[] {
  return list(
    obj,
    camel,
    (item) => keyValue(item, 0, cx),
    (n) => {
      cx.budget.perRecord('attributes', n, camel);
      cx.budget.value(n);
    },
  );
}

export function resource(obj: JsonObject, cx: JsonContext): Resource | undefined {
  return message(obj, 'resource', (r) => ({
    attributes: attributes(r, 'attributes', cx),
    droppedAttributesCount: int(r, 'droppedAttributesCount', 0),
    entityRefs: list(r, 'entityRefs', (item) => {
      const e = object(item, 'entityRef');
      const keys = (name: string) =>
        list(
          e,
          name,
          (k) => (typeof k === 'string' ? k : fail(`${name} must hold strings`)),
          (n) => cx.budget.node(n),
        );
      return {
        schemaUrl: str(e, 'schemaUrl'),
        type: str(e, 'type'),
        idKeys: keys('idKeys'),
        descriptionKeys: keys('descriptionKeys'),
      };
    }),
  }));
}

export function scope(obj: JsonObject, cx: JsonContext): InstrumentationScope | undefined {
  return message(obj, 'scope', (s) => ({
    name: str(s, 'name'),
    version: str(s, 'version'),
    attributes: attributes(s, 'attributes', cx),
    droppedAttributesCount: int(s, 'droppedAttributesCount', 0),
  }));
}
