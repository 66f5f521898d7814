import { join } from 'node:path';
import { z } from 'zod';
import {
  connectorFactories,
  exporterFactories,
  processorFactories,
  receiverFactories,
} from '../registry.ts';

interface JsonProperty {
  type?: string | string[];
  enum?: unknown[];
  anyOf?: JsonProperty[];
  default?: unknown;
  description?: string;
  properties?: Record<string, JsonProperty>;
  items?: JsonProperty;
}

/** The kinds of component, by the folder their components live in. */
export const KINDS = {
  receiver: receiverFactories,
  processor: processorFactories,
  exporter: exporterFactories,
  connector: connectorFactories,
} as const;

export type Kind = keyof typeof KINDS;

/** Every registered component: its kind, type, folder and config schema. */
export function registeredComponents(): {
  kind: Kind;
  type: string;
  dir: string;
  schema: z.ZodType;
}[] {
  return (Object.keys(KINDS) as Kind[]).flatMap((kind) =>
    [...KINDS[kind].values()].map((factory) => ({
      kind,
      type: factory.type,
      dir: join(import.meta.dirname, '..', `${kind}s`, factory.type.replace(/_/g, '-')),
      schema: factory.configSchema,
    })),
  );
}

function typeOf(property: JsonProperty): string {
  if (property.enum) return property.enum.map((v) => JSON.stringify(v)).join(' \\| ');
  if (property.anyOf)
    return property.anyOf
      .map(typeOf)
      .filter((t) => t !== 'null')
      .join(' \\| ');
  if (property.type === 'array') return `${property.items ? typeOf(property.items) : 'value'}[]`;
  if (Array.isArray(property.type)) return property.type.join(' \\| ');
  return property.type ?? 'value';
}

const cell = (value: unknown) => (value === undefined ? '' : `\`${JSON.stringify(value)}\``);

/** Nested objects become rows with dotted keys; an object's own row comes first when described. */
function rows(properties: Record<string, JsonProperty>, prefix: string): string[] {
  return Object.entries(properties).flatMap(([key, property]) => {
    const path = `${prefix}${key}`;
    const items = property.type === 'array' ? property.items?.properties : undefined;
    if (items) {
      const description = (property.description ?? '').replace(/\|/g, '\\|');
      return [
        `| \`${path}\` | list | ${cell(property.default)} | ${description} |`,
        ...rows(items, `${path}[].`),
      ];
    }
    const object = property.properties ?? property.anyOf?.find((p) => p.properties)?.properties;
    if (object) {
      const own = property.description
        ? [`| \`${path}\` | object | | ${property.description} |`]
        : [];
      return [...own, ...rows(object, `${path}.`)];
    }
    const description = (property.description ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ');
    return [`| \`${path}\` | ${typeOf(property)} | ${cell(property.default)} | ${description} |`];
  });
}

/** A component README's configuration table, generated from its zod schema. */
export function configTable(schema: z.ZodType): string {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonProperty;
  const properties = json.properties ?? {};
  if (Object.keys(properties).length === 0) return 'No options.';
  return [
    '| key | type | default | description |',
    '| --- | --- | --- | --- |',
    ...rows(properties, ''),
  ].join('\n');
}

/** The text a component README shows as its example: its testdata config, verbatim. */
export const exampleSection = (yaml: string): string =>
  ['```yaml', yaml.trimEnd(), '```'].join('\n');
