import type { FileHandle } from 'node:fs/promises';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Exporter, Settings } from '../../component.ts';
import type { EncodedBatch } from '../../encoded-batch.ts';
import { QueuedExporter } from '../queued-exporter.ts';
import type { SendOutcome } from '../retry.ts';
import type { FileExporterConfig } from './config.ts';

/**
 * Appends each batch as one OTLP/JSON line (`{"resourceSpans":…}` and so on, the signal told by
 * the top-level key). Before a line would push the file past `max_bytes` the file is rotated:
 * path.N-1 → path.N … path → path.1, the oldest beyond `max_backups` removed. Writes are
 * serialized (one consumer) so lines never interleave.
 */
export function createFileExporter(settings: Settings, config: FileExporterConfig): Exporter {
  const { path } = config;
  const { max_bytes: maxBytes, max_backups: maxBackups } = config.rotation;
  let handle: FileHandle | undefined;
  let size = 0;

  async function ensureOpen(): Promise<FileHandle> {
    if (handle) return handle;
    await mkdir(dirname(path), { recursive: true });
    handle = await open(path, 'a');
    size = (await stat(path)).size;
    return handle;
  }

  async function rotate(): Promise<void> {
    await handle?.close();
    handle = undefined;
    if (maxBackups === 0) await rm(path, { force: true });
    else {
      await rm(`${path}.${maxBackups}`, { force: true });
      for (let i = maxBackups - 1; i >= 1; i--)
        await rename(`${path}.${i}`, `${path}.${i + 1}`).catch(() => undefined);
      await rename(path, `${path}.1`);
    }
    size = 0;
  }

  async function send(batch: EncodedBatch): Promise<SendOutcome> {
    const line = Buffer.from(`${batch.json()}\n`);
    try {
      await ensureOpen();
      if (size > 0 && size + line.length > maxBytes) await rotate();
      const file = await ensureOpen();
      await file.write(line);
      size += line.length;
      return { ok: true };
    } catch (error) {
      handle = undefined;
      return { ok: false, retryable: true, reason: (error as Error).message };
    }
  }

  return new QueuedExporter(
    settings,
    {
      queue: { ...config.sending_queue, consumers: 1 },
      batch: config.batch,
      retry: config.retry_on_failure,
    },
    send,
    async () => {
      await handle?.close();
      handle = undefined;
    },
  );
}
