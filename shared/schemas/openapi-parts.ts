/** The pieces every part of the OpenAPI document is built from. */

export const errors = (...codes: number[]) =>
  Object.fromEntries(
    codes.map((c) => [
      String(c),
      {
        description: 'error',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      },
    ]),
  );

export const jsonBody = (ref: string) => ({
  required: true,
  content: { 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } },
});

export const path = (name: string) => ({ name, in: 'path', required: true, schema: { type: 'string' } });
export const staffOp = (
  summary: string,
  parameters: unknown[],
  responses: Record<string, unknown>,
  body?: string,
) => ({
  summary,
  security: [{ bearer: [] }],
  parameters,
  ...(body ? { requestBody: jsonBody(body) } : {}),
  responses,
});
