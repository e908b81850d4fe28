/**
 * Validation per target (Kubernetes 1.28 with Istio 1.19, Kubernetes 1.35 with Istio 1.30), the
 * CRD value constraints, cert-manager, and the target options of the validate CLI.
 */
import { buildOutputFiles } from '../../lib/synth/run';
import { parseAllDocuments } from 'yaml';
import { ManifestProblem, validateManifests } from '../../lib/checks/validation';
import { runCommand } from '../../lib/cli/command';
import { VALIDATE } from '../../lib/cli/validate';
import { checkTargetCompatibility, CURRENT_TARGET, describeTarget, SPECIFICATION_TARGET, SUPPORTED_TARGETS, Target } from '../../lib/model/targets';

type Manifest = Record<string, any>;

const K128: Target = SPECIFICATION_TARGET;
const K135: Target = CURRENT_TARGET;
const ns = 'istio-system';

const lines = (problems: readonly ManifestProblem[]): string[] => problems.map((p) => `${p.path}: ${p.message}`);
const problemsOn = (target: Target, ...objects: unknown[]): string[] => lines(validateManifests(objects, target));

const virtualService = (apiVersion: string): Manifest => ({
  apiVersion, kind: 'VirtualService', metadata: { name: 'routes', namespace: 'apps' },
  spec: { hosts: ['api.example.com'], http: [{ route: [{ destination: { host: 'api.apps.svc.cluster.local', port: { number: 8080 } } }] }] },
});

const deployment = (): Manifest => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'api', namespace: 'apps' },
  spec: {
    selector: { matchLabels: { app: 'api' } },
    template: { metadata: { labels: { app: 'api' } }, spec: { containers: [{ name: 'api', image: 'api:1.0.0' }] } },
  },
});

const certificate = (): Manifest => ({
  apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'gateway-cert', namespace: ns },
  spec: {
    secretName: 'gateway-cert',
    dnsNames: ['payments.example.com', 'api.payments.example.com'],
    issuerRef: { kind: 'ClusterIssuer', name: 'letsencrypt', group: 'cert-manager.io' },
    privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always', encoding: 'PKCS8' },
    duration: '2160h',
    renewBefore: '360h',
  },
});

const externalSecret = (): Manifest => ({
  apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', metadata: { name: 'api-secrets', namespace: 'apps' },
  spec: {
    refreshInterval: '1h', secretStoreRef: { kind: 'ClusterSecretStore', name: 'aws-secrets-manager' },
    target: { name: 'api-secrets', creationPolicy: 'Owner' }, dataFrom: [{ extract: { key: 'apps/api' } }],
  },
});

describe('targets', () => {
  it('supports the specification target and the current one, and refuses other pairs with a reason', () => {
    for (const target of SUPPORTED_TARGETS) expect(checkTargetCompatibility(target)).toEqual([]);
    expect(checkTargetCompatibility({ kubernetes: '1.35', istio: '1.19' })).toEqual([
      'Istio 1.19 does not support Kubernetes 1.35: it supports Kubernetes 1.25 to 1.28',
    ]);
    expect(checkTargetCompatibility({ kubernetes: '1.28', istio: '1.30' })).toEqual([
      'Istio 1.30 does not support Kubernetes 1.28: it supports Kubernetes 1.32 or later',
    ]);
    expect(checkTargetCompatibility({ kubernetes: '1.29', istio: '1.20' })).toEqual([
      'unsupported Kubernetes version "1.29"; supported: 1.28, 1.35',
      'unsupported Istio version "1.20"; supported: 1.19, 1.30',
    ]);
    expect(describeTarget(K135)).toBe('Kubernetes 1.35, Istio 1.30.3, cert-manager 1.21.1, external-secrets 1.3.2');
  });

  it('validateManifests refuses an unsupported target instead of guessing', () => {
    expect(() => validateManifests([], { kubernetes: '1.35', istio: '1.19' })).toThrow('Istio 1.19 does not support Kubernetes 1.35');
  });

  it('defaults to the specification target', () => {
    expect(validateManifests([virtualService('networking.istio.io/v1')])).toEqual(validateManifests([virtualService('networking.istio.io/v1')], K128));
  });
});

