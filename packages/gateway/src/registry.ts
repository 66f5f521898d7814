import type { ExporterFactory, ReceiverFactory } from './component.ts';
import { debugExporterFactory } from './exporters/debug/factory.ts';
import { fileExporterFactory } from './exporters/file/factory.ts';
import { otlpGrpcExporterFactory } from './exporters/otlp-grpc/factory.ts';
import { otlpHttpExporterFactory } from './exporters/otlp-http/factory.ts';
import { otlpGrpcReceiverFactory } from './receivers/otlp-grpc/factory.ts';
import { otlpHttpReceiverFactory } from './receivers/otlp-http/factory.ts';

/** Every component type the gateway knows, registered here explicitly (never by side effect). */
export const receiverFactories: ReadonlyMap<string, ReceiverFactory> = new Map(
  [otlpHttpReceiverFactory, otlpGrpcReceiverFactory].map((f) => [f.type, f as ReceiverFactory]),
);

export const exporterFactories: ReadonlyMap<string, ExporterFactory> = new Map(
  [otlpHttpExporterFactory, otlpGrpcExporterFactory, fileExporterFactory, debugExporterFactory].map(
    (f) => [f.type, f as ExporterFactory],
  ),
);
