import type { ConfigProblem, ConnectorFactory, ConnectorUse } from '../../component.ts';
import type { RoutingConnectorConfig } from './config.ts';
import { routingConnectorConfigSchema } from './config.ts';
import { RoutingConnector } from './connector.ts';

/**
 * The routing table against the pipelines: every pipeline it names receives from the connector,
 * and every pipeline receiving from it is named. (The pipelines' check already holds every
 * pipeline it joins to one signal.)
 */
function checkUse(config: RoutingConnectorConfig, use: ConnectorUse): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const named = new Set<string>();
  const lists: [(string | number)[], readonly string[]][] = [
    ...config.table.flatMap((route, index): [(string | number)[], readonly string[]][] =>
      route.pipelines ? [[['table', index, 'pipelines'], route.pipelines]] : [],
    ),
    [['default_pipelines'], config.default_pipelines],
  ];
  for (const [path, pipelines] of lists) {
    pipelines.forEach((pipeline, index) => {
      named.add(pipeline);
      if (!use.to.includes(pipeline))
        problems.push({
          path: [...path, index],
          message: `pipeline "${pipeline}" does not list this connector as a receiver (pipelines that do: ${use.to.join(', ') || 'none'})`,
        });
    });
  }
  for (const pipeline of use.to) {
    if (!named.has(pipeline))
      problems.push({
        path: [],
        message: `pipeline "${pipeline}" receives from this connector, but no route or default_pipelines names it`,
      });
  }
  return problems;
}

export const routingConnectorFactory: ConnectorFactory<RoutingConnectorConfig> = {
  kind: 'connector',
  type: 'routing',
  configSchema: routingConnectorConfigSchema,
  connects: (from, to) => from === to,
  checkUse,
  create: (settings, config, downstream) => new RoutingConnector(settings, config, downstream),
};
