import * as z from 'zod/mini';
import { envSchema } from './env.ts';

/** How a default reads in the table: lists comma-joined, objects as k=v, none as —. */
function show(value: unknown): string {
  if (value === undefined) return '—';
  if (Array.isArray(value)) return value.length === 0 ? '—' : value.join(',');
  if (typeof value === 'object' && value !== null) {
    const pairs = Object.entries(value as Record<string, string>).map(([k, v]) => `${k}=${v}`);
    return pairs.length === 0 ? '—' : pairs.join(',');
  }
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The README's configuration table: every variable of the schema, its default and meaning. */
export function configTable(): string {
  const rows = Object.entries(envSchema.shape).map(([name, schema]) => {
    const def = (schema as { _zod: { def: { type: string; defaultValue?: unknown } } })._zod.def;
    const fallback = def.type === 'default' ? def.defaultValue : undefined;
    const description = z.globalRegistry.get(schema)?.description ?? '';
    const shown = show(fallback);
    const cell = shown.length > 60 ? `${shown.slice(0, 57)}…` : shown;
    return `| \`${name}\` | ${cell === '—' ? cell : `\`${cell}\``} | ${description.replace(/\|/g, '\\|')} |`;
  });
  return ['| variable | default | meaning |', '| --- | --- | --- |', ...rows].join('\n');
}
