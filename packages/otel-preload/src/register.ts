// Entry point for `node --require @org/otel-preload` and `node --import @org/otel-preload`.
// Contract: never throws into the host app and never changes its behaviour; at most one warning
// line per problem on stderr.
import { formatWarning, parseEnv } from './config/env.ts';

const STARTED = Symbol.for('@org/otel-preload.started');

function start(): void {
  const state = globalThis as { [STARTED]?: boolean };
  if (state[STARTED]) return;
  state[STARTED] = true;
  const { config, warnings } = parseEnv(process.env);
  if (config.OTEL_LOG_LEVEL === 'none') return;
  for (const warning of warnings)
    process.stderr.write(`[otel-preload] ${formatWarning(warning)}\n`);
}

try {
  start();
} catch (error) {
  process.stderr.write(`[otel-preload] disabled: ${String(error)}\n`);
}
