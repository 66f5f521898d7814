import type { ExporterFactory } from '../../component.ts';
import { SIGNALS } from '../../signal.ts';
import type { FileExporterConfig } from './config.ts';
import { fileExporterConfigSchema } from './config.ts';
import { createFileExporter } from './exporter.ts';

export const fileExporterFactory: ExporterFactory<FileExporterConfig> = {
  kind: 'exporter',
  type: 'file',
  configSchema: fileExporterConfigSchema,
  signals: SIGNALS,
  create: createFileExporter,
};
