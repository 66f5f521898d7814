import * as nodeModule from 'node:module';
import { isMainThread } from 'node:worker_threads';
import {
  context,
  logs,
  metrics,
  propagation,
  SeverityNumber,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, setGlobalErrorHandler } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import { formatWarning, parseEnv, redactedConfig, spanLimits } from './config/env.ts';
import { Diagnostics } from './diag.ts';
import type { Active, CatalogEntry } from './instrumentations/catalog.ts';
import { createInstrumentation, selectInstrumentations } from './instrumentations/catalog.ts';
import { registerEsmHooks } from './instrumentations/esm.ts';
import { endFailedSpan } from './instrumentations/http-server.ts';
import {
  DurationAggregations,
  HTTP_SERVER_SCOPE,
  InstrumentDurations,
} from './instrumentations/request-durations.ts';
import { ServerSpans } from './instrumentations/server-spans.ts';
import { watchFirstGlobalUse, watchFirstLoads } from './instrumentations/lazy.ts';
import { installLifecycle } from './lifecycle.ts';
import { createMeterProvider } from './metrics.ts';
import { detectResource, localDetectors, withCloud } from './resource.ts';
import { publishResource } from './service-fields.ts';
import { exceptionAttributes } from './errors.ts';
import { PooledIdGenerator } from './ids.ts';
import { BatchQueue, BatchSpanProcessor, batchSettingsFrom } from './export/batch.ts';
import { exportBeforeDeath } from './export/crash.ts';
import { lazyExporter, spanBatches } from './export/lazy.ts';
import { createLoggerProvider } from './logs.ts';
import { propagatorsFrom, samplerFrom } from './traces.ts';

const STARTED = Symbol.for('@org/otel-preload.started');
/** Longest a crash or a process.exit() is delayed by the last-chance export of what is queued. */
const LAST_EXPORT_MAX_MS = 2000;
/** Delay before instrumentations that watch the process rather than a module start. */
const DEFERRED_START_MS = 200;
/** The instrumentation scope of what the preload records itself (crashes). */
const SCOPE = '@org/otel-preload';

/** Packages whose load means the app configures OpenTelemetry itself. */
const APP_SDKS = ['@opentelemetry/sdk-node', '@opentelemetry/sdk-trace-node'];

/** The package-manager CLIs an app is started through (`npm start`, `yarn dev`…), by script. */
const PACKAGE_MANAGER =
  /(?:^|[\\/])(npm-cli|npx-cli|pnpm|pnpx|yarn(?:-[\d.]+)?|corepack)(?:\.c?js)?$/;

/** The package manager `script` (process.argv[1]) is, if it is one. */
export function packageManager(script: string | undefined): string | undefined {
  return script === undefined ? undefined : PACKAGE_MANAGER.exec(script)?.[1];
}

/**
 * Starts the preload once per process, on the main thread only. Returns what happened, for the
 * entry point's single diagnostic line.
 */
