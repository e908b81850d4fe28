/**
 * Reads OpenAPI schemas from the npm packages `kubernetes-models` 4.3.1 (Kubernetes definitions,
 * lifted to 1.28 by ./kubernetes-1.28) and `@kubernetes-models/istio` 2.3.0 (Istio CRDs, lifted
 * to 1.19.10 by ./istio-1.19).
 *
 * Each generated module of those packages holds its schema as a JSON literal
 * (`const schema = {...};`) that it passes to ajv via `register(id, schema)`. We parse the literal
 * rather than run the module: running it loads ajv (~40 ms), and we interpret the schema
 * ourselves to be strict where the packages are lax. Only definitions a manifest reaches are read,
 * each once per process.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ISTIO_1_19_PATCHES } from './istio-1.19';
import { JsonSchema } from './json-schema';
import { KUBERNETES_1_28_PATCHES } from './kubernetes-1.28';

const SCHEMA_LITERAL = /^const schema = (\{\}|\{\n[\s\S]*?\n\});$/m;

/** The schema literal of one generated module. */
function readSchemaLiteral(file: string): JsonSchema {
  const match = SCHEMA_LITERAL.exec(readFileSync(file, 'utf8'));
  if (!match) throw new Error(`${file} has no \`const schema = {...};\` literal: not the package layout this validator reads`);
  return JSON.parse(match[1]) as JsonSchema;
}

/** `io.k8s.api.core.v1.Container` -> `IoK8sApiCoreV1Container.js`: the packages' file naming. */
function definitionFileName(id: string): string {
  return `${id.split(/[.-]/).map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join('')}.js`;
}

interface PackageDirs { readonly definitions: string; readonly apimachinery: string; readonly istio: string }
let packageDirs: PackageDirs | undefined;

function dirs(): PackageDirs {
  if (!packageDirs) {
    const kubernetesModels = dirname(require.resolve('kubernetes-models'));
    // apimachinery is a dependency of kubernetes-models: resolve it from there, wherever npm put it.
    const objectMeta = require.resolve('@kubernetes-models/apimachinery/_schemas/IoK8sApimachineryPkgApisMetaV1ObjectMeta', { paths: [kubernetesModels] });
    packageDirs = {
      definitions: join(kubernetesModels, '_schemas'),
      apimachinery: dirname(objectMeta),
      istio: dirname(require.resolve('@kubernetes-models/istio')),
    };
  }
  return packageDirs;
}

const definitions = new Map<string, JsonSchema>();
const istioKinds = new Map<string, JsonSchema>();

/**
 * A Kubernetes 1.28 definition by id (`io.k8s.api.apps.v1.Deployment`) or `$ref`
 * (`io.k8s.api.core.v1.Container#`). Istio schemas refer to ObjectMeta this way too.
 */
export function kubernetesDefinition(idOrRef: string): JsonSchema {
  const id = idOrRef.endsWith('#') ? idOrRef.slice(0, -1) : idOrRef;
  let schema = definitions.get(id);
  if (!schema) {
    const dir = id.startsWith('io.k8s.apimachinery.') ? dirs().apimachinery : dirs().definitions;
    schema = readSchemaLiteral(join(dir, definitionFileName(id)));
    KUBERNETES_1_28_PATCHES[id]?.(schema);
    definitions.set(id, schema);
  }
  return schema;
}

/** The Istio 1.19 schema of a whole object of `group/version` `kind`. */
export function istioKindSchema(group: string, version: string, kind: string): JsonSchema {
  const key = `${group}/${version}/${kind}`;
  let schema = istioKinds.get(key);
  if (!schema) {
    schema = readSchemaLiteral(join(dirs().istio, group, version, `${kind}.js`));
    ISTIO_1_19_PATCHES[key]?.(schema);
    istioKinds.set(key, schema);
  }
  return schema;
}
