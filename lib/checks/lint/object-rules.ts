/**
 * Rules on single objects of any kind: secrets in the output, API versions the cluster no longer
 * serves, and namespacing.
 */
import { record, str } from '../../manifest/fields';
import {
  finding, show,
} from './workloads';
import { looksSecret } from './secrets';
import { LintRule } from './types';

const secretValues: LintRule = {
  id: 'secret-values',
  rationale: 'Secret values in rendered manifests end up in Git and CI logs; secrets come from the external store through ExternalSecrets.',
  remediation: 'Do not commit Secret data; create the Secret from the secret store at run time with an ExternalSecret.',
  check: (objects) => objects.filter((o) => o.kind === 'Secret').flatMap((secret) =>
    (['data', 'stringData'] as const).flatMap((field) => {
      const keys = Object.keys(record(secret[field]) ?? {});
      // Name the keys only: the values are the secret.
      return keys.length === 0 ? [] : [finding('secret-values', secret,
        `${field} has ${keys.length === 1 ? 'key' : 'keys'} ${keys.map((k) => JSON.stringify(k)).join(', ')} with values (not shown), expected no Secret values in manifests (use an ExternalSecret)`)];
    })),
};

const secretInConfigMap: LintRule = {
  id: 'secret-in-configmap',
  rationale: 'ConfigMaps are readable by anyone who can read the namespace\'s configuration and are not encrypted at rest; credentials do not belong there.',
  remediation: 'Move the value to the secret store and sync it into a Secret with an ExternalSecret.',
  check: (objects) => objects.filter((o) => o.kind === 'ConfigMap').flatMap((cm) =>
    Object.entries(record(cm.data) ?? {}).flatMap(([key, value]) => {
      const why = typeof value === 'string' ? looksSecret(key, value) : undefined;
      return why ? [finding('secret-in-configmap', cm, `data.${key} is a value (not shown) that ${why}, expected it in a Secret from the external store`)] : [];
    })),
};

/** API versions Kubernetes removed for the kinds we (or common manifests) use, when, and their replacement. */
const REMOVED_APIS: readonly { apiVersion: string; kinds: readonly string[]; removedIn: string; use: string }[] = [
  { apiVersion: 'extensions/v1beta1', kinds: ['Deployment', 'DaemonSet', 'ReplicaSet'], removedIn: '1.16', use: 'apps/v1' },
  { apiVersion: 'extensions/v1beta1', kinds: ['NetworkPolicy'], removedIn: '1.16', use: 'networking.k8s.io/v1' },
  { apiVersion: 'extensions/v1beta1', kinds: ['Ingress'], removedIn: '1.22', use: 'networking.k8s.io/v1' },
  { apiVersion: 'apps/v1beta1', kinds: ['Deployment', 'StatefulSet'], removedIn: '1.16', use: 'apps/v1' },
  { apiVersion: 'apps/v1beta2', kinds: ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'], removedIn: '1.16', use: 'apps/v1' },
  { apiVersion: 'networking.k8s.io/v1beta1', kinds: ['Ingress', 'IngressClass'], removedIn: '1.22', use: 'networking.k8s.io/v1' },
  { apiVersion: 'rbac.authorization.k8s.io/v1beta1', kinds: ['Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding'], removedIn: '1.22', use: 'rbac.authorization.k8s.io/v1' },
  { apiVersion: 'policy/v1beta1', kinds: ['PodDisruptionBudget'], removedIn: '1.25', use: 'policy/v1' },
  { apiVersion: 'batch/v1beta1', kinds: ['CronJob'], removedIn: '1.25', use: 'batch/v1' },
  { apiVersion: 'autoscaling/v2beta1', kinds: ['HorizontalPodAutoscaler'], removedIn: '1.25', use: 'autoscaling/v2' },
  { apiVersion: 'autoscaling/v2beta2', kinds: ['HorizontalPodAutoscaler'], removedIn: '1.26', use: 'autoscaling/v2' },
  { apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta2', kinds: ['FlowSchema', 'PriorityLevelConfiguration'], removedIn: '1.29', use: 'flowcontrol.apiserver.k8s.io/v1' },
  { apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta3', kinds: ['FlowSchema', 'PriorityLevelConfiguration'], removedIn: '1.32', use: 'flowcontrol.apiserver.k8s.io/v1' },
];

/** `1.9` < `1.28`. */
function minorAtMost(a: string, b: string): boolean {
  const [x, y] = [a, b].map((v) => Number(v.split('.')[1]));
  return x <= y;
}

const removedApiVersion: LintRule = {
  id: 'removed-api-version',
  rationale: 'An object in an API version the target Kubernetes no longer serves fails to apply.',
  remediation: 'Change apiVersion to the replacement the message names, and check the fields that changed with it.',
  check: (objects, options) => objects.flatMap((o) => {
    const kubernetes = options.kubernetes ?? DEFAULT_KUBERNETES;
    const removed = REMOVED_APIS.find((r) => r.apiVersion === o.apiVersion && r.kinds.includes(o.kind) && minorAtMost(r.removedIn, kubernetes));
    return removed ? [finding('removed-api-version', o,
      `apiVersion is ${show(o.apiVersion)}, removed in Kubernetes ${removed.removedIn}; expected ${removed.use}`)] : [];
  }),
};

/** The Kubernetes minor assumed when the lint options name none (the specification's). */
const DEFAULT_KUBERNETES = '1.28';

/** Kinds without a namespace (the ones a workload manifest may plausibly carry). */
const CLUSTER_SCOPED_KINDS = new Set([
  'Namespace', 'Node', 'PersistentVolume', 'StorageClass', 'PriorityClass', 'RuntimeClass', 'IngressClass',
  'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'APIService', 'CSIDriver',
  'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration', 'ClusterSecretStore', 'ClusterIssuer',
]);

const useNamespace: LintRule = {
  id: 'use-namespace',
  rationale: 'An object without a namespace lands in whatever namespace kubectl or ArgoCD defaults to, usually default, outside its policies.',
  remediation: 'Set metadata.namespace to the environment\'s own namespace.',
  check: (objects) => objects.flatMap((o) => {
    if (CLUSTER_SCOPED_KINDS.has(o.kind)) return [];
    const ns = str(o.metadata?.namespace);
    return ns === undefined || ns === '' || ns === 'default'
      ? [finding('use-namespace', o, `metadata.namespace is ${show(ns)}, expected a dedicated namespace`)]
      : [];
  }),
};

/** Rules on single objects of any kind. */
export const OBJECT_RULES: readonly LintRule[] = [secretValues, secretInConfigMap, removedApiVersion, useNamespace];
