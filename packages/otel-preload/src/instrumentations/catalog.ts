import { createRequire } from 'node:module';
import type { Instrumentation } from '@opentelemetry/instrumentation';

/** What the preload passes every instrumentation it creates. */
export interface InstrumentationSettings {
  /** Request/response headers recorded on HTTP spans (already filtered by the deny-list). */
  capturedHeaders: string[];
  /** Query parameters replaced by REDACTED in url.full / url.query. */
  redactedQueryParams: string[];
  /** Whether apps' pino logs are also sent as OTLP log records. */
  sendLogs: boolean;
}

export interface CatalogEntry {
  /** Short name, as OTEL_NODE_ENABLED_INSTRUMENTATIONS writes it. */
  name: string;
  /** The instrumentation package. */
  pkg: string;
  /** Exported class name. */
  className: string;
  /** Bare module names whose first load activates the instrumentation. */
  targets: string[];
  /** Enabled when neither list names it. */
  defaultOn: boolean;
  options?: (settings: InstrumentationSettings) => Record<string, unknown>;
}

/**
 * The instrumentations the preload knows. Each is loaded only when one of its target modules is
 * first required or imported, so an app pays for what it uses. Packages that are not direct
 * dependencies of the preload resolve through @opentelemetry/auto-instrumentations-node.
 */
export const CATALOG: readonly CatalogEntry[] = [
  {
    name: 'http',
    pkg: '@opentelemetry/instrumentation-http',
    className: 'HttpInstrumentation',
    targets: ['http', 'https'],
    defaultOn: true,
    options: (s) => ({
      headersToSpanAttributes: {
        server: { requestHeaders: s.capturedHeaders, responseHeaders: s.capturedHeaders },
        client: { requestHeaders: s.capturedHeaders, responseHeaders: s.capturedHeaders },
      },
      redactedQueryParams: s.redactedQueryParams,
      redactedQueryParamsServer: s.redactedQueryParams,
    }),
  },
  {
    name: 'undici',
    pkg: '@opentelemetry/instrumentation-undici',
    className: 'UndiciInstrumentation',
    targets: ['undici'],
    defaultOn: true,
  },
  {
    name: 'express',
    pkg: '@opentelemetry/instrumentation-express',
    className: 'ExpressInstrumentation',
    targets: ['express'],
    defaultOn: true,
  },
  {
    name: 'pg',
    pkg: '@opentelemetry/instrumentation-pg',
    className: 'PgInstrumentation',
    targets: ['pg'],
    defaultOn: true,
  },
  {
    name: 'mysql2',
    pkg: '@opentelemetry/instrumentation-mysql2',
    className: 'MySQL2Instrumentation',
    targets: ['mysql2'],
    defaultOn: true,
  },
  {
    name: 'ioredis',
    pkg: '@opentelemetry/instrumentation-ioredis',
    className: 'IORedisInstrumentation',
    targets: ['ioredis'],
    defaultOn: true,
  },
  {
    name: 'mongodb',
    pkg: '@opentelemetry/instrumentation-mongodb',
    className: 'MongoDBInstrumentation',
    targets: ['mongodb'],
    defaultOn: true,
  },
  {
    name: 'pino',
    pkg: '@opentelemetry/instrumentation-pino',
    className: 'PinoInstrumentation',
    targets: ['pino'],
    defaultOn: true,
    options: (s) => ({
      disableLogSending: !s.sendLogs,
      logKeys: { traceId: 'trace_id', spanId: 'span_id', traceFlags: 'trace_flags' },
    }),
  },
];

const own = createRequire(import.meta.url);
let viaAuto: NodeJS.Require | undefined;

/** Requires an instrumentation package: the preload's own dependency, or auto-instrumentations'. */
export function requireInstrumentation(pkg: string): Record<string, unknown> {
  try {
    return own(pkg) as Record<string, unknown>;
  } catch {
    viaAuto ??= createRequire(own.resolve('@opentelemetry/auto-instrumentations-node'));
    return viaAuto(pkg) as Record<string, unknown>;
  }
}

/** Creates the instrumentation of `entry` (which enables itself and hooks its targets). */
export function createInstrumentation(
  entry: CatalogEntry,
  settings: InstrumentationSettings,
): Instrumentation {
  const exports = requireInstrumentation(entry.pkg);
  const Class = exports[entry.className] as new (config: object) => Instrumentation;
  return new Class(entry.options?.(settings) ?? {});
}

/** The entries to activate, by OTEL_NODE_ENABLED_INSTRUMENTATIONS / _DISABLED_. */
export function selectInstrumentations(
  enabled: readonly string[] | undefined,
  disabled: readonly string[],
): { selected: CatalogEntry[]; unknown: string[] } {
  const known = new Set(CATALOG.map((e) => e.name));
  const unknown = [...(enabled ?? []), ...disabled].filter((name) => !known.has(name));
  const selected = CATALOG.filter(
    (e) => (enabled ? enabled.includes(e.name) : e.defaultOn) && !disabled.includes(e.name),
  );
  return { selected, unknown };
}
