/**
 * The edge proof: requests from the internet through the Istio ingress gateway, followed through
 * the environment's Gateways, VirtualServices, NetworkPolicies, RequestAuthentications and
 * AuthorizationPolicies to a verdict, and compared with what the environment's config promises.
 *
 * How the gateway treats a request (networking.istio.io Gateway and VirtualService, v1alpha3,
 * v1beta1, v1):
 * - a server of a Gateway whose `selector` matches the ingress gateway's pods listens on the
 *   scheme's port (80 for http, 443 for https) for the request's host (`host` or `<namespace>/host`
 *   entries; `*` and `*.domain` wildcards); none: `not-served`;
 * - a server with `tls.httpsRedirect` answers 301 to https: `redirected`;
 * - an HTTPS server terminates TLS (`SIMPLE`, with `credentialName`, and `minProtocolVersion`);
 * - the first route of a VirtualService bound to that Gateway (`gateways: [name | ns/name]`) for the
 *   host whose match (`uri.prefix` or `uri.exact`; none = all) fits the path picks the destination
 *   Service; none: `not-routed`;
 * - the NetworkPolicies must let the gateway reach the pod (`blocked` otherwise), then the pod's
 *   proxy authenticates the token (`unauthenticated`, 401) and authorizes the request
 *   (`forbidden`, 403) or admits it.
 * Route matches on headers, regexes or query parameters, and weighted or multiple destinations,
 * are rejected rather than guessed.
 */
import {
  integerAt, ManifestInputError, optionalArrayAt, optionalStringMapAt, optionalStringsAt, recordAt, rejectUnsupportedKeys, stringAt,
} from '../../manifest/fields';
import { KubeObject, objectRef } from '../../manifest/kube-object';
import { matchesLabelMap } from '../../manifest/label-selector';
import { INGRESS_GATEWAY } from '../../model/cluster';
import { Naming } from '../../model/naming';
import { ingressRouteFor, SystemDeclaration } from '../../model/system';
import { evaluateHttpRequest } from './authorization';
import { PolicySet } from './matrix';
import { networkPairEvaluator } from './network-policy';
import { hostMatches } from './registry';
import { EndUserToken, UNTRUSTED_ISSUER } from './request-authentication';
import { ClusterModel, Endpoint } from './types';

/** A request from the internet. */
export interface EdgeRequest {
  /** What the request is, for reports: `https, token from the configured issuer`. */
  readonly label: string;
  readonly scheme: 'http' | 'https';
  readonly host: string;
  readonly method: string;
  readonly path: string;
  readonly token?: EndUserToken;
}

export type EdgeOutcome = 'not-served' | 'redirected' | 'not-routed' | 'blocked' | 'unauthenticated' | 'forbidden' | 'admitted';

/** What became of one request. */
export interface EdgeResult {
  readonly request: EdgeRequest;
  readonly outcome: EdgeOutcome;
  /** One line for humans. */
  readonly reason: string;
  /** The pod the request was routed to, if it got that far. */
  readonly destination?: string;
  /** The TLS the gateway terminated an https request with. */
  readonly tls?: { readonly mode: string; readonly credentialName?: string; readonly minProtocolVersion?: string };
  /** The response carries `Strict-Transport-Security`. */
  readonly hsts: boolean;
}

interface Server {
  readonly gateway: string;
  readonly port: number;
  readonly hosts: readonly string[];
  readonly httpsRedirect: boolean;
  readonly tls?: { readonly mode: string; readonly credentialName?: string; readonly minProtocolVersion?: string };
}

interface Route {
  readonly match: readonly ({ readonly prefix: string } | { readonly exact: string })[];
  readonly host: string;
  readonly port?: number;
  readonly hsts: boolean;
}

interface VirtualService {
  readonly namespace: string;
  readonly hosts: readonly string[];
  readonly gateways: readonly string[];
  readonly routes: readonly Route[];
}

const ISTIO_NETWORKING = /^networking\.istio\.io\/v1(alpha3|beta1)?$/;

