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
  | 'BAD_VALUE';

export class OtlpDecodeError extends Error {
  override readonly name = 'OtlpDecodeError';
  readonly code: OtlpErrorCode;
  readonly offset: number;
  /** Field path, outermost first. */
  readonly path: string[] = [];

  constructor(code: OtlpErrorCode, message: string, offset: number) {
    super(message);
    this.code = code;
    this.offset = offset;
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
 * Adds one path segment to an OtlpDecodeError travelling outwards; any other error is a bug in
 * the codec and becomes an OtlpDecodeError too, so callers only ever see the typed error.
 */
export function atPath(error: unknown, segment: string): OtlpDecodeError {
  const typed =
    error instanceof OtlpDecodeError
      ? error
      : new OtlpDecodeError('BAD_VALUE', `unexpected decoder failure: ${String(error)}`, -1);
  typed.path.unshift(segment);
  return typed;
}
