import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { formatProblem, validateManifests } from '../../lib/checks/validation';
import { runCommand } from '../../lib/cli/command';
import { VALIDATE, VALIDATE_USAGE } from '../../lib/cli/validate';
import { catalogFor } from '../../lib/checks/validation/catalog';
import { JsonSchema } from '../../lib/checks/validation/json-schema';
import { SUPPORTED_TARGETS } from '../../lib/model/targets';

type Manifest = Record<string, any>;

const ns = 'microservices-dev';
const podLabels = { 'app.kubernetes.io/name': 'payment-api', 'app.kubernetes.io/instance': 'payment-api-dev' };
const selector = { matchLabels: podLabels };

/** One small, realistic object of every kind we emit; fresh copies so tests can mutate them. */
function examples(): Record<string, Manifest> {
  return structuredClone({
    Namespace: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { 'istio-injection': 'enabled' } } },
    ServiceAccount: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'payment-api-dev', namespace: ns }, automountServiceAccountToken: false },
    ConfigMap: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'payment-api-config-dev', namespace: ns }, data: { LOG_LEVEL: 'debug', PORT: '8080' } },
    Secret: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'smtp-dev', namespace: ns }, type: 'Opaque', data: { password: 'c2VjcmV0' } },
    Service: {
      apiVersion: 'v1', kind: 'Service', metadata: { name: 'payment-api-service-dev', namespace: ns },
      spec: { type: 'ClusterIP', selector: podLabels, ports: [{ name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP' }] },
    },
    Deployment: {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'payment-api-dev', namespace: ns, labels: { app: 'payment-api' } },
      spec: {
        selector,
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
        template: {
          metadata: { labels: { ...podLabels, app: 'payment-api', version: '1.3.0' }, annotations: { 'sidecar.istio.io/inject': 'true' } },
          spec: {
            serviceAccountName: 'payment-api-dev',
            securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } },
            containers: [{
              name: 'payment-api',
              image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/payment-api:1.3.0',
              ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
              envFrom: [{ configMapRef: { name: 'payment-api-config-dev' } }],
              resources: { requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: 1, memory: '1Gi' } },
              readinessProbe: { httpGet: { path: '/ready', port: 8080 }, periodSeconds: 5 },
              securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
            }],
          },
        },
      },
    },
    HorizontalPodAutoscaler: {
      apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'payment-api-hpa-dev', namespace: ns },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'payment-api-dev' },
        minReplicas: 2, maxReplicas: 10,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }],
      },
    },
    PodDisruptionBudget: {
      apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'payment-api-pdb-dev', namespace: ns },
      spec: { maxUnavailable: 1, selector, unhealthyPodEvictionPolicy: 'AlwaysAllow' },
    },
    NetworkPolicy: {
      apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'payment-api-netpol-dev', namespace: ns },
      spec: {
        podSelector: selector, policyTypes: ['Ingress', 'Egress'],
        ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'istio-system' } } }], ports: [{ port: 8080, protocol: 'TCP' }] }],
      },
    },
    PeerAuthentication: { apiVersion: 'security.istio.io/v1beta1', kind: 'PeerAuthentication', metadata: { name: 'strict-mtls-dev', namespace: ns }, spec: { mtls: { mode: 'STRICT' } } },
    AuthorizationPolicy: {
      apiVersion: 'security.istio.io/v1beta1', kind: 'AuthorizationPolicy', metadata: { name: 'payment-api-authz-dev', namespace: ns },
      spec: {
        selector: { matchLabels: podLabels }, action: 'ALLOW',
        rules: [{ from: [{ source: { principals: ['cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account'] } }], to: [{ operation: { ports: ['8080'] } }] }],
      },
    },
    DestinationRule: {
      apiVersion: 'networking.istio.io/v1beta1', kind: 'DestinationRule', metadata: { name: 'payment-api-dr-dev', namespace: ns },
      spec: { host: 'payment-api-service-dev.microservices-dev.svc.cluster.local', trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' }, connectionPool: { tcp: { maxConnections: 100 } } } },
    },
    Gateway: {
      apiVersion: 'networking.istio.io/v1beta1', kind: 'Gateway', metadata: { name: 'payment-system-gateway-dev', namespace: ns },
      spec: { selector: { istio: 'ingressgateway' }, servers: [{ hosts: ['*'], port: { name: 'http', number: 80, protocol: 'HTTP' } }] },
    },
    VirtualService: {
      apiVersion: 'networking.istio.io/v1beta1', kind: 'VirtualService', metadata: { name: 'payment-system-routes-dev', namespace: ns },
      spec: {
        hosts: ['*'], gateways: ['payment-system-gateway-dev'],
        http: [{
          name: 'payment-api', match: [{ uri: { prefix: '/api/payment' } }], timeout: '30s',
          route: [{ destination: { host: 'payment-api-service-dev.microservices-dev.svc.cluster.local', port: { number: 8080 } } }],
        }],
      },
    },
    Sidecar: {
      apiVersion: 'networking.istio.io/v1beta1', kind: 'Sidecar', metadata: { name: 'default-sidecar-dev', namespace: ns },
      spec: { egress: [{ hosts: ['./*', 'istio-system/*'] }], outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } },
    },
    ExternalSecret: {
      apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', metadata: { name: 'payment-api-secrets-dev', namespace: ns },
      spec: {
        refreshInterval: '1h', secretStoreRef: { kind: 'ClusterSecretStore', name: 'aws-secrets-manager' },
        target: { name: 'payment-api-secrets-dev', creationPolicy: 'Owner' }, dataFrom: [{ extract: { key: 'microservices/dev/payment-api' } }],
      },
    },
  });
}

