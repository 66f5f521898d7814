// Writes the README's configuration table from the environment schema (src/config/env.ts), the
// single truth for names, defaults and meanings. `node scripts/config-table.ts` rewrites the
// table between the config markers; env.test.ts fails when the README is out of date.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { configTable } from '../src/config/table.ts';

const readme = join(import.meta.dirname, '..', 'README.md');
const start = '<!-- config:start -->';
const end = '<!-- config:end -->';
const text = readFileSync(readme, 'utf8');
const from = text.indexOf(start);
const to = text.indexOf(end);
if (from < 0 || to < 0) throw new Error(`README.md has no ${start} … ${end} markers`);
writeFileSync(readme, `${text.slice(0, from + start.length)}\n${configTable()}\n${text.slice(to)}`);
