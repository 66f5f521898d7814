import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import type { PreloadEnv } from '../config/env.ts';
import type { Batch, BatchQueue } from './batch.ts';
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
  const requests: CrashRequest[] = [];
  const add = (signal: 'traces' | 'logs', batches: readonly Batch<unknown>[]) => {
    if (batches.length === 0) return;
    const settings = settingsFor(config, signal);
    for (const batch of batches) {
      let body: Buffer;
      try {
        body = Buffer.from(batch.encode());
      } catch {
        continue; // what cannot be encoded cannot be sent; the rest still can
      }
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
    }
  };
  add('traces', queues.spans?.drain() ?? []);
  add('logs', queues.logs?.drain() ?? []);
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
