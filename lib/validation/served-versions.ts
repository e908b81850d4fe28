/**
 * What the target cluster serves: Kubernetes 1.28 built-in APIs enabled by default (EKS 1.28
 * enables no alpha or off-by-default beta API), the Istio 1.19.10 CRDs and the external-secrets
 * 1.3.2 CRDs. Anything else is rejected, whatever the schema packages happen to contain (they also
 * ship removed versions such as policy/v1beta1, and IstioOperator, which 1.19 does not install).
 */

/** Who serves an API, as named in messages. */
export type Provider = 'Kubernetes 1.28' | 'Istio 1.19.10' | 'external-secrets 1.3.2';

/** Where a served kind's schema comes from. */
export type SchemaSource =
  | { readonly from: 'kubernetes-models'; readonly id: string }
  | { readonly from: '@kubernetes-models/istio'; readonly group: string; readonly version: string; readonly kind: string }
  /** No usable registry package: only the object envelope and metadata are checked. */
  | { readonly from: 'none' };

/** An apiVersion/kind pair the target serves, and where its schema comes from. */
export interface ServedKind {
  readonly apiVersion: string;
  readonly kind: string;
  readonly provider: Provider;
  readonly schema: SchemaSource;
}

interface GroupVersion {
  readonly apiVersion: string;
  readonly provider: Provider;
  readonly kinds: readonly string[];
  /** Kubernetes definition id prefix, e.g. `io.k8s.api.apps.v1`. */
  readonly definitions?: string;
}

const k8s = (apiVersion: string, definitions: string, kinds: readonly string[]): GroupVersion =>
  ({ apiVersion, provider: 'Kubernetes 1.28', kinds, definitions });
const istio = (apiVersion: string, kinds: readonly string[]): GroupVersion => ({ apiVersion, provider: 'Istio 1.19.10', kinds });

