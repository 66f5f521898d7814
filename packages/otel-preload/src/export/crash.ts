import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import type { PreloadEnv } from '../config/env.ts';
import { loadLazy } from '../lazy/load.ts';
import type { BatchQueue } from './batch.ts';
import type { CrashRequest } from './crash-sender.ts';
import { settingsFor } from './lazy.ts';

/** The queues whose contents a crash must not lose. */
export interface CrashQueues {
  spans?: BatchQueue<ReadableSpan> | undefined;
  logs?: BatchQueue<ReadableLogRecord> | undefined;
}

/**
 * Exports what is queued synchronously, for a process about to die of an uncaught exception
 * (no asynchronous work runs after that). The requests are encoded here and posted by a short
 * child process (`crash-sender.cjs`) this call waits for, at most `timeoutMs`: the crash is
 * delayed by that much at worst, and its exit status is unchanged.
 */
export function exportBeforeDeath(
  config: PreloadEnv,
  queues: CrashQueues,
  timeoutMs: number,
): void {
  const lazy = loadLazy('otlp-exporter');
  const requests: CrashRequest[] = [];
  const add = (
    signal: 'traces' | 'logs',
    items: readonly unknown[],
    encode: (json: boolean) => Uint8Array,
  ) => {
    if (items.length === 0) return;
    const settings = settingsFor(config, signal);
    const body = Buffer.from(encode(settings.contentType === 'application/json'));
    requests.push({
      url: settings.url,
      headers: { ...settings.headers, 'content-type': settings.contentType },
      body: body.toString('base64'),
      tls: {
        ca: settings.certificateFile,
        key: settings.clientKeyFile,
        cert: settings.clientCertificateFile,
      },
    });
  };
  const spans = queues.spans?.drain() ?? [];
  add('traces', spans, (json) => lazy.encodeSpans(spans, json));
  const logs = queues.logs?.drain() ?? [];
  add('logs', logs, (json) => lazy.encodeLogs(logs, json));
  if (requests.length === 0) return;
  spawnSync(process.execPath, [join(dirname(fileURLToPath(import.meta.url)), 'crash-sender.cjs')], {
    input: JSON.stringify({ deadlineMs: timeoutMs, requests }),
    timeout: timeoutMs + 500,
    stdio: ['pipe', 'ignore', 'ignore'],
    // Not the app's NODE_OPTIONS: the sender must not load the preload (or anything) itself.
    env: {
      PATH: process.env.PATH ?? '',
      ...(process.env.NODE_EXTRA_CA_CERTS
        ? { NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS }
        : {}),
    },
  });
}
