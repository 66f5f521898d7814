import type { ReceiverFactory } from '../../component.ts';
import type { OtlpGrpcReceiverConfig } from './config.ts';
import { otlpGrpcReceiverConfigSchema } from './config.ts';
import { OtlpGrpcReceiver } from './receiver.ts';

export const otlpGrpcReceiverFactory: ReceiverFactory<OtlpGrpcReceiverConfig> = {
  kind: 'receiver',
  type: 'otlp_grpc',
  configSchema: otlpGrpcReceiverConfigSchema,
  create: (settings, config, next) => new OtlpGrpcReceiver(settings, config, next),
};
