/**
 * Rules relating objects to each other within one namespace: Services and their pods, HPAs and
 * their targets, disruption budgets, NetworkPolicies, and references from pods to ConfigMaps,
 * Secrets and ServiceAccounts.
 */
import { KubeObject } from '../../manifest/kube-object';
import { labels, list, record, str } from '../../manifest/fields';
import { hasSelectorTerms, matchesLabelMap, selectsLabels } from '../../manifest/label-selector';
import {
  containersOf, finding, hpasByTarget, nameOf, namespaceOf, objectKey, replicaFloor, show, spec, Workload, workloads,
} from './workloads';
import { LintFinding, LintRule } from './types';

function inNamespace(ns: string): string {
  return ns === '' ? 'the unset namespace' : `namespace "${ns}"`;
}

function refs(objects: readonly KubeObject[]): string {
  return objects.map((o) => `${o.kind}/${nameOf(o)}`).join(', ');
}

/** Workloads in the Service's namespace whose pods its selector picks (none without a selector). */
function selectedByService(service: KubeObject, all: readonly Workload[]): Workload[] {
  const selector = labels(spec(service).selector);
  if (Object.keys(selector).length === 0) return [];
  return all.filter((w) => w.namespace === namespaceOf(service) && matchesLabelMap(selector, w.podLabels));
}

/** Services that route to pods: not ExternalName, and with a selector (selector-less ones use manual endpoints). */
function routingServices(objects: readonly KubeObject[]): KubeObject[] {
  return objects.filter((o) => o.kind === 'Service' && spec(o).type !== 'ExternalName'
    && Object.keys(labels(spec(o).selector)).length > 0);
}

const serviceSelectsPods: LintRule = {
  id: 'service-selects-pods',
  rationale: 'A Service whose selector matches no pod template has no endpoints: every request to it fails.',
  remediation: 'Make spec.selector match the pod template labels of the workload the Service fronts, in the same namespace.',
  check: (objects) => {
    const all = workloads(objects);
    return routingServices(objects)
      .filter((s) => selectedByService(s, all).length === 0)
      .map((s) => finding('service-selects-pods', s,
        `spec.selector is ${show(spec(s).selector)}, which matches the pod template labels of no workload in ${inNamespace(namespaceOf(s))}`));
  },
};

/** Whether some app container of `w` declares `port` (a name or a number). */
function declaresPort(w: Workload, port: unknown): boolean {
  return containersOf(w).filter((c) => !c.init).some((c) => list(c.spec.ports).some((raw) => {
    const p = record(raw);
    return typeof port === 'string' ? p?.name === port : p?.containerPort === port;
  }));
}

const serviceTargetPort: LintRule = {
  id: 'service-target-port',
  rationale: 'A Service targetPort that the selected pods do not declare sends traffic to a closed port (a named one is not resolved at all).',
  remediation: 'Set targetPort to a port (number or name) the selected containers declare.',
  check: (objects) => {
    const all = workloads(objects);
    return routingServices(objects).flatMap((s) => {
      const selected = selectedByService(s, all);
      return list(spec(s).ports).flatMap((raw, i) => {
        const port = record(raw);
        const target = port?.targetPort ?? port?.port;
        const field = port?.targetPort === undefined ? `spec.ports[${i}].port (no targetPort)` : `spec.ports[${i}].targetPort`;
        const lacking = selected.filter((w) => !declaresPort(w, target));
        if (lacking.length === 0) return [];
        return [finding('service-target-port', s,
          `${field} is ${show(target)}, which the pods of ${refs(lacking.map((w) => w.object))} do not declare as a container port`)];
      });
    });
  },
};

const nodePortService: LintRule = {
  id: 'node-port-service',
  rationale: 'A NodePort Service opens the port on every node, bypassing the ingress gateway and its policies.',
  remediation: 'Use type ClusterIP and expose the service through the ingress gateway\'s Gateway and VirtualService.',
  check: (objects) => objects
    .filter((o) => o.kind === 'Service' && spec(o).type === 'NodePort')
    .map((s) => finding('node-port-service', s, `spec.type is "NodePort", expected ClusterIP (expose through the ingress gateway)`)),
};

/** API group of an apiVersion: `apps` for `apps/v1`, empty for the core `v1`. */
function apiGroup(apiVersion: string): string {
  return apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
}