function parseServers(obj: KubeObject, gatewayPod: Endpoint): Server[] {
  const ref = objectRef(obj);
  const spec = recordAt(obj.spec ?? {}, `${ref} spec`);
  const selector = optionalStringMapAt(spec.selector, `${ref} spec.selector`) ?? {};
  if (!matchesLabelMap(selector, gatewayPod.labels)) return [];
  const gateway = `${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
  return (optionalArrayAt(spec.servers, `${ref} spec.servers`) ?? []).map((raw, i): Server => {
    const at = `${ref} spec.servers[${i}]`;
    const server = recordAt(raw, at);
    const port = recordAt(server.port, `${at}.port`);
    const tls = server.tls == null ? undefined : recordAt(server.tls, `${at}.tls`);
    const hosts = (optionalStringsAt(server.hosts, `${at}.hosts`) ?? []).map((h) => (h.includes('/') ? h.slice(h.indexOf('/') + 1) : h));
    return {
      gateway,
      port: integerAt(port.number, `${at}.port.number`, 1, 65535),
      hosts,
      httpsRedirect: tls?.httpsRedirect === true,
      tls: tls?.mode === undefined ? undefined : {
        mode: stringAt(tls.mode, `${at}.tls.mode`),
        credentialName: tls.credentialName === undefined ? undefined : stringAt(tls.credentialName, `${at}.tls.credentialName`),
        minProtocolVersion: tls.minProtocolVersion === undefined ? undefined : stringAt(tls.minProtocolVersion, `${at}.tls.minProtocolVersion`),
      },
    };
  });
}

function parseVirtualService(obj: KubeObject): VirtualService {
  const ref = objectRef(obj);
  const namespace = obj.metadata.namespace ?? '';
  const spec = recordAt(obj.spec ?? {}, `${ref} spec`);
  const routes = (optionalArrayAt(spec.http, `${ref} spec.http`) ?? []).map((raw, i): Route => {
    const at = `${ref} spec.http[${i}]`;
    const route = recordAt(raw, at);
    rejectUnsupportedKeys(route, ['name', 'match', 'route', 'timeout', 'retries', 'headers'], at, 'edge model');
    const match = (optionalArrayAt(route.match, `${at}.match`) ?? []).map((m, j) => {
      const matchAt = `${at}.match[${j}]`;
      const entry = recordAt(m, matchAt);
      rejectUnsupportedKeys(entry, ['uri', 'name'], matchAt, 'edge model');
      const uri = recordAt(entry.uri, `${matchAt}.uri`);
      rejectUnsupportedKeys(uri, ['prefix', 'exact'], `${matchAt}.uri`, 'edge model');
      return uri.prefix !== undefined ? { prefix: stringAt(uri.prefix, `${matchAt}.uri.prefix`) } : { exact: stringAt(uri.exact, `${matchAt}.uri.exact`) };
    });
    const destinations = optionalArrayAt(route.route, `${at}.route`) ?? [];
    if (destinations.length !== 1) throw new ManifestInputError(`${at}.route`, 'the edge model follows routes with exactly one destination');
    const destination = recordAt(recordAt(destinations[0], `${at}.route[0]`).destination, `${at}.route[0].destination`);
    const port = destination.port == null ? undefined : integerAt(recordAt(destination.port, `${at}.route[0].destination.port`).number, `${at}.route[0].destination.port.number`, 1, 65535);
    const set = optionalStringMapAt(recordAt(recordAt(route.headers ?? {}, `${at}.headers`).response ?? {}, `${at}.headers.response`).set, `${at}.headers.response.set`) ?? {};
    return {
      match,
      host: stringAt(destination.host, `${at}.route[0].destination.host`),
      port,
      hsts: Object.keys(set).some((k) => k.toLowerCase() === 'strict-transport-security'),
    };
  });
  return {
    namespace,
    hosts: optionalStringsAt(spec.hosts, `${ref} spec.hosts`) ?? [],
    gateways: (optionalStringsAt(spec.gateways, `${ref} spec.gateways`) ?? []).map((g) => (g.includes('/') ? g : `${namespace}/${g}`)),
    routes,
  };
}

function routeMatches(route: Route, path: string): boolean {
  return route.match.length === 0 || route.match.some((m) => ('prefix' in m ? path.startsWith(m.prefix) : path === m.exact));
}

/** The port a request of `scheme` reaches the gateway's Service on. */
const SCHEME_PORTS = { http: INGRESS_GATEWAY.http.port, https: INGRESS_GATEWAY.https.port } as const;

/** Follows each request through the gateway to a verdict. */
export function evaluateEdge(objects: readonly KubeObject[], model: ClusterModel, policies: PolicySet, requests: readonly EdgeRequest[]): EdgeResult[] {
  const gatewayPod = model.endpoints.find((e) => e.id === model.infrastructure.ingressGateway) as Endpoint;
  const servers = objects.filter((o) => o.kind === 'Gateway' && ISTIO_NETWORKING.test(o.apiVersion)).flatMap((o) => parseServers(o, gatewayPod));
  const virtualServices = objects.filter((o) => o.kind === 'VirtualService' && ISTIO_NETWORKING.test(o.apiVersion)).map(parseVirtualService);
  const registry = [...policies.services, ...model.platformServices];

  return requests.map((request): EdgeResult => {
    const server = servers.find((s) => s.port === SCHEME_PORTS[request.scheme] && s.hosts.some((h) => hostMatches(h, request.host)));
    if (!server) return { request, outcome: 'not-served', reason: `no Gateway server for ${request.host} on port ${SCHEME_PORTS[request.scheme]}`, hsts: false };
    if (server.httpsRedirect) return { request, outcome: 'redirected', reason: `301 to https by ${server.gateway}`, hsts: false };
    const tls = request.scheme === 'https' ? server.tls : undefined;
    const vs = virtualServices.find((v) => v.gateways.includes(server.gateway) && v.hosts.some((h) => hostMatches(h, request.host)));
    const route = vs?.routes.find((r) => routeMatches(r, request.path));
    if (!vs || !route) return { request, outcome: 'not-routed', reason: `404: no route of ${server.gateway} for ${request.host}${request.path}`, hsts: false, ...(tls ? { tls } : {}) };
    const host = route.host.includes('.') ? route.host : `${route.host}.${vs.namespace}.svc.cluster.local`;
    const service = registry.find((s) => s.host === host);
    const target = service && model.endpoints.flatMap((e) => e.ports.filter((p) => p.protocol === 'TCP' && service.reaches(e, p.port, 'TCP')).map((p) => ({ e, port: p.port })))[0];
    const base = { request, hsts: route.hsts, ...(tls ? { tls } : {}) };
    if (!target) return { ...base, outcome: 'not-routed', reason: `503: the route's destination ${route.host} reaches no pod` };
    const network = networkPairEvaluator(policies.networkPolicies, model, gatewayPod, target.e)(target.port, 'TCP');
    if (!network.allowed) return { ...base, destination: target.e.id, outcome: 'blocked', reason: 'the NetworkPolicies drop the gateway\'s connection' };
    const verdict = evaluateHttpRequest(policies.authorizationPolicies, policies.requestAuthentications, gatewayPod, target.e, target.port, request);
    return { ...base, destination: target.e.id, outcome: verdict.outcome, reason: verdict.reason };
  });
}

