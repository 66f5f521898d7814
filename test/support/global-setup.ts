// Starts the local stack once for the whole end-to-end run (test files then find it running and
// leave it up); stops it afterwards unless it was already running before the run.
import { ensureStack } from './stack.ts';

let release: (() => void) | undefined;

export function setup(): void {
  release = ensureStack().release;
}

export function teardown(): void {
  release?.();
}
