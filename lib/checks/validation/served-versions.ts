/**
 * What a target cluster serves, worked out from the generated schema data (imports/schemas/):
 *
 * - Custom resources (Istio, cert-manager, external-secrets): every CRD version marked
 *   `served: true`; a version the CRD lists as not served (external-secrets.io/v1beta1 in 1.3.2)
 *   is rejected like any other.
 * - Kubernetes built-ins: the kinds tagged `x-kubernetes-group-version-kind` in the definitions,
 *   restricted to what a kube-apiserver of that minor serves by default (EKS turns on nothing
 *   more):
 *   - GA versions (`v1`, `v2`, ...) are served;
 *   - beta versions only where listed in DEFAULT_ENABLED_BETAS: since 1.24 new betas are off by
 *     default (KEP-3136); the betas that were on before stay on until removed. That list is
 *     kube-apiserver's `legacyBetaEnabledByDefaultResources` of the release: 1.28 serves
 *     flowcontrol.apiserver.k8s.io v1beta2 and v1beta3; 1.35 serves no beta;
 *   - alpha versions never;
 *   - exceptions: tagged kinds that are not resources one can create: the `...List` kinds, the
 *     apimachinery meta types (Status, APIGroup, APIVersions, DeleteOptions, WatchEvent) and the
 *     subresource kinds Scale, Eviction and TokenRequest (NOT_RESOURCES).
 *
 * Pure: it reads source headers handed to it.
 */
import { CustomKindEntry, KubernetesKindEntry, SourceHeader } from './schema-store';

/** An apiVersion/kind pair the target serves, and where its schema is. */
export interface ServedKind {
  readonly apiVersion: string;
  readonly kind: string;
  /** Who serves it, as named in messages: `Kubernetes 1.28`, `Istio 1.19.10`. */
  readonly provider: string;
  /** The generated source (`istio-1.19.10`) and the key of the kind's schema in it. */
  readonly source: string;
  readonly schemaKey: string;
}

/** Beta group versions a kube-apiserver serves by default, by Kubernetes minor. */
const DEFAULT_ENABLED_BETAS: Readonly<Record<string, readonly string[]>> = {
  '1.28': ['flowcontrol.apiserver.k8s.io/v1beta2', 'flowcontrol.apiserver.k8s.io/v1beta3'],
  '1.35': [],
};

/** Tagged kinds that only exist as subresources or requests bodies of other resources. */
const NOT_RESOURCES = new Set(['autoscaling/v1 Scale', 'policy/v1 Eviction', 'authentication.k8s.io/v1 TokenRequest']);

const GA_VERSION = /^v\d+$/;
const BETA_VERSION = /^v\d+beta\d+$/;

/** The kinds of one generated source that the target serves. */
export function servedKindsOf(header: SourceHeader, kubernetesMinor: string): ServedKind[] {
  if (header.format === 'crds') {
    return (header.kinds as readonly CustomKindEntry[])
      .filter(([, , served]) => served)
      .map(([apiVersion, kind]) => ({ apiVersion, kind, provider: header.provider, source: header.id, schemaKey: `${apiVersion}/${kind}` }));
  }
  const betas = DEFAULT_ENABLED_BETAS[kubernetesMinor];
  if (!betas) throw new Error(`served-versions: no list of default-enabled betas for Kubernetes ${kubernetesMinor}`);
  return (header.kinds as readonly KubernetesKindEntry[])
    .filter(([apiVersion, kind, definition]) => {
      if (definition.startsWith('io.k8s.apimachinery.') || kind.endsWith('List') || NOT_RESOURCES.has(`${apiVersion} ${kind}`)) return false;
      const version = apiVersion.slice(apiVersion.indexOf('/') + 1);
      return GA_VERSION.test(version) || (BETA_VERSION.test(version) && betas.includes(apiVersion));
    })
    .map(([apiVersion, kind, definition]) => ({ apiVersion, kind, provider: header.provider, source: header.id, schemaKey: definition }));
}

/** Why an apiVersion/kind pair is rejected, with the field to blame. */
export interface NotServed { readonly path: 'apiVersion' | 'kind'; readonly message: string }

/** Looks apiVersion/kind pairs up among the served kinds of a target. */
export interface KindIndex {
  lookup(apiVersion: string, kind: string): ServedKind | NotServed;
}

/** `targetDescription` names the whole target in the message for an unknown group. */
export function kindIndex(served: readonly ServedKind[], targetDescription: string): KindIndex {
  const byKey = new Map(served.map((s) => [`${s.apiVersion} ${s.kind}`, s]));
  return {
    lookup(apiVersion, kind) {
      const found = byKey.get(`${apiVersion} ${kind}`);
      if (found) return found;
      const sameKind = served.filter((s) => s.kind === kind);
      if (sameKind.length > 0) {
        const providers = [...new Set(sameKind.map((s) => s.provider))].join(' or ');
        return {
          path: 'apiVersion',
          message: `${kind} is not served as ${apiVersion} by ${providers}; served: ${sameKind.map((s) => s.apiVersion).join(', ')}`,
        };
      }
      const sameGroupVersion = served.filter((s) => s.apiVersion === apiVersion);
      if (sameGroupVersion.length > 0) {
        return {
          path: 'kind',
          message: `kind ${JSON.stringify(kind)} is not served by ${sameGroupVersion[0].provider} as ${apiVersion}, which serves ${sameGroupVersion.map((s) => s.kind).join(', ')}`,
        };
      }
      return { path: 'apiVersion', message: `${apiVersion} ${kind} is not served by the target cluster (${targetDescription})` };
    },
  };
}

/** Narrows a lookup result to the served case. */
export function isServed(lookup: ServedKind | NotServed): lookup is ServedKind {
  return 'schemaKey' in lookup;
}
