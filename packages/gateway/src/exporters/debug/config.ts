import { z } from 'zod';

export const debugExporterConfigSchema = z
  .strictObject({
    verbosity: z
      .enum(['summary', 'detailed'])
      .default('summary')
      .describe('summary: one line per batch with counts; detailed: the whole batch as OTLP/JSON.'),
  })
  .describe('Prints batches to stdout.');

export type DebugExporterConfig = z.infer<typeof debugExporterConfigSchema>;
