import { readFileSync } from 'node:fs';
import type { Document } from 'yaml';
import { LineCounter, isNode, isPair, isScalar, isSeq, parseDocument, visit } from 'yaml';
import { ErrorCode, GatewayError } from '../errors.ts';
import { DEFAULT_CONFIG_YAML } from './default.ts';
import { expandEnv } from './env-substitution.ts';
import type { ResolvedConfig } from './schema.ts';
import { configFileSchema, resolve } from './schema.ts';

/** One problem in a config file: where (dotted key path and line) and what. */
export interface ConfigProblem {
  path: string;
  line: number | undefined;
  message: string;
}

/** Thrown by {@link loadConfig} with every problem found, not just the first. */
export class ConfigError extends GatewayError {
  readonly problems: ConfigProblem[];
  readonly source: string;

  constructor(source: string, problems: ConfigProblem[]) {
    super(
      ErrorCode.CONFIG_INVALID,
      `${source}: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n${problems
        .map((p) => `  ${p.line ? `line ${p.line}: ` : ''}${p.path || '(root)'}: ${p.message}`)
        .join('\n')}`,
    );
    this.problems = problems;
    this.source = source;
  }
}

const pathString = (path: readonly PropertyKey[]) =>
  path
    .map((k) => (typeof k === 'number' ? `[${k}]` : String(k)))
    .join('.')
    .replace(/\.\[/g, '[');

/** The dotted key path of a node from its ancestry as `visit` reports it. */
function keyPath(ancestry: readonly unknown[]): string {
  const keys: PropertyKey[] = [];
  ancestry.forEach((node, i) => {
    const child = ancestry[i + 1];
    if (isPair(node)) keys.push(isScalar(node.key) ? String(node.key.value) : String(node.key));
    else if (isSeq(node) && child !== undefined) keys.push(node.items.indexOf(child));
  });
  return pathString(keys);
}

function lineOf(
  doc: Document,
  counter: LineCounter,
  path: readonly PropertyKey[],
): number | undefined {
  // The deepest node that exists along the path: an unknown key points at its parent map.
  for (let depth = path.length; depth >= 0; depth--) {
    const node = doc.getIn(path.slice(0, depth) as unknown[], true);
    if (isNode(node) && node.range) return counter.linePos(node.range[0]).line;
  }
  return undefined;
}

/**
 * Parses, expands and validates one YAML config. `${env:VAR}` / `${env:VAR:-default}` are
 * expanded inside scalar values only (never in keys), so a variable cannot inject YAML structure.
 * Throws ConfigError listing every problem with its key path and line.
 */
export function parseConfig(
  text: string,
  source: string,
  env: NodeJS.ProcessEnv = process.env,
): ResolvedConfig {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: true, uniqueKeys: true });
  const problems: ConfigProblem[] = doc.errors.map((e) => ({
    path: '',
    line: e.linePos?.[0]?.line,
    message: e.message.split('\n')[0]!,
  }));
  if (problems.length > 0) throw new ConfigError(source, problems);

  visit(doc, {
    Scalar(key, node, path) {
      if (key === 'key' || typeof node.value !== 'string') return;
      try {
        node.value = expandEnv(node.value, env);
      } catch (error) {
        problems.push({
          path: keyPath([...path, node]),
          line: node.range ? counter.linePos(node.range[0]).line : undefined,
          message: (error as Error).message,
        });
      }
    },
  });
  if (problems.length > 0) throw new ConfigError(source, problems);

  const raw: unknown = doc.toJS() ?? {};
  const parsed = configFileSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(
      source,
      parsed.error.issues.map((issue) => ({
        path: pathString(issue.path),
        line: lineOf(doc, counter, issue.path),
        message: issue.message,
      })),
    );
  }
  return resolve(parsed.data);
}

/** Loads the config file, or the embedded default when `path` is undefined. */
export function loadConfig(
  path: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): ResolvedConfig {
  if (path === undefined)
    return parseConfig(DEFAULT_CONFIG_YAML(env), '(embedded default config)', env);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(path, [
      { path: '', line: undefined, message: `cannot read the file: ${(error as Error).message}` },
    ]);
  }
  return parseConfig(text, path, env);
}
