/** GET /openapi.json — the contract, generated from the same zod schemas the handlers validate with. */

import { json } from '#http/responses';
import { openApiDocument } from '#schemas/openapi';

export const handler = async () => json(200, openApiDocument());