/** What the environment's config promises at the edge. */
export interface EdgeEnvironment {
  readonly suffix: string;
  /** @default any host */
  readonly gatewayHost?: string;
  /** @default plain HTTP */
  readonly tls?: { readonly clusterIssuer?: string; readonly existingSecret?: string };
  /** @default no end-user authentication */
  readonly jwt?: { readonly issuer: string; readonly audiences: readonly string[] };
}

/** One request the proof sends, and what must become of it. */
export interface EdgeExpectation {
  readonly request: EdgeRequest;
  readonly outcome: EdgeOutcome;
  /** The pod an admitted request must reach: `<namespace>/<deployment>`. */
  readonly destination?: string;
}

/** A host that any `*` server accepts, for environments without a gatewayHost. */
const ANY_HOST = 'payments.example.test';

/**
 * The requests the proof sends to each routed path, and their promised outcomes: plain HTTP is
 * redirected when TLS is on; without a token a request is refused (403) when the environment
 * authenticates end users; a token from another issuer, or for another audience, is refused (401);
 * a token from the configured issuer is admitted to the route's service, on the route's path and
 * below it; a path that merely starts with the same characters (`/api/paymentx`) goes where the
 * declaration sends it, or nowhere (404); another host is not served.
 */
export function expectedEdge(system: SystemDeclaration, env: EdgeEnvironment): EdgeExpectation[] {
  const host = env.gatewayHost ?? ANY_HOST;
  const tls = env.tls !== undefined;
  const jwt = env.jwt;
  const scheme = tls ? 'https' : 'http';
  const refusedWithout: EdgeOutcome = jwt ? 'forbidden' : 'admitted';
  const naming = new Naming(env.suffix);
  const podOf = (service: string): string => `${naming.namespace}/${naming.deployment(service)}`;
  /** The outcome a request with good credentials to `path` must have, and where it must arrive. */
  const servedAt = (path: string): Pick<EdgeExpectation, 'outcome' | 'destination'> => {
    const route = ingressRouteFor(system, path);
    return route ? { outcome: 'admitted', destination: podOf(route.service) } : { outcome: 'not-routed' };
  };
  const admittedOr = (outcome: EdgeOutcome, service: string): Pick<EdgeExpectation, 'outcome' | 'destination'> =>
    (outcome === 'admitted' ? { outcome, destination: podOf(service) } : { outcome });
  return system.ingress.flatMap((route) => {
    const base = { host, method: route.methods[0], path: route.pathPrefix };
    const credentials = jwt ? { token: { issuer: jwt.issuer, audience: jwt.audiences[0] } } : {};
    const withCredentials = jwt ? 'token from the configured issuer, ' : '';
    const expectations: EdgeExpectation[] = [
      { request: { ...base, label: 'http, no token', scheme: 'http' }, ...admittedOr(tls ? 'redirected' : refusedWithout, route.service) },
    ];
    if (tls) expectations.push({ request: { ...base, label: 'https, no token', scheme: 'https' }, ...admittedOr(refusedWithout, route.service) });
    expectations.push({
      request: { ...base, label: `${scheme}, token from another issuer`, scheme, token: { issuer: UNTRUSTED_ISSUER, audience: jwt?.audiences[0] ?? 'any' } },
      ...admittedOr(jwt ? 'unauthenticated' : 'admitted', route.service),
    });
    if (jwt) {
      expectations.push(
        { request: { ...base, ...credentials, label: `${scheme}, token from the configured issuer`, scheme }, ...admittedOr('admitted', route.service) },
        { request: { ...base, label: `${scheme}, token from the configured issuer for another audience`, scheme, token: { issuer: jwt.issuer, audience: 'another-api' } }, outcome: 'unauthenticated' },
      );
    }
    const below = `${route.pathPrefix === '/' ? '' : route.pathPrefix}/1234`;
    expectations.push({ request: { ...base, ...credentials, label: `${scheme}, ${withCredentials}a path below the route`, scheme, path: below }, ...servedAt(below) });
    if (route.pathPrefix !== '/') {
      const sibling = `${route.pathPrefix}x`;
      expectations.push({ request: { ...base, ...credentials, label: `${scheme}, ${withCredentials}a path that only shares the route's prefix`, scheme, path: sibling }, ...servedAt(sibling) });
    }
    if (env.gatewayHost !== undefined) {
      expectations.push({ request: { ...base, label: `${scheme}, another host`, scheme, host: `not-${env.gatewayHost}` }, outcome: 'not-served' });
    }
    return expectations;
  });
}

