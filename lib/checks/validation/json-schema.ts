/**
 * The OpenAPI v3 schema keywords that the generated schema data (imports/schemas/, written by
 * scripts/import-schemas.js) keeps, and so the checker (./schema-check) enforces.
 *
 * Differences from plain JSON Schema: `nullable`; `$ref` is a Kubernetes definition id
 * (`io.k8s.api.core.v1.Container`); the `x-kubernetes-*` extensions of CRD structural schemas.
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
  maxLength?: number;
  minLength?: number;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
  exclusiveMaximum?: boolean;
  multipleOf?: number;
  maxItems?: number;
  minItems?: number;
  uniqueItems?: boolean;
  maxProperties?: number;
  minProperties?: number;
  /** Fields the schema does not list are kept, not unknown. */
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  /** An integer or a string. */
  'x-kubernetes-int-or-string'?: boolean;
  /** `atomic`, `set` (items unique) or `map` (items unique by `x-kubernetes-list-map-keys`). */
  'x-kubernetes-list-type'?: string;
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-embedded-resource'?: boolean;
}

export type JsonType = 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean' | 'null';
