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
 * The requests that carry what the queues hold. Protobuf bodies of one signal are joined into
 * one request (concatenated messages merge their repeated fields); JSON ones go one per batch,
 * newest first, so the crash's own span and record lead if the deadline cuts the rest off.
 */
export function crashRequests(config: PreloadEnv, queues: CrashQueues): CrashRequest[] {
  const requests: CrashRequest[] = [];
  const add = (signal: 'traces' | 'logs', batches: readonly Batch<unknown>[]) => {
    const settings = settingsFor(config, signal);
    const bodies: Buffer[] = [];
    for (const batch of batches) {
      try {
        bodies.push(Buffer.from(batch.encode()));
      } catch {
        // What cannot be encoded cannot be sent; the rest still can.
      }
    }
    if (bodies.length === 0) return;
    const sent =
      settings.contentType === 'application/json' ? bodies.reverse() : [Buffer.concat(bodies)];
    for (const body of sent) {
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
  return requests;
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
  const requests = crashRequests(config, queues);
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
