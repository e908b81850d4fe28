/**
 * Strict validation of manifests against a target cluster (./targets: Kubernetes 1.28 with Istio
 * 1.19, the default, or Kubernetes 1.35 with Istio 1.30; both with cert-manager 1.21.1 and
 * external-secrets 1.3.2), as `kubectl apply --validate=strict` would do it, without a cluster:
 * - apiVersion/kind must be served by the target (./served-versions);
 * - the object must fit its schema (./schema-check): no unknown fields at any depth, right types,
 *   required fields, enum values, formats, and the value constraints of CRD schemas;
 * - metadata as the API server checks it: name syntax per kind, namespace, labels, annotations
 *   (./metadata).
 *
 * The schemas are generated data (imports/schemas/, by scripts/import-schemas.js) from the
 * pinned Kubernetes definitions and CRDs of each release.
 *
 * Not checked: CRD CEL rules (`x-kubernetes-validations`), and the API server's Go validation
 * beyond enums, formats and metadata (cross-field rules such as "selector must match the
 * template's labels"). For Kubernetes 1.35 the enums are those of 1.27 plus the corrections the
 * generator lists; other `+enum` fields added since 1.27 are checked as plain strings.
 */
import { catalogFor } from './catalog';
import { checkLabelSelector, checkObjectIdentity, checkObjectMeta, nameRuleFor } from './metadata';
import { isPlainObject } from '../../manifest/fields';
import { checkValue, describe } from './schema-check';
import { isServed } from './served-versions';
import { describeTarget, SPECIFICATION_TARGET, Target } from '../../model/targets';

export type { Target } from '../../model/targets';
export { checkTargetCompatibility, CURRENT_TARGET, SPECIFICATION_TARGET, SUPPORTED_TARGETS } from '../../model/targets';

/** One way a manifest would be rejected. `path` is like `spec.template.spec.containers[0].image` ('' for the whole object). */
export interface ManifestProblem {
  readonly kind: string;
  readonly name: string;
  readonly path: string;
  readonly message: string;
}

/** The specification's target, as named in messages and summaries. */
export const TARGET = describeTarget(SPECIFICATION_TARGET);

const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
const LABEL_SELECTOR = 'io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector';

/**
 * All problems of all objects for `target` (default: the specification's); [] when valid. Never
 * throws on malformed input; throws when the target is not supported (see checkTargetCompatibility).
 */
export function validateManifests(objects: readonly unknown[], target: Target = SPECIFICATION_TARGET): ManifestProblem[] {
  const catalog = catalogFor(target);
  const problems: ManifestProblem[] = [];
  for (const obj of objects) validateManifest(obj, catalog, problems);
  return problems;
}

function validateManifest(obj: unknown, catalog: ReturnType<typeof catalogFor>, problems: ManifestProblem[]): void {
  const metadata = isPlainObject(obj) && isPlainObject(obj.metadata) ? obj.metadata : {};
  const kind = isPlainObject(obj) && typeof obj.kind === 'string' ? obj.kind : '<no kind>';
  const name = typeof metadata.name === 'string' ? metadata.name : '<no name>';
  const before = problems.length;
  const report = (path: string, message: string): void => { problems.push({ kind, name, path, message }); };

  if (!isPlainObject(obj)) {
    report('', `a manifest must be a mapping, got ${describe(obj)}`);
    return;
  }
  for (const field of ['apiVersion', 'kind'] as const) {
    const value = obj[field];
    if (value === undefined || value === '') report(field, 'required field is missing');
    else if (typeof value !== 'string') report(field, `must be a string, got ${describe(value)}`);
  }
  if (typeof obj.apiVersion !== 'string' || typeof obj.kind !== 'string' || problems.length > before) return;

  const served = catalog.lookup(obj.apiVersion, obj.kind);
  if (!isServed(served)) {
    report(served.path, served.message);
    return;
  }
  checkValue(obj, catalog.kindSchema(served), '', {
    resolve: catalog.definition,
    afterRef(ref, value, path) {
      if (ref === OBJECT_META) checkObjectMeta(value, path, report);
      else if (ref === LABEL_SELECTOR) checkLabelSelector(value, path, report);
    },
    report,
  });
  checkObjectIdentity(obj.metadata, nameRuleFor(obj.apiVersion, obj.kind), report);
}

/** `file: Kind/name: path: message` (file omitted when undefined, path when empty). */
export function formatProblem(problem: ManifestProblem, file?: string): string {
  const location = problem.path === '' ? '' : `${problem.path}: `;
  return `${file === undefined ? '' : `${file}: `}${problem.kind}/${problem.name}: ${location}${problem.message}`;
}
