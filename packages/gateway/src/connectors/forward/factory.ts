import type { ConnectorFactory } from '../../component.ts';
import type { ForwardConnectorConfig } from './config.ts';
import { forwardConnectorConfigSchema } from './config.ts';
import { ForwardConnector } from './connector.ts';

export const forwardConnectorFactory: ConnectorFactory<ForwardConnectorConfig> = {
  kind: 'connector',
  type: 'forward',
  configSchema: forwardConnectorConfigSchema,
  connects: (from, to) => from === to,
  create: (settings, _config, downstream) => new ForwardConnector(settings, downstream),
};