const hpaTargetExists: LintRule = {
  id: 'hpa-target-exists',
  rationale: 'An HPA whose scaleTargetRef names no object scales nothing, and the workload it was meant for stays at a fixed size.',
  remediation: 'Point spec.scaleTargetRef at the workload\'s apiVersion, kind and name in the HPA\'s namespace.',
  check: (objects) => objects.filter((o) => o.kind === 'HorizontalPodAutoscaler').flatMap((hpa) => {
    const ref = record(spec(hpa).scaleTargetRef);
    const apiVersion = str(ref?.apiVersion);
    const exists = objects.some((o) => namespaceOf(o) === namespaceOf(hpa) && o.kind === ref?.kind && nameOf(o) === ref?.name
      && (apiVersion === undefined || apiGroup(o.apiVersion) === apiGroup(apiVersion)));
    return exists ? [] : [finding('hpa-target-exists', hpa,
      `spec.scaleTargetRef is ${show(ref)}, which names no object in ${inNamespace(namespaceOf(hpa))}`)];
  }),
};

const hpaReplicasConflict: LintRule = {
  id: 'hpa-replicas-conflict',
  rationale: 'A workload that sets spec.replicas while an HPA scales it is reset to that count on every apply, undoing the autoscaler.',
  remediation: 'Remove spec.replicas from the workload and let the HPA own the count.',
  check: (objects) => {
    const hpas = hpasByTarget(objects);
    return workloads(objects).flatMap((w) => {
      const scaling = hpas.get(objectKey(w.namespace, w.object.kind, nameOf(w.object)));
      const replicas = spec(w.object).replicas;
      if (!scaling || replicas === undefined) return [];
      return [finding('hpa-replicas-conflict', w.object, `spec.replicas is ${show(replicas)} while ${refs(scaling)} scales it, expected unset`)];
    });
  },
};

/** A PDB's minAvailable or maxUnavailable as a pod count out of `total` (percentages round up, as the disruption controller does). */
function budgetCount(value: unknown, total: number): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  const percent = typeof value === 'string' ? /^(\d+)%$/.exec(value) : null;
  return percent ? Math.ceil((Number(percent[1]) * total) / 100) : undefined;
}

/** Problems with one PDB's numbers, evaluated at the selected workloads' minimum scale `total`. */
function budgetProblems(pdb: KubeObject, total: number): string[] {
  const { minAvailable, maxUnavailable } = spec(pdb);
  if (minAvailable === undefined && maxUnavailable === undefined) {
    return ['spec.minAvailable and spec.maxUnavailable are unset, expected one of them'];
  }
  if (minAvailable !== undefined && maxUnavailable !== undefined) {
    return [`spec.minAvailable is ${show(minAvailable)} and spec.maxUnavailable is ${show(maxUnavailable)}, expected only one of them`];
  }
  const field = minAvailable !== undefined ? 'minAvailable' : 'maxUnavailable';
  const value = minAvailable ?? maxUnavailable;
  const count = budgetCount(value, total);
  const at = `spec.${field} is ${show(value)}`;
  if (count === undefined) return [`${at}, expected a non-negative integer or a percentage such as "50%"`];
  // Pods a drain may take away at minimum scale: too few blocks every drain, all of them empties the service.
  const evictable = field === 'minAvailable' ? total - count : count;
  const scale = `${total} pod${total === 1 ? '' : 's'} at minimum scale`;
  if (evictable < 1) return [`${at}, which allows no eviction of the ${scale} and so blocks node drains; expected ${field === 'minAvailable' ? `fewer than ${total}` : 'at least 1'}`];
  if (evictable >= total) return [`${at}, which lets a drain evict all ${scale}; expected ${field === 'minAvailable' ? 'at least 1' : `fewer than ${total}`}`];
  return [];
}