const example = (kind: string): Manifest => examples()[kind];
/** `path: message` of every problem of one object. */
const problemsOf = (obj: unknown): string[] => validateManifests([obj]).map((p) => `${p.path}: ${p.message}`);
const container = (deployment: Manifest): Manifest => deployment.spec.template.spec.containers[0];

describe('valid manifests', () => {
  it.each(Object.keys(examples()))('a %s passes', (kind) => {
    expect(problemsOf(example(kind))).toEqual([]);
  });

  it('accepts both forms of int-or-string and quantity fields', () => {
    const service = example('Service');
    service.spec.ports[0].targetPort = 8080;
    const deployment = example('Deployment');
    container(deployment).resources = { requests: { cpu: 0.25, memory: '1e9' }, limits: { cpu: '1.5', memory: '2G' } };
    expect(validateManifests([service, deployment])).toEqual([]);
  });

  it('accepts fields that Kubernetes 1.28 and Istio 1.19 added after the schema packages were generated', () => {
    const deployment = example('Deployment');
    deployment.spec.template.spec.initContainers = [{ name: 'proxy', image: 'proxy:1', restartPolicy: 'Always' }];
    const virtualService = example('VirtualService');
    Object.assign(virtualService.spec.http[0], {
      mirrors: [{ destination: { host: 'shadow' }, percentage: { value: 5 } }],
      rewrite: { uriRegexRewrite: { match: '^/api', rewrite: '/' } },
    });
    const gateway = example('Gateway');
    gateway.spec.servers[0].tls = { mode: 'OPTIONAL_MUTUAL', credentialName: 'cert' };
    expect(validateManifests([deployment, virtualService, gateway])).toEqual([]);
  });

  it('accepts any content where the real schema preserves unknown fields', () => {
    const virtualService = example('VirtualService');
    virtualService.status = { validationMessages: [{ type: { code: 'IST0101' } }] };
    expect(problemsOf(virtualService)).toEqual([]);
  });

  it.each(SUPPORTED_TARGETS.map((t) => [`Kubernetes ${t.kubernetes} with Istio ${t.istio}`, t] as const))(
    'has a schema for every kind %s serves, and every definition it refers to exists',
    (_, target) => {
      const catalog = catalogFor(target);
      const seen = new Set<string>();
      const walk = (schema: JsonSchema): void => {
        if (schema.$ref !== undefined) {
          if (!seen.has(schema.$ref)) {
            seen.add(schema.$ref);
            walk(catalog.definition(schema.$ref));
          }
          return;
        }
        for (const child of Object.values(schema.properties ?? {})) walk(child);
        for (const child of [schema.items, schema.not, typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined]) if (child) walk(child);
        for (const branch of [...(schema.oneOf ?? []), ...(schema.anyOf ?? []), ...(schema.allOf ?? [])]) walk(branch);
      };
      for (const served of catalog.served) {
        const schema = catalog.kindSchema(served);
        expect({ served: `${served.apiVersion} ${served.kind}`, fields: ['apiVersion', 'kind', 'metadata'].filter((f) => schema.properties?.[f]) })
          .toEqual({ served: `${served.apiVersion} ${served.kind}`, fields: ['apiVersion', 'kind', 'metadata'] });
        walk(schema);
      }
      expect(seen.has('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta')).toBe(true);
    },
  );
});

