/**
 * Everything the validator knows of one target: its served kinds and their schemas, from the
 * generated files of its Kubernetes and Istio releases plus cert-manager and external-secrets.
 * Built once per target and process; the files are committed data, so it never goes stale.
 */
import { JsonSchema } from './json-schema';
import { readSchemaFile } from './schema-data';
import { parseSchemaSource, SchemaSource } from './schema-store';
import { kindIndex, NotServed, ServedKind, servedKindsOf } from './served-versions';
import {
  CERT_MANAGER_VERSION, checkTargetCompatibility, describeTarget, EXTERNAL_SECRETS_VERSION, istioRelease, kubernetesRelease, Target,
} from '../../model/targets';

export interface TargetCatalog {
  readonly target: Target;
  /** `Kubernetes 1.28, Istio 1.19.10, cert-manager 1.21.1, external-secrets 1.3.2`. */
  readonly description: string;
  /** Every served kind, sorted by apiVersion and kind. */
  readonly served: readonly ServedKind[];
  lookup(apiVersion: string, kind: string): ServedKind | NotServed;
  /** The schema of a served kind. */
  kindSchema(served: ServedKind): JsonSchema;
  /** A Kubernetes definition by id (what `$ref`s name); throws when the data has none. */
  definition(id: string): JsonSchema;
}

const sources = new Map<string, SchemaSource>();

function source(id: string): SchemaSource {
  let loaded = sources.get(id);
  if (!loaded) {
    loaded = parseSchemaSource(readSchemaFile(id), id);
    sources.set(id, loaded);
  }
  return loaded;
}

const catalogs = new Map<string, TargetCatalog>();

/** The catalog of a supported target; throws naming the problems for any other. */
export function catalogFor(target: Target): TargetCatalog {
  const cacheKey = `${target.kubernetes} ${target.istio}`;
  const cached = catalogs.get(cacheKey);
  if (cached) return cached;
  const problems = checkTargetCompatibility(target);
  const kubernetes = kubernetesRelease(target.kubernetes);
  const istio = istioRelease(target.istio);
  if (problems.length > 0 || !kubernetes || !istio) throw new Error(`unsupported target: ${problems.join('; ')}`);
  const ids = [`kubernetes-${kubernetes.version}`, `istio-${istio.version}`, `cert-manager-${CERT_MANAGER_VERSION}`, `external-secrets-${EXTERNAL_SECRETS_VERSION}`];
  const served = ids.flatMap((id) => servedKindsOf(source(id).header, kubernetes.minor))
    .sort((a, b) => compareText(`${a.apiVersion} ${a.kind}`, `${b.apiVersion} ${b.kind}`));
  const description = describeTarget(target);
  const index = kindIndex(served, description);
  const definitions = source(ids[0]);
  const catalog: TargetCatalog = {
    target,
    description,
    served,
    lookup: (apiVersion, kind) => index.lookup(apiVersion, kind),
    kindSchema(kind) {
      const schema = source(kind.source).schema(kind.schemaKey);
      if (!schema) throw new Error(`${kind.source}: no schema ${kind.schemaKey}`);
      return schema;
    },
    definition(id) {
      const schema = definitions.schema(id);
      if (!schema) throw new Error(`${ids[0]}: no definition ${id}`);
      return schema;
    },
  };
  catalogs.set(cacheKey, catalog);
  return catalog;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
