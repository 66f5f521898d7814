import type { ReceiverFactory } from '../../component.ts';
import type { OtlpHttpReceiverConfig } from './config.ts';
import { otlpHttpReceiverConfigSchema } from './config.ts';
import { OtlpHttpReceiver } from './receiver.ts';

export const otlpHttpReceiverFactory: ReceiverFactory<OtlpHttpReceiverConfig> = {
  kind: 'receiver',
  type: 'otlp_http',
  configSchema: otlpHttpReceiverConfigSchema,
  create: (settings, config, next) => new OtlpHttpReceiver(settings, config, next),
};
