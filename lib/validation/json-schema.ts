/**
 * The subset of OpenAPI v3 schema keywords that our schema packages use (`kubernetes-models`
 * 4.3.1 and `@kubernetes-models/istio` 2.3.0, checked over every schema they ship).
 *
 * Differences from plain JSON Schema that the checker honours: `nullable`, `$ref` ids that name
 * a Kubernetes definition (`io.k8s.api.core.v1.Container#`), and the `{ oneOf: [X, {type: null}] }`
 * pattern the packages use for optional references.
 */
export interface JsonSchema {
  type?: JsonType;
  format?: string;
  nullable?: boolean;
  enum?: unknown[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: JsonSchema | boolean;
  items?: JsonSchema;
  $ref?: string;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  allOf?: JsonSchema[];
  not?: JsonSchema;
}

export type JsonType = 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean' | 'null';

/**
 * The sub-schema at `path` (`spec.http[].rewrite`: property names, `[]` for array items), for
 * patching a package's schema; throws when absent so that a package upgrade cannot silently
 * turn a patch into a no-op.
 */
export function schemaAt(schema: JsonSchema, path: string): JsonSchema {
  let node = schema;
  for (const segment of path.split('.')) {
    const name = segment.endsWith('[]') ? segment.slice(0, -2) : segment;
    const property = node.properties?.[name];
    const next = property && segment.endsWith('[]') ? property.items : property;
    if (!next) throw new Error(`schema patch: no ${path} in the package's schema (at ${segment})`);
    node = next;
  }
  return node;
}

/** Declares extra properties on an object schema (a patch). */
export function addProperties(schema: JsonSchema, properties: Record<string, JsonSchema>): void {
  schema.properties = { ...schema.properties, ...properties };
}

/** Removes a property the target API does not have (a patch); throws when absent, like `schemaAt`. */
export function removeProperty(schema: JsonSchema, name: string): void {
  if (!schema.properties?.[name]) throw new Error(`schema patch: no property ${name} to remove`);
  delete schema.properties[name];
}
