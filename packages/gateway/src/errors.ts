/**
 * Stable error codes of the gateway. A code is never reused or renumbered; docs list them all.
 * `retryable` says whether the same input can succeed later (receivers map it to status codes).
 */
export const ErrorCode = {
  /** A `${env:VAR}` reference names a variable that is unset and has no default. */
  CONFIG_ENV_UNSET: 'GW_CONFIG_ENV_UNSET',
  /** A `${…}` reference is malformed (unknown provider, bad variable name, unclosed brace). */
  CONFIG_ENV_SYNTAX: 'GW_CONFIG_ENV_SYNTAX',
  /** The config file cannot be read, is not YAML, or fails the schema; the message lists all problems. */
  CONFIG_INVALID: 'GW_CONFIG_INVALID',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** The gateway's one error type: a stable code, a message for humans, and retryability. */
export class GatewayError extends Error {
  override readonly name = 'GatewayError';
  readonly code: ErrorCode;
  readonly retryable: boolean;

  constructor(code: ErrorCode, message: string, retryable = false) {
    super(message);
    this.code = code;
    this.retryable = retryable;
  }
}
