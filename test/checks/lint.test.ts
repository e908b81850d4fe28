import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { KubeObject } from '../../lib/manifest/kube-object';
import { runCommand } from '../../lib/cli/command';
import { LINT_K8S, optionsFor } from '../../lib/cli/lint-k8s';
import { EXPECTED_FINDINGS, ExpectedFinding, expectationFor, LintFinding, lintManifests, LintOptions, RULES } from '../../lib/checks/lint';
import { loadEnvironments } from '../../lib/synth/select-environments';
import { synthesizeEnvironment } from '../../lib/constructs/synthesize-environment';

const NS = 'microservices-test';
const POD_LABELS = { 'app.kubernetes.io/name': 'api', 'app.kubernetes.io/instance': 'api-test', app: 'api', version: '1.0.0' };
const SELECTOR = { 'app.kubernetes.io/name': 'api', 'app.kubernetes.io/instance': 'api-test' };
const meta = (name: string): { name: string; namespace: string } => ({ name, namespace: NS });

/** A small manifest set that satisfies every rule; each negative test breaks one thing in a fresh copy. */
function compliant(): KubeObject[] {
  const probe = (path: string, period: number): object => ({ httpGet: { path, port: 8080 }, periodSeconds: period });
  // Cloned so that edits never reach the shared label constants.
  return structuredClone<KubeObject[]>([
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS, labels: { 'istio-injection': 'enabled' } } },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta('api-test'), automountServiceAccountToken: false },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('api-config-test'), data: { LOG_LEVEL: 'info', DB_PASSWORD_FILE: '/secrets/db' } },
    {
      apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', metadata: meta('api-secrets-test'),
      spec: { secretStoreRef: { kind: 'ClusterSecretStore', name: 'aws' }, target: { name: 'api-secrets-test' } },
    },
    {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta('api-test'),
      spec: {
        selector: { matchLabels: SELECTOR },
        template: {
          metadata: { labels: POD_LABELS },
          spec: {
            serviceAccountName: 'api-test',
            automountServiceAccountToken: false,
            securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } },
            topologySpreadConstraints: [
              { topologyKey: 'topology.kubernetes.io/zone', maxSkew: 1, whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: SELECTOR } },
            ],
            containers: [{
              name: 'api',
              image: 'registry.example.com:5000/team/api:1.0.0',
              ports: [{ name: 'http', containerPort: 8080 }],
              env: [{ name: 'LOG_FORMAT', value: 'json' }, { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'api-secrets-test', key: 'db' } } }],
              envFrom: [{ configMapRef: { name: 'api-config-test' } }],
              resources: { requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '500m', memory: '1Gi' } },
              livenessProbe: probe('/health', 10),
              readinessProbe: probe('/ready', 5),
              securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
            }],
            volumes: [{ name: 'ca', configMap: { name: 'kube-root-ca.crt' } }],
          },
        },
      },
    },
    {
      apiVersion: 'v1', kind: 'Service', metadata: meta('api-service-test'),
      spec: { type: 'ClusterIP', selector: SELECTOR, ports: [{ name: 'http', port: 8080, targetPort: 'http' }] },
    },
    {
      apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: meta('api-hpa-test'),
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api-test' }, minReplicas: 2, maxReplicas: 5 },
    },
    {
      apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: meta('api-pdb-test'),
      spec: { maxUnavailable: 1, selector: { matchLabels: SELECTOR }, unhealthyPodEvictionPolicy: 'AlwaysAllow' },
    },
    {
      apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: meta('default-deny-test'),
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    },
    {
      apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: meta('api-netpol-test'),
      spec: {
        podSelector: { matchLabels: SELECTOR }, policyTypes: ['Ingress', 'Egress'], ingress: [{}],
        egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '169.254.0.0/16'] } }], ports: [{ port: 443, protocol: 'TCP' }] }],
      },
    },
    {
      apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: meta('api-gateway-test'),
      spec: {
        selector: { istio: 'ingressgateway' },
        servers: [
          { port: { number: 443, name: 'https', protocol: 'HTTPS' }, hosts: ['api.example.com'], tls: { mode: 'SIMPLE', credentialName: 'api-tls', minProtocolVersion: 'TLSV1_2' } },
          { port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['api.example.com'], tls: { httpsRedirect: true } },
        ],
      },
    },
  ]);
}

