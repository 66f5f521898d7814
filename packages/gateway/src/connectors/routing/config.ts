import { z } from 'zod';
import { conditionSchema } from './condition.ts';

/** The route name of data no rule matched. */
export const DEFAULT_ROUTE = 'default';

const pipelineList = z.array(z.string().min(1)).min(1);

const routeSchema = z
  .strictObject({
    name: z
      .string()
      .regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, "_", "." and "-" only')
      .refine((name) => name !== DEFAULT_ROUTE, `"${DEFAULT_ROUTE}" names the default route`)
      .optional()
      .describe('The route’s name in metrics; `route_<n>` (1-based position) when absent.'),
    condition: conditionSchema.describe('What the route matches: a condition as described above.'),
    pipelines: pipelineList
      .optional()
      .describe('Pipelines (listing this connector as a receiver) that get what matches.'),
    action: z
      .enum(['route', 'drop'])
      .default('route')
      .describe('`drop` removes what matches, counted by route; it names no pipelines.'),
  })
  .superRefine((route, ctx) => {
    if (route.action === 'drop' && route.pipelines)
      ctx.addIssue({ code: 'custom', message: 'a drop route names no pipelines' });
    if (route.action === 'route' && !route.pipelines)
      ctx.addIssue({ code: 'custom', message: 'name the pipelines, or set action: drop' });
  });

export type Route = z.infer<typeof routeSchema>;

export const routingConnectorConfigSchema = z
  .strictObject({
    table: z
      .array(routeSchema)
      .min(1)
      .describe('Routes in order. With `match_once`, the first that matches wins.'),
    default_pipelines: z
      .array(z.string().min(1), {
        error: (issue) =>
          issue.input === undefined
            ? 'required: the pipelines that get what no route matches (data must never be lost by omission; route it to a drop rule on purpose instead)'
            : undefined,
      })
      .min(1)
      .describe(
        'Pipelines that get what no route matches. Required, so nothing is lost unnoticed.',
      ),
    match_once: z
      .boolean()
      .default(true)
      .describe(
        'true: each record goes to the first matching route. false: to every matching route, except that a matching drop route drops the record.',
      ),
  })
  .superRefine((config, ctx) => {
    const names = new Map<string, number>();
    config.table.forEach((route, index) => {
      const name = route.name ?? routeName(route, index);
      const earlier = names.get(name);
      if (earlier !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['table', index, 'name'],
          message: `route name "${name}" is already used by table[${earlier}]`,
        });
      names.set(name, index);
    });
  })
  .describe(
    'Sends each resource, or each record when a route reads below the resource, to the pipelines of the routes it matches.',
  );

export type RoutingConnectorConfig = z.infer<typeof routingConnectorConfigSchema>;

/** A route's name: its own, or its 1-based position. */
export const routeName = (route: Pick<Route, 'name'>, index: number): string =>
  route.name ?? `route_${index + 1}`;
