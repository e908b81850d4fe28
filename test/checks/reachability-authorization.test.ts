/** Istio AuthorizationPolicy evaluator: precedence, selectors, matching, TCP vs HTTP, where it applies. */
import { KubeObject } from '../../lib/manifest/kube-object';
import { authorizationPoliciesOf, evaluateAuthorization, istioValueMatches } from '../../lib/checks/reachability/authorization';
import { Endpoint, EndpointPort, Protocol } from '../../lib/checks/reachability/types';

const principal = (ns: string, sa: string): string => `cluster.local/ns/${ns}/sa/${sa}`;
const meshPod = (id: string, ns: string, sa: string, labels: Record<string, string>, ports: EndpointPort[] = []): Endpoint =>
  ({ id, namespace: ns, labels, ports, sidecar: true, principal: principal(ns, sa), ip: `10.0.0.${id.length}` });

const server = meshPod('server', 'shop', 'server', { app: 'server' }, [
  { name: 'http', port: 8080, protocol: 'TCP' }, { name: 'tcp-db', port: 5432, protocol: 'TCP' },
]);
const caller = meshPod('caller', 'shop', 'caller', { app: 'caller' });
const stranger = meshPod('stranger', 'other', 'caller', { app: 'caller' });
const plain: Endpoint = { id: 'plain', namespace: 'shop', labels: { app: 'caller' }, ports: [], sidecar: false, ip: '10.0.9.9' };

const ap = (name: string, ns: string, spec: Record<string, unknown>, apiVersion = 'security.istio.io/v1beta1'): KubeObject =>
  ({ apiVersion, kind: 'AuthorizationPolicy', metadata: { name, namespace: ns }, spec });

function verdict(objects: KubeObject[], from: Endpoint, port = 8080, to: Endpoint = server, protocol: Protocol = 'TCP') {
  return evaluateAuthorization(authorizationPoliciesOf(objects), from, to, port, protocol);
}
const allowed = (objects: KubeObject[], from: Endpoint, port = 8080, to: Endpoint = server): boolean => verdict(objects, from, port, to).allowed;

const allowCaller = ap('allow-caller', 'shop', {
  selector: { matchLabels: { app: 'server' } },
  rules: [{ from: [{ source: { principals: [principal('shop', 'caller')] } }], to: [{ operation: { ports: ['8080'] } }] }],
});
const allowNothing = ap('allow-nothing', 'shop', {});