type Path = readonly (string | number)[];
type Node = Record<string | number, unknown>;

/** Sets (or, with `undefined`, deletes) a field of the first object of `kind`. */
function edit(objects: KubeObject[], kind: string, path: Path, value: unknown): void {
  let node = objects.find((o) => o.kind === kind) as unknown as Node;
  for (const key of path.slice(0, -1)) node = node[key] as Node;
  const last = path[path.length - 1];
  if (value === undefined) delete node[last];
  else node[last] = value;
}

const CONTAINER: Path = ['spec', 'template', 'spec', 'containers', 0];
const POD: Path = ['spec', 'template', 'spec'];

interface NegativeCase {
  /** Rule expected to report. */
  readonly rule: string;
  /** What is broken. */
  readonly what: string;
  readonly breakIt: (objects: KubeObject[]) => void;
  /** Text the message must contain: the offending value (and so its field). */
  readonly names: string;
  readonly options?: LintOptions;
}

const set = (kind: string, path: Path, value: unknown) => (objects: KubeObject[]): void => edit(objects, kind, path, value);
const add = (obj: KubeObject) => (objects: KubeObject[]): void => { objects.push(obj); };

const NEGATIVE_CASES: readonly NegativeCase[] = [
  { rule: 'latest-tag', what: 'untagged image behind a registry port', breakIt: set('Deployment', [...CONTAINER, 'image'], 'registry.example.com:5000/team/api'), names: '"registry.example.com:5000/team/api" without a tag' },
  { rule: 'latest-tag', what: 'latest tag', breakIt: set('Deployment', [...CONTAINER, 'image'], 'api:latest'), names: 'containers[0].image is "api:latest"' },
  { rule: 'resource-requirements', what: 'no memory limit', breakIt: set('Deployment', [...CONTAINER, 'resources', 'limits', 'memory'], undefined), names: 'containers[0].resources.limits.memory is unset' },
  { rule: 'liveness-probe', what: 'no liveness probe', breakIt: set('Deployment', [...CONTAINER, 'livenessProbe'], undefined), names: 'containers[0].livenessProbe is unset' },
  { rule: 'readiness-probe', what: 'no readiness probe', breakIt: set('Deployment', [...CONTAINER, 'readinessProbe'], undefined), names: 'containers[0].readinessProbe is unset' },
  { rule: 'probe-port', what: 'probe on an undeclared port', breakIt: set('Deployment', [...CONTAINER, 'livenessProbe', 'httpGet', 'port'], 9090), names: 'livenessProbe.httpGet.port is 9090' },
  { rule: 'identical-probes', what: 'readiness same as liveness', breakIt: set('Deployment', [...CONTAINER, 'readinessProbe'], { periodSeconds: 10, httpGet: { port: 8080, path: '/health' } }), names: 'readinessProbe is {"httpGet":{"path":"/health"' },
  { rule: 'privileged-container', what: 'privileged', breakIt: set('Deployment', [...CONTAINER, 'securityContext', 'privileged'], true), names: 'securityContext.privileged is true' },
  { rule: 'host-namespaces', what: 'hostPID', breakIt: set('Deployment', [...POD, 'hostPID'], true), names: 'spec.template.spec.hostPID is true' },
  { rule: 'host-path-volume', what: 'hostPath volume', breakIt: set('Deployment', [...POD, 'volumes', 1], { name: 'sock', hostPath: { path: '/var/run/docker.sock' } }), names: 'volumes[1].hostPath is {"path":"/var/run/docker.sock"}' },
  { rule: 'run-as-non-root', what: 'pod runAsNonRoot false', breakIt: set('Deployment', [...POD, 'securityContext', 'runAsNonRoot'], false), names: 'spec.template.spec.securityContext.runAsNonRoot is false' },
  { rule: 'run-as-non-root', what: 'container runAsUser 0', breakIt: set('Deployment', [...CONTAINER, 'securityContext', 'runAsUser'], 0), names: 'containers[0].securityContext.runAsUser is 0' },
  { rule: 'read-only-root-filesystem', what: 'writable root', breakIt: set('Deployment', [...CONTAINER, 'securityContext', 'readOnlyRootFilesystem'], false), names: 'readOnlyRootFilesystem is false' },
  { rule: 'allow-privilege-escalation', what: 'escalation unset', breakIt: set('Deployment', [...CONTAINER, 'securityContext', 'allowPrivilegeEscalation'], undefined), names: 'allowPrivilegeEscalation is unset' },
  { rule: 'restricted-capabilities', what: 'drops only NET_RAW', breakIt: set('Deployment', [...CONTAINER, 'securityContext', 'capabilities', 'drop'], ['NET_RAW']), names: 'capabilities.drop is ["NET_RAW"]' },
  { rule: 'restricted-capabilities', what: 'adds SYS_ADMIN', breakIt: set('Deployment', [...CONTAINER, 'securityContext', 'capabilities', 'add'], ['SYS_ADMIN']), names: 'capabilities.add[0] is "SYS_ADMIN"' },
  { rule: 'seccomp-profile', what: 'Unconfined', breakIt: set('Deployment', [...POD, 'securityContext', 'seccompProfile'], { type: 'Unconfined' }), names: 'securityContext.seccompProfile is {"type":"Unconfined"}' },
  { rule: 'dedicated-service-account', what: 'default account', breakIt: set('Deployment', [...POD, 'serviceAccountName'], 'default'), names: 'serviceAccountName is "default"' },
  {
    rule: 'dedicated-service-account', what: 'account shared with another workload', names: 'serviceAccountName is "api-test", also used by Deployment/worker-test',
    breakIt: (objects) => {
      const worker = structuredClone(objects.find((o) => o.kind === 'Deployment')) as KubeObject;
      objects.push({ ...worker, metadata: meta('worker-test') });
    },
  },
  { rule: 'deprecated-service-account-field', what: 'serviceAccount differs', breakIt: set('Deployment', [...POD, 'serviceAccount'], 'legacy'), names: 'spec.template.spec.serviceAccount is "legacy"' },
  { rule: 'automount-service-account-token', what: 'pod automounts', breakIt: set('Deployment', [...POD, 'automountServiceAccountToken'], true), names: 'automountServiceAccountToken is true' },
  {
    rule: 'automount-service-account-token', what: 'unset on pod and account', names: 'ServiceAccount/api-test has automountServiceAccountToken unset',
    breakIt: (objects) => { edit(objects, 'Deployment', [...POD, 'automountServiceAccountToken'], undefined); edit(objects, 'ServiceAccount', ['automountServiceAccountToken'], undefined); },
  },
  { rule: 'zone-spread', what: 'spread by host only', breakIt: set('Deployment', [...POD, 'topologySpreadConstraints', 0, 'topologyKey'], 'kubernetes.io/hostname'), names: '"topologyKey":"kubernetes.io/hostname"' },
  { rule: 'duplicate-env-var', what: 'LOG_FORMAT twice', breakIt: set('Deployment', [...CONTAINER, 'env', 2], { name: 'LOG_FORMAT', value: 'text' }), names: 'env[2].name is "LOG_FORMAT"' },
  { rule: 'env-secret-literal', what: 'literal API token', breakIt: set('Deployment', [...CONTAINER, 'env', 2], { name: 'STRIPE_API_KEY', value: 'sk_live_abc123' }), names: 'env[2].value of STRIPE_API_KEY' },
  { rule: 'env-secret-literal', what: 'password in a URL', breakIt: set('Deployment', [...CONTAINER, 'env', 2], { name: 'DATABASE', value: 'postgres://app:sk_live_abc123@db:5432/pay' }), names: 'env[2].value of DATABASE is a literal (not shown) that embeds credentials' },
  { rule: 'mismatching-selector', what: 'selector matches other pods', breakIt: set('Deployment', ['spec', 'selector', 'matchLabels', 'app'], 'other'), names: 'spec.selector is {"matchLabels":{"app.kubernetes.io/name":"api","app.kubernetes.io/instance":"api-test","app":"other"}}' },
  { rule: 'service-selects-pods', what: 'selector typo', breakIt: set('Service', ['spec', 'selector', 'app.kubernetes.io/name'], 'apii'), names: '"app.kubernetes.io/name":"apii"' },
  { rule: 'service-target-port', what: 'unknown named port', breakIt: set('Service', ['spec', 'ports', 0, 'targetPort'], 'grpc'), names: 'spec.ports[0].targetPort is "grpc"' },
  { rule: 'service-target-port', what: 'port without targetPort not declared', breakIt: (o) => { edit(o, 'Service', ['spec', 'ports', 0, 'targetPort'], undefined); edit(o, 'Service', ['spec', 'ports', 0, 'port'], 80); }, names: 'spec.ports[0].port (no targetPort) is 80' },
  { rule: 'node-port-service', what: 'NodePort', breakIt: set('Service', ['spec', 'type'], 'NodePort'), names: 'spec.type is "NodePort"' },
  { rule: 'hpa-target-exists', what: 'target typo', breakIt: set('HorizontalPodAutoscaler', ['spec', 'scaleTargetRef', 'name'], 'api-tset'), names: '"name":"api-tset"' },
  { rule: 'hpa-replicas-conflict', what: 'replicas with an HPA', breakIt: set('Deployment', ['spec', 'replicas'], 4), names: 'spec.replicas is 4 while HorizontalPodAutoscaler/api-hpa-test' },
  { rule: 'pod-disruption-budget', what: 'no PDB', breakIt: (o) => { o.splice(o.findIndex((x) => x.kind === 'PodDisruptionBudget'), 1); }, names: 'no PodDisruptionBudget selects its pods {"app.kubernetes.io/name":"api"' },
  { rule: 'pod-disruption-budget', what: 'maxUnavailable 0 blocks drains', breakIt: set('PodDisruptionBudget', ['spec', 'maxUnavailable'], 0), names: 'spec.maxUnavailable is 0, which allows no eviction' },
  { rule: 'pod-disruption-budget', what: 'maxUnavailable 100% empties the service', breakIt: set('PodDisruptionBudget', ['spec', 'maxUnavailable'], '100%'), names: 'spec.maxUnavailable is "100%", which lets a drain evict all 2 pods' },
  {
    rule: 'pod-disruption-budget', what: 'minAvailable equal to HPA min', names: 'spec.minAvailable is 2, which allows no eviction of the 2 pods',
    breakIt: (o) => { edit(o, 'PodDisruptionBudget', ['spec', 'maxUnavailable'], undefined); edit(o, 'PodDisruptionBudget', ['spec', 'minAvailable'], 2); },
  },
  { rule: 'pod-disruption-budget', what: 'PDB selects nothing', breakIt: set('PodDisruptionBudget', ['spec', 'selector'], { matchLabels: { app: 'ghost' } }), names: 'spec.selector is {"matchLabels":{"app":"ghost"}}' },
  {
    rule: 'pod-disruption-budget', what: 'two PDBs', names: 'selected by PodDisruptionBudget/api-pdb-test, PodDisruptionBudget/api-pdb-2',
    breakIt: (o) => { const pdb = structuredClone(o.find((x) => x.kind === 'PodDisruptionBudget')) as KubeObject; o.push({ ...pdb, metadata: meta('api-pdb-2') }); },
  },
  { rule: 'pdb-unhealthy-pod-eviction-policy', what: 'policy unset', breakIt: set('PodDisruptionBudget', ['spec', 'unhealthyPodEvictionPolicy'], undefined), names: 'spec.unhealthyPodEvictionPolicy is unset' },
  {
    rule: 'network-policy-coverage', what: 'ingress-only policies', names: 'have policyTypes ["Ingress"]',
    breakIt: (o) => o.filter((x) => x.kind === 'NetworkPolicy').forEach((p) => { (p.spec as Node).policyTypes = ['Ingress']; }),
  },
  {
    rule: 'dangling-network-policy', what: 'policy for missing pods', names: 'spec.podSelector is {"matchLabels":{"app":"ghost"}}',
    breakIt: add({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: meta('ghost'), spec: { podSelector: { matchLabels: { app: 'ghost' } }, policyTypes: ['Ingress'] } }),
  },
  { rule: 'unresolved-reference', what: 'missing ConfigMap', breakIt: set('Deployment', [...CONTAINER, 'envFrom', 0, 'configMapRef', 'name'], 'api-cfg-test'), names: 'envFrom[0].configMapRef.name is "api-cfg-test", which names no ConfigMap' },
  { rule: 'unresolved-reference', what: 'secret not produced by any ExternalSecret', breakIt: set('ExternalSecret', ['spec', 'target', 'name'], 'other'), names: 'secretKeyRef.name is "api-secrets-test", which names no Secret or ExternalSecret target' },
  { rule: 'unresolved-reference', what: 'missing ServiceAccount', breakIt: set('ServiceAccount', ['metadata', 'name'], 'api'), names: 'serviceAccountName is "api-test", which names no ServiceAccount' },
  {
    rule: 'secret-values', what: 'Secret with data', names: 'data has key "password" with values (not shown)',
    breakIt: add({ apiVersion: 'v1', kind: 'Secret', metadata: meta('db'), data: { password: 'aHVudGVyMg==' } }),
  },
  { rule: 'secret-in-configmap', what: 'password in ConfigMap', breakIt: set('ConfigMap', ['data', 'DB_PASSWORD'], 'hunter2'), names: 'data.DB_PASSWORD is a value (not shown)' },
  { rule: 'removed-api-version', what: 'autoscaling/v2beta2', breakIt: set('HorizontalPodAutoscaler', ['apiVersion'], 'autoscaling/v2beta2'), names: 'apiVersion is "autoscaling/v2beta2", removed in Kubernetes 1.26' },
  { rule: 'use-namespace', what: 'default namespace', breakIt: set('ConfigMap', ['metadata', 'namespace'], 'default'), names: 'metadata.namespace is "default"' },
  { rule: 'plain-http-gateway', what: 'HTTP without redirect', breakIt: set('Gateway', ['spec', 'servers', 1, 'tls'], undefined), names: 'spec.servers[1] serves ["api.example.com"] over HTTP without tls.httpsRedirect' },
  { rule: 'gateway-tls-version', what: 'TLS 1.0 allowed', breakIt: set('Gateway', ['spec', 'servers', 0, 'tls', 'minProtocolVersion'], undefined), names: 'spec.servers[0].tls.minProtocolVersion is unset' },
  { rule: 'gateway-tls-version', what: 'TLS 1.1', breakIt: set('Gateway', ['spec', 'servers', 0, 'tls', 'minProtocolVersion'], 'TLSV1_1'), names: 'is "TLSV1_1", expected TLSV1_2 or TLSV1_3' },
  { rule: 'instance-metadata-egress', what: 'link-local not excepted', breakIt: set('NetworkPolicy', ['spec', 'egress'], [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } }] }]), names: 'spec.egress[0] reaches 169.254.169.254' },
  { rule: 'instance-metadata-egress', what: 'egress to anywhere', breakIt: (o) => { (o.find((x) => x.metadata.name === 'api-netpol-test')?.spec as Node).egress = [{ ports: [{ port: 443 }] }]; }, names: 'reaches 169.254.169.254 and fd00:ec2::254' },
];

