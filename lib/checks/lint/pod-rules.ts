/**
 * Rules about one workload's pod template: images, resources, probes, security context, service
 * account, scheduling spread and environment variables. Each finding is reported on the workload.
 */
import { Json, list, record, str } from '../../manifest/fields';
import { hasSelectorTerms, selectsLabels } from '../../manifest/label-selector';
import { Container, containersOf, finding, hpasByTarget, nameOf, namespaceOf, replicaFloor, show, spec, Workload, workloads } from './workloads';
import { looksSecret } from './secrets';
import { LintOptions, LintRule } from './types';
import { parseImageReference } from '../../model/image-reference';

type PodCheck = (w: Workload, options: LintOptions) => string[];
type ContainerCheck = (c: Container, w: Workload, options: LintOptions) => string[];

/** A rule that looks at each workload on its own. */
function podRule(id: string, rationale: string, check: PodCheck): LintRule {
  return {
    id,
    rationale,
    check: (objects, options) =>
      workloads(objects).flatMap((w) => check(w, options).map((message) => finding(id, w.object, message))),
  };
}

/** A rule that looks at each container (init containers too unless `appOnly`) on its own. */
function containerRule(id: string, rationale: string, check: ContainerCheck, appOnly = false): LintRule {
  return podRule(id, rationale, (w, options) =>
    containersOf(w)
      .filter((c) => !(appOnly && c.init))
      .flatMap((c) => check(c, w, options).map((message) => `container "${c.name}": ${message}`)));
}

function securityContext(c: Container): Json {
  return record(c.spec.securityContext) ?? {};
}

/**
 * A security setting a container may set and otherwise inherits from the pod: the effective value,
 * and how to name it in a message (`<path> is <value>`, or both paths when neither sets it).
 */
function effectiveSetting(c: Container, w: Workload, field: string): { value: unknown; where: string } {
  const own = securityContext(c)[field];
  const pod = record(w.podSpec.securityContext)?.[field];
  const ownPath = `${c.path}.securityContext.${field}`;
  const podPath = `${w.podSpecPath}.securityContext.${field}`;
  if (own !== undefined) return { value: own, where: `${ownPath} is ${show(own)}` };
  if (pod !== undefined) return { value: pod, where: `${podPath} is ${show(pod)}` };
  return { value: undefined, where: `${ownPath} and ${podPath} are unset` };
}

const latestTag = containerRule(
  'latest-tag',
  'A mutable tag (latest, or none) lets the same manifest run different code on each pull, so rollouts and rollbacks are not reproducible.',
  (c, _w, options) => {
    if (options.allowMutableImageTags) return [];
    const image = c.spec.image;
    const expected = 'expected a version tag or an @sha256 digest';
    if (typeof image !== 'string') return [`${c.path}.image is ${show(image)}, ${expected}`];
    const parsed = parseImageReference(image);
    if (!parsed) return [`${c.path}.image is ${show(image)}, which is not an image reference; ${expected}`];
    if (parsed.digest !== undefined) return [];
    if (parsed.tag === undefined) return [`${c.path}.image is ${show(image)} without a tag (pulls latest), ${expected}`];
    if (parsed.tag === 'latest') return [`${c.path}.image is ${show(image)} with the mutable tag latest, ${expected}`];
    return [];
  },
);

const resourceRequirements = containerRule(
  'resource-requirements',
  'Without CPU and memory requests the scheduler overcommits nodes and the HPA cannot compute utilization; without limits one pod can starve its neighbours.',
  (c) => {
    const resources = record(c.spec.resources);
    return (['requests', 'limits'] as const).flatMap((kind) => (['cpu', 'memory'] as const)
      .filter((resource) => record(resources?.[kind])?.[resource] === undefined)
      .map((resource) => `${c.path}.resources.${kind}.${resource} is unset, expected a ${resource} ${kind === 'requests' ? 'request' : 'limit'}`));
  },
);

/** Probes only make sense on long-running app containers. */
function probeRule(id: string, field: 'livenessProbe' | 'readinessProbe', rationale: string): LintRule {
  return containerRule(id, rationale, (c, w) =>
    (w.longRunning && c.spec[field] === undefined ? [`${c.path}.${field} is unset, expected a ${field}`] : []), true);
}

const livenessProbe = probeRule(
  'liveness-probe', 'livenessProbe',
  'Without a liveness probe a deadlocked process keeps its pod Running forever instead of being restarted.',
);