describe('AuthorizationPolicy evaluation', () => {
  it('allows everything when no policy applies', () => {
    expect(allowed([], stranger)).toBe(true);
  });

  it('an ALLOW policy admits only its rules: the caller principal on the port', () => {
    expect(verdict([allowCaller, allowNothing], caller)).toMatchObject({ allowed: true, allowedBy: 'allow-caller', witness: 'GET /' });
    expect(allowed([allowCaller, allowNothing], stranger)).toBe(false);
    expect(allowed([allowCaller, allowNothing], caller, 5432)).toBe(false);
  });

  it('a source without a sidecar presents no principal, so principal rules never match it', () => {
    expect(allowed([allowCaller], plain)).toBe(false);
    const anyAuthenticated = ap('any', 'shop', { rules: [{ from: [{ source: { principals: ['*'] } }] }] });
    expect(allowed([anyAuthenticated], plain)).toBe(false);
    expect(allowed([anyAuthenticated], stranger)).toBe(true);
  });

  it('spec: {} allows nothing, and DENY wins over ALLOW', () => {
    expect(verdict([allowNothing], caller)).toMatchObject({ allowed: false, reason: 'no rule of ALLOW allow-nothing matches' });
    const denyCaller = ap('deny-caller', 'shop', { action: 'DENY', rules: [{ from: [{ source: { namespaces: ['shop'] } }] }] });
    expect(verdict([allowCaller, denyCaller], caller)).toMatchObject({ allowed: false, reason: 'no rule of ALLOW allow-caller matches; DENY deny-caller' });
    expect(verdict([denyCaller], caller)).toMatchObject({ allowed: false, reason: 'DENY deny-caller' });
    expect(allowed([denyCaller], stranger)).toBe(true);
  });

  it('applies policies of the workload namespace and of the root namespace, filtered by selector', () => {
    const elsewhere = ap('elsewhere', 'other', {});
    const otherWorkload = ap('other-workload', 'shop', { selector: { matchLabels: { app: 'caller' } } });
    expect(allowed([elsewhere, otherWorkload], stranger)).toBe(true);
    expect(allowed([ap('mesh-wide', 'istio-system', {}, 'security.istio.io/v1')], stranger)).toBe(false);
    expect(allowed([ap('root-selected', 'istio-system', { selector: { matchLabels: { app: 'server' } } })], stranger)).toBe(false);
  });

  it('ignores CUSTOM and AUDIT policies', () => {
    const custom = ap('ext', 'shop', { action: 'CUSTOM', provider: { name: 'opa' }, rules: [{}] });
    const audit = ap('audit', 'shop', { action: 'AUDIT', rules: [{}] });
    expect(allowed([custom, audit], stranger)).toBe(true);
  });

  it('matches namespaces, not-forms and ipBlocks of the source', () => {
    const rule = (source: Record<string, unknown>) => [ap('p', 'shop', { rules: [{ from: [{ source }] }] })];
    expect(allowed(rule({ namespaces: ['shop'] }), caller)).toBe(true);
    expect(allowed(rule({ namespaces: ['shop'] }), stranger)).toBe(false);
    expect(allowed(rule({ notPrincipals: [principal('shop', 'caller')] }), stranger)).toBe(true);
    expect(allowed(rule({ notPrincipals: ['cluster.local/ns/other/*'] }), stranger)).toBe(false);
    expect(allowed(rule({ notNamespaces: ['other'] }), plain)).toBe(true);
    expect(allowed(rule({ ipBlocks: ['10.0.9.0/24'] }), plain)).toBe(true);
    expect(allowed(rule({ ipBlocks: ['10.0.9.8'] }), plain)).toBe(false);
  });

  it('on HTTP ports finds a request the methods and paths allow, and reports it', () => {
    const gateway = ap('routes', 'shop', {
      rules: [{ to: [{ operation: { ports: ['8080'], methods: ['POST'], paths: ['/api/pay', '/api/pay/*'], notPaths: ['/api/pay/admin*'] } }] }],
    });
    expect(verdict([gateway], stranger)).toMatchObject({ allowed: true, witness: 'POST /api/pay' });
    const denyAllPaths = ap('deny-api', 'shop', { action: 'DENY', rules: [{ to: [{ operation: { paths: ['/api/*'] } }] }] });
    expect(allowed([gateway, denyAllPaths], stranger)).toBe(false);
    const denyGet = ap('deny-get', 'shop', { action: 'DENY', rules: [{ to: [{ operation: { methods: ['GET'] } }] }] });
    expect(verdict([denyGet], stranger)).toMatchObject({ allowed: true, witness: 'POST /' });
  });

  it('on plain TCP ignores ALLOW rules with HTTP-only fields and drops those fields from DENY rules', () => {
    const allowGet = ap('allow-get', 'shop', { rules: [{ to: [{ operation: { ports: ['5432'], methods: ['GET'] } }] }] });
    expect(allowed([allowGet], caller, 5432)).toBe(false);
    const denyGet = ap('deny-get', 'shop', { action: 'DENY', rules: [{ to: [{ operation: { ports: ['5432'], methods: ['GET'] } }] }] });
    expect(allowed([denyGet], caller, 5432)).toBe(false);
    expect(allowed([denyGet], caller, 8080)).toBe(true);
  });

  it('treats an undeclared port as sniffed: plain TCP or HTTP, whichever the client sends', () => {
    const allowGet = ap('allow-get', 'shop', { rules: [{ to: [{ operation: { ports: ['9000'], methods: ['GET'] } }] }] });
    expect(allowed([allowGet], caller, 9000)).toBe(true);
  });

  it('does not apply to UDP, to ports the sidecar does not capture, or to pods without a proxy', () => {
    expect(verdict([allowNothing], stranger, 8080, server, 'UDP')).toMatchObject({ allowed: true, applies: false });
    for (const port of [15020, 15021, 15090]) expect(verdict([allowNothing], stranger, port)).toMatchObject({ allowed: true, applies: false });
    const noProxy: Endpoint = { ...server, sidecar: false };
    expect(verdict([allowNothing], stranger, 8080, noProxy)).toMatchObject({ allowed: true, applies: false });
  });

  it.each([
    ['*', 'x', true], ['*', '', false], ['/api/*', '/api/x', true], ['/api/*', '/apix', false],
    ['*.json', '/a.json', true], ['*.json', '/a.jso', false], ['GET', 'GET', true], ['GET', 'get', false],
  ])('Istio string match %s against %j is %s', (pattern, value, expected) => {
    expect(istioValueMatches(pattern, value)).toBe(expected);
  });

  it.each([
    [{ rules: [{ when: [{ key: 'request.headers[x]', values: ['y'] }] }] }, 'AuthorizationPolicy/bad spec.rules[0].when: not supported by the reachability evaluator (supported: from, to)'],
    [{ rules: [{ to: [{ operation: { hosts: ['a.com'] } }] }] }, 'AuthorizationPolicy/bad spec.rules[0].to[0].operation.hosts: not supported by the reachability evaluator (supported: ports, notPorts, methods, notMethods, paths, notPaths)'],
    [{ rules: [{ to: [{ operation: { ports: ['http'] } }] }] }, 'AuthorizationPolicy/bad spec.rules[0].to[0].operation.ports[0]: "http" is not a port number from 1 to 65535'],
    [{ action: 'REJECT' }, 'AuthorizationPolicy/bad spec.action: "REJECT" is not one of ALLOW, DENY, AUDIT, CUSTOM'],
    [{ targetRefs: [{ kind: 'Gateway', name: 'gw' }] }, 'AuthorizationPolicy/bad spec.targetRefs: not supported by the reachability evaluator (supported: selector, action, rules)'],
  ])('rejects %j with one line', (spec, message) => {
    expect(() => authorizationPoliciesOf([ap('bad', 'shop', spec)])).toThrow(new Error(message));
  });
});
