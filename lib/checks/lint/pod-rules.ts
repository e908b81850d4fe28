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

/** What a rule is: its id, why it exists and how to fix what it finds. */
type RuleInfo = Pick<LintRule, 'id' | 'rationale' | 'remediation'>;

/** A rule that looks at each workload on its own. */
function podRule({ id, rationale, remediation }: RuleInfo, check: PodCheck): LintRule {
  return {
    id,
    rationale,
    remediation,
    check: (objects, options) =>
      workloads(objects).flatMap((w) => check(w, options).map((message) => finding(id, w.object, message))),
  };
}

/** A rule that looks at each container (init containers too unless `appOnly`) on its own. */
function containerRule(info: RuleInfo, check: ContainerCheck, appOnly = false): LintRule {
  return podRule(info, (w, options) =>
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
  {
    id: 'latest-tag',
    rationale: 'A mutable tag (latest, or none) lets the same manifest run different code on each pull, so rollouts and rollbacks are not reproducible.',
    remediation: 'Pin the image to a version tag or, better, an @sha256 digest; only dev-like environments (mutableImageTags) may use mutable tags.',
  },
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
  {
    id: 'resource-requirements',
    rationale: 'Without CPU and memory requests the scheduler overcommits nodes and the HPA cannot compute utilization; without limits one pod can starve its neighbours.',
    remediation: 'Set resources.requests and resources.limits for cpu and memory on every container, requests at most the limits.',
  },
  (c) => {
    const resources = record(c.spec.resources);
    return (['requests', 'limits'] as const).flatMap((kind) => (['cpu', 'memory'] as const)
      .filter((resource) => record(resources?.[kind])?.[resource] === undefined)
      .map((resource) => `${c.path}.resources.${kind}.${resource} is unset, expected a ${resource} ${kind === 'requests' ? 'request' : 'limit'}`));
  },
);

/** Probes only make sense on long-running app containers. */
function probeRule(info: RuleInfo, field: 'livenessProbe' | 'readinessProbe'): LintRule {
  return containerRule(info, (c, w) =>
    (w.longRunning && c.spec[field] === undefined ? [`${c.path}.${field} is unset, expected a ${field}`] : []), true);
}

const livenessProbe = probeRule(
  {
    id: 'liveness-probe',
    rationale: 'Without a liveness probe a deadlocked process keeps its pod Running forever instead of being restarted.',
    remediation: 'Add a livenessProbe on an endpoint that fails only when the process must be restarted (e.g. httpGet /health).',
  },
  'livenessProbe',
);

const readinessProbe = probeRule(
  {
    id: 'readiness-probe',
    rationale: 'Without a readiness probe a pod receives traffic before it can serve and while it is overloaded or shutting down.',
    remediation: 'Add a readinessProbe on an endpoint that fails while the pod cannot serve (e.g. httpGet /ready).',
  },
  'readinessProbe',
);

const PROBES = ['livenessProbe', 'readinessProbe', 'startupProbe'] as const;

const probePort = containerRule(
  {
    id: 'probe-port',
    rationale: 'A probe aimed at a port the container does not declare fails (or, for a named port, is rejected), so the pod restarts or never becomes ready.',
    remediation: 'Point the probe at a port the container declares in ports (by number or by its name).',
  },
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
  {
    id: 'identical-probes',
    rationale: 'When readiness and liveness probes are identical an overloaded pod is restarted instead of merely taken out of rotation, which cascades under load.',
    remediation: 'Give the liveness probe its own endpoint or a longer tolerance than the readiness probe, so an overloaded pod is taken out of rotation instead of restarted.',
  },
  (c) => {
    const { livenessProbe: liveness, readinessProbe: readiness } = c.spec;
    if (liveness === undefined || readiness === undefined || canonical(liveness) !== canonical(readiness)) return [];
    return [`${c.path}.readinessProbe is ${canonical(readiness)}, identical to ${c.path}.livenessProbe; expected the liveness probe to differ (endpoint or thresholds)`];
  },
  true,
);

const privilegedContainer = containerRule(
  {
    id: 'privileged-container',
    rationale: 'A privileged container has every device and capability of the node: escaping it is trivial.',
    remediation: 'Remove securityContext.privileged (or set it to false) and grant only the capabilities the container needs.',
  },
  (c) => (securityContext(c).privileged === true ? [`${c.path}.securityContext.privileged is true, expected false or unset`] : []),
);

const hostNamespaces = podRule(
  {
    id: 'host-namespaces',
    rationale: 'Sharing the node\'s network, PID or IPC namespace lets a pod see and reach everything else on the node, bypassing NetworkPolicy and the mesh.',
    remediation: 'Remove hostNetwork, hostPID and hostIPC from the pod spec.',
  },
  (w) => (['hostNetwork', 'hostPID', 'hostIPC'] as const)
    .filter((field) => w.podSpec[field] === true)
    .map((field) => `${w.podSpecPath}.${field} is true, expected false or unset`),
);

const hostPathVolume = podRule(
  {
    id: 'host-path-volume',
    rationale: 'A hostPath volume exposes the node\'s file system (docker.sock, kubelet credentials) to the pod and pins it to the node.',
    remediation: 'Replace the hostPath volume with an emptyDir, a ConfigMap/Secret volume or a PersistentVolumeClaim.',
  },
  (w) => list(w.podSpec.volumes).flatMap((raw, i) => {
    const hostPath = record(raw)?.hostPath;
    return hostPath === undefined ? [] : [`${w.podSpecPath}.volumes[${i}].hostPath is ${show(hostPath)}, expected no hostPath volumes`];
  }),
);

const runAsNonRoot = containerRule(
  {
    id: 'run-as-non-root',
    rationale: 'A process running as root inside the container is root on the node after any container escape.',
    remediation: 'Set securityContext.runAsNonRoot: true and a non-zero runAsUser on the pod or container, and build the image to run as that user.',
  },
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
  {
    id: 'read-only-root-filesystem',
    rationale: 'A writable root file system lets an attacker drop and run tools; writes belong in explicit emptyDir volumes.',
    remediation: 'Set securityContext.readOnlyRootFilesystem: true and mount an emptyDir where the app must write (e.g. /tmp).',
  },
  (c) => {
    const value = securityContext(c).readOnlyRootFilesystem;
    return value === true ? [] : [`${c.path}.securityContext.readOnlyRootFilesystem is ${show(value)}, expected true`];
  },
);

const allowPrivilegeEscalation = containerRule(
  {
    id: 'allow-privilege-escalation',
    rationale: 'Unless allowPrivilegeEscalation is false (it defaults to true), setuid binaries can gain more privileges than the container started with.',
    remediation: 'Set securityContext.allowPrivilegeEscalation: false on every container.',
  },
  (c) => {
    const value = securityContext(c).allowPrivilegeEscalation;
    return value === false ? [] : [`${c.path}.securityContext.allowPrivilegeEscalation is ${show(value)}, expected false`];
  },
);

/** The only capability the restricted Pod Security Standard lets a container add back. */
const ADDABLE_CAPABILITIES = new Set(['NET_BIND_SERVICE']);

const restrictedCapabilities = containerRule(
  {
    id: 'restricted-capabilities',
    rationale: 'Default capabilities such as NET_RAW allow spoofing and sniffing; containers drop ALL and add back at most NET_BIND_SERVICE.',
    remediation: 'Set securityContext.capabilities.drop: [ALL] and add back at most NET_BIND_SERVICE.',
  },
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
  {
    id: 'seccomp-profile',
    rationale: 'Without a seccomp profile (Unconfined is the default) a container can make any of the ~300 syscalls, most of the kernel\'s attack surface.',
    remediation: 'Set securityContext.seccompProfile.type: RuntimeDefault on the pod (or Localhost with a reviewed profile).',
  },
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
  remediation: 'Create a ServiceAccount per workload and set serviceAccountName to it.',
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
  {
    id: 'deprecated-service-account-field',
    rationale: 'The deprecated serviceAccount field silently loses to serviceAccountName when they differ, so the pod runs under an identity nobody reviewed.',
    remediation: 'Remove spec.serviceAccount and set spec.serviceAccountName only.',
  },
  (w) => {
    const legacy = w.podSpec.serviceAccount;
    if (legacy === undefined || legacy === w.podSpec.serviceAccountName) return [];
    return [`${w.podSpecPath}.serviceAccount is ${show(legacy)}, expected it unset (use serviceAccountName)`];
  },
);

const automountServiceAccountToken: LintRule = {
  id: 'automount-service-account-token',
  rationale: 'An automounted API token lets anyone who compromises the app talk to the Kubernetes API as the pod; our services never need it.',
  remediation: 'Set automountServiceAccountToken: false on the pod (and on its ServiceAccount) unless the app calls the Kubernetes API.',
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
  remediation: 'Add a topologySpreadConstraint on topology.kubernetes.io/zone (whenUnsatisfiable: DoNotSchedule) selecting the workload\'s own pods.',
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
  {
    id: 'duplicate-env-var',
    rationale: 'With a duplicated env var name only the last value wins, silently; the other one was meant for something.',
    remediation: 'Keep one entry per environment variable name; move shared values to a ConfigMap referenced with envFrom.',
  },
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
  {
    id: 'env-secret-literal',
    rationale: 'A secret written as a literal env value is stored in Git, in the rendered manifests and in the API server\'s pod spec for anyone who can read pods.',
    remediation: 'Move the value to the secret store and reference it with valueFrom.secretKeyRef (or envFrom a Secret synced by an ExternalSecret).',
  },
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
  {
    id: 'mismatching-selector',
    rationale: 'A controller whose selector does not match its own pod template is rejected by the API server or, worse, adopts other workloads\' pods.',
    remediation: 'Make spec.selector.matchLabels a subset of the pod template\'s labels (the stable selector labels, not the version).',
  },
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