const readinessProbe = probeRule(
  'readiness-probe', 'readinessProbe',
  'Without a readiness probe a pod receives traffic before it can serve and while it is overloaded or shutting down.',
);

const PROBES = ['livenessProbe', 'readinessProbe', 'startupProbe'] as const;

const probePort = containerRule(
  'probe-port',
  'A probe aimed at a port the container does not declare fails (or, for a named port, is rejected), so the pod restarts or never becomes ready.',
  (c) => {
    const ports = list(c.spec.ports).map(record);
    return PROBES.flatMap((probe) => (['httpGet', 'tcpSocket', 'grpc'] as const).flatMap((handler) => {
      const port = record(record(c.spec[probe])?.[handler])?.port;
      if (port === undefined) return [];
      const declared = typeof port === 'string'
        ? ports.some((p) => p?.name === port)
        : ports.some((p) => p?.containerPort === port);
      return declared ? [] : [`${c.path}.${probe}.${handler}.port is ${show(port)}, expected a port declared in ${c.path}.ports`];
    }));
  },
  true,
);

/** JSON with sorted keys, so that two probes compare equal whatever their key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const r = record(value);
  if (r) return `{${Object.keys(r).sort().map((k) => `${JSON.stringify(k)}:${canonical(r[k])}`).join(',')}}`;
  return JSON.stringify(value);
}

const identicalProbes = containerRule(
  'identical-probes',
  'When readiness and liveness probes are identical an overloaded pod is restarted instead of merely taken out of rotation, which cascades under load.',
  (c) => {
    const { livenessProbe: liveness, readinessProbe: readiness } = c.spec;
    if (liveness === undefined || readiness === undefined || canonical(liveness) !== canonical(readiness)) return [];
    return [`${c.path}.readinessProbe is ${canonical(readiness)}, identical to ${c.path}.livenessProbe; expected the liveness probe to differ (endpoint or thresholds)`];
  },
  true,
);

const privilegedContainer = containerRule(
  'privileged-container',
  'A privileged container has every device and capability of the node: escaping it is trivial.',
  (c) => (securityContext(c).privileged === true ? [`${c.path}.securityContext.privileged is true, expected false or unset`] : []),
);

const hostNamespaces = podRule(
  'host-namespaces',
  'Sharing the node\'s network, PID or IPC namespace lets a pod see and reach everything else on the node, bypassing NetworkPolicy and the mesh.',
  (w) => (['hostNetwork', 'hostPID', 'hostIPC'] as const)
    .filter((field) => w.podSpec[field] === true)
    .map((field) => `${w.podSpecPath}.${field} is true, expected false or unset`),
);

const hostPathVolume = podRule(
  'host-path-volume',
  'A hostPath volume exposes the node\'s file system (docker.sock, kubelet credentials) to the pod and pins it to the node.',
  (w) => list(w.podSpec.volumes).flatMap((raw, i) => {
    const hostPath = record(raw)?.hostPath;
    return hostPath === undefined ? [] : [`${w.podSpecPath}.volumes[${i}].hostPath is ${show(hostPath)}, expected no hostPath volumes`];
  }),
);

const runAsNonRoot = containerRule(
  'run-as-non-root',
  'A process running as root inside the container is root on the node after any container escape.',
  (c, w) => {
    const problems: string[] = [];
    const nonRoot = effectiveSetting(c, w, 'runAsNonRoot');
    if (nonRoot.value !== true) problems.push(`${nonRoot.where}, expected true`);
    const user = effectiveSetting(c, w, 'runAsUser');
    if (user.value === 0) problems.push(`${user.where}, expected a non-zero UID`);
    return problems;
  },
);

const readOnlyRootFilesystem = containerRule(
  'read-only-root-filesystem',
  'A writable root file system lets an attacker drop and run tools; writes belong in explicit emptyDir volumes.',
  (c) => {
    const value = securityContext(c).readOnlyRootFilesystem;
    return value === true ? [] : [`${c.path}.securityContext.readOnlyRootFilesystem is ${show(value)}, expected true`];
  },
);

const allowPrivilegeEscalation = containerRule(
  'allow-privilege-escalation',
  'Unless allowPrivilegeEscalation is false (it defaults to true), setuid binaries can gain more privileges than the container started with.',
  (c) => {
    const value = securityContext(c).allowPrivilegeEscalation;
    return value === false ? [] : [`${c.path}.securityContext.allowPrivilegeEscalation is ${show(value)}, expected false`];
  },
);

/** The only capability the restricted Pod Security Standard lets a container add back. */
const ADDABLE_CAPABILITIES = new Set(['NET_BIND_SERVICE']);