function findingsOf(rule: string, objects: readonly KubeObject[], options: LintOptions = {}): LintFinding[] {
  return lintManifests(objects, options).filter((f) => f.rule === rule);
}

describe('lintManifests', () => {
  test('a compliant manifest set has no findings', () => {
    expect(lintManifests(compliant())).toEqual([]);
  });

  test.each(NEGATIVE_CASES.map((c) => [c.rule, c.what, c] as const))('%s reports %s', (_rule, _what, c) => {
    const objects = compliant();
    c.breakIt(objects);
    const messages = findingsOf(c.rule, objects, c.options).map((f) => f.message);
    expect(messages).toEqual(expect.arrayContaining([expect.stringContaining(c.names)]));
  });

  test('every rule has a negative test', () => {
    const tested = new Set(NEGATIVE_CASES.map((c) => c.rule));
    expect(RULES.map((r) => r.id).filter((id) => !tested.has(id))).toEqual([]);
  });

  test('findings name the offending object', () => {
    const objects = compliant();
    edit(objects, 'Deployment', [...CONTAINER, 'image'], 'api');
    expect(findingsOf('latest-tag', objects)).toEqual([expect.objectContaining({ kind: 'Deployment', name: 'api-test', namespace: NS })]);
  });

  test('plain HTTP at the gateway passes only when the options allow it; the metadata exception is honoured', () => {
    const objects = compliant();
    edit(objects, 'Gateway', ['spec', 'servers', 1, 'tls'], undefined);
    expect(findingsOf('plain-http-gateway', objects, { allowPlainHttp: true })).toEqual([]);
    expect(findingsOf('plain-http-gateway', objects)).toHaveLength(1);
    const withExcept = compliant();
    (withExcept.find((x) => x.metadata.name === 'api-netpol-test')?.spec as Node).egress = [{ to: [{ ipBlock: { cidr: '169.254.0.0/16', except: ['169.254.169.254/32'] } }] }];
    expect(findingsOf('instance-metadata-egress', withExcept)).toEqual([]);
  });

  test('mutable image tags pass only when the options allow them', () => {
    const objects = compliant();
    edit(objects, 'Deployment', [...CONTAINER, 'image'], 'api:latest');
    expect(findingsOf('latest-tag', objects, { allowMutableImageTags: true })).toEqual([]);
    expect(findingsOf('latest-tag', objects, { allowMutableImageTags: false })).toHaveLength(1);
  });

  test('secret values never appear in messages', () => {
    const objects = compliant();
    edit(objects, 'Deployment', [...CONTAINER, 'env', 2], { name: 'API_TOKEN', value: 'sk_live_abc123' });
    edit(objects, 'ConfigMap', ['data', 'DB_URL'], 'postgres://app:sk_live_abc123@db/pay');
    objects.push({ apiVersion: 'v1', kind: 'Secret', metadata: meta('db'), stringData: { token: 'sk_live_abc123' } });
    const findings = lintManifests(objects);
    expect(findings.map((f) => f.rule)).toEqual(expect.arrayContaining(['env-secret-literal', 'secret-in-configmap', 'secret-values']));
    expect(findings.filter((f) => f.message.includes('sk_live_abc123'))).toEqual([]);
  });

  test('an image is mutable exactly when it has neither a digest nor a tag other than latest', () => {
    const segment = fc.stringMatching(/^[a-z0-9]{1,8}$/);
    fc.assert(fc.property(
      segment, fc.option(fc.integer({ min: 1, max: 65535 })), fc.array(segment, { minLength: 1, maxLength: 3 }),
      fc.option(fc.oneof(fc.constant('latest'), fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}$/))), fc.boolean(),
      (host, port, path, tag, digest) => {
        const image = `${host}.example.com${port === null ? '' : `:${port}`}/${path.join('/')}${tag === null ? '' : `:${tag}`}${digest ? `@sha256:${'a'.repeat(64)}` : ''}`;
        const objects = compliant();
        edit(objects, 'Deployment', [...CONTAINER, 'image'], image);
        const mutable = !digest && (tag === null || tag === 'latest');
        expect(findingsOf('latest-tag', objects)).toHaveLength(mutable ? 1 : 0);
      },
    ), { numRuns: 60 });
  });

  test('a PDB passes exactly when a drain can evict some but not all pods at minimum scale', () => {
    fc.assert(fc.property(fc.integer({ min: 2, max: 8 }), fc.integer({ min: 0, max: 10 }), fc.boolean(), (min, budget, useMin) => {
      const objects = compliant();
      edit(objects, 'HorizontalPodAutoscaler', ['spec', 'minReplicas'], min);
      edit(objects, 'PodDisruptionBudget', ['spec', 'maxUnavailable'], useMin ? undefined : budget);
      if (useMin) edit(objects, 'PodDisruptionBudget', ['spec', 'minAvailable'], budget);
      const evictable = useMin ? min - budget : budget;
      expect(findingsOf('pod-disruption-budget', objects)).toHaveLength(evictable >= 1 && evictable < min ? 0 : 1);
    }), { numRuns: 60 });
  });
});

