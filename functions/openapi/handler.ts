/** GET /openapi.json — the contract, generated from the same zod schemas the handlers validate with. */

import { json } from '#http/responses';
import { assertConfigured } from '#runtime/config';
import { openApiDocument } from '#schemas/openapi';

assertConfigured();

export const handler = async () => json(200, openApiDocument());
