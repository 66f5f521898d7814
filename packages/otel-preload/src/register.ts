// Entry point for `node --require @org/otel-preload` and `node --import @org/otel-preload` (also
// through NODE_OPTIONS). Contract: never throws into the host app and never changes its
// behaviour; a failure costs one line on stderr and the app runs uninstrumented.
import { start } from './start.ts';

try {
  start();
} catch (error) {
  process.stderr.write(
    `[otel-preload] disabled, the app runs uninstrumented: ${error instanceof Error ? error.message : String(error)}\n`,
  );
}