describe('served versions per target', () => {
  it('rejects Istio v1 kinds on 1.19 and accepts them on 1.30', () => {
    expect(problemsOn(K128, virtualService('networking.istio.io/v1'))).toEqual([
      'apiVersion: VirtualService is not served as networking.istio.io/v1 by Istio 1.19.10; served: networking.istio.io/v1alpha3, networking.istio.io/v1beta1',
    ]);
    const peerAuthentication = { apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: 'mtls', namespace: 'apps' }, spec: { mtls: { mode: 'STRICT' } } };
    expect(problemsOn(K128, peerAuthentication)).toEqual([
      'apiVersion: PeerAuthentication is not served as security.istio.io/v1 by Istio 1.19.10; served: security.istio.io/v1beta1',
    ]);
    expect(problemsOn(K135, virtualService('networking.istio.io/v1'), peerAuthentication)).toEqual([]);
    // The older versions are still served by 1.30, and checked against their own schema.
    const old = virtualService('networking.istio.io/v1beta1');
    expect(problemsOn(K135, old)).toEqual([]);
    old.spec.http[0].route[0].wieght = 1;
    expect(problemsOn(K135, old)).toEqual(['spec.http[0].route[0].wieght: unknown field "wieght" (did you mean "weight"?)']);
  });

  it('serves the kinds Istio 1.30 added only on 1.30', () => {
    const extension = { apiVersion: 'extensions.istio.io/v1alpha1', kind: 'TrafficExtension', metadata: { name: 'x', namespace: 'apps' }, spec: {} };
    expect(problemsOn(K128, extension)).toEqual([
      'kind: kind "TrafficExtension" is not served by Istio 1.19.10 as extensions.istio.io/v1alpha1, which serves WasmPlugin',
    ]);
    expect(problemsOn(K135, extension).filter((p) => p.startsWith('apiVersion') || p.startsWith('kind'))).toEqual([]);
  });

  it('accepts flowcontrol v1beta2 (removed in 1.29) on 1.28 and rejects it on 1.35', () => {
    const flowSchema = {
      apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta2', kind: 'FlowSchema', metadata: { name: 'batch' },
      spec: { priorityLevelConfiguration: { name: 'workload-low' }, matchingPrecedence: 1000 },
    };
    expect(problemsOn(K128, flowSchema)).toEqual([]);
    expect(problemsOn(K135, flowSchema)).toEqual([
      'apiVersion: FlowSchema is not served as flowcontrol.apiserver.k8s.io/v1beta2 by Kubernetes 1.35; served: flowcontrol.apiserver.k8s.io/v1',
    ]);
    expect(problemsOn(K135, { ...flowSchema, apiVersion: 'flowcontrol.apiserver.k8s.io/v1' })).toEqual([]);
  });

  it('serves no alpha and no off-by-default beta API', () => {
    const policy = { apiVersion: 'admissionregistration.k8s.io/v1beta1', kind: 'ValidatingAdmissionPolicy', metadata: { name: 'p' }, spec: {} };
    expect(problemsOn(K128, policy)).toEqual([
      `apiVersion: admissionregistration.k8s.io/v1beta1 ValidatingAdmissionPolicy is not served by the target cluster (${describeTarget(K128)})`,
    ]);
    // GA in 1.30, so 1.35 serves the v1 kind.
    expect(problemsOn(K135, { ...policy, apiVersion: 'admissionregistration.k8s.io/v1' })).toEqual([]);
    const cidr = { apiVersion: 'networking.k8s.io/v1alpha1', kind: 'ClusterCIDR', metadata: { name: 'c' }, spec: {} };
    expect(problemsOn(K128, cidr)).toEqual([expect.stringMatching(/^apiVersion: networking\.k8s\.io\/v1alpha1 ClusterCIDR is not served by the target cluster/)]);
  });

  it('does not take subresource and list kinds for resources', () => {
    const scale = { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 's' }, spec: { replicas: 1 } };
    const list = { apiVersion: 'apps/v1', kind: 'DeploymentList', items: [] };
    for (const target of SUPPORTED_TARGETS) {
      expect(problemsOn(target, scale, list).map((p) => p.split(' is not served')[0])).toEqual(['kind: kind "Scale"', 'kind: kind "DeploymentList"']);
    }
  });

  it('rejects ExternalSecret versions the CRD does not serve', () => {
    for (const target of SUPPORTED_TARGETS) {
      expect(problemsOn(target, { ...externalSecret(), apiVersion: 'external-secrets.io/v1beta1' })).toEqual([
        'apiVersion: ExternalSecret is not served as external-secrets.io/v1beta1 by external-secrets 1.3.2; served: external-secrets.io/v1',
      ]);
    }
  });
});

