import { z } from 'zod';
import { hostPort } from '../receivers/otlp-http/config.ts';
import { exporterFactories, receiverFactories } from '../registry.ts';
import type { Signal } from '../signal.ts';
import { SIGNALS } from '../signal.ts';

/** `type` or `type/name`: the type picks the factory, the name tells instances apart. */
export const COMPONENT_ID = /^([a-z][a-z0-9_]*)(?:\/([A-Za-z0-9_.-]+))?$/;

const pipelineSchema = z.strictObject({
  receivers: z.array(z.string()).min(1).describe('Receiver ids feeding this pipeline.'),
  processors: z.array(z.string()).default([]).describe('Processor ids, applied in order.'),
  exporters: z.array(z.string()).min(1).describe('Exporter ids the pipeline fans out to.'),
});

export const serviceSchema = z.strictObject({
  pipelines: z
    .record(z.string(), pipelineSchema)
    .describe('Named pipelines: the key is `traces`, `metrics` or `logs`, optionally `/name`.'),
  admin: z
    .strictObject({
      endpoint: hostPort.default('127.0.0.1:13133').describe('Health, readiness and /metrics.'),
    })
    .default({ endpoint: '127.0.0.1:13133' }),
  memory: z
    .strictObject({
      soft_limit_mib: z
        .number()
        .int()
        .positive()
        .default(512)
        .describe('Above this RSS receivers refuse (503/UNAVAILABLE).'),
      hard_limit_mib: z
        .number()
        .int()
        .positive()
        .default(768)
        .describe('RSS the gateway must stay under.'),
    })
    .default({ soft_limit_mib: 512, hard_limit_mib: 768 })
    .refine((m) => m.soft_limit_mib < m.hard_limit_mib, {
      message: 'soft_limit_mib must be below hard_limit_mib',
    }),
  shutdown_timeout_ms: z
    .number()
    .int()
    .positive()
    .default(10_000)
    .describe('Drain deadline on SIGTERM/SIGINT.'),
  log_level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
});

const componentMap = z.record(z.string(), z.unknown().optional()).default({});

/** The whole config file as written; component configs are checked by their factories' schemas. */
export const configFileSchema = z
  .strictObject({
    receivers: componentMap.describe('Receivers by id.'),
    processors: componentMap.describe('Processors by id.'),
    exporters: componentMap.describe('Exporters by id.'),
    connectors: componentMap.describe('Connectors by id.'),
    service: serviceSchema,
  })
  .superRefine((config, ctx) => {
    const kinds = [
      ['receivers', receiverFactories],
      ['exporters', exporterFactories],
      ['processors', new Map()],
      ['connectors', new Map()],
    ] as const;
    for (const [kind, factories] of kinds) {
      for (const [id, raw] of Object.entries(config[kind])) {
        const match = COMPONENT_ID.exec(id);
        const factory = match
          ? (factories as Map<string, { configSchema: z.ZodType }>).get(match[1]!)
          : undefined;
        if (!match || !factory) {
          const known = [...factories.keys()].join(', ') || 'none yet';
          ctx.addIssue({
            code: 'custom',
            path: [kind, id],
            message: match
              ? `unknown ${kind.slice(0, -1)} type "${match[1]}" (known: ${known})`
              : `invalid component id "${id}"`,
          });
          continue;
        }
        const parsed = factory.configSchema.safeParse(raw ?? {});
        if (!parsed.success) {
          for (const issue of parsed.error.issues) {
            ctx.addIssue({
              code: 'custom',
              path: [kind, id, ...issue.path],
              message: issue.message,
            });
          }
        }
      }
    }
    for (const [name, pipeline] of Object.entries(config.service.pipelines)) {
      const signal = name.split('/')[0] as Signal;
      if (!SIGNALS.includes(signal)) {
        ctx.addIssue({
          code: 'custom',
          path: ['service', 'pipelines', name],
          message: `pipeline "${name}" must be named traces, metrics or logs (optionally /name)`,
        });
      }
      for (const [list, kind] of [
        ['receivers', 'receivers'],
        ['processors', 'processors'],
        ['exporters', 'exporters'],
      ] as const) {
        pipeline[list].forEach((id, index) => {
          if (!(id in config[kind])) {
            ctx.addIssue({
              code: 'custom',
              path: ['service', 'pipelines', name, list, index],
              message: `"${id}" is not defined under ${kind}`,
            });
          }
        });
      }
    }
  });

export type ConfigFile = z.infer<typeof configFileSchema>;

/** The config after defaults: every component config parsed by its factory. */
export interface ResolvedConfig extends ConfigFile {
  receiverConfigs: Map<string, { type: string; config: unknown }>;
  exporterConfigs: Map<string, { type: string; config: unknown }>;
}

/** Applies factory defaults to the component configs of a config that passed the schema. */
export function resolve(config: ConfigFile): ResolvedConfig {
  const parse = (
    kind: 'receivers' | 'exporters',
    factories: ReadonlyMap<string, { configSchema: z.ZodType }>,
  ) =>
    new Map(
      Object.entries(config[kind]).map(([id, raw]) => {
        const type = COMPONENT_ID.exec(id)![1]!;
        return [id, { type, config: factories.get(type)!.configSchema.parse(raw ?? {}) }];
      }),
    );
  return {
    ...config,
    receiverConfigs: parse('receivers', receiverFactories),
    exporterConfigs: parse('exporters', exporterFactories),
  };
}
