/** GET /openapi.json — the contract, generated from the same zod schemas the handlers validate with. */
import { openApiDocument } from '#schemas/openapi';
import { json } from '#http/responses';

export const handler = async () => json(200, openApiDocument());