const GROUP_VERSIONS: readonly GroupVersion[] = [
  k8s('v1', 'io.k8s.api.core.v1', [
    'Binding', 'ComponentStatus', 'ConfigMap', 'Endpoints', 'Event', 'LimitRange', 'Namespace', 'Node',
    'PersistentVolume', 'PersistentVolumeClaim', 'Pod', 'PodTemplate', 'ReplicationController', 'ResourceQuota',
    'Secret', 'Service', 'ServiceAccount',
  ]),
  k8s('admissionregistration.k8s.io/v1', 'io.k8s.api.admissionregistration.v1', ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration']),
  k8s('apiextensions.k8s.io/v1', 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1', ['CustomResourceDefinition']),
  k8s('apiregistration.k8s.io/v1', 'io.k8s.kube-aggregator.pkg.apis.apiregistration.v1', ['APIService']),
  k8s('apps/v1', 'io.k8s.api.apps.v1', ['ControllerRevision', 'DaemonSet', 'Deployment', 'ReplicaSet', 'StatefulSet']),
  k8s('authentication.k8s.io/v1', 'io.k8s.api.authentication.v1', ['TokenReview']),
  k8s('authorization.k8s.io/v1', 'io.k8s.api.authorization.v1', [
    'LocalSubjectAccessReview', 'SelfSubjectAccessReview', 'SelfSubjectRulesReview', 'SubjectAccessReview',
  ]),
  k8s('autoscaling/v1', 'io.k8s.api.autoscaling.v1', ['HorizontalPodAutoscaler']),
  k8s('autoscaling/v2', 'io.k8s.api.autoscaling.v2', ['HorizontalPodAutoscaler']),
  k8s('batch/v1', 'io.k8s.api.batch.v1', ['CronJob', 'Job']),
  k8s('certificates.k8s.io/v1', 'io.k8s.api.certificates.v1', ['CertificateSigningRequest']),
  k8s('coordination.k8s.io/v1', 'io.k8s.api.coordination.v1', ['Lease']),
  k8s('discovery.k8s.io/v1', 'io.k8s.api.discovery.v1', ['EndpointSlice']),
  k8s('events.k8s.io/v1', 'io.k8s.api.events.v1', ['Event']),
  k8s('flowcontrol.apiserver.k8s.io/v1beta2', 'io.k8s.api.flowcontrol.v1beta2', ['FlowSchema', 'PriorityLevelConfiguration']),
  k8s('flowcontrol.apiserver.k8s.io/v1beta3', 'io.k8s.api.flowcontrol.v1beta3', ['FlowSchema', 'PriorityLevelConfiguration']),
  k8s('networking.k8s.io/v1', 'io.k8s.api.networking.v1', ['Ingress', 'IngressClass', 'NetworkPolicy']),
  k8s('node.k8s.io/v1', 'io.k8s.api.node.v1', ['RuntimeClass']),
  k8s('policy/v1', 'io.k8s.api.policy.v1', ['PodDisruptionBudget']),
  k8s('rbac.authorization.k8s.io/v1', 'io.k8s.api.rbac.v1', ['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding']),
  k8s('scheduling.k8s.io/v1', 'io.k8s.api.scheduling.v1', ['PriorityClass']),
  k8s('storage.k8s.io/v1', 'io.k8s.api.storage.v1', ['CSIDriver', 'CSINode', 'CSIStorageCapacity', 'StorageClass', 'VolumeAttachment']),
  istio('networking.istio.io/v1alpha3', [
    'DestinationRule', 'EnvoyFilter', 'Gateway', 'ServiceEntry', 'Sidecar', 'VirtualService', 'WorkloadEntry', 'WorkloadGroup',
  ]),
  istio('networking.istio.io/v1beta1', [
    'DestinationRule', 'Gateway', 'ProxyConfig', 'ServiceEntry', 'Sidecar', 'VirtualService', 'WorkloadEntry', 'WorkloadGroup',
  ]),
  istio('security.istio.io/v1beta1', ['AuthorizationPolicy', 'PeerAuthentication', 'RequestAuthentication']),
  istio('security.istio.io/v1', ['AuthorizationPolicy', 'RequestAuthentication']),
  istio('telemetry.istio.io/v1alpha1', ['Telemetry']),
  istio('extensions.istio.io/v1alpha1', ['WasmPlugin']),
  { apiVersion: 'external-secrets.io/v1', provider: 'external-secrets 1.3.2', kinds: ['ClusterSecretStore', 'ExternalSecret', 'SecretStore'] },
];

/** The target, as named in messages and summaries. */
export const TARGET = 'Kubernetes 1.28, Istio 1.19.10, external-secrets 1.3.2';

function schemaSource(gv: GroupVersion, kind: string): SchemaSource {
  if (gv.definitions) return { from: 'kubernetes-models', id: `${gv.definitions}.${kind}` };
  if (gv.provider === 'Istio 1.19.10') {
    const [group, version] = gv.apiVersion.split('/');
    return { from: '@kubernetes-models/istio', group, version, kind };
  }
  return { from: 'none' };
}

/** Every served apiVersion/kind pair. */
export const SERVED_KINDS: readonly ServedKind[] = GROUP_VERSIONS.flatMap((gv) =>
  gv.kinds.map((kind) => ({ apiVersion: gv.apiVersion, kind, provider: gv.provider, schema: schemaSource(gv, kind) })));

const byKey = new Map(SERVED_KINDS.map((served) => [`${served.apiVersion} ${served.kind}`, served]));

/** Why an apiVersion/kind pair is rejected, with the field to blame. */
export interface NotServed { readonly path: 'apiVersion' | 'kind'; readonly message: string }

/** The served kind, or why the target rejects this apiVersion/kind pair (naming what it serves instead). */
export function lookupKind(apiVersion: string, kind: string): ServedKind | NotServed {
  const served = byKey.get(`${apiVersion} ${kind}`);
  if (served) return served;
  const sameKind = SERVED_KINDS.filter((s) => s.kind === kind);
  if (sameKind.length > 0) {
    const providers = [...new Set(sameKind.map((s) => s.provider))].join(' or ');
    return {
      path: 'apiVersion',
      message: `${kind} is not served as ${apiVersion} by ${providers}; served: ${sameKind.map((s) => s.apiVersion).join(', ')}`,
    };
  }
  const groupVersion = GROUP_VERSIONS.find((gv) => gv.apiVersion === apiVersion);
  if (groupVersion) {
    return {
      path: 'kind',
      message: `kind ${JSON.stringify(kind)} is not served by ${groupVersion.provider} as ${apiVersion}, which serves ${groupVersion.kinds.join(', ')}`,
    };
  }
  return { path: 'apiVersion', message: `${apiVersion} ${kind} is not served by the target cluster (${TARGET})` };
}

/** Narrows a `lookupKind` result to the served case. */
export function isServed(lookup: ServedKind | NotServed): lookup is ServedKind {
  return 'schema' in lookup;
}
