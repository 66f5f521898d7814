// The routing table is checked when the config loads (at start and on reload): a table that
// could lose data silently, or names pipelines that do not take its data, is refused with the
// path of the bad entry.
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../config/load.ts';

/** The problems of a config whose connectors and pipelines are given. */
function problems(routing: string, pipelines: string): Record<string, string> {
  try {
    parseConfig(
      `receivers: { otlp_http: {} }
exporters: { debug: {} }
connectors:
  routing:
${routing.replace(/^/gm, '    ')}
service:
  pipelines:
${pipelines.replace(/^/gm, '    ')}
`,
      'routing.yaml',
    );
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return Object.fromEntries(error.problems.map((p) => [p.path, p.message]));
  }
  return {};
}

const PIPELINES = `traces/in: { receivers: [otlp_http], exporters: [routing] }
traces/a: { receivers: [routing], exporters: [debug] }
traces/b: { receivers: [routing], exporters: [debug] }`;

describe('routing config', () => {
  it('accepts a table whose pipelines all take its data', () => {
    expect(
      problems(
        `table: [{ condition: { resource: team, equals: a }, pipelines: [traces/a] }]
default_pipelines: [traces/b]`,
        PIPELINES,
      ),
    ).toEqual({});
  });

  it('refuses a table without default pipelines', () => {
    expect(
      problems(
        `table: [{ condition: { resource: team, equals: a }, pipelines: [traces/a] }]`,
        PIPELINES,
      ),
    ).toEqual({
      'connectors.routing.default_pipelines': expect.stringMatching(
        /^required: the pipelines that get what no route matches/,
      ) as string,
    });
  });

  it('refuses pipelines that do not receive from it, and pipelines it never feeds', () => {
    expect(
      problems(
        `table: [{ condition: { resource: team, equals: a }, pipelines: [traces/a, traces/in] }]
default_pipelines: [traces/a]`,
        PIPELINES,
      ),
    ).toEqual({
      'connectors.routing.table[0].pipelines[1]':
        'pipeline "traces/in" does not list this connector as a receiver (pipelines that do: traces/a, traces/b)',
      'connectors.routing':
        'pipeline "traces/b" receives from this connector, but no route or default_pipelines names it',
    });
  });

  it('refuses bad routes: duplicate names, drop with pipelines, neither, a backtracking pattern', () => {
    expect(
      problems(
        `table:
  - { name: x, condition: { resource: a, exists: true }, pipelines: [traces/a] }
  - { name: x, condition: { resource: b, exists: true }, action: drop }
  - { condition: { resource: c, exists: true }, action: drop, pipelines: [traces/a] }
  - { condition: { resource: d, exists: true } }
  - { name: default, condition: { resource: e, regex: '(a+)+\\1' }, pipelines: [traces/a] }
default_pipelines: [traces/b]`,
        PIPELINES,
      ),
    ).toEqual({
      'connectors.routing.table[1].name': 'route name "x" is already used by table[0]',
      'connectors.routing.table[2]': 'a drop route names no pipelines',
      'connectors.routing.table[3]': 'name the pipelines, or set action: drop',
      'connectors.routing.table[4].name': '"default" names the default route',
      'connectors.routing.table[4].condition.regex': expect.stringMatching(
        /not an RE2 pattern/,
      ) as string,
    });
  });
});