const restrictedCapabilities = containerRule(
  'restricted-capabilities',
  'Default capabilities such as NET_RAW allow spoofing and sniffing; containers drop ALL and add back at most NET_BIND_SERVICE.',
  (c) => {
    const capabilities = record(securityContext(c).capabilities);
    const drop = capabilities?.drop;
    const problems = list(drop).includes('ALL') ? [] : [`${c.path}.securityContext.capabilities.drop is ${show(drop)}, expected it to contain "ALL"`];
    list(capabilities?.add).forEach((cap, i) => {
      if (typeof cap !== 'string' || !ADDABLE_CAPABILITIES.has(cap)) {
        problems.push(`${c.path}.securityContext.capabilities.add[${i}] is ${show(cap)}, expected none beyond NET_BIND_SERVICE`);
      }
    });
    return problems;
  },
);

const SECCOMP_TYPES = new Set(['RuntimeDefault', 'Localhost']);

const seccompProfile = containerRule(
  'seccomp-profile',
  'Without a seccomp profile (Unconfined is the default) a container can make any of the ~300 syscalls, most of the kernel\'s attack surface.',
  (c, w) => {
    const profile = effectiveSetting(c, w, 'seccompProfile');
    const type = record(profile.value)?.type;
    if (typeof type === 'string' && SECCOMP_TYPES.has(type)) return [];
    return [`${profile.where}, expected type RuntimeDefault or Localhost`];
  },
);

const dedicatedServiceAccount: LintRule = {
  id: 'dedicated-service-account',
  rationale: 'Pods sharing a ServiceAccount (or using default) share its API permissions and their Istio identity, so authorization cannot tell them apart.',
  check: (objects) => {
    const all = workloads(objects);
    const users = new Map<string, Workload[]>();
    for (const w of all) {
      const account = str(w.podSpec.serviceAccountName);
      if (account) users.set(`${w.namespace}/${account}`, [...(users.get(`${w.namespace}/${account}`) ?? []), w]);
    }
    return all.flatMap((w) => {
      const path = `${w.podSpecPath}.serviceAccountName`;
      const account = w.podSpec.serviceAccountName;
      if (account === undefined || account === '' || account === 'default') {
        return [finding('dedicated-service-account', w.object, `${path} is ${show(account)}, expected a ServiceAccount of its own (not default)`)];
      }
      const others = (users.get(`${w.namespace}/${String(account)}`) ?? []).filter((o) => o !== w);
      if (others.length === 0) return [];
      const names = others.map((o) => `${o.object.kind}/${nameOf(o.object)}`).join(', ');
      return [finding('dedicated-service-account', w.object, `${path} is ${show(account)}, also used by ${names}; expected a ServiceAccount of its own`)];
    });
  },
};

const deprecatedServiceAccountField = podRule(
  'deprecated-service-account-field',
  'The deprecated serviceAccount field silently loses to serviceAccountName when they differ, so the pod runs under an identity nobody reviewed.',
  (w) => {
    const legacy = w.podSpec.serviceAccount;
    if (legacy === undefined || legacy === w.podSpec.serviceAccountName) return [];
    return [`${w.podSpecPath}.serviceAccount is ${show(legacy)}, expected it unset (use serviceAccountName)`];
  },
);

const automountServiceAccountToken: LintRule = {
  id: 'automount-service-account-token',
  rationale: 'An automounted API token lets anyone who compromises the app talk to the Kubernetes API as the pod; our services never need it.',
  check: (objects) => workloads(objects).flatMap((w) => {
    const own = w.podSpec.automountServiceAccountToken;
    if (own === false) return [];
    const path = `${w.podSpecPath}.automountServiceAccountToken`;
    if (own !== undefined) return [finding('automount-service-account-token', w.object, `${path} is ${show(own)}, expected false`)];
    // Unset on the pod: the ServiceAccount's own setting decides.
    const accountName = str(w.podSpec.serviceAccountName) || 'default';
    const account = objects.find((o) => o.kind === 'ServiceAccount' && nameOf(o) === accountName && namespaceOf(o) === w.namespace);
    if (account?.automountServiceAccountToken === false) return [];
    return [finding('automount-service-account-token', w.object,
      `${path} is unset and ServiceAccount/${accountName} has automountServiceAccountToken ${show(account?.automountServiceAccountToken)}, expected false on either`)];
  }),
};