describe('RULES', () => {
  test('have unique kebab-case ids, a one-line rationale and a one-line remediation', () => {
    const ids = RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of RULES) {
      expect(rule.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(rule.rationale.trim()).not.toBe('');
      expect(rule.rationale).not.toContain('\n');
      expect(rule.remediation.trim()).not.toBe('');
      expect(rule.remediation).not.toContain('\n');
    }
  });
});

describe('expected findings (allow-list)', () => {
  test('entries name an existing rule, an issue number and a reason', () => {
    const ids = new Set(RULES.map((r) => r.id));
    for (const entry of EXPECTED_FINDINGS) {
      expect(ids).toContain(entry.rule);
      expect(Number.isInteger(entry.issue) && entry.issue > 0).toBe(true);
      expect(entry.reason.trim()).not.toBe('');
    }
  });

  test('an entry accepts findings of its rule, kind and name only', () => {
    const finding: LintFinding = { rule: 'zone-spread', kind: 'Deployment', name: 'api-prod', message: 'm' };
    const entry = (e: Partial<ExpectedFinding>): ExpectedFinding => ({ rule: 'zone-spread', issue: 7, reason: 'r', ...e });
    expect(expectationFor(finding, [entry({ name: /^api-/ })])).toBeDefined();
    expect(expectationFor(finding, [entry({ kind: 'Deployment', name: 'api-prod' })])).toBeDefined();
    expect(expectationFor(finding, [entry({ rule: 'latest-tag' })])).toBeUndefined();
    expect(expectationFor(finding, [entry({ kind: 'StatefulSet' })])).toBeUndefined();
    expect(expectationFor(finding, [entry({ name: 'api' })])).toBeUndefined();
  });

  test('every configured environment lints clean apart from allow-listed findings, and no entry is stale', () => {
    const findings = loadEnvironments().flatMap((env) =>
      lintManifests(synthesizeEnvironment(env), optionsFor(env)));
    expect(findings.filter((f) => !expectationFor(f, EXPECTED_FINDINGS))).toEqual([]);
    expect(EXPECTED_FINDINGS.filter((e) => !findings.some((f) => expectationFor(f, [e])))).toEqual([]);
  });
});

