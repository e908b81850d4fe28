/**
 * Strict validation of manifests against the target cluster (Kubernetes 1.28 API server with
 * strict field validation, Istio 1.19.10 CRDs, external-secrets 1.3.2 CRDs), as
 * `kubectl apply --validate=strict` would do it, without a cluster:
 * - apiVersion/kind must be served (./served-versions);
 * - the object must fit its schema: no unknown fields at any depth, right types, required fields,
 *   enum values (./schema-check, schemas from npm packages via ./schema-packages);
 * - metadata as the API server checks it: name syntax per kind, namespace, labels, annotations
 *   (./metadata).
 *
 * external-secrets.io/v1: no npm package has usable schemas. ExternalSecret specs are checked for
 * unknown fields and enum values through the classes generated from the pinned CRD
 * (./external-secrets); for SecretStore and ClusterSecretStore (not emitted, not imported) only the
 * served version, the envelope and metadata are checked.
 */
import { checkExternalSecretSpec } from './external-secrets';
import { JsonSchema } from './json-schema';
import { checkLabelSelector, checkObjectIdentity, checkObjectMeta, nameRuleFor } from './metadata';
import { checkValue, describe, isPlainObject } from './schema-check';
import { istioKindSchema, kubernetesDefinition } from './schema-packages';
import { isServed, lookupKind, ServedKind } from './served-versions';

/** One way a manifest would be rejected. `path` is like `spec.template.spec.containers[0].image` ('' for the whole object). */
export interface ManifestProblem {
  readonly kind: string;
  readonly name: string;
  readonly path: string;
  readonly message: string;
}

const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta#';
const LABEL_SELECTOR = 'io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector#';

/** What the API server checks of any custom resource whatever its CRD: the envelope and metadata. */
const CUSTOM_RESOURCE_ENVELOPE: JsonSchema = {
  type: 'object',
  required: ['apiVersion', 'kind'],
  properties: {
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    metadata: { $ref: OBJECT_META },
    spec: { type: 'object', nullable: true },
    status: { type: 'object', nullable: true },
  },
};

function schemaOf(served: ServedKind): JsonSchema {
  const source = served.schema;
  switch (source.from) {
    case 'kubernetes-models': return kubernetesDefinition(source.id);
    case '@kubernetes-models/istio': return istioKindSchema(source.group, source.version, source.kind);
    case 'none': return CUSTOM_RESOURCE_ENVELOPE;
  }
}

/** All problems of all objects; [] when valid. Never throws on malformed input. */
export function validateManifests(objects: readonly unknown[]): ManifestProblem[] {
  return objects.flatMap(validateManifest);
}

function validateManifest(obj: unknown): ManifestProblem[] {
  const metadata = isPlainObject(obj) && isPlainObject(obj.metadata) ? obj.metadata : {};
  const kind = isPlainObject(obj) && typeof obj.kind === 'string' ? obj.kind : '<no kind>';
  const name = typeof metadata.name === 'string' ? metadata.name : '<no name>';
  const problems: ManifestProblem[] = [];
  const report = (path: string, message: string): void => { problems.push({ kind, name, path, message }); };

  if (!isPlainObject(obj)) {
    report('', `a manifest must be a mapping, got ${describe(obj)}`);
    return problems;
  }
  for (const field of ['apiVersion', 'kind'] as const) {
    const value = obj[field];
    if (value === undefined || value === '') report(field, 'required field is missing');
    else if (typeof value !== 'string') report(field, `must be a string, got ${describe(value)}`);
  }
  if (typeof obj.apiVersion !== 'string' || typeof obj.kind !== 'string' || problems.length > 0) return problems;

  const served = lookupKind(obj.apiVersion, obj.kind);
  if (!isServed(served)) {
    report(served.path, served.message);
    return problems;
  }
  checkValue(obj, schemaOf(served), '', {
    resolve: kubernetesDefinition,
    afterRef(ref, value, path) {
      if (ref === OBJECT_META) checkObjectMeta(value, path, report);
      else if (ref === LABEL_SELECTOR) checkLabelSelector(value, path, report);
    },
    report,
  });
  if (obj.apiVersion === 'external-secrets.io/v1' && obj.kind === 'ExternalSecret') checkExternalSecretSpec(obj.spec, report);
  checkObjectIdentity(obj.metadata, nameRuleFor(obj.apiVersion, obj.kind), report);
  return problems;
}

/** `file: Kind/name: path: message` (file omitted when undefined, path when empty). */
export function formatProblem(problem: ManifestProblem, file?: string): string {
  const location = problem.path === '' ? '' : `${problem.path}: `;
  return `${file === undefined ? '' : `${file}: `}${problem.kind}/${problem.name}: ${location}${problem.message}`;
}