describe('Kubernetes fields per target', () => {
  it('rejects a field new in 1.35 on 1.28 and accepts it on 1.35', () => {
    const withAppArmor = deployment();
    withAppArmor.spec.template.spec.containers[0].securityContext = { appArmorProfile: { type: 'RuntimeDefault' } };
    const service = {
      apiVersion: 'v1', kind: 'Service', metadata: { name: 'api', namespace: 'apps' },
      spec: { selector: { app: 'api' }, ports: [{ port: 80 }], trafficDistribution: 'PreferClose' },
    };
    expect(problemsOn(K128, withAppArmor, service)).toEqual([
      'spec.template.spec.containers[0].securityContext.appArmorProfile: unknown field "appArmorProfile"',
      'spec.trafficDistribution: unknown field "trafficDistribution"',
    ]);
    expect(problemsOn(K135, withAppArmor, service)).toEqual([]);
  });

  it('checks the enums of both releases, including those corrected for 1.35', () => {
    const job = (action: string): Manifest => ({
      apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j', namespace: 'apps' },
      spec: {
        backoffLimitPerIndex: 1, completionMode: 'Indexed', completions: 2,
        podFailurePolicy: { rules: [{ action, onExitCodes: { operator: 'In', values: [42] }, onPodConditions: [] }] },
        template: { spec: { restartPolicy: 'Never', containers: [{ name: 'j', image: 'j:1' }] } },
      },
    });
    // FailIndex is a 1.28 alpha (off by default) and GA by 1.33.
    expect(problemsOn(K128, job('FailIndex'))).toEqual([
      'spec.podFailurePolicy.rules[0].action: unsupported value "FailIndex"; supported values: "Count", "FailJob", "Ignore"',
    ]);
    expect(problemsOn(K135, job('FailIndex'))).toEqual([]);
    expect(problemsOn(K135, job('Retry'))).toEqual([
      'spec.podFailurePolicy.rules[0].action: unsupported value "Retry"; supported values: "Count", "FailIndex", "FailJob", "Ignore"',
    ]);
    const apparmor = deployment();
    apparmor.spec.template.spec.containers[0].securityContext = { appArmorProfile: { type: 'Strict' } };
    expect(problemsOn(K135, apparmor)).toEqual([
      'spec.template.spec.containers[0].securityContext.appArmorProfile.type: unsupported value "Strict"; supported values: "Localhost", "RuntimeDefault", "Unconfined"',
    ]);
    const sidecar = deployment();
    sidecar.spec.template.spec.initContainers = [{ name: 'proxy', image: 'proxy:1', restartPolicy: 'OnFailure' }];
    expect(problemsOn(K128, sidecar)).toEqual(['spec.template.spec.initContainers[0].restartPolicy: unsupported value "OnFailure"; supported values: "Always"']);
    for (const target of SUPPORTED_TARGETS) {
      const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'api', namespace: 'apps' }, spec: { type: 'Internal', ports: [{ port: 80 }] } };
      expect(problemsOn(target, service)).toEqual(['spec.type: unsupported value "Internal"; supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"']);
    }
  });
});

