import fc from 'fast-check';
/** Field paths of the published JSON Schemas, for generating requests that break them. */
export const jsonType = (value: unknown) =>
  value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;

export function getPath(object: Record<string, unknown>, path: string): unknown {
  return path.split('.').reduce<any>((value, key) => value?.[key], object);
}

export interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
}

/** Every required field path of a JSON Schema object, nested objects included. */
export function requiredPaths(schema: JsonSchema, prefix = ''): string[] {
  return (schema.required ?? []).flatMap((key) => {
    const child = schema.properties?.[key];
    const path = `${prefix}${key}`;
    return child?.type === 'object' ? [path, ...requiredPaths(child, `${path}.`)] : [path];
  });
}

export function countBy(values: number[]): Record<string, number> {
  return values.reduce<Record<string, number>>((acc, v) => ({ ...acc, [v]: (acc[v] ?? 0) + 1 }), {});
}

export function setPath(
  object: Record<string, unknown>,
  path: string,
  value: unknown,
): Record<string, unknown> {
  const copy = structuredClone(object);
  const keys = path.split('.');
  let target = copy as Record<string, any>;
  for (const key of keys.slice(0, -1)) target = target[key];
  if (value === undefined) delete target[keys.at(-1)!];
  else target[keys.at(-1)!] = value;
  return copy;
}

/**
 * Requests that each break their published schema in one way: a field of another JSON type, a required
 * field missing, or a key the schema does not know. `valid` holds one valid body per schema name.
 */
export function brokenRequests<R extends { body: Record<string, unknown> }>(
  schemas: Record<string, JsonSchema>,
  valid: Record<string, R>,
): fc.Arbitrary<R> {
  const junk = fc.oneof(
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.string(), { maxLength: 2 }),
  );
  return fc.oneof(
    ...Object.entries(valid).map(([name, request]) => {
      const required = requiredPaths(schemas[name]!);
      return fc
        .oneof(
          fc
            .record({ field: fc.constantFrom(...required), value: junk })
            .filter(({ field, value }) => jsonType(value) !== jsonType(getPath(request.body, field)))
            .map(({ field, value }) => setPath(request.body, field, value)),
          fc.constantFrom(...required).map((field) => setPath(request.body, field, undefined)),
          fc
            .string({ minLength: 1, maxLength: 8 })
            .filter((k) => !(k in request.body))
            .map((k) => ({ ...request.body, [k]: 1 })),
        )
        .map((body) => ({ ...request, body }));
    }),
  );
}
