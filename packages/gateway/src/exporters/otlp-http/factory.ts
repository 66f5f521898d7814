import type { ExporterFactory } from '../../component.ts';
import { SIGNALS } from '../../signal.ts';
import type { OtlpHttpExporterConfig } from './config.ts';
import { otlpHttpExporterConfigSchema } from './config.ts';
import { createOtlpHttpExporter } from './exporter.ts';

export const otlpHttpExporterFactory: ExporterFactory<OtlpHttpExporterConfig> = {
  kind: 'exporter',
  type: 'otlp_http',
  configSchema: otlpHttpExporterConfigSchema,
  signals: SIGNALS,
  create: createOtlpHttpExporter,
};
