import type { ProcessorFactory } from '../../component.ts';
import type { RedactProcessorConfig } from './config.ts';
import { redactProcessorConfigSchema } from './config.ts';
import { RedactProcessor } from './processor.ts';

export const redactProcessorFactory: ProcessorFactory<RedactProcessorConfig> = {
  kind: 'processor',
  type: 'redact',
  configSchema: redactProcessorConfigSchema,
  mutates: true,
  create: (settings, config) => new RedactProcessor(config, settings),
};
