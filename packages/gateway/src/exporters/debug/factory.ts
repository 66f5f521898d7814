import type { ExporterFactory } from '../../component.ts';
import { SIGNALS } from '../../signal.ts';
import type { DebugExporterConfig } from './config.ts';
import { debugExporterConfigSchema } from './config.ts';
import { createDebugExporter } from './exporter.ts';

export const debugExporterFactory: ExporterFactory<DebugExporterConfig> = {
  kind: 'exporter',
  type: 'debug',
  configSchema: debugExporterConfigSchema,
  signals: SIGNALS,
  create: createDebugExporter,
};
