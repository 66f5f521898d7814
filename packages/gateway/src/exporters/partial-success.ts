import type { PartialSuccess } from '@org/otlp';
import { decodePartialSuccess } from '@org/otlp';
import type { Logger } from 'pino';
import type { Signal } from '../signal.ts';

/**
 * Logs a success response's partial success, if any. The rejected items are not retried (the
 * OTLP specification forbids it): the log line is the operator's only trace of them.
 */
export function logPartialSuccess(
  logger: Logger,
  signal: Signal,
  body: Uint8Array,
  contentType: string,
): void {
  let partial: PartialSuccess | undefined;
  try {
    partial = decodePartialSuccess(signal, body, contentType.includes('json'));
  } catch {
    return; // an unreadable success body is still a success
  }
  if (!partial || partial.rejected === 0n) return;
  logger.warn(
    { signal, rejected: partial.rejected.toString(), message: partial.message },
    'destination rejected part of a batch',
  );
}
