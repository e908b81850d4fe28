/**
 * The reachability proof on real synth output: it holds for every configured environment, and it
 * fails, naming the edge, when the manifests are made too open or too closed.
 */
import { EnvironmentConfig } from '../../lib/model/environment';
import { KubeObject } from '../../lib/manifest/kube-object';
import { Naming } from '../../lib/model/naming';
import { allowedConnections, buildClusterModel, connectionKey, evaluateMatrix, expectedConnections, proveReachability } from '../../lib/checks/reachability';
import { compareConnectionOrder } from '../../lib/checks/reachability/types';
import { runCommand } from '../../lib/cli/command';
import { REACHABILITY, runReachability } from '../../lib/cli/reachability';
import { sidecarInjected } from '../../lib/checks/reachability/cluster-model';
import { policiesOf, probePorts } from '../../lib/checks/reachability/matrix';
import { PAYMENT_SYSTEM } from '../../lib/model/system';
import { loadEnvironments } from '../../lib/synth/select-environments';
import { synthesizeEnvironment } from '../../lib/constructs/synthesize-environment';

const environments = loadEnvironments();
const dev = environments.find((e) => e.suffix === 'dev') as EnvironmentConfig;
const devObjects = synthesizeEnvironment(dev);
const naming = new Naming('dev');
const pod = (service: string): string => `${naming.namespace}/${naming.deployment(service)}`;

interface Rule { from?: unknown[]; to?: unknown[]; ports?: { port?: number | string; endPort?: number; protocol?: string }[] }
interface NetworkPolicySpec { ingress: Rule[]; egress: Rule[] }
interface AuthorizationSpec { rules: { from: { source: { principals: string[] } }[] }[] }

/** A deep copy of the dev manifests with `edit` applied to the spec of `kind/name`. */
function withEdit<T>(kind: string, name: string, edit: (spec: T) => void): KubeObject[] {
  const copy = structuredClone(devObjects);
  const target = copy.find((o) => o.kind === kind && o.metadata.name === name);
  if (!target) throw new Error(`no ${kind}/${name} in the dev manifests`);
  edit(target.spec as T);
  return copy;
}

/** The gateway route, each call, each dependency caller, and per service DNS (UDP, TCP), istiod and Prometheus. */
const EXPECTED_COUNT = 1 + PAYMENT_SYSTEM.calls.length + PAYMENT_SYSTEM.dependencies.reduce((n, d) => n + d.callers.length, 0) + 4 * PAYMENT_SYSTEM.services.length;

const keys = (connections: readonly { from: string; to: string; port: number; protocol: string }[]): string[] =>
  connections.map((c) => connectionKey({ ...c, protocol: c.protocol === 'UDP' ? 'UDP' : 'TCP' }));

