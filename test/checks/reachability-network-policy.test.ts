/**
 * NetworkPolicy evaluator against the worked examples of the Kubernetes "Network Policies" page
 * (verdicts as the docs state them) and the API reference's rules for defaults and selectors.
 */
import { KubeObject } from '../../lib/manifest/kube-object';
import { cidrContains, parseCidr } from '../../lib/model/cidr';
import { matchesSelector, parseLabelSelector } from '../../lib/manifest/label-selector';
import { evaluateNetworkPolicies, networkPoliciesOf } from '../../lib/checks/reachability/network-policy';
import { ClusterModel, Endpoint, EndpointPort, NamespaceInfo, Protocol } from '../../lib/checks/reachability/types';
import { ManifestInputError } from '../../lib/checks/reachability';

const namespace = (name: string, labels: Record<string, string> = {}): NamespaceInfo =>
  ({ name, labels: { 'kubernetes.io/metadata.name': name, ...labels } });
const pod = (id: string, ns: string, labels: Record<string, string>, ip: string, ports: EndpointPort[] = []): Endpoint =>
  ({ id, namespace: ns, labels, ports, sidecar: false, ip });
const external = (ip: string): Endpoint => ({ id: ip, labels: {}, ports: [], sidecar: false, ip });
const policy = (name: string, ns: string, spec: Record<string, unknown>): KubeObject =>
  ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: ns }, spec });

function modelOf(namespaces: NamespaceInfo[], endpoints: Endpoint[]): ClusterModel {
  const id = endpoints[0].id;
  return {
    environmentNamespace: 'default', namespaces, endpoints,
    infrastructure: {
      ingressGateway: id, istiod: id, kubeDns: id, prometheus: id, unrelatedPod: id, otherNamespacePod: id, internet: id,
      metadata: id, metadataV6: id, privateUndeclared: id, dependencies: {},
    },
    platformServices: [],
  };
}

/** `allowed(from, to, port, protocol)` for a fixed set of policies and model. */
function evaluator(objects: KubeObject[], model: ClusterModel) {
  const policies = networkPoliciesOf(objects);
  return (from: Endpoint, to: Endpoint, port: number, protocol: Protocol = 'TCP'): boolean =>
    evaluateNetworkPolicies(policies, model, from, to, port, protocol).allowed;
}

describe('the docs example test-network-policy', () => {
  const db = pod('db', 'default', { role: 'db' }, '192.168.0.10');
  const frontend = pod('frontend', 'default', { role: 'frontend' }, '192.168.0.11');
  const other = pod('other', 'default', { role: 'other' }, '192.168.0.12');
  const inMyProject = pod('myproject-pod', 'myproject', { role: 'anything' }, '192.168.1.10');
  const frontendElsewhere = pod('frontend-elsewhere', 'elsewhere', { role: 'frontend' }, '192.168.2.10');
  const model = modelOf(
    [namespace('default'), namespace('myproject', { project: 'myproject' }), namespace('elsewhere')],
    [db, frontend, other, inMyProject, frontendElsewhere],
  );
  const allowed = evaluator([policy('test-network-policy', 'default', {
    podSelector: { matchLabels: { role: 'db' } },
    policyTypes: ['Ingress', 'Egress'],
    ingress: [{
      from: [
        { ipBlock: { cidr: '172.17.0.0/16', except: ['172.17.1.0/24'] } },
        { namespaceSelector: { matchLabels: { project: 'myproject' } } },
        { podSelector: { matchLabels: { role: 'frontend' } } },
      ],
      ports: [{ protocol: 'TCP', port: 6379 }],
    }],
    egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/24' } }], ports: [{ protocol: 'TCP', port: 5978 }] }],
  })], model);

  it('allows TCP 6379 into db from frontend pods of its namespace, any pod of project=myproject, and the ipBlock', () => {
    expect(allowed(frontend, db, 6379)).toBe(true);
    expect(allowed(inMyProject, db, 6379)).toBe(true);
    expect(allowed(external('172.17.0.5'), db, 6379)).toBe(true);
    expect(allowed(external('172.17.2.1'), db, 6379)).toBe(true);
    expect(allowed(external('172.17.255.255'), db, 6379)).toBe(true);
  });

  it('denies everything else into db: except block, other pods, frontend of another namespace, other ports and UDP', () => {
    expect(allowed(external('172.17.1.9'), db, 6379)).toBe(false);
    expect(allowed(external('172.18.0.1'), db, 6379)).toBe(false);
    expect(allowed(other, db, 6379)).toBe(false);
    expect(allowed(frontendElsewhere, db, 6379)).toBe(false);
    expect(allowed(frontend, db, 6380)).toBe(false);
    expect(allowed(frontend, db, 6379, 'UDP')).toBe(false);
  });

  it('allows db egress only to 10.0.0.0/24 on TCP 5978', () => {
    expect(allowed(db, external('10.0.0.5'), 5978)).toBe(true);
    expect(allowed(db, external('10.0.0.5'), 5979)).toBe(false);
    expect(allowed(db, external('10.0.1.5'), 5978)).toBe(false);
    expect(allowed(db, frontend, 5978)).toBe(false);
  });

  it('leaves pods the policy does not select non-isolated in both directions', () => {
    expect(allowed(frontend, other, 1234)).toBe(true);
    expect(allowed(external('8.8.8.8'), frontend, 80, 'UDP')).toBe(true);
  });

  it('needs both the egress of the source and the ingress of the destination', () => {
    // db's egress does not allow frontend, even though frontend accepts anything.
    expect(allowed(db, frontend, 6379)).toBe(false);
  });
});

