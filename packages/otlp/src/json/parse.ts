import { Buffer } from 'node:buffer';
import { OtlpDecodeError, asTyped } from '../errors.ts';
import { Budget } from '../limits.ts';
import type { DecodeOptions } from '../proto/reader.ts';
import { DEFAULT_MAX_DEPTH } from '../proto/reader.ts';
import type { JsonContext, JsonObject } from './values.ts';
import { INTEGER, NeedsExactParse, object } from './values.ts';

/**
 * Objects and arrays in JSON text outside strings, what `JSON.parse` allocates containers for,
 * counted up to `stopAbove + 1`. Linear in the text, allocates nothing.
 */
export function countContainers(text: string, stopAbove: number): number {
  let n = 0;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      for (i++; i < length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) i++;
        else if (d === 0x22) break;
      }
    } else if ((c === 0x7b || c === 0x5b) && ++n > stopAbove) return n;
  }
  return n;
}

/**
 * Parses JSON text. In `exact` mode, integer literals too large for a double become bigints read
 * from the source text, so 64-bit values sent as JSON numbers keep full precision; decoders use
 * it only after {@link NeedsExactParse} (the plain parse is several times faster). With a node
 * limit, the text's objects and arrays are counted against it first, so text holding more than
 * the limit allows is refused before `JSON.parse` allocates anything for it.
 */
export function parseJson(input: Uint8Array | string, exact: boolean, budget: Budget): JsonObject {
  const text =
    typeof input === 'string'
      ? input
      : Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('utf8');
  if (budget.nodes !== Infinity) budget.node(countContainers(text, budget.nodes));
  let parsed: unknown;
  try {
    parsed = exact
      ? JSON.parse(text, (_key, value: unknown, context?: { source?: string }) =>
          typeof value === 'number' &&
          !Number.isSafeInteger(value) &&
          context?.source !== undefined &&
          INTEGER.test(context.source)
            ? BigInt(context.source)
            : value,
        )
      : JSON.parse(text);
  } catch (error) {
    throw new OtlpDecodeError('BAD_JSON', `invalid JSON: ${(error as Error).message}`, -1);
  }
  return object(parsed, 'request');
}

/**
 * Runs `decode` on the parsed text, re-parsing in exact mode when a 64-bit number needs it. Each
 * attempt starts from the full budget of `options.limits`.
 */
export function decodeJsonWith<T>(
  input: Uint8Array | string,
  options: DecodeOptions | undefined,
  decode: (root: JsonObject, cx: JsonContext) => T,
): T {
  const context = (): JsonContext => ({
    maxDepth: options?.maxDepth ?? DEFAULT_MAX_DEPTH,
    budget: new Budget(options?.limits),
  });
  try {
    const cx = context();
    return decode(parseJson(input, false, cx.budget), cx);
  } catch (error) {
    if (!(error instanceof NeedsExactParse)) throw asTyped(error);
  }
  try {
    const cx = context();
    return decode(parseJson(input, true, cx.budget), cx);
  } catch (error) {
    throw asTyped(error);
  }
}
