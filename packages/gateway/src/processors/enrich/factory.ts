import type { ProcessorFactory } from '../../component.ts';
import type { EnrichProcessorConfig } from './config.ts';
import { enrichProcessorConfigSchema } from './config.ts';
import { EnrichProcessor } from './processor.ts';

export const enrichProcessorFactory: ProcessorFactory<EnrichProcessorConfig> = {
  kind: 'processor',
  type: 'enrich',
  configSchema: enrichProcessorConfigSchema,
  mutates: true,
  create: (settings, config) => new EnrichProcessor(config, settings),
};