describe('the docs example of one peer with both selectors (AND) versus two peers (OR)', () => {
  const target = pod('target', 'default', { app: 'target' }, '192.168.0.1');
  const aliceClient = pod('alice-client', 'alice', { role: 'client' }, '192.168.1.1');
  const aliceOther = pod('alice-other', 'alice', { role: 'server' }, '192.168.1.2');
  const localClient = pod('local-client', 'default', { role: 'client' }, '192.168.0.2');
  const bobClient = pod('bob-client', 'bob', { role: 'client' }, '192.168.2.1');
  const model = modelOf(
    [namespace('default'), namespace('alice', { user: 'alice' }), namespace('bob', { user: 'bob' })],
    [target, aliceClient, aliceOther, localClient, bobClient],
  );
  const users = { namespaceSelector: { matchLabels: { user: 'alice' } } };
  const clients = { podSelector: { matchLabels: { role: 'client' } } };
  const withPeers = (from: unknown[]) => evaluator([policy('p', 'default', { podSelector: { matchLabels: { app: 'target' } }, ingress: [{ from }] })], model);

  it('AND: only client pods in namespaces with user=alice', () => {
    const allowed = withPeers([{ ...users, ...clients }]);
    expect([aliceClient, aliceOther, localClient, bobClient].map((s) => allowed(s, target, 80))).toEqual([true, false, false, false]);
  });

  it('OR: client pods of the policy namespace, or any pod in namespaces with user=alice', () => {
    const allowed = withPeers([users, clients]);
    expect([aliceClient, aliceOther, localClient, bobClient].map((s) => allowed(s, target, 80))).toEqual([true, true, true, false]);
  });

  it('matches namespaces by their kubernetes.io/metadata.name label', () => {
    const allowed = withPeers([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'bob' } } }]);
    expect(allowed(bobClient, target, 80)).toBe(true);
    expect(allowed(aliceClient, target, 80)).toBe(false);
  });
});

