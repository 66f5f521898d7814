import type { ExporterFactory } from '../../component.ts';
import { SIGNALS } from '../../signal.ts';
import type { OtlpGrpcExporterConfig } from './config.ts';
import { otlpGrpcExporterConfigSchema } from './config.ts';
import { createOtlpGrpcExporter } from './exporter.ts';

export const otlpGrpcExporterFactory: ExporterFactory<OtlpGrpcExporterConfig> = {
  kind: 'exporter',
  type: 'otlp_grpc',
  configSchema: otlpGrpcExporterConfigSchema,
  signals: SIGNALS,
  create: createOtlpGrpcExporter,
};
