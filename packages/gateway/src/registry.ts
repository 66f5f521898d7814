import type {
  ConnectorFactory,
  ExporterFactory,
  ProcessorFactory,
  ReceiverFactory,
} from './component.ts';
import { forwardConnectorFactory } from './connectors/forward/factory.ts';
import { routingConnectorFactory } from './connectors/routing/factory.ts';
import { debugExporterFactory } from './exporters/debug/factory.ts';
import { fileExporterFactory } from './exporters/file/factory.ts';
import { otlpGrpcExporterFactory } from './exporters/otlp-grpc/factory.ts';
import { otlpHttpExporterFactory } from './exporters/otlp-http/factory.ts';
import { enrichProcessorFactory } from './processors/enrich/factory.ts';
import { redactProcessorFactory } from './processors/redact/factory.ts';
import { otlpGrpcReceiverFactory } from './receivers/otlp-grpc/factory.ts';
import { otlpHttpReceiverFactory } from './receivers/otlp-http/factory.ts';

const byType = <F extends { type: string }>(factories: F[]): ReadonlyMap<string, F> =>
  new Map(factories.map((f) => [f.type, f]));

/** Every component type the gateway knows, registered here explicitly (never by side effect). */
export const receiverFactories = byType<ReceiverFactory>([
  otlpHttpReceiverFactory,
  otlpGrpcReceiverFactory,
]);

export const processorFactories = byType<ProcessorFactory>([
  enrichProcessorFactory,
  redactProcessorFactory,
]);

export const exporterFactories = byType<ExporterFactory>([
  otlpHttpExporterFactory,
  otlpGrpcExporterFactory,
  fileExporterFactory,
  debugExporterFactory,
]);

export const connectorFactories = byType<ConnectorFactory>([
  forwardConnectorFactory,
  routingConnectorFactory,
]);