const podDisruptionBudget: LintRule = {
  id: 'pod-disruption-budget',
  rationale: 'Without a PodDisruptionBudget a node drain or cluster upgrade may evict every replica at once; a budget that allows no eviction blocks the drain instead.',
  remediation: 'Add a PodDisruptionBudget (maxUnavailable: 1) selecting the workload\'s pods, with at least 2 replicas so a drain can proceed.',
  check: (objects) => {
    const hpas = hpasByTarget(objects);
    const all = workloads(objects);
    const pdbs = objects.filter((o) => o.kind === 'PodDisruptionBudget');
    const covering = (w: Workload): KubeObject[] =>
      pdbs.filter((p) => namespaceOf(p) === w.namespace && selectsLabels(spec(p).selector, w.podLabels));
    const findings: LintFinding[] = [];
    for (const w of all) {
      const floor = replicaFloor(w, hpas);
      if (!w.longRunning || floor === undefined || floor < 2) continue;
      const budgets = covering(w);
      if (budgets.length === 0) {
        findings.push(finding('pod-disruption-budget', w.object,
          `no PodDisruptionBudget selects its pods ${show(w.podLabels)}, expected one for its ${floor} or more replicas`));
      } else if (budgets.length > 1) {
        findings.push(finding('pod-disruption-budget', w.object,
          `its pods are selected by ${refs(budgets)}, expected exactly one (evictions fail for pods under several budgets)`));
      }
    }
    for (const pdb of pdbs) {
      const selected = all.filter((w) => w.namespace === namespaceOf(pdb) && selectsLabels(spec(pdb).selector, w.podLabels));
      if (selected.length === 0) {
        findings.push(finding('pod-disruption-budget', pdb,
          `spec.selector is ${show(spec(pdb).selector)}, which selects the pods of no workload in ${inNamespace(namespaceOf(pdb))}`));
        continue;
      }
      const floors = selected.map((w) => replicaFloor(w, hpas));
      // Budgets over DaemonSets, Jobs or bare pods have no replica count to check against.
      if (floors.some((f) => f === undefined)) continue;
      const total = floors.reduce<number>((sum, f) => sum + (f ?? 0), 0);
      findings.push(...budgetProblems(pdb, total).map((message) => finding('pod-disruption-budget', pdb, message)));
    }
    return findings;
  },
};

const pdbUnhealthyPodEvictionPolicy: LintRule = {
  id: 'pdb-unhealthy-pod-eviction-policy',
  rationale: 'With the default IfHealthyBudget policy, crash-looping pods count against the budget and can block node drains indefinitely.',
  remediation: 'Set spec.unhealthyPodEvictionPolicy: AlwaysAllow so pods that never became healthy do not block node drains.',
  check: (objects) => objects
    .filter((o) => o.kind === 'PodDisruptionBudget' && spec(o).unhealthyPodEvictionPolicy !== 'AlwaysAllow')
    .map((pdb) => finding('pdb-unhealthy-pod-eviction-policy', pdb,
      `spec.unhealthyPodEvictionPolicy is ${show(spec(pdb).unhealthyPodEvictionPolicy)}, expected "AlwaysAllow"`)),
};

/** Directions a NetworkPolicy isolates: its policyTypes, or by default Ingress plus Egress when it has egress rules. */
function policyTypes(policy: KubeObject): string[] {
  const declared = list(spec(policy).policyTypes).filter((t): t is string => typeof t === 'string');
  if (declared.length > 0) return declared;
  return spec(policy).egress === undefined ? ['Ingress'] : ['Ingress', 'Egress'];
}

const networkPolicyCoverage: LintRule = {
  id: 'network-policy-coverage',
  rationale: 'A pod that no NetworkPolicy isolates in both directions accepts connections from, and can open them to, anything in the cluster.',
  remediation: 'Add a NetworkPolicy selecting the pods with both Ingress and Egress in policyTypes (a namespace default-deny plus one allow policy per service).',
  check: (objects) => {
    const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
    return workloads(objects).flatMap((w) => {
      const selecting = policies.filter((p) => namespaceOf(p) === w.namespace && selectsLabels(spec(p).podSelector, w.podLabels));
      const types = new Set(selecting.flatMap(policyTypes));
      if (types.has('Ingress') && types.has('Egress')) return [];
      const message = selecting.length === 0
        ? `no NetworkPolicy selects its pods ${show(w.podLabels)}, expected policies with policyTypes Ingress and Egress`
        : `the NetworkPolicies selecting its pods (${refs(selecting)}) have policyTypes ${show([...types])}, expected Ingress and Egress`;
      return [finding('network-policy-coverage', w.object, message)];
    });
  },
};

const danglingNetworkPolicy: LintRule = {
  id: 'dangling-network-policy',
  rationale: 'A NetworkPolicy whose podSelector matches no pods protects nothing, usually because of a label typo.',
  remediation: 'Fix the podSelector to match the pods it was written for, or delete the policy.',
  check: (objects) => {
    const all = workloads(objects);
    return objects.filter((o) => o.kind === 'NetworkPolicy').flatMap((p) => {
      const selector = spec(p).podSelector;
      if (!hasSelectorTerms(selector)) return []; // selects every pod of the namespace
      const selectsSome = all.some((w) => w.namespace === namespaceOf(p) && selectsLabels(selector, w.podLabels));
      return selectsSome ? [] : [finding('dangling-network-policy', p,
        `spec.podSelector is ${show(selector)}, which selects the pods of no workload in ${inNamespace(namespaceOf(p))}`)];
    });
  },
};

