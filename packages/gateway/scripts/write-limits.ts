// Regenerates the README's limits section from the zod schemas.
import { writeReadmeSection } from '../../../scripts/readme-section.ts';
import { limitsTable } from '../src/config/limits-table.ts';

writeReadmeSection(new URL('../README.md', import.meta.url), 'limits', limitsTable());
