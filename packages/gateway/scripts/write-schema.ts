// Regenerates gateway.schema.json from the zod schemas.
import { writeFileSync } from 'node:fs';
import { gatewayJsonSchema } from '../src/config/json-schema.ts';

writeFileSync(
  new URL('../gateway.schema.json', import.meta.url),
  `${JSON.stringify(gatewayJsonSchema(), null, 2)}\n`,
);
