// Regenerates every component README's configuration table and example from its zod schema and
// its testdata/config.yaml.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeReadmeSection } from '../../../scripts/readme-section.ts';
import { configTable, exampleSection, registeredComponents } from '../src/config/component-docs.ts';

for (const { dir, schema } of registeredComponents()) {
  const readme = join(dir, 'README.md');
  writeReadmeSection(readme, 'config', configTable(schema));
  writeReadmeSection(
    readme,
    'example',
    exampleSection(readFileSync(join(dir, 'testdata', 'config.yaml'), 'utf8')),
  );
}

// The enrich processor's README also shows its example service catalog.
const enrich = join(import.meta.dirname, '..', 'src', 'processors', 'enrich');
writeReadmeSection(
  join(enrich, 'README.md'),
  'catalog',
  exampleSection(readFileSync(join(enrich, 'testdata', 'catalog.yaml'), 'utf8')),
);
