import { z } from 'zod';
import {
  connectorFactories,
  exporterFactories,
  processorFactories,
  receiverFactories,
} from '../registry.ts';
import { serviceSchema } from './schema.ts';

type JsonSchema = Record<string, unknown>;

/** A sub-schema: the generator's own `$schema` key belongs only at the root. */
const toJson = (schema: z.ZodType): JsonSchema => {
  const out = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  delete out.$schema;
  return out;
};

/** Components of one kind: keys `type` or `type/name`, each validated by its factory's schema. */
function componentMap(
  factories: ReadonlyMap<string, { configSchema: z.ZodType }>,
  what: string,
): JsonSchema {
  return {
    type: 'object',
    description: `${what} by id: \`type\` or \`type/name\`.`,
    patternProperties: Object.fromEntries(
      [...factories].map(([type, factory]) => [
        `^${type}(/[A-Za-z0-9_.-]+)?$`,
        { anyOf: [toJson(factory.configSchema), { type: 'null' }] },
      ]),
    ),
    additionalProperties: false,
  };
}

/**
 * The JSON Schema of the config file, generated from the zod schemas (the single source of
 * truth). Committed as gateway.schema.json for editors; a test fails when it drifts.
 */
export function gatewayJsonSchema(): JsonSchema {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://github.com/org/otel-pipeline/packages/gateway/gateway.schema.json',
    title: 'otel-gateway configuration',
    type: 'object',
    additionalProperties: false,
    required: ['service'],
    properties: {
      receivers: componentMap(receiverFactories, 'Receivers'),
      processors: componentMap(processorFactories, 'Processors'),
      exporters: componentMap(exporterFactories, 'Exporters'),
      connectors: componentMap(connectorFactories, 'Connectors'),
      service: toJson(serviceSchema),
    },
  };
}