describe('the docs defaults: deny and allow all', () => {
  const a = pod('a', 'default', { app: 'a' }, '192.168.0.1');
  const b = pod('b', 'default', { app: 'b' }, '192.168.0.2');
  const model = modelOf([namespace('default')], [a, b]);
  const denyIngress = policy('default-deny-ingress', 'default', { podSelector: {}, policyTypes: ['Ingress'] });
  const denyEgress = policy('default-deny-egress', 'default', { podSelector: {}, policyTypes: ['Egress'] });
  const allowAllIngress = policy('allow-all-ingress', 'default', { podSelector: {}, ingress: [{}], policyTypes: ['Ingress'] });
  const allowAllEgress = policy('allow-all-egress', 'default', { podSelector: {}, egress: [{}], policyTypes: ['Egress'] });

  it('default deny ingress isolates every pod for ingress and leaves egress alone', () => {
    const allowed = evaluator([denyIngress], model);
    expect(allowed(a, b, 80)).toBe(false);
    expect(allowed(a, external('1.1.1.1'), 443)).toBe(true);
  });

  it('default deny egress isolates every pod for egress and leaves ingress alone', () => {
    const allowed = evaluator([denyEgress], model);
    expect(allowed(a, b, 80)).toBe(false);
    expect(allowed(external('1.1.1.1'), a, 80)).toBe(true);
  });

  it('allow-all rules ({} in ingress or egress) open the direction even next to a default deny', () => {
    expect(evaluator([denyIngress, allowAllIngress], model)(external('1.1.1.1'), a, 9999, 'UDP')).toBe(true);
    expect(evaluator([denyEgress, allowAllEgress], model)(a, external('1.1.1.1'), 9999, 'UDP')).toBe(true);
    expect(evaluator([denyIngress, denyEgress, allowAllIngress], model)(a, b, 80)).toBe(false);
  });

  it('policyTypes defaults: Ingress always, Egress only when the policy has egress rules', () => {
    const ingressOnly = policy('no-types', 'default', { podSelector: {} });
    expect(evaluator([ingressOnly], model)(a, external('1.1.1.1'), 80)).toBe(true);
    expect(evaluator([ingressOnly], model)(external('1.1.1.1'), a, 80)).toBe(false);
    const emptyEgress = policy('empty-egress', 'default', { podSelector: {}, ingress: [{}], egress: [] });
    expect(evaluator([emptyEgress], model)(a, external('1.1.1.1'), 80)).toBe(true);
    const withEgress = policy('with-egress', 'default', { podSelector: {}, ingress: [{}], egress: [{ ports: [{ port: 53, protocol: 'UDP' }] }] });
    expect(evaluator([withEgress], model)(a, external('1.1.1.1'), 80)).toBe(false);
    expect(evaluator([withEgress], model)(a, external('1.1.1.1'), 53, 'UDP')).toBe(true);
  });

  it('an absent from/to allows every peer, while policyTypes with no rules allows nothing', () => {
    const portOnly = policy('port-only', 'default', { podSelector: { matchLabels: { app: 'b' } }, ingress: [{ ports: [{ port: 80 }] }] });
    expect(evaluator([portOnly], model)(external('9.9.9.9'), b, 80)).toBe(true);
    expect(evaluator([portOnly], model)(a, b, 81)).toBe(false);
  });
});

describe('ports', () => {
  const server = pod('server', 'default', { app: 'server' }, '192.168.0.1', [
    { name: 'http', port: 8080, protocol: 'TCP' }, { name: 'dns', port: 53, protocol: 'UDP' },
  ]);
  const client = pod('client', 'default', { app: 'client' }, '192.168.0.2');
  const model = modelOf([namespace('default')], [server, client]);

  it('the docs endPort example: egress to 10.0.0.0/24 on TCP 32000-32768', () => {
    const allowed = evaluator([policy('multi-port-egress', 'default', {
      podSelector: { matchLabels: { app: 'client' } }, policyTypes: ['Egress'],
      egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/24' } }], ports: [{ protocol: 'TCP', port: 32000, endPort: 32768 }] }],
    })], model);
    const target = external('10.0.0.7');
    expect([31999, 32000, 32500, 32768, 32769].map((p) => allowed(client, target, p))).toEqual([false, true, true, true, false]);
    expect(allowed(client, target, 32000, 'UDP')).toBe(false);
  });

  it('resolves a named ingress port against the destination pod, with its protocol', () => {
    const allowed = evaluator([policy('named', 'default', {
      podSelector: { matchLabels: { app: 'server' } }, ingress: [{ ports: [{ port: 'http' }, { port: 'dns', protocol: 'UDP' }] }],
    })], model);
    expect(allowed(client, server, 8080)).toBe(true);
    expect(allowed(client, server, 8081)).toBe(false);
    expect(allowed(client, server, 8080, 'UDP')).toBe(false);
    expect(allowed(client, server, 53, 'UDP')).toBe(true);
  });

  it('a named port given with another protocol than the pod declares matches nothing', () => {
    const allowed = evaluator([policy('udp-name', 'default', {
      podSelector: { matchLabels: { app: 'server' } }, ingress: [{ ports: [{ port: 'http', protocol: 'UDP' }] }],
    })], model);
    expect(allowed(client, server, 8080, 'UDP')).toBe(false);
    expect(allowed(client, server, 8080, 'TCP')).toBe(false);
  });

  it('resolves a named egress port against the destination, so it never matches an address outside the cluster', () => {
    const allowed = evaluator([policy('named-egress', 'default', {
      podSelector: { matchLabels: { app: 'client' } }, policyTypes: ['Egress'], egress: [{ ports: [{ port: 'http' }] }],
    })], model);
    expect(allowed(client, server, 8080)).toBe(true);
    expect(allowed(client, external('10.0.0.7'), 8080)).toBe(false);
  });

  it('a port name the destination does not declare matches nothing', () => {
    const allowed = evaluator([policy('wrong-name', 'default', {
      podSelector: { matchLabels: { app: 'server' } }, ingress: [{ ports: [{ port: 'https' }] }],
    })], model);
    expect(allowed(client, server, 8080)).toBe(false);
    expect(allowed(client, server, 443)).toBe(false);
  });
});

