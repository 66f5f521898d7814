import { z } from 'zod';
import { batchConfigSchema, queueConfigSchema } from '../queued-exporter.ts';
import { retryConfigSchema } from '../retry.ts';

export const fileExporterConfigSchema = z
  .strictObject({
    path: z
      .string()
      .min(1)
      .default('./data/otlp.jsonl')
      .describe('File to append to: one OTLP/JSON request per line.'),
    rotation: z
      .strictObject({
        max_bytes: z
          .number()
          .int()
          .positive()
          .default(100 * 1024 * 1024)
          .describe('Rotate before the file would exceed this size.'),
        max_backups: z
          .number()
          .int()
          .min(0)
          .default(5)
          .describe('Rotated files kept (path.1 is the newest).'),
      })
      .default({ max_bytes: 100 * 1024 * 1024, max_backups: 5 }),
    batch: batchConfigSchema,
    sending_queue: queueConfigSchema,
    retry_on_failure: retryConfigSchema,
  })
  .describe('Appends OTLP/JSON lines to a file, rotated by size.');

export type FileExporterConfig = z.infer<typeof fileExporterConfigSchema>;
