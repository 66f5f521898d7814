import { z } from 'zod';
import { hostPort } from '../receivers/otlp-http/config.ts';
import {
  connectorFactories,
  exporterFactories,
  processorFactories,
  receiverFactories,
} from '../registry.ts';
import type { Signal } from '../signal.ts';
import { SIGNALS } from '../signal.ts';

/** `type` or `type/name`: the type picks the factory, the name tells instances apart. */
export const COMPONENT_ID = /^([a-z][a-z0-9_]*)(?:\/([A-Za-z0-9_.-]+))?$/;

const pipelineSchema = z.strictObject({
  receivers: z
    .array(z.string())
    .min(1)
    .describe('Receiver (or connector) ids feeding this pipeline.'),
  processors: z.array(z.string()).default([]).describe('Processor ids, applied in order.'),
  exporters: z
    .array(z.string())
    .min(1)
    .describe('Exporter (or connector) ids the pipeline fans out to.'),
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
        .describe(
          'Above this much memory in use (V8 heap + external + native), receivers refuse before reading a request and /readyz answers 503.',
        ),
      hard_limit_mib: z
        .number()
        .int()
        .positive()
        .default(768)
        .describe(
          'Resident memory that no request body being read or decoded may take the gateway past (15% of it is kept for what cannot be counted).',
        ),
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
      ['processors', processorFactories],
      ['exporters', exporterFactories],
      ['connectors', connectorFactories],
    ] as const;
    for (const [kind, factories] of kinds) {
      for (const [id, raw] of Object.entries(config[kind])) {
        const match = COMPONENT_ID.exec(id);
        const factory = match
          ? (factories as ReadonlyMap<string, { configSchema: z.ZodType }>).get(match[1]!)
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
    for (const id of Object.keys(config.connectors)) {
      if (id in config.receivers || id in config.exporters) {
        ctx.addIssue({
          code: 'custom',
          path: ['connectors', id],
          message: `"${id}" is also defined as ${id in config.receivers ? 'a receiver' : 'an exporter'}; a connector needs an id of its own`,
        });
      }
    }
    checkPipelines(config, ctx);
  });

type Issues = z.core.$RefinementCtx;
type PipelineSpec = z.infer<typeof pipelineSchema>;

const signalOf = (pipeline: string) => pipeline.split('/')[0] as Signal;

/** Pipeline names, references, connector use and cycles. */
function checkPipelines(
  config: {
    receivers: Record<string, unknown>;
    processors: Record<string, unknown>;
    exporters: Record<string, unknown>;
    connectors: Record<string, unknown>;
    service: { pipelines: Record<string, PipelineSpec> };
  },
  ctx: Issues,
): void {
  const pipelines = Object.entries(config.service.pipelines);
  for (const [name, pipeline] of pipelines) {
    if (!SIGNALS.includes(signalOf(name))) {
      ctx.addIssue({
        code: 'custom',
        path: ['service', 'pipelines', name],
        message: `pipeline "${name}" must be named traces, metrics or logs (optionally /name)`,
      });
    }
    for (const [list, kinds] of [
      ['receivers', ['receivers', 'connectors']],
      ['processors', ['processors']],
      ['exporters', ['exporters', 'connectors']],
    ] as const) {
      pipeline[list].forEach((id, index) => {
        if (!kinds.some((kind) => id in config[kind])) {
          ctx.addIssue({
            code: 'custom',
            path: ['service', 'pipelines', name, list, index],
            message: `"${id}" is not defined under ${kinds.join(' or ')}`,
          });
        }
      });
    }
  }

  // Each connector joins the pipelines exporting to it with those receiving from it.
  const feeds = new Map<string, string[]>(); // pipeline → pipelines its connectors feed
  for (const id of Object.keys(config.connectors)) {
    if (id in config.receivers || id in config.exporters) continue; // reported above
    const factory = connectorFactories.get(COMPONENT_ID.exec(id)?.[1] ?? '');
    const from = pipelines.filter(([, p]) => p.exporters.includes(id)).map(([n]) => n);
    const to = pipelines.filter(([, p]) => p.receivers.includes(id)).map(([n]) => n);
    if (from.length === 0 || to.length === 0) {
      if (from.length + to.length > 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['connectors', id],
          message:
            from.length === 0
              ? `connector "${id}" is a receiver of ${to.join(', ')} but no pipeline exports to it`
              : `connector "${id}" is an exporter of ${from.join(', ')} but no pipeline receives from it`,
        });
      }
      continue;
    }
    const parsed = factory?.configSchema.safeParse(config.connectors[id] ?? {});
    if (factory?.checkUse && parsed?.success) {
      for (const problem of factory.checkUse(parsed.data, { from, to })) {
        ctx.addIssue({
          code: 'custom',
          path: ['connectors', id, ...problem.path],
          message: problem.message,
        });
      }
    }
    for (const source of from) {
      for (const target of to) {
        if (factory && !factory.connects(signalOf(source), signalOf(target))) {
          ctx.addIssue({
            code: 'custom',
            path: [
              'service',
              'pipelines',
              target,
              'receivers',
              config.service.pipelines[target]!.receivers.indexOf(id),
            ],
            message: `connector "${id}" cannot pass ${signalOf(source)} (from pipeline "${source}") into a ${signalOf(target)} pipeline`,
          });
        }
        feeds.set(source, [...(feeds.get(source) ?? []), target]);
      }
    }
  }
  const cycle = findCycle(feeds);
  if (cycle) {
    ctx.addIssue({
      code: 'custom',
      path: ['service', 'pipelines', cycle[0]!],
      message: `pipelines feed each other in a cycle through connectors: ${cycle.join(' → ')}`,
    });
  }
}

/** A cycle in the pipeline graph (first node repeated at the end), or undefined. */
function findCycle(edges: ReadonlyMap<string, readonly string[]>): string[] | undefined {
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (node: string): string[] | undefined => {
    const at = path.indexOf(node);
    if (at >= 0) return [...path.slice(at), node];
    if (done.has(node)) return undefined;
    path.push(node);
    for (const next of edges.get(node) ?? []) {
      const found = visit(next);
      if (found) return found;
    }
    path.pop();
    done.add(node);
    return undefined;
  };
  for (const node of edges.keys()) {
    const found = visit(node);
    if (found) return found;
  }
  return undefined;
}

export type ConfigFile = z.infer<typeof configFileSchema>;

/** A component's type and its config after the factory's defaults. */
export interface ComponentConfig {
  type: string;
  config: unknown;
}

/** The config after defaults: every component config parsed by its factory. */
export interface ResolvedConfig extends ConfigFile {
  receiverConfigs: Map<string, ComponentConfig>;
  processorConfigs: Map<string, ComponentConfig>;
  exporterConfigs: Map<string, ComponentConfig>;
  connectorConfigs: Map<string, ComponentConfig>;
}

/** Applies factory defaults to the component configs of a config that passed the schema. */
export function resolve(config: ConfigFile): ResolvedConfig {
  const parse = (
    kind: 'receivers' | 'processors' | 'exporters' | 'connectors',
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
    processorConfigs: parse('processors', processorFactories),
    exporterConfigs: parse('exporters', exporterFactories),
    connectorConfigs: parse('connectors', connectorFactories),
  };
}