const ZONE_KEY = 'topology.kubernetes.io/zone';

/** Pod anti-affinity terms, required and preferred alike. */
function antiAffinityTerms(podSpec: Json): Json[] {
  const anti = record(record(podSpec.affinity)?.podAntiAffinity);
  return [
    ...list(anti?.requiredDuringSchedulingIgnoredDuringExecution).map(record),
    ...list(anti?.preferredDuringSchedulingIgnoredDuringExecution).map((t) => record(record(t)?.podAffinityTerm)),
  ].filter((t): t is Json => t !== undefined);
}

const zoneSpread: LintRule = {
  id: 'zone-spread',
  rationale: 'Replicas the scheduler may pack into one availability zone all go down with that zone.',
  check: (objects) => {
    const hpas = hpasByTarget(objects);
    return workloads(objects).flatMap((w) => {
      const floor = replicaFloor(w, hpas);
      if (floor === undefined || floor < 2 || !w.longRunning) return [];
      const terms = [...list(w.podSpec.topologySpreadConstraints).map(record), ...antiAffinityTerms(w.podSpec)];
      const spreads = terms.some((t) => t?.topologyKey === ZONE_KEY && selectsLabels(t.labelSelector, w.podLabels));
      if (spreads) return [];
      return [finding('zone-spread', w.object,
        `${w.podSpecPath}.topologySpreadConstraints is ${show(w.podSpec.topologySpreadConstraints)} and no podAntiAffinity term spreads its own pods over ${ZONE_KEY}; expected one for ${floor} or more replicas`)];
    });
  },
};

const duplicateEnvVar = containerRule(
  'duplicate-env-var',
  'With a duplicated env var name only the last value wins, silently; the other one was meant for something.',
  (c) => {
    const seen = new Set<string>();
    return list(c.spec.env).flatMap((raw, i) => {
      const name = str(record(raw)?.name);
      if (name === undefined) return [];
      if (seen.has(name)) return [`${c.path}.env[${i}].name is ${show(name)}, which an earlier entry already sets`];
      seen.add(name);
      return [];
    });
  },
);

const envSecretLiteral = containerRule(
  'env-secret-literal',
  'A secret written as a literal env value is stored in Git, in the rendered manifests and in the API server\'s pod spec for anyone who can read pods.',
  (c) => list(c.spec.env).flatMap((raw, i) => {
    const env = record(raw);
    const name = str(env?.name);
    const value = env?.value;
    if (name === undefined || typeof value !== 'string') return [];
    const why = looksSecret(name, value);
    // Never print the value itself: it may be a real secret.
    return why ? [`${c.path}.env[${i}].value of ${name} is a literal (not shown) that ${why}; expected valueFrom.secretKeyRef`] : [];
  }),
);

const MISMATCH_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet']);

const mismatchingSelector = podRule(
  'mismatching-selector',
  'A controller whose selector does not match its own pod template is rejected by the API server or, worse, adopts other workloads\' pods.',
  (w) => {
    if (!MISMATCH_KINDS.has(w.object.kind)) return [];
    const selector = spec(w.object).selector;
    if (hasSelectorTerms(selector) && selectsLabels(selector, w.podLabels)) return [];
    return [`spec.selector is ${show(selector)}, expected a non-empty selector matching ${w.podSpecPath.replace(/\.spec$/, '')}.metadata.labels ${show(w.podLabels)}`];
  },
);

/** Rules on one workload at a time. */
export const POD_RULES: readonly LintRule[] = [
  latestTag, resourceRequirements, livenessProbe, readinessProbe, probePort, identicalProbes,
  privilegedContainer, hostNamespaces, hostPathVolume, runAsNonRoot, readOnlyRootFilesystem,
  allowPrivilegeEscalation, restrictedCapabilities, seccompProfile, dedicatedServiceAccount,
  deprecatedServiceAccountField, automountServiceAccountToken, zoneSpread, duplicateEnvVar,
  envSecretLiteral, mismatchingSelector,
];