describe('label selectors and CIDRs', () => {
  const labels = { app: 'api', tier: 'backend' };
  it.each([
    [{}, true],
    [{ matchLabels: { app: 'api' } }, true],
    [{ matchLabels: { app: 'api', tier: 'frontend' } }, false],
    [{ matchExpressions: [{ key: 'tier', operator: 'In', values: ['backend', 'db'] }] }, true],
    [{ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['backend'] }] }, false],
    [{ matchExpressions: [{ key: 'missing', operator: 'NotIn', values: ['x'] }] }, true],
    [{ matchExpressions: [{ key: 'app', operator: 'Exists' }] }, true],
    [{ matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] }, false],
    [{ matchLabels: { app: 'api' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['db'] }] }, false],
  ])('%j selects {app: api, tier: backend}: %s', (selector, expected) => {
    expect(matchesSelector(parseLabelSelector(selector, 'selector'), labels)).toBe(expected);
  });

  it('contains addresses by prefix and never matches IPv4 with an IPv6 block', () => {
    const block = parseCidr('10.1.2.0/23', true);
    expect(block && ['10.1.2.0', '10.1.3.255', '10.1.4.0'].map((ip) => cidrContains(block, ip))).toEqual([true, true, false]);
    const v6 = parseCidr('::/0', true);
    expect(v6 && cidrContains(v6, '10.1.2.3')).toBe(false);
    expect(parseCidr('10.0.0.0', true)).toBeUndefined();
    expect(parseCidr('10.0.0.256/8', false)).toBeUndefined();
  });
});

describe('manifests it cannot evaluate are one-line errors', () => {
  it.each([
    [{ podSelector: { matchExpressions: [{ key: 'a', operator: 'Equals', values: ['b'] }] } }, 'NetworkPolicy/bad spec.podSelector.matchExpressions[0].operator: "Equals" is not one of In, NotIn, Exists, DoesNotExist'],
    [{ podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8' }, podSelector: {} }] }] }, 'NetworkPolicy/bad spec.ingress[0].from[0]: ipBlock cannot be combined with podSelector or namespaceSelector'],
    [{ podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['11.0.0.0/16'] } }] }] }, 'NetworkPolicy/bad spec.ingress[0].from[0].ipBlock.except[0]: "11.0.0.0/16" must lie strictly inside 10.0.0.0/8'],
    [{ podSelector: {}, ingress: [{ ports: [{ port: 'http', endPort: 90 }] }] }, 'NetworkPolicy/bad spec.ingress[0].ports[0].endPort: needs a numeric port to start the range'],
    [{ podSelector: {}, egress: [{ ports: [{ port: 80, endPort: 79 }] }] }, 'NetworkPolicy/bad spec.egress[0].ports[0].endPort: expected an integer from 80 to 65535, got 79'],
    [{ podSelector: {}, policyTypes: ['Inbound'] }, 'NetworkPolicy/bad spec.policyTypes: "Inbound" is not Ingress or Egress'],
  ])('%j', (spec, message) => {
    expect(() => networkPoliciesOf([policy('bad', 'default', spec)])).toThrow(new Error(message));
    expect(() => networkPoliciesOf([policy('bad', 'default', spec)])).toThrow(ManifestInputError);
  });
});