type RefKind = 'ConfigMap' | 'Secret' | 'ServiceAccount';
interface Reference { readonly kind: RefKind; readonly name: unknown; readonly path: string }

/** Every non-optional reference of a workload's pods to a ConfigMap, Secret or ServiceAccount. */
function podReferences(w: Workload): Reference[] {
  const found: Reference[] = [];
  const add = (kind: RefKind, holder: unknown, field: string, path: string): void => {
    const r = record(holder);
    if (r && r.optional !== true) found.push({ kind, name: r[field], path: `${path}.${field}` });
  };
  const p = w.podSpecPath;
  const account = str(w.podSpec.serviceAccountName);
  // `default` exists in every namespace; dedicated-service-account objects to it.
  if (account && account !== 'default') found.push({ kind: 'ServiceAccount', name: account, path: `${p}.serviceAccountName` });
  list(w.podSpec.imagePullSecrets).forEach((s, i) => add('Secret', s, 'name', `${p}.imagePullSecrets[${i}]`));
  list(w.podSpec.volumes).forEach((raw, i) => {
    const v = record(raw);
    add('ConfigMap', v?.configMap, 'name', `${p}.volumes[${i}].configMap`);
    add('Secret', v?.secret, 'secretName', `${p}.volumes[${i}].secret`);
    list(record(v?.projected)?.sources).forEach((src, j) => {
      add('ConfigMap', record(src)?.configMap, 'name', `${p}.volumes[${i}].projected.sources[${j}].configMap`);
      add('Secret', record(src)?.secret, 'name', `${p}.volumes[${i}].projected.sources[${j}].secret`);
    });
  });
  for (const c of containersOf(w)) {
    list(c.spec.env).forEach((raw, i) => {
      const from = record(record(raw)?.valueFrom);
      add('ConfigMap', from?.configMapKeyRef, 'name', `${c.path}.env[${i}].valueFrom.configMapKeyRef`);
      add('Secret', from?.secretKeyRef, 'name', `${c.path}.env[${i}].valueFrom.secretKeyRef`);
    });
    list(c.spec.envFrom).forEach((raw, i) => {
      add('ConfigMap', record(raw)?.configMapRef, 'name', `${c.path}.envFrom[${i}].configMapRef`);
      add('Secret', record(raw)?.secretRef, 'name', `${c.path}.envFrom[${i}].secretRef`);
    });
  }
  return found;
}

/** ConfigMaps Kubernetes publishes into every namespace itself. */
const BUILT_IN_CONFIG_MAPS = ['kube-root-ca.crt'];

/** Names each kind resolves to in a namespace, counting the Secrets ExternalSecrets create. */
function resolvableNames(objects: readonly KubeObject[], ns: string, kind: RefKind): Set<string> {
  const names = new Set(kind === 'ConfigMap' ? BUILT_IN_CONFIG_MAPS : []);
  for (const o of objects) {
    if (namespaceOf(o) !== ns) continue;
    if (o.kind === kind) names.add(nameOf(o));
    // An ExternalSecret creates its target Secret, named like the ExternalSecret unless target.name says otherwise.
    if (kind === 'Secret' && o.kind === 'ExternalSecret') names.add(str(record(spec(o).target)?.name) ?? nameOf(o));
  }
  return names;
}

const unresolvedReference: LintRule = {
  id: 'unresolved-reference',
  rationale: 'A pod referring to a ConfigMap, Secret or ServiceAccount that is not deployed with it is stuck in ContainerCreating or rejected.',
  remediation: 'Create the referenced ConfigMap, Secret or ServiceAccount in the same namespace (or an ExternalSecret that creates the Secret), or fix the name.',
  check: (objects) => workloads(objects).flatMap((w) => podReferences(w).flatMap((ref) => {
    if (typeof ref.name === 'string' && resolvableNames(objects, w.namespace, ref.kind).has(ref.name)) return [];
    const what = ref.kind === 'Secret' ? 'Secret or ExternalSecret target' : ref.kind;
    return [finding('unresolved-reference', w.object, `${ref.path} is ${show(ref.name)}, which names no ${what} in ${inNamespace(w.namespace)}`)];
  })),
};

/** Rules relating objects to each other. */
export const GRAPH_RULES: readonly LintRule[] = [
  serviceSelectsPods, serviceTargetPort, nodePortService, hpaTargetExists, hpaReplicasConflict,
  podDisruptionBudget, pdbUnhealthyPodEvictionPolicy, networkPolicyCoverage, danglingNetworkPolicy,
  unresolvedReference,
];