describe('the proof on the configured environments', () => {
  it.each(environments.map((e) => [e.suffix, e] as const))('%s allows exactly the expected connections', (_suffix, env) => {
    const proof = proveReachability(synthesizeEnvironment(env), PAYMENT_SYSTEM, env);
    expect({ missing: keys(proof.missing), extra: keys(proof.extra), networkPolicyExtra: keys(proof.networkPolicyExtra) })
      .toEqual({ missing: [], extra: [], networkPolicyExtra: [] });
    expect(proof.allowed).toHaveLength(EXPECTED_COUNT);
    expect(proof.edge.problems).toEqual([]);
  });

  it('derives the expected matrix from the call graph, and allowedConnections finds exactly it', () => {
    const model = buildClusterModel(devObjects, dev);
    const expected = keys(expectedConnections(PAYMENT_SYSTEM, dev, model));
    expect(keys(allowedConnections(devObjects, model))).toEqual(expected);
    expect(expected).toHaveLength(EXPECTED_COUNT);
    expect(expected).toEqual(expect.arrayContaining([
      `istio-system/istio-ingressgateway -> ${pod('payment-api')} 8080/TCP`,
      `${pod('payment-api')} -> ${pod('fraud-detector')} 8080/TCP`,
      `${pod('fraud-detector')} -> ${pod('notification-service')} 8080/TCP`,
      `${pod('notification-service')} -> kube-system/kube-dns 53/UDP`,
      `${pod('notification-service')} -> istio-system/istiod 15012/TCP`,
      `monitoring/prometheus -> ${pod('fraud-detector')} 15020/TCP`,
      `${pod('payment-api')} -> external/payments-db 5432/TCP`,
      `${pod('notification-service')} -> internet 443/TCP`,
    ]));
  });

  it('no pod reaches the metadata service, an undeclared private address, or a dependency it does not call', () => {
    const proof = proveReachability(devObjects, PAYMENT_SYSTEM, dev);
    const allowedTo = (to: string) => proof.allowed.filter((c) => c.to === to).map((c) => `${c.from} ${c.port}/${c.protocol}`);
    expect(allowedTo('metadata')).toEqual([]);
    expect(allowedTo('metadata-v6')).toEqual([]);
    expect(allowedTo('private-undeclared')).toEqual([]);
    expect(allowedTo('external/payments-db')).toEqual([`${pod('payment-api')} 5432/TCP`]);
    expect(allowedTo('internet')).toEqual([`${pod('notification-service')} 443/TCP`]);
  });
});