describe('cert-manager', () => {
  it.each(SUPPORTED_TARGETS.map((t) => [describeTarget(t), t] as const))('accepts a valid Certificate on %s', (_, target) => {
    expect(problemsOn(target, certificate())).toEqual([]);
    const issuer = { apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', metadata: { name: 'letsencrypt' }, spec: { selfSigned: {} } };
    expect(problemsOn(target, issuer)).toEqual([]);
  });

  it('rejects invalid Certificates, naming the field', () => {
    const missing = certificate();
    delete missing.spec.secretName;
    delete missing.spec.issuerRef.name;
    const wrong = certificate();
    wrong.spec.privateKey.algorithm = 'DSA';
    wrong.spec.privateKey.size = '256';
    wrong.spec.duration = 90;
    wrong.spec.dnsName = 'typo.example.com';
    wrong.spec.dnsNames = 'payments.example.com';
    expect(problemsOn(K128, missing)).toEqual(['spec.secretName: required field is missing', 'spec.issuerRef.name: required field is missing']);
    expect(problemsOn(K135, wrong)).toEqual([
      'spec.dnsNames: must be an array, got string "payments.example.com"',
      'spec.privateKey.algorithm: unsupported value "DSA"; supported values: "RSA", "ECDSA", "Ed25519"',
      'spec.privateKey.size: must be an integer, got string "256"',
      'spec.duration: must be a string, got number 90',
      'spec.dnsName: unknown field "dnsName" (did you mean "dnsNames"?)',
    ]);
  });

  it('rejects a Certificate on an apiVersion cert-manager does not serve', () => {
    expect(problemsOn(K128, { ...certificate(), apiVersion: 'cert-manager.io/v1alpha2' })).toEqual([
      'apiVersion: Certificate is not served as cert-manager.io/v1alpha2 by cert-manager 1.21.1; served: cert-manager.io/v1',
    ]);
  });
});

describe('CRD value constraints', () => {
  it('rejects maxLength, minLength and pattern violations (issue 12)', () => {
    const tooLong = externalSecret();
    tooLong.spec.secretStoreRef.name = `a${'b'.repeat(253)}`;
    const badName = externalSecret();
    badName.spec.target.name = 'API_Secrets';
    const empty = externalSecret();
    empty.spec.dataFrom[0].extract.key = '';
    expect(problemsOn(K128, tooLong, badName)).toEqual([
      'spec.secretStoreRef.name: may not be longer than 253 characters, got 254',
      'spec.target.name: invalid value "API_Secrets": must match the pattern ^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$',
    ]);
    const window = certificate();
    window.spec.renewal = { windows: [{ cron: '', timezone: 'UTC', windowDuration: '2 hours' }] };
    expect(problemsOn(K135, window).filter((p) => p.includes('windows'))).toEqual([
      'spec.renewal.windows[0].cron: must be at least 1 characters long, got 0',
      'spec.renewal.windows[0].windowDuration: invalid value "2 hours": must match the pattern ^([0-9]+(\\.[0-9]+)?(s|m|h))+$',
    ]);
    expect(problemsOn(K128, empty)).toEqual([]);
  });

  it('rejects an Istio 1.30 port number out of range, which 1.19 does not bound', () => {
    const vs = virtualService('networking.istio.io/v1beta1');
    vs.spec.http[0].route[0].destination.port.number = 2 ** 32;
    expect(problemsOn(K135, vs)).toEqual(['spec.http[0].route[0].destination.port.number: must be less than or equal to 4294967295, got 4294967296']);
    expect(problemsOn(K128, vs)).toEqual([]);
  });
});

describe('the configured environments and their targets', () => {
  const objectsOf = (content: string): unknown[] => parseAllDocuments(content, { version: '1.1' }).map((d) => d.toJS()).filter(Boolean);
  const manifests = buildOutputFiles({ root: '.', vars: {} }).files.filter((f) => f.path.endsWith('.k8s.yaml'));
  const onSpecification = manifests.filter((f) => f.path !== 'dist/next.k8s.yaml');
  const next = manifests.find((f) => f.path === 'dist/next.k8s.yaml');

  it('builds dev, staging and prod on the specification\'s target and next on the current one', () => {
    expect(manifests.map((f) => f.path).sort()).toEqual(['dist/dev.k8s.yaml', 'dist/next.k8s.yaml', 'dist/prod.k8s.yaml', 'dist/staging.k8s.yaml']);
  });

  it.each(SUPPORTED_TARGETS.map((t) => [describeTarget(t), t] as const))('dev, staging and prod are valid for %s (they can move up as they are)', (_, target) => {
    for (const file of onSpecification) expect({ file: file.path, problems: problemsOn(target, ...objectsOf(file.content)) }).toEqual({ file: file.path, problems: [] });
  });

  it('next is valid for the current target, and Istio 1.19 serves none of its v1 kinds', () => {
    const objects = objectsOf(next?.content ?? '');
    expect(problemsOn(K135, ...objects)).toEqual([]);
    const problems = problemsOn(K128, ...objects);
    expect(problems.length).toBeGreaterThan(10);
    expect(problems.every((p) => /^apiVersion: \w+ is not served as (networking|security)\.istio\.io\/v1 by Istio 1\.19\.10/.test(p))).toBe(true);
  });
});

describe('validate CLI targets', () => {
  const run = (args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = runCommand(VALIDATE, args, { out: (line) => out.push(line), err: (line) => err.push(line) });
    return { code, out, err };
  };
  const file = 'dist/dev.k8s.yaml';

  it('validates for the current target when asked, and names it', () => {
    expect(run(['--kubernetes', '1.35', '--istio', '1.30', file])).toEqual({
      code: 0, out: [`ok: 42 objects in 1 file valid for ${describeTarget(K135)}`], err: [],
    });
    expect(run(['--kubernetes=1.35', '--istio=1.30', file]).code).toBe(0);
    expect(run([file]).out).toEqual([`ok: 42 objects in 1 file valid for ${describeTarget(K128)}`]);
  });

  it('a file named after a configured environment defaults to that environment\'s target', () => {
    expect(run(['dist/next.k8s.yaml'])).toEqual({ code: 0, out: [expect.stringMatching(new RegExp(`^ok: \\d+ objects in 1 file valid for ${describeTarget(K135)}$`))], err: [] });
    expect(run(['dist/next.k8s.yaml', '--kubernetes', '1.28', '--istio', '1.19']).code).toBe(1);
  });

  it('exits 2 with one line for an incompatible pair, an unknown version or option', () => {
    expect(run(['--kubernetes', '1.35', file])).toEqual({
      code: 2, out: [],
      err: [expect.stringMatching(/^error: unsupported target Kubernetes 1\.35 with Istio 1\.19: Istio 1\.19 does not support Kubernetes 1\.35: it supports Kubernetes 1\.25 to 1\.28; usage: /)],
    });
    expect(run(['--istio', '1.30', file]).err).toEqual([
      expect.stringMatching(/^error: unsupported target Kubernetes 1\.28 with Istio 1\.30: Istio 1\.30 does not support Kubernetes 1\.28: it supports Kubernetes 1\.32 or later; usage: /),
    ]);
    expect(run(['--kubernetes', '1.31', '--istio', '1.30', file])).toMatchObject({ code: 2, err: [expect.stringMatching(/unsupported Kubernetes version "1\.31"; supported: 1\.28, 1\.35/)] });
    expect(run(['--target', '1.35', file])).toMatchObject({ code: 2, err: [expect.stringMatching(/^error: unknown option --target; usage: /)] });
    expect(run(['--istio'])).toMatchObject({ code: 2, err: [expect.stringMatching(/^error: --istio needs a version/)] });
  });
});