describe('lint:k8s command', () => {
  let dir: string;
  beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'lint-k8s-')); });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function run(args: readonly string[]): { code: number; out: string[]; err: string[] } {
    const out: string[] = [];
    const err: string[] = [];
    const code = runCommand(LINT_K8S, args, { out: (l) => out.push(l), err: (l) => err.push(l) });
    return { code, out, err };
  }

  function writeManifest(name: string, objects: readonly KubeObject[]): string {
    const path = join(dir, name);
    writeFileSync(path, objects.map((o) => stringify(o)).join('---\n'));
    return path;
  }

  test('a file named after an environment uses its options; others are strict', () => {
    const objects = compliant();
    edit(objects, 'Deployment', [...CONTAINER, 'image'], 'api:latest');
    expect(run([writeManifest('dev.k8s.yaml', objects)]).code).toBe(0);
    const strict = run([writeManifest('prod.k8s.yaml', objects), writeManifest('other.yaml', objects)]);
    expect(strict.code).toBe(1);
    expect(strict.out.filter((l) => l.includes('Deployment/api-test: [latest-tag]'))).toHaveLength(2);
    expect(strict.out[strict.out.length - 1]).toMatch(/2 manifest sets, 22 objects, \d+ rules: 2 unexpected findings, 0 expected$/);
  });

  test('unreadable input exits 2 with one line', () => {
    const missing = run([join(dir, 'missing.yaml')]);
    const notKube = run([writeManifest('x.yaml', [{ hello: 'world' } as unknown as KubeObject])]);
    for (const r of [missing, notKube]) {
      expect(r.code).toBe(2);
      expect(r.err).toHaveLength(1);
    }
    expect(notKube.err[0]).toMatch(/^error: .*x\.yaml: object 1: not a Kubernetes object/);
    expect(missing.err[0]).toMatch(/^error: .*missing\.yaml: cannot read: ENOENT$/);
  });
});