describe('rejected manifests', () => {
  it('rejects an unknown field in a spec, naming the likely intended one', () => {
    const service = example('Service');
    service.spec.clusterIp = 'None';
    expect(problemsOf(service)).toEqual(['spec.clusterIp: unknown field "clusterIp" (did you mean "clusterIP"?)']);
  });

  it('rejects an unknown field nested in a container', () => {
    const deployment = example('Deployment');
    container(deployment).imagePullPolicyy = 'Always';
    expect(problemsOf(deployment)).toEqual([
      'spec.template.spec.containers[0].imagePullPolicyy: unknown field "imagePullPolicyy" (did you mean "imagePullPolicy"?)',
    ]);
  });

  it('rejects an unknown field in a VirtualService route', () => {
    const virtualService = example('VirtualService');
    virtualService.spec.http[0].route[0].wieght = 100;
    expect(problemsOf(virtualService)).toEqual(['spec.http[0].route[0].wieght: unknown field "wieght" (did you mean "weight"?)']);
  });

  it('rejects fields that Kubernetes 1.28 removed', () => {
    const networkPolicy = example('NetworkPolicy');
    networkPolicy.status = { conditions: [] };
    expect(problemsOf(networkPolicy)).toEqual(['status: unknown field "status"']);
  });

  it('rejects wrong types, including int-or-string and quantity fields', () => {
    const deployment = example('Deployment');
    deployment.spec.replicas = '3';
    container(deployment).resources.limits.cpu = 'lots';
    container(deployment).readinessProbe.httpGet.port = true;
    expect(problemsOf(deployment).sort()).toEqual([
      'spec.replicas: must be an integer, got string "3"',
      'spec.template.spec.containers[0].readinessProbe.httpGet.port: must be a string or an integer, got boolean true',
      'spec.template.spec.containers[0].resources.limits.cpu: invalid quantity "lots": must be a number with an optional suffix such as 500m, 1.5, 128Mi or 2G',
    ]);
  });

  it('rejects missing required fields', () => {
    const deployment = example('Deployment');
    delete deployment.spec.selector;
    delete container(deployment).name;
    expect(problemsOf(deployment)).toEqual(['spec.selector: required field is missing', 'spec.template.spec.containers[0].name: required field is missing']);
  });

  it('rejects bad enum values, listing the supported ones', () => {
    const peerAuthentication = example('PeerAuthentication');
    peerAuthentication.spec.mtls.mode = 'STRICTER';
    const service = example('Service');
    service.spec.type = 'Internal';
    expect(validateManifests([peerAuthentication, service]).map((p) => `${p.kind} ${p.path}: ${p.message}`)).toEqual([
      'PeerAuthentication spec.mtls.mode: unsupported value "STRICTER"; supported values: "UNSET", "DISABLE", "PERMISSIVE", "STRICT"',
      'Service spec.type: unsupported value "Internal"; supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"',
    ]);
  });

  it('rejects mutually exclusive Istio fields set together', () => {
    const virtualService = example('VirtualService');
    virtualService.spec.http[0].match[0].uri = { prefix: '/api', exact: '/api/payment' };
    expect(problemsOf(virtualService)).toEqual(['spec.http[0].match[0].uri: only one of "exact", "prefix", "regex" may be set, found "exact", "prefix"']);
  });

  it('rejects an apiVersion the target does not serve, naming the served ones', () => {
    const virtualService = { ...example('VirtualService'), apiVersion: 'networking.istio.io/v1' };
    const pdb = { ...example('PodDisruptionBudget'), apiVersion: 'policy/v1beta1' };
    const externalSecret = { ...example('ExternalSecret'), apiVersion: 'external-secrets.io/v1beta1' };
    expect(validateManifests([virtualService, pdb, externalSecret]).map((p) => `${p.path}: ${p.message}`)).toEqual([
      'apiVersion: VirtualService is not served as networking.istio.io/v1 by Istio 1.19.10; served: networking.istio.io/v1alpha3, networking.istio.io/v1beta1',
      'apiVersion: PodDisruptionBudget is not served as policy/v1beta1 by Kubernetes 1.28; served: policy/v1',
      'apiVersion: ExternalSecret is not served as external-secrets.io/v1beta1 by external-secrets 1.3.2; served: external-secrets.io/v1',
    ]);
  });

  it('rejects an unknown kind', () => {
    const typo = { ...example('Deployment'), kind: 'Deploymnet' };
    const foreign = { apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', metadata: { name: 'payment-api' } };
    expect(validateManifests([typo, foreign]).map((p) => `${p.path}: ${p.message}`)).toEqual([
      'kind: kind "Deploymnet" is not served by Kubernetes 1.28 as apps/v1, which serves ControllerRevision, DaemonSet, Deployment, ReplicaSet, StatefulSet',
      'apiVersion: monitoring.coreos.com/v1 ServiceMonitor is not served by the target cluster (Kubernetes 1.28, Istio 1.19.10, cert-manager 1.21.1, external-secrets 1.3.2)',
    ]);
  });

  it('rejects bad metadata names by the rule of each kind', () => {
    const deployment = example('Deployment');
    deployment.metadata.name = 'Payment_API';
    const service = example('Service');
    service.metadata.name = '8080-payment';
    const namespace = example('Namespace');
    namespace.metadata.name = 'microservices.dev';
    const configMap = example('ConfigMap');
    delete configMap.metadata.name;
    configMap.metadata.namespace = 'Dev';
    expect(validateManifests([deployment, service, namespace, configMap]).map((p) => `${p.path}: ${p.message.split(':')[0]}`)).toEqual([
      'metadata.name: invalid name "Payment_API"',
      'metadata.name: invalid name "8080-payment"',
      'metadata.name: invalid name "microservices.dev"',
      'metadata.name: required field is missing',
      'metadata.namespace: invalid namespace "Dev"',
    ]);
    // The same names are fine where the kind's rule allows them.
    expect(problemsOf({ ...example('ConfigMap'), metadata: { name: '8080-payment.v2' } })).toEqual([]);
  });

  it('rejects bad label keys and values in metadata, pod templates and selectors', () => {
    const deployment = example('Deployment');
    deployment.metadata.labels.version = '1.3.0 beta';
    deployment.spec.template.metadata.labels['app/kubernetes/name'] = 'payment-api';
    deployment.spec.selector.matchLabels = { app: '-payment' };
    expect(problemsOf(deployment).map((p) => p.split(': a')[0])).toEqual([
      'metadata.labels.version: invalid label value "1.3.0 beta"',
      'spec.selector.matchLabels.app: invalid label value "-payment"',
      'spec.template.metadata.labels["app/kubernetes/name"]: invalid label key "app/kubernetes/name"',
    ]);
  });

  it('rejects malformed annotation keys and values that break a field format', () => {
    const secret = example('Secret');
    secret.metadata.annotations = { 'team owner': 'payments' };
    secret.metadata.creationTimestamp = 'yesterday';
    secret.data.password = 'not base64!';
    const hpa = example('HorizontalPodAutoscaler');
    hpa.spec.maxReplicas = 2 ** 31;
    expect(validateManifests([secret, hpa]).map((p) => `${p.path}: ${p.message.split(':')[0]}`)).toEqual([
      'metadata.creationTimestamp: invalid timestamp "yesterday"',
      'metadata.annotations["team owner"]: invalid annotation key "team owner"',
      'data.password: must be base64-encoded data',
      'spec.maxReplicas: 2147483648 does not fit in a 32-bit integer',
    ]);
  });

  it('reports an unknown field added to any object of a valid Deployment at that field', () => {
    const deployment = example('Deployment');
    const maps = new Set(['labels', 'annotations', 'matchLabels', 'requests', 'limits']);
    const objectPaths: string[][] = [];
    const collect = (value: unknown, path: string[]): void => {
      if (Array.isArray(value)) value.forEach((item, i) => collect(item, [...path, String(i)]));
      else if (typeof value === 'object' && value !== null && !maps.has(path[path.length - 1])) {
        objectPaths.push(path);
        for (const [key, child] of Object.entries(value)) collect(child, [...path, key]);
      }
    };
    collect(deployment, []);
    fc.assert(fc.property(fc.constantFrom(...objectPaths), fc.stringMatching(/^zz[a-zA-Z]{1,10}$/), (path, key) => {
      const copy = example('Deployment');
      path.reduce((node, segment) => node[segment], copy)[key] = 'x';
      const where = path.reduce((acc, segment) => (/^\d+$/.test(segment) ? `${acc}[${segment}]` : acc ? `${acc}.${segment}` : segment), '');
      // A random key may sit a typo away from a real field (`zzage` ~ `image`): then a suggestion follows.
      const message = `${where ? `${where}.` : ''}${key}: unknown field "${key}"`;
      expect(problemsOf(copy)).toEqual([expect.stringMatching(new RegExp(`^${message.replace(/[.[\]]/g, '\\$&')}( \\(did you mean "\\w+"\\?\\))?$`))]);
    }), { numRuns: 60 });
  });

  it('never throws on malformed input and blames each object', () => {
    fc.assert(fc.property(fc.anything(), (junk) => {
      for (const problem of validateManifests([junk])) expect(problem.message).not.toBe('');
    }), { numRuns: 150 });
    fc.assert(fc.property(fc.constantFrom('spec', 'metadata', 'apiVersion', 'kind'), fc.jsonValue(), (field, junk) => {
      const deployment = { ...example('Deployment'), [field]: junk };
      expect(Array.isArray(validateManifests([deployment]))).toBe(true);
    }), { numRuns: 100 });
    expect(validateManifests(['text', null])).toEqual([
      { kind: '<no kind>', name: '<no name>', path: '', message: 'a manifest must be a mapping, got string "text"' },
      { kind: '<no kind>', name: '<no name>', path: '', message: 'a manifest must be a mapping, got null' },
    ]);
  });
});

describe('ExternalSecret (checked against the pinned CRD schema)', () => {
  test('unknown fields at any depth are rejected', () => {
    const es = example('ExternalSecret');
    es.spec.refreshIntervall = '1h';
    es.spec.dataFrom[0].extract.keyy = 'x';
    expect(problemsOf(es).sort()).toEqual([
      'spec.dataFrom[0].extract.keyy: unknown field "keyy" (did you mean "key"?)',
      'spec.refreshIntervall: unknown field "refreshIntervall" (did you mean "refreshInterval"?)',
    ]);
  });
  test('enum values are checked', () => {
    const es = example('ExternalSecret');
    es.spec.secretStoreRef.kind = 'ClusterStore';
    es.spec.target.creationPolicy = 'Always';
    expect(problemsOf(es)).toEqual([
      'spec.secretStoreRef.kind: unsupported value "ClusterStore"; supported values: "SecretStore", "ClusterSecretStore"',
      'spec.target.creationPolicy: unsupported value "Always"; supported values: "Owner", "Orphan", "Merge", "None"',
    ]);
  });
  test('a wrong container type is rejected at the field, not a crash', () => {
    const es = example('ExternalSecret');
    es.spec.dataFrom = { extract: { key: 'x' } };
    expect(problemsOf(es)).toEqual(['spec.dataFrom: must be an array, got an object']);
  });
  test('types and required fields are checked', () => {
    const es = example('ExternalSecret');
    es.spec.refreshInterval = 3600;
    delete es.spec.secretStoreRef.name;
    expect(problemsOf(es)).toEqual(['spec.refreshInterval: must be a string, got number 3600']);
    // secretStoreRef.name is optional in the CRD (the operator's webhook requires it); kind has an enum.
    es.spec.secretStoreRef.kind = 7;
    expect(problemsOf(es)).toContain('spec.secretStoreRef.kind: must be a string, got number 7');
  });
});

describe('formatProblem', () => {
  it('writes file: Kind/name: path: message, leaving out what is absent', () => {
    const problem = { kind: 'Service', name: 'api', path: 'spec.type', message: 'bad' };
    expect(formatProblem(problem, 'dist/dev.k8s.yaml')).toBe('dist/dev.k8s.yaml: Service/api: spec.type: bad');
    expect(formatProblem(problem)).toBe('Service/api: spec.type: bad');
    expect(formatProblem({ ...problem, path: '' })).toBe('Service/api: bad');
  });
});

describe('validate CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'validation-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const run = (args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = runCommand(VALIDATE, args, { out: (line) => out.push(line), err: (line) => err.push(line) });
    return { code, out, err };
  };

  it('exits 1 listing each problem of a file with a good and a bad document (real process)', () => {
    const bad = example('Service');
    bad.spec.sessionAfinity = 'None';
    const file = write('mixed.k8s.yaml', `${stringify(example('ConfigMap'))}---\n${stringify(bad)}`);
    const result = spawnSync(process.execPath, ['scripts/run.js', 'main.ts', 'validate', file], { cwd: join(__dirname, '..', '..'), encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(result.stdout.split('\n')).toEqual([
      `${file}: Service/payment-api-service-dev: spec.sessionAfinity: unknown field "sessionAfinity" (did you mean "sessionAffinity"?)`,
      '',
    ]);
    expect(result.stderr).toBe('1 problem in 2 objects in 1 file (target: Kubernetes 1.28, Istio 1.19.10, cert-manager 1.21.1, external-secrets 1.3.2)\n');
  });

  it('exits 0 with a one-line summary when every document is valid, expanding List documents', () => {
    const list = { apiVersion: 'v1', kind: 'List', items: [example('Namespace'), example('ConfigMap')] };
    const file = write('clean.k8s.yaml', `${stringify(example('Deployment'))}---\n${stringify(list)}---\n`);
    expect(run([file])).toEqual({ code: 0, out: ['ok: 3 objects in 1 file valid for Kubernetes 1.28, Istio 1.19.10, cert-manager 1.21.1, external-secrets 1.3.2'], err: [] });
  });

  it('reads YAML as kubectl does, so an unquoted on/yes is a boolean', () => {
    const file = write('flags.k8s.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: flags\ndata:\n  TRACING: on\n');
    expect(run([file]).out).toEqual([
      `${file}: ConfigMap/flags: data.TRACING: must be a string, got boolean true (quote it: kubectl reads unquoted yes/no/on/off/y/n as booleans)`,
    ]);
  });

  it('exits 2 with one line when no file is given or a file is unreadable or not YAML', () => {
    expect(run([])).toEqual({ code: 2, out: [], err: [`error: no file given; usage: ${VALIDATE_USAGE}`] });
    const missing = join(dir, 'missing.yaml');
    const unreadable = run([missing]);
    expect(unreadable).toEqual({ code: 2, out: [], err: [`error: ${missing}: cannot read: ENOENT`] });
    const notYaml = run([write('broken.yaml', 'kind: [Service\n')]);
    expect(notYaml.code).toBe(2);
    expect(notYaml.err).toHaveLength(1);
    expect(notYaml.err[0]).toMatch(/broken\.yaml: document 1: not valid YAML: /);
  });
});