describe('the edge: requests from the internet', () => {
  const staging = environments.find((e) => e.suffix === 'staging') as EnvironmentConfig;
  const stagingObjects = synthesizeEnvironment(staging);
  const outcomes = (env: EnvironmentConfig, objects: KubeObject[]) => proveReachability(objects, PAYMENT_SYSTEM, env).edge.results
    .map((r) => [r.request.label, r.outcome]);

  it('with TLS and JWT: plain HTTP is redirected; only a token from the configured issuer is admitted', () => {
    expect(outcomes(staging, stagingObjects)).toEqual([
      ['http, no token', 'redirected'],
      ['https, no token', 'forbidden'],
      ['https, token from another issuer', 'unauthenticated'],
      ['https, token from the configured issuer', 'admitted'],
      ['https, token from the configured issuer for another audience', 'unauthenticated'],
      ['https, token from the configured issuer, a path below the route', 'admitted'],
      ['https, token from the configured issuer, a path that only shares the route\'s prefix', 'not-routed'],
      ['https, another host', 'not-served'],
    ]);
  });

  it('dev keeps the specification\'s plain HTTP without end-user authentication', () => {
    expect(outcomes(dev, devObjects)).toEqual([
      ['http, no token', 'admitted'],
      ['http, token from another issuer', 'admitted'],
      ['http, a path below the route', 'admitted'],
      ['http, a path that only shares the route\'s prefix', 'not-routed'],
    ]);
  });

  it('fails when a route matches by characters instead of path segments (the authorization paths still refuse it), or reaches the wrong service', () => {
    const routes = (change: (http: any[]) => void) => proveReachability(withEdit<{ http: any[] }>('VirtualService', 'payment-system-routes-dev', (s) => change(s.http)), PAYMENT_SYSTEM, dev).edge.problems;
    expect(routes((http) => { http[0].match = [{ uri: { prefix: '/api/payment' } }]; }))
      .toEqual([expect.stringMatching(/^http, a path that only shares the route's prefix GET http:\/\/payments\.example\.test\/api\/paymentx: forbidden \(403: .*\), expected not-routed$/)]);
    expect(routes((http) => { http[0].route[0].destination.host = naming.service('fraud-detector'); }))
      .toEqual(expect.arrayContaining([expect.stringMatching(/^http, no token .*: blocked \(the NetworkPolicies drop the gateway's connection\), expected admitted$/)]));
    const declaredForFraud = { ...PAYMENT_SYSTEM, ingress: PAYMENT_SYSTEM.ingress.map((r) => ({ ...r, service: 'fraud-detector' })) };
    expect(proveReachability(devObjects, declaredForFraud, dev).edge.problems)
      .toEqual(expect.arrayContaining([`http, no token GET http://payments.example.test/api/payment: admitted by ${pod('payment-api')}, expected ${pod('fraud-detector')}`]));
  });

  it('fails when the gateway rule forgets the token, or the route forgets HSTS', () => {
    const edit = (kind: string, name: string, change: (spec: any) => void) => {
      const copy = structuredClone(stagingObjects);
      change(copy.find((o) => o.kind === kind && o.metadata.name === name)?.spec);
      return proveReachability(copy, PAYMENT_SYSTEM, staging).edge.problems;
    };
    expect(edit('AuthorizationPolicy', 'payment-api-authz-staging', (s) => { delete s.rules[0].from[0].source.requestPrincipals; }))
      .toEqual([expect.stringMatching(/^https, no token GET https:\/\/payments\.staging\.example\.com\/api\/payment: admitted \(ALLOW payment-api-authz-staging\), expected forbidden$/)]);
    expect(edit('VirtualService', 'payment-system-routes-staging', (s) => { delete s.http[0].headers; }))
      .toEqual([
        expect.stringMatching(/token from the configured issuer GET .*\/api\/payment: no Strict-Transport-Security header$/),
        expect.stringMatching(/token from the configured issuer, a path below the route GET .*\/api\/payment\/1234: no Strict-Transport-Security header$/),
      ]);
    expect(edit('Gateway', 'payment-system-gateway-staging', (s) => { s.servers[0].tls.minProtocolVersion = 'TLSV1_0'; }))
      .toEqual([expect.stringMatching(/\/api\/payment: minProtocolVersion TLSV1_0, expected TLSV1_2 or later$/), expect.stringMatching(/\/1234: minProtocolVersion TLSV1_0/)]);
    expect(edit('Gateway', 'payment-system-gateway-staging', (s) => { delete s.servers[1].tls; }))
      .toEqual([expect.stringMatching(/^http, no token .*: forbidden \(403: .*\), expected redirected$/)]);
  });
});

describe('the cluster model', () => {
  const model = buildClusterModel(devObjects, { suffix: 'dev', monitoringNamespace: 'observability' });
  const endpoint = (id: string) => model.endpoints.find((e) => e.id === id);

  it('turns each Deployment into a sidecar-injected pod with its labels, ports and SPIFFE principal', () => {
    expect(endpoint(pod('fraud-detector'))).toMatchObject({
      namespace: naming.namespace,
      labels: { 'app.kubernetes.io/name': 'fraud-detector', app: 'fraud-detector' },
      ports: [{ name: 'http', port: 8080, protocol: 'TCP' }, { name: 'http-envoy-prom', port: 15090, protocol: 'TCP' }],
      sidecar: true,
      principal: naming.principal('fraud-detector'),
    });
  });

  it('adds the infrastructure and the adversaries around the environment', () => {
    expect(model.infrastructure).toEqual({
      ingressGateway: 'istio-system/istio-ingressgateway', istiod: 'istio-system/istiod', kubeDns: 'kube-system/kube-dns',
      prometheus: 'observability/prometheus', unrelatedPod: `${naming.namespace}/unrelated`,
      otherNamespacePod: 'other-team/impostor', internet: 'internet',
      metadata: 'metadata', metadataV6: 'metadata-v6', privateUndeclared: 'private-undeclared', dependencies: {},
    });
    expect(endpoint('other-team/impostor')).toMatchObject({ labels: endpoint(pod('payment-api'))?.labels, sidecar: true });
    expect(endpoint(`${naming.namespace}/unrelated`)).toMatchObject({ sidecar: true, principal: `cluster.local/ns/${naming.namespace}/sa/default` });
    expect(model.namespaces.find((n) => n.name === naming.namespace)?.labels)
      .toMatchObject({ 'kubernetes.io/metadata.name': naming.namespace, 'istio-injection': 'enabled' });
  });

  it.each([
    [{ 'istio-injection': 'enabled' }, {}, true],
    [{ 'istio-injection': 'enabled' }, { 'sidecar.istio.io/inject': 'false' }, false],
    [{}, {}, false],
    [{}, { 'sidecar.istio.io/inject': 'true' }, true],
    [{ 'istio-injection': 'disabled' }, { 'sidecar.istio.io/inject': 'true' }, false],
  ])('namespace %j with pod labels %j gets a sidecar: %s', (namespaceLabels, podLabels, expected) => {
    expect(sidecarInjected(namespaceLabels, podLabels, {})).toBe(expected);
  });
});

describe('probe ports', () => {
  it('probe every port where a verdict can change: each boundary and the port after it', () => {
    const objects = withEdit<NetworkPolicySpec>('NetworkPolicy', naming.networkPolicy('payment-api'), (s) => {
      s.egress.push({ ports: [{ port: 5000, endPort: 5010, protocol: 'UDP' }, { port: 7000 }] });
    });
    const ports = probePorts(buildClusterModel(objects, dev), policiesOf(objects));
    expect(ports).toEqual(expect.arrayContaining([1, 53, 54, 5000, 5011, 7000, 7001, 8080, 8081, 15012, 15013, 15020, 15021, 15022]));
    expect(ports).not.toContain(5005);
  });

  it('come out in the stable connection order, each probe once, without being sorted afterwards', () => {
    const results = evaluateMatrix(devObjects, buildClusterModel(devObjects, dev));
    const connections = results.map((r) => r.connection);
    expect(connections).toEqual([...connections].sort(compareConnectionOrder));
    expect(new Set(connections.map(connectionKey)).size).toBe(connections.length);
  });
});

describe('the proof fails on broken manifests', () => {
  const prove = (objects: KubeObject[]) => proveReachability(objects, PAYMENT_SYSTEM, dev);

  it('a NetworkPolicy that is too open: extra edges on ports Istio does not guard', () => {
    const proof = prove(withEdit<NetworkPolicySpec>('NetworkPolicy', naming.networkPolicy('fraud-detector'), (s) => { s.ingress.push({}); }));
    expect(proof.holds).toBe(false);
    expect(proof.missing).toEqual([]);
    expect(keys(proof.extra)).toEqual(expect.arrayContaining([
      `internet -> ${pod('fraud-detector')} 15021/TCP`,
      `monitoring/prometheus -> ${pod('fraud-detector')} 15090/TCP`,
      `other-team/impostor -> ${pod('fraud-detector')} 8080/UDP`,
    ]));
  });

  it('a NetworkPolicy too open only where Istio authorization still stops it: the defence-in-depth check', () => {
    const proof = prove(withEdit<NetworkPolicySpec>('NetworkPolicy', naming.networkPolicy('fraud-detector'), (s) => {
      s.ingress.push({ from: [{ namespaceSelector: {} }], ports: [{ port: 8080, protocol: 'TCP' }] });
    }));
    expect(proof.holds).toBe(true);
    expect(keys(proof.networkPolicyExtra)).toContain(`other-team/impostor -> ${pod('fraud-detector')} 8080/TCP`);
  });

  it('a missing egress rule: missing edges', () => {
    const proof = prove(withEdit<NetworkPolicySpec>('NetworkPolicy', naming.networkPolicy('payment-api'), (s) => {
      s.egress = s.egress.filter((r) => !r.ports?.some((p) => p.port === 53));
    }));
    expect(keys(proof.missing)).toEqual([`${pod('payment-api')} -> kube-system/kube-dns 53/TCP`, `${pod('payment-api')} -> kube-system/kube-dns 53/UDP`]);
    expect(proof.extra).toEqual([]);
  });

  it('a wrong named port: the caller is cut off, while the right name keeps the proof', () => {
    const rename = (name: string) => withEdit<NetworkPolicySpec>('NetworkPolicy', naming.networkPolicy('fraud-detector'), (s) => {
      for (const rule of s.ingress) for (const p of rule.ports ?? []) if (p.port === 8080) p.port = name;
    });
    const wrong = prove(rename('https'));
    expect(keys(wrong.missing)).toEqual([`${pod('payment-api')} -> ${pod('fraud-detector')} 8080/TCP`]);
    expect(prove(rename('http')).holds).toBe(true);
  });

  it('an AuthorizationPolicy that forgets a caller: missing edge, denied by authz', () => {
    const proof = prove(withEdit<AuthorizationSpec>('AuthorizationPolicy', naming.authorizationPolicy('fraud-detector'), (s) => {
      s.rules[0].from[0].source.principals = [naming.principal('notification-service')];
    }));
    expect(keys(proof.missing)).toEqual([`${pod('payment-api')} -> ${pod('fraud-detector')} 8080/TCP`]);
    const result = proof.results.find((r) => connectionKey(r.connection) === keys(proof.missing)[0]);
    expect(result?.authorization?.reason).toBe(`no rule of ALLOW allow-nothing-dev, ${naming.authorizationPolicy('fraud-detector')} matches`);
  });

  it('a missing Deployment: its edges are missing', () => {
    const proof = prove(devObjects.filter((o) => !(o.kind === 'Deployment' && o.metadata.name === naming.deployment('notification-service'))));
    expect(keys(proof.missing)).toContain(`${pod('fraud-detector')} -> ${pod('notification-service')} 8080/TCP`);
    expect(proof.missing).toHaveLength(6);
  });

  it('a Sidecar without kube-dns: DNS over TCP is black-holed by the proxy while UDP still works', () => {
    const proof = prove(withEdit<{ egress: { hosts: string[] }[] }>('Sidecar', naming.sidecar('payment-api'), (s) => {
      s.egress[0].hosts = s.egress[0].hosts.filter((h) => !h.startsWith('kube-system/'));
    }));
    expect(keys(proof.missing)).toEqual([`${pod('payment-api')} -> kube-system/kube-dns 53/TCP`]);
    const result = proof.results.find((r) => connectionKey(r.connection) === keys(proof.missing)[0]);
    expect(result?.network.allowed).toBe(true);
    expect(result?.proxy?.reason).toMatch(/REGISTRY_ONLY and it does not import kube-dns\.kube-system\.svc\.cluster\.local/);
  });

  it('a Sidecar that forgets its dependency: the database is unreachable although the NetworkPolicy allows it', () => {
    const proof = prove(withEdit<{ egress: { hosts: string[] }[] }>('Sidecar', naming.sidecar('payment-api'), (s) => {
      s.egress[0].hosts = s.egress[0].hosts.filter((h) => !h.includes('rds.amazonaws.com'));
    }));
    expect(keys(proof.missing)).toEqual([`${pod('payment-api')} -> external/payments-db 5432/TCP`]);
  });

  it('an egress ipBlock without its exceptions: the NetworkPolicy alone would let the metadata service and private addresses through', () => {
    const proof = prove(withEdit<NetworkPolicySpec>('NetworkPolicy', naming.networkPolicy('notification-service'), (s) => {
      for (const rule of s.egress) for (const peer of (rule.to ?? []) as { ipBlock?: { except?: string[] } }[]) delete peer.ipBlock?.except;
    }));
    // The Sidecar still stops them (REGISTRY_ONLY knows only the provider's host); the defence-in-depth check does not accept that.
    expect(proof.extra).toEqual([]);
    expect(keys(proof.networkPolicyExtra)).toEqual(expect.arrayContaining([
      `${pod('notification-service')} -> metadata 443/TCP`, `${pod('notification-service')} -> private-undeclared 443/TCP`, `${pod('notification-service')} -> external/payments-db 443/TCP`,
    ]));
  });
});

describe('npm run reachability', () => {
  function run(args: string[], synth: (env: EnvironmentConfig) => KubeObject[] = (env) => synthesizeEnvironment(env)) {
    const out: string[] = [];
    const err: string[] = [];
    const deps = { system: PAYMENT_SYSTEM, loadEnvironments: () => environments, synthesizeEnvironment: synth };
    const status = runCommand({ ...REACHABILITY, run: (a, io) => runReachability(a, io, deps) }, args, { out: (l) => out.push(l), err: (l) => err.push(l) });
    return { status, out, err };
  }

  it('prints the allowed connections with the policies that allow them, and OK', () => {
    const { status, out, err } = run(['dev']);
    expect({ status, err }).toEqual({ status: 0, err: [] });
    expect(out).toContainEqual(expect.stringMatching(
      /^istio-system\/istio-ingressgateway +microservices-dev\/payment-api-dev +8080\/TCP +ALLOW +egress: not isolated; ingress: payment-api-netpol-dev; authz: ALLOW payment-api-authz-dev \(GET \/api\/payment\)$/,
    ));
    expect(out).toContain(`OK: allowed connections equal the expected matrix (${EXPECTED_COUNT} connections)`);
    expect(out).toContainEqual(expect.stringMatching(/^\(\d+ other probes denied; --all lists them\)$/));
    const all = run(['--all', 'dev']).out;
    expect(all).toContainEqual(expect.stringMatching(
      /^other-team\/impostor +microservices-dev\/fraud-detector-dev +8080\/TCP +DENY +ingress of microservices-dev\/fraud-detector-dev: no rule of default-deny-dev, fraud-detector-netpol-dev admits it$/,
    ));
  });

  it('exits 1 when the NetworkPolicies alone are too open, even though Istio stops the traffic', () => {
    const masked = withEdit<NetworkPolicySpec>('NetworkPolicy', naming.networkPolicy('fraud-detector'), (s) => {
      s.ingress.push({ from: [{ namespaceSelector: {} }], ports: [{ port: 8080, protocol: 'TCP' }] });
    });
    const { status, out } = run(['dev'], () => masked);
    expect(status).toBe(1);
    expect(out).toContain(`OK: allowed connections equal the expected matrix (${EXPECTED_COUNT} connections)`);
    expect(out).toContain('FAIL: the NetworkPolicies alone allow 5 unexpected connections that only Istio authorization stops');
  });

  it('exits 1 and lists missing and extra edges when the proof fails', () => {
    const broken = withEdit<NetworkPolicySpec>('NetworkPolicy', naming.networkPolicy('payment-api'), (s) => { s.egress = [{}]; });
    const { status, out } = run(['dev'], () => broken);
    expect(status).toBe(1);
    expect(out).toContainEqual(expect.stringMatching(/^FAIL: allowed connections differ from the expected matrix \(0 missing, \d+ extra\)$/));
    expect(out).toContainEqual(expect.stringMatching(/^ {2}\(\d+ more extra; --all lists every probe\)$/));
    expect(out).toContainEqual(expect.stringMatching(/^ {2}extra: microservices-dev\/payment-api-dev -> \S+ \d+\/(TCP|UDP) \(allowed by egress: payment-api-netpol-dev;/));
  });

  it('exits 2 with one line for an unknown environment, a bad option, or an unreadable manifest', () => {
    expect(run(['nope'])).toMatchObject({ status: 2, out: [], err: ['error: unknown environment "nope"; configured: dev, staging, prod, next; usage: npm run reachability [-- [<suffix>] [--all]]'] });
    expect(run(['--verbose'])).toMatchObject({ status: 2, err: ['error: unknown option "--verbose"; usage: npm run reachability [-- [<suffix>] [--all]]'] });
    const unreadable = withEdit<NetworkPolicySpec>('NetworkPolicy', naming.networkPolicy('payment-api'), (s) => { s.egress = [{ ports: [{ port: 0 }] }]; });
    expect(run(['dev'], () => unreadable)).toMatchObject({
      status: 2, err: ['error: NetworkPolicy/payment-api-netpol-dev spec.egress[0].ports[0].port: expected an integer from 1 to 65535, got 0'],
    });
  });
});