/** The TLS the gateway must terminate https with: SIMPLE, at least TLS 1.2, the environment's Secret. */
function tlsProblems(result: EdgeResult, credentialName: string): string[] {
  const tls = result.tls;
  if (!tls) return ['served over https without TLS settings'];
  const problems: string[] = [];
  if (tls.mode !== 'SIMPLE') problems.push(`TLS mode ${tls.mode}, expected SIMPLE`);
  if (tls.credentialName !== credentialName) problems.push(`credentialName ${String(tls.credentialName)}, expected ${credentialName}`);
  if (tls.minProtocolVersion !== 'TLSV1_2' && tls.minProtocolVersion !== 'TLSV1_3') problems.push(`minProtocolVersion ${String(tls.minProtocolVersion)}, expected TLSV1_2 or later`);
  if (!result.hsts) problems.push('no Strict-Transport-Security header');
  return problems;
}

/** The edge proof of one environment. */
export interface EdgeProof {
  readonly results: readonly EdgeResult[];
  readonly expected: readonly EdgeExpectation[];
  /** One line per broken promise; empty when the edge does what the config says. */
  readonly problems: readonly string[];
}

/** Sends the expected requests and compares what becomes of them with the promise. */
export function proveEdge(
  objects: readonly KubeObject[], model: ClusterModel, policies: PolicySet, system: SystemDeclaration, env: EdgeEnvironment,
): EdgeProof {
  const expected = expectedEdge(system, env);
  const results = evaluateEdge(objects, model, policies, expected.map((e) => e.request));
  const credentialName = env.tls?.existingSecret ?? new Naming(env.suffix).tlsCertificate(system.name);
  const problems = results.flatMap((result, i) => {
    const promised = expected[i].outcome;
    const where = `${result.request.label} ${result.request.method} ${result.request.scheme}://${result.request.host}${result.request.path}`;
    const lines = result.outcome === promised ? [] : [`${where}: ${result.outcome} (${result.reason}), expected ${promised}`];
    const destination = expected[i].destination;
    if (result.outcome === 'admitted' && destination !== undefined && result.destination !== destination) {
      lines.push(`${where}: admitted by ${String(result.destination)}, expected ${destination}`);
    }
    if (result.outcome === 'admitted' && result.request.scheme === 'https') lines.push(...tlsProblems(result, credentialName).map((p) => `${where}: ${p}`));
    return lines;
  });
  return { results, expected, problems };
}
