import type { Span } from '@opentelemetry/api';
import { metrics } from '@opentelemetry/api';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { ATTR_DB_QUERY_TEXT } from '@opentelemetry/semantic-conventions';
import { loadLazy } from '../lazy/load.ts';
import { isOwnRequest } from '../metrics.ts';
import { queryNames, sanitizeSql } from '@org/redaction';
import { redactUrlAttributes } from '../redaction.ts';
import { instrumentHttpServers } from './http-server.ts';
import type { RequestDurations } from './request-durations.ts';
import type { ServerSpans } from './server-spans.ts';

/** What the preload passes every instrumentation it creates. */
export interface InstrumentationSettings {
  /** Request/response headers recorded on HTTP spans (already filtered by the deny-list). */
  capturedHeaders: string[];
  /** Query parameters replaced by REDACTED in url.full / url.query. */
  redactedQueryParams: string[];
  /** Whether apps' pino logs are also sent as OTLP log records. */
  sendLogs: boolean;
  /** Where HTTP server spans come from (the tracer provider's sampler, limits and processors). */
  serverSpans: ServerSpans;
  /** Where HTTP server request durations go; none when metrics are off. */
  durations: RequestDurations | undefined;
}

export interface CatalogEntry {
  /** Short name, as OTEL_NODE_ENABLED_INSTRUMENTATIONS writes it. */
  name: string;
  /** Loads the instrumentation's class (a lazy part of the bundle). */
  load: () => new (config: object) => Instrumentation;
  /**
   * Bare module names whose first load activates the instrumentation; none means it is
   * activated shortly after startup instead (runtime metrics watch the process, not a module).
   */
  targets: string[];
  /** Enabled when neither list names it. */
  defaultOn: boolean;
  options?: (settings: InstrumentationSettings) => Record<string, unknown>;
  /**
   * Global functions whose first use activates the instrumentation too: `fetch` runs on Node's
   * own copy of undici, which the app never requires.
   */
  globals?: string[];
  /** Started for each target as it first loads; returns what undoes it. */
  alongside?: (settings: InstrumentationSettings, target: string) => () => void;
}

/** An instrumentation in use: stepping back disables it; `extend` covers another target. */
export interface Active {
  disable(): void;
  extend(target: string): void;
}

/** A client request hook applying rules url.credentials and url.query to the span's URL. */
function urlRedaction(settings: InstrumentationSettings): (span: Span) => void {
  const names = queryNames(settings.redactedQueryParams);
  return (span) => redactUrlAttributes(span, names);
}

/** Active instrumentations that report HTTP routes through the context. */
let routeReporters = 0;

/**
 * The instrumentations the preload knows. Each is loaded only when one of its target modules is
 * first required or imported, so an app pays for what it uses.
 */
export const CATALOG: readonly CatalogEntry[] = [
  {
    name: 'http',
    load: () => loadLazy('http').HttpInstrumentation,
    targets: ['http', 'https'],
    defaultOn: true,
    // Client spans from instrumentation-http; server spans from the preload's own, much cheaper
    // server instrumentation (see http-server.ts and the README's benchmark).
    options: (s) => ({
      disableIncomingRequestInstrumentation: true,
      headersToSpanAttributes: {
        client: { requestHeaders: s.capturedHeaders, responseHeaders: s.capturedHeaders },
      },
      redactedQueryParams: s.redactedQueryParams,
      // Its own redaction matches parameter names case-sensitively; the preload's does not.
      requestHook: urlRedaction(s),
    }),
    alongside: (s, target) =>
      instrumentHttpServers(
        [
          process.getBuiltinModule(target === 'https' ? 'node:https' : 'node:http').Server
            .prototype,
        ],
        {
          capturedHeaders: s.capturedHeaders,
          redactedQueryParams: s.redactedQueryParams,
          ignore: isOwnRequest,
          routesReported: () => routeReporters > 0,
          spans: s.serverSpans,
          durations: s.durations,
        },
      ),
  },
  {
    name: 'undici',
    load: () => loadLazy('undici').UndiciInstrumentation,
    targets: ['undici'],
    globals: ['fetch'],
    defaultOn: true,
    // Rules url.credentials and url.query: undici's spans record the URL as requested.
    options: (s) => ({ requestHook: urlRedaction(s) }),
  },
  {
    name: 'express',
    load: () => loadLazy('express').ExpressInstrumentation,
    targets: ['express'],
    defaultOn: true,
    // Express reports the route through the context's RPC metadata (see http-server.ts).
    alongside: () => {
      routeReporters++;
      return () => routeReporters--;
    },
  },
  {
    name: 'pg',
    load: () => loadLazy('pg').PgInstrumentation,
    targets: ['pg'],
    defaultOn: true,
    // Rule db.statement: the recorded query text keeps no literals. The hook runs right after
    // the instrumentation sets the raw text, before anything can export the span.
    options: () => ({
      requestHook: (span: Span, info: { query: { text?: string } }) => {
        if (info.query.text) span.setAttribute(ATTR_DB_QUERY_TEXT, sanitizeSql(info.query.text));
      },
    }),
  },
  {
    name: 'mysql2',
    load: () => loadLazy('mysql2').MySQL2Instrumentation,
    targets: ['mysql2'],
    defaultOn: true,
    options: () => ({ maskStatement: true, maskStatementHook: sanitizeSql }),
  },
  {
    name: 'ioredis',
    load: () => loadLazy('ioredis').IORedisInstrumentation,
    targets: ['ioredis'],
    defaultOn: true,
  },
  {
    name: 'mongodb',
    load: () => loadLazy('mongodb').MongoDBInstrumentation,
    targets: ['mongodb'],
    defaultOn: true,
  },
  {
    name: 'pino',
    load: () => loadLazy('pino').PinoInstrumentation,
    targets: ['pino'],
    defaultOn: true,
    options: (s) => ({
      disableLogSending: !s.sendLogs,
      logKeys: { traceId: 'trace_id', spanId: 'span_id', traceFlags: 'trace_flags' },
    }),
  },
  {
    name: 'runtime-node',
    load: () => loadLazy('runtime-node').RuntimeNodeInstrumentation,
    targets: [],
    defaultOn: true,
    // Event-loop delay (sampled natively every 20 ms), event-loop utilization, GC and heap.
    options: () => ({ monitoringPrecision: 20 }),
  },
];

/** Creates the instrumentation of `entry` (which enables itself and hooks its targets). */
export function createInstrumentation(
  entry: CatalogEntry,
  settings: InstrumentationSettings,
  target: string,
): Active {
  const Class = entry.load();
  const instrumentation = new Class(entry.options?.(settings) ?? {});
  // As registerInstrumentations does: some instrumentations create their instruments only here.
  instrumentation.setMeterProvider(metrics.getMeterProvider());
  const undo: (() => void)[] = [];
  const extend = (next: string) => {
    const restore = entry.alongside?.(settings, next);
    if (restore) undo.push(restore);
  };
  extend(target);
  return {
    disable: () => {
      instrumentation.disable();
      for (const restore of undo) restore();
    },
    extend,
  };
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
