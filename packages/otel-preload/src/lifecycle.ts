import type { Diagnostics } from './diag.ts';

/** What the lifecycle hooks flush and record into. */
export interface Flushable {
  /** Exports what is buffered; resolves when done or failed (never rejects). */
  flush(): Promise<void>;
  /** Records an uncaught exception on the active span and as a log record. */
  recordCrash(error: unknown, origin: string): void;
  /** Sends what is still queued, synchronously: at 'exit' nothing asynchronous runs any more. */
  exportNow(): void;
  /** Drops what is queued and aborts exports in flight: a flush ran out of time. */
  abandon(): void;
}

/**
 * Resolves true when `promise` settled within `ms`, false when the time ran out first. The timer
 * keeps the process up meanwhile, on purpose: an export waiting to retry holds nothing else.
 */
const withTimeout = (promise: Promise<void>, ms: number) =>
  new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    const settled = () => {
      clearTimeout(timer);
      resolve(true);
    };
    promise.then(settled, settled);
  });

/**
 * Hooks that flush telemetry without changing how the host process behaves:
 * - SIGTERM / SIGINT: flush within `timeoutMs`; then, if the app has no handler of its own, remove
 *   ours and re-raise the signal so the default action (exit by signal) happens as it would have.
 *   If the app has a handler, the app decides when to exit; we only flush.
 * - beforeExit: flush once; Node exits with the app's exit code when the flush ends, or at
 *   `timeoutMs` if the destination is unreachable (export retries never hold the process).
 * - uncaughtExceptionMonitor: record the error; Node's crash behaviour is unchanged.
 * - exit: what is still queued (an app that calls process.exit() skips beforeExit) is sent
 *   synchronously, unless a flush has already run out of time (the destination is not answering,
 *   and the exit must not wait for it twice).
 */
export function installLifecycle(target: Flushable, timeoutMs: number, diag: Diagnostics): void {
  let flushTimedOut = false;
  const flush = () =>
    withTimeout(target.flush(), timeoutMs).then((done) => {
      if (!done && !flushTimedOut) {
        flushTimedOut = true;
        // Nothing of ours may keep the process up past the timeout (an app that handles the
        // signal itself exits when its own work is done).
        target.abandon();
        diag.warn(
          `gave up exporting after OTEL_PRELOAD_SHUTDOWN_TIMEOUT_MS=${timeoutMs} ms: the OTLP destination failed or did not answer in time; what was still queued is dropped`,
        );
      }
      return done;
    });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    const handler = () => {
      const appHandles = process.listenerCount(signal) > 1;
      void flush().then(() => {
        if (appHandles) return;
        process.removeListener(signal, handler);
        process.kill(process.pid, signal);
      });
    };
    process.on(signal, handler);
  }
  let flushedBeforeExit = false;
  process.on('beforeExit', () => {
    if (flushedBeforeExit) return;
    flushedBeforeExit = true;
    void flush().then((done) => {
      // The app had nothing left to do; only the exporter's retries would keep it alive now.
      if (!done) process.exit();
    });
  });
  process.on('exit', () => {
    if (flushTimedOut) return;
    try {
      target.exportNow();
    } catch (error) {
      diag.debug(`could not export at exit: ${String(error)}`);
    }
  });
  process.on('uncaughtExceptionMonitor', (error, origin) => {
    try {
      target.recordCrash(error, origin);
    } catch (recordError) {
      diag.debug(`could not record a crash: ${String(recordError)}`);
    }
  });
}
