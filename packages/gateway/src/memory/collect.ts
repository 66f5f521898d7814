import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Options of V8's `gc()`; `last-resort` also returns freed pages to the operating system. */
interface GcOptions {
  type: 'major';
  execution: 'sync';
  flavor?: 'regular' | 'last-resort';
}

type Gc = (options?: GcOptions) => void;

let cached: Gc | null | undefined;

/**
 * V8's full garbage collection, obtained without `--expose-gc` on the command line (the flag is
 * set for one new context and reset), or undefined where the runtime does not allow it. The
 * memory guard calls it when the heap looks full, as the Collector's memory_limiter calls Go's
 * `runtime.GC()`: garbage left by a large request would otherwise hold the heap (and the refusals
 * that follow from it) until V8 decides to collect, which an idle process may not do for minutes.
 */
export function fullCollection(): Gc | undefined {
  if (cached !== undefined) return cached ?? undefined;
  const existing = (globalThis as { gc?: unknown }).gc;
  if (typeof existing === 'function') return (cached = existing as Gc);
  try {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    setFlagsFromString('--no-expose-gc');
    cached = typeof gc === 'function' ? (gc as Gc) : null;
  } catch {
    cached = null;
  }
  return cached ?? undefined;
}
