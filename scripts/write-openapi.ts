/** Writes openapi.json from the zod schemas (checked in, so integrators can build from it). */
import { writeFileSync } from 'node:fs';
import { openApiDocument } from '#schemas/openapi';

writeFileSync(new URL('../openapi.json', import.meta.url), `${JSON.stringify(openApiDocument(), null, 2)}\n`);
