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