export function start(env: NodeJS.ProcessEnv = process.env): 'started' | 'skipped' {
  const state = globalThis as { [STARTED]?: boolean };
  if (state[STARTED]) {
    process.stderr.write('[otel-preload] loaded twice; the second load does nothing\n');
    return 'skipped';
  }
  state[STARTED] = true;
  if (!isMainThread) return 'skipped';
  // The lazy instrumentation hooks need module.registerHooks (Node 22.15, 23.5 and later).
  if (typeof nodeModule.registerHooks !== 'function') {
    process.stderr.write(
      `[otel-preload] disabled, the app runs uninstrumented: it needs Node.js 22.15 or later, and this is ${process.version}\n`,
    );
    return 'skipped';
  }

  const { config, warnings } = parseEnv(env);
  const diag = new Diagnostics(config.OTEL_LOG_LEVEL);
  const manager = packageManager(process.argv[1]);
  if (manager !== undefined) {
    // NODE_OPTIONS reaches `npm start` itself: instrumenting npm would take the Prometheus port
    // from the app it starts, which gets the preload through the same NODE_OPTIONS.
    diag.debug(`not started in ${manager}, a package manager; the app it runs starts its own`);
    return 'skipped';
  }
  for (const warning of warnings) diag.warn(formatWarning(warning));
  if (config.OTEL_SDK_DISABLED) return 'skipped';
  diag.debug(`effective config ${JSON.stringify(redactedConfig(config))}`);
  setGlobalErrorHandler((error) =>
    diag.warnLimited(
      'sdk-error',
      `telemetry error: ${error instanceof Error ? error.message : JSON.stringify(error)}`,
    ),
  );

  const detectors = config.OTEL_NODE_RESOURCE_DETECTORS;
  const detected = detectResource(
    env,
    config.OTEL_SERVICE_NAME,
    config.OTEL_RESOURCE_ATTRIBUTES,
    localDetectors(detectors),
  );
  publishResource(detected);
  const resource = withCloud(resourceFromAttributes(detected), detectors, diag);

  const contextManager = new AsyncLocalStorageContextManager();
  contextManager.enable();
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(
    new CompositePropagator({ propagators: propagatorsFrom(config) }),
  );

  const spanQueue = config.OTEL_TRACES_EXPORTER.includes('otlp')
    ? new BatchQueue(
        lazyExporter(config, 'traces', diag),
        batchSettingsFrom(config, 'spans', spanBatches(config)),
        diag,
      )
    : undefined;
  const tracing = {
    resource,
    sampler: samplerFrom(config),
    spanLimits: spanLimits(config),
    idGenerator: new PooledIdGenerator(),
    processors: spanQueue ? [new BatchSpanProcessor(spanQueue)] : [],
  };
  const tracerProvider = new TracerProvider({ ...tracing, spanProcessors: tracing.processors });
  trace.setGlobalTracerProvider(tracerProvider);
  // The HTTP server durations are aggregated by the preload for each reader, unless exponential
  // histograms are asked for: those only the SDK's instrument makes.
  const aggregations =
    config.OTEL_METRICS_EXPORTER.includes('otlp') &&
    config.OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION ===
      'base2_exponential_bucket_histogram'
      ? undefined
      : new DurationAggregations();
  const meterProvider = createMeterProvider(config, resource, diag, aggregations);
  if (meterProvider) metrics.setGlobalMeterProvider(meterProvider);
  const logging = createLoggerProvider(config, resource, diag);
  const loggerProvider = logging?.provider;
  if (loggerProvider) logs.setGlobalLoggerProvider(loggerProvider);

  const { selected, unknown } = selectInstrumentations(
    config.OTEL_NODE_ENABLED_INSTRUMENTATIONS,
    config.OTEL_NODE_DISABLED_INSTRUMENTATIONS,
  );
  for (const name of unknown) diag.warn(`unknown instrumentation "${name}" ignored`);
  const settings = {
    capturedHeaders: config.OTEL_PRELOAD_CAPTURE_HEADERS,
    redactedQueryParams: config.OTEL_PRELOAD_REDACT_QUERY_PARAMS,
    sendLogs: config.OTEL_LOGS_EXPORTER.includes('otlp'),
    serverSpans: new ServerSpans(tracing, { name: HTTP_SERVER_SCOPE }),
    durations:
      meterProvider &&
      (aggregations ?? new InstrumentDurations(meterProvider.getMeter(HTTP_SERVER_SCOPE))),
  };
  const byTarget = new Map<string, CatalogEntry>();
  for (const entry of selected) for (const target of entry.targets) byTarget.set(target, entry);
  const atStartup = selected.filter((entry) => entry.targets.length === 0);
  const active = new Map<string, Active>();
  let steppedBack = false;

  const stepBack = () => {
    steppedBack = true;
    diag.warn('the app sets up its own OpenTelemetry SDK; the preload steps back');
    for (const instrumentation of active.values()) instrumentation.disable();
    void tracerProvider.shutdown();
    void meterProvider?.shutdown();
    void loggerProvider?.shutdown();
    trace.disable();
    metrics.disable();
    logs.disable();
    propagation.disable();
    context.disable();
  };

  const activate = (entry: CatalogEntry, target: string) => {
    active.set(entry.name, createInstrumentation(entry, settings, target));
    diag.debug(`instrumentation ${entry.name} active`);
  };

  watchFirstLoads(
    [...byTarget.keys(), ...APP_SDKS],
    (name) => {
      if (steppedBack) return;
      if (APP_SDKS.includes(name)) return stepBack();
      const entry = byTarget.get(name)!;
      const existing = active.get(entry.name);
      if (existing) return existing.extend(name);
      activate(entry, name);
    },
    (name, error) =>
      diag.warn(
        `instrumentation for ${name} failed; ${name} runs uninstrumented: ${String(error)}`,
      ),
    () => registerEsmHooks([...byTarget.keys()]),
  );

  for (const entry of selected) {
    for (const name of entry.globals ?? []) {
      watchFirstGlobalUse(
        name,
        () => {
          if (!steppedBack && !active.has(entry.name)) activate(entry, name);
        },
        (error) =>
          diag.warn(
            `instrumentation for ${name} failed; ${name} runs uninstrumented: ${String(error)}`,
          ),
      );
    }
  }

  if (meterProvider && atStartup.length > 0) {
    // After the app's own startup work: loading these is not on its critical path.
    setTimeout(() => {
      if (steppedBack) return;
      for (const entry of atStartup) {
        try {
          activate(entry, entry.name);
        } catch (error) {
          diag.warn(`instrumentation ${entry.name} failed: ${String(error)}`);
        }
      }
    }, DEFERRED_START_MS).unref();
  }

  const exportNow = () => {
    if (steppedBack) return;
    exportBeforeDeath(
      config,
      { spans: spanQueue, logs: logging?.queue },
      Math.min(config.OTEL_PRELOAD_SHUTDOWN_TIMEOUT_MS, LAST_EXPORT_MAX_MS),
    );
  };

  installLifecycle(
    {
      // The queues directly, not the providers' forceFlush: those hold the process up with a
      // 30 s timer of their own when the destination does not answer.
      flush: () =>
        Promise.all([
          spanQueue?.flush(),
          meterProvider
            ?.forceFlush({ timeoutMillis: config.OTEL_PRELOAD_SHUTDOWN_TIMEOUT_MS })
            .catch(() => undefined),
          logging?.queue.flush(),
        ]).then(() => undefined),
      abandon: () => {
        spanQueue?.abandon();
        logging?.queue.abandon();
      },
      recordCrash: (error, origin) => {
        const attributes = exceptionAttributes(error);
        // Thrown out of a request listener: its server span ends now, with the exception.
        const failed = endFailedSpan(error);
        const span = failed ?? trace.getActiveSpan();
        logs.getLogger(SCOPE).emit({
          severityNumber: SeverityNumber.FATAL,
          severityText: 'FATAL',
          body: `${origin === 'unhandledRejection' ? 'unhandled rejection' : 'uncaught exception'}: ${attributes['exception.message']}`,
          attributes,
          ...(span ? { context: trace.setSpan(context.active(), span) } : {}),
        });
        // Node's uncaught-exception path ends the process unless a listener or a capture
        // callback (domain, REPL) takes the exception.
        const dying =
          process.listenerCount('uncaughtException') === 0 &&
          !process.hasUncaughtExceptionCaptureCallback();
        if (span && !failed) {
          span.recordException(error instanceof Error ? error : String(error));
          span.setStatus({ code: SpanStatusCode.ERROR, message: attributes['exception.message'] });
          // A surviving app still ends its span itself (a server span when its response closes).
          if (dying) span.end();
        }
        if (dying) exportNow();
      },
      exportNow,
    },
    config.OTEL_PRELOAD_SHUTDOWN_TIMEOUT_MS,
    diag,
  );
  return 'started';
}
