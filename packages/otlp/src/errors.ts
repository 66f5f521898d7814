import type { LimitName } from './limits.ts';

/**
 * The only error the codec throws on bad input. `code` is stable; `offset` is the byte offset in
 * the protobuf input (or the character offset for JSON when known, else -1); `path` names the
 * field, e.g. `resourceSpans[0].scopeSpans[2].spans[7].attributes[1].value`.
 */
export type OtlpErrorCode =
  | 'TRUNCATED'
  | 'BAD_VARINT'
  | 'BAD_WIRE_TYPE'
  | 'BAD_LENGTH'
  | 'BAD_UTF8'
  | 'BAD_ID_LENGTH'
  | 'TOO_DEEP'
  | 'BAD_JSON'
  | 'BAD_VALUE'
  /** Over one of the decode limits the caller set; `limit` says which. */
  | 'LIMIT'
  /** A fault of the codec itself, never of the input; tests assert it never happens. */
  | 'INTERNAL';

export class OtlpDecodeError extends Error {
  override readonly name = 'OtlpDecodeError';
  readonly code: OtlpErrorCode;
  readonly offset: number;
  /** Field path, outermost first. */
  readonly path: string[] = [];
  /** With code `LIMIT`: which of the decode limits the input went over. */
  readonly limit: LimitName | undefined;

  constructor(code: OtlpErrorCode, message: string, offset: number, limit?: LimitName) {
    super(message);
    this.code = code;
    this.offset = offset;
    this.limit = limit;
  }

  /** `path` joined, e.g. `resourceSpans[0].scopeSpans[0].spans[3].name`. */
  get fieldPath(): string {
    return this.path.join('.').replace(/\.\[/g, '[');
  }

  override toString(): string {
    const where = this.path.length > 0 ? ` at ${this.fieldPath}` : '';
    const at = this.offset >= 0 ? ` (offset ${this.offset})` : '';
    return `${this.code}: ${this.message}${where}${at}`;
  }
}

/**
 * Any error as an OtlpDecodeError: a foreign one is a fault of the codec (code INTERNAL), so
 * callers only ever see the typed error while tests can still tell bugs from bad input.
 */
export function asTyped(error: unknown): OtlpDecodeError {
  return error instanceof OtlpDecodeError
    ? error
    : new OtlpDecodeError('INTERNAL', `decoder fault: ${String(error)}`, -1);
}

/** Adds one path segment to an error travelling outwards (see {@link asTyped}). */
export function atPath(error: unknown, segment: string): OtlpDecodeError {
  const typed = asTyped(error);
  typed.path.unshift(segment);
  return typed;
}

/** Runs a decoder so that whatever it throws reaches the caller as an OtlpDecodeError. */
export function guarded<T>(decode: () => T): T {
  try {
    return decode();
  } catch (error) {
    throw asTyped(error);
  }
}
