/**
 * Reads the generated schema files (see scripts/import-schemas.js for their layout): one JSON
 * object, one entry a line, the first line being the source's header. Only the header is parsed
 * up front; a schema line is parsed the first time a manifest needs it, then kept (the files are
 * generated and committed, so what is kept never goes stale within a process).
 */
import { JsonSchema } from './json-schema';

/** A Kubernetes kind tagged in the definitions: apiVersion, kind, definition id. */
export type KubernetesKindEntry = readonly [apiVersion: string, kind: string, definition: string];
/** A CRD version: apiVersion, kind, served, scope. */
export type CustomKindEntry = readonly [apiVersion: string, kind: string, served: boolean, scope: string];

export interface SourceHeader {
  readonly id: string;
  /** As named in messages: `Kubernetes 1.28`, `Istio 1.19.10`. */
  readonly provider: string;
  readonly format: 'kubernetes' | 'crds';
  readonly kinds: ReadonlyArray<KubernetesKindEntry | CustomKindEntry>;
}

/** One generated file: its header and its schemas by key. */
export interface SchemaSource {
  readonly header: SourceHeader;
  /** The schema stored under `key` (a definition id or `group/version/Kind`), or undefined. */
  schema(key: string): JsonSchema | undefined;
}

const SOURCE_KEY = '@source';

/** Indexes the text of one generated file. Throws when it is not in the generator's layout. */
export function parseSchemaSource(text: string, name: string): SchemaSource {
  const lines = new Map<string, string>();
  let header: SourceHeader | undefined;
  let start = text.indexOf('\n') + 1;
  while (start > 0 && start < text.length) {
    const end = text.indexOf('\n', start);
    const line = text.slice(start, end < 0 ? text.length : end);
    start = end + 1;
    if (line === '}' || line === '') continue;
    // `"key":{...}` with a trailing comma on every entry but the last; keys need no escapes.
    const keyEnd = line.indexOf('":');
    if (line[0] !== '"' || keyEnd < 0) throw new Error(`${name}: not a generated schema file (line ${JSON.stringify(line.slice(0, 40))})`);
    const key = line.slice(1, keyEnd);
    const value = line.slice(keyEnd + 2, line.endsWith(',') ? -1 : undefined);
    if (key === SOURCE_KEY) header = JSON.parse(value) as SourceHeader;
    else lines.set(key, value);
  }
  if (!header) throw new Error(`${name}: no ${SOURCE_KEY} header`);
  const parsed = new Map<string, JsonSchema>();
  return {
    header,
    schema(key) {
      let schema = parsed.get(key);
      if (schema === undefined) {
        const line = lines.get(key);
        if (line === undefined) return undefined;
        schema = JSON.parse(line) as JsonSchema;
        parsed.set(key, schema);
      }
      return schema;
    },
  };
}
