// Writes the README's configuration table from the environment schema (src/config/env.ts), the
// single truth for names, defaults and meanings. `node scripts/config-table.ts` rewrites the
// table between the config markers; env.test.ts fails when the README is out of date.
import { join } from 'node:path';
import { writeReadmeSection } from '../../../scripts/readme-section.ts';
import { configTable } from '../src/config/table.ts';

writeReadmeSection(join(import.meta.dirname, '..', 'README.md'), 'config', configTable());
