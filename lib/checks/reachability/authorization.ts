/**
 * Istio AuthorizationPolicy (security.istio.io v1beta1/v1) semantics, the subset our manifests
 * and reasonable hand-written ones use; anything outside it is rejected with one line rather
 * than guessed:
 *
 * - Policies of the workload's namespace and of the root namespace `istio-system` apply to the
 *   workloads their `selector.matchLabels` select (no selector = every workload there).
 * - CUSTOM and AUDIT policies never decide here (CUSTOM is delegated to an external authorizer).
 *   A request is denied if any DENY rule matches it; else, if any ALLOW policy applies, it is
 *   allowed only when some ALLOW rule matches (an ALLOW policy without rules, `spec: {}`, matches
 *   nothing); else it is allowed.
 * - A rule matches when one of its `from` sources AND one of its `to` operations match (absent =
 *   any). Sources: `principals`, `namespaces`, `ipBlocks` and their `not` forms; a source without
 *   an Istio proxy presents no principal and no namespace. Operations: `ports`, `methods`,
 *   `paths` and their `not` forms. Strings match exactly, by prefix `abc*`, suffix `*abc`, or `*`
 *   for any non-empty value.
 * - On plain TCP (no HTTP), an ALLOW rule that uses HTTP-only fields (methods, paths, request
 *   principals) is ignored
 *   and a DENY rule has those fields dropped, which makes it deny more (Istio's "TCP traffic" task).
 *
 * Where authorization applies at all: only TCP traffic INTO a pod with an Istio proxy. UDP is not
 * intercepted, and the sidecar's iptables rules return a few ports before the inbound redirect
 * (see `UNCAPTURED_INBOUND_PORTS`), so no policy ever sees them.
 *
 * PeerAuthentication is not modelled: STRICT mTLS can only reject more (plaintext sources), so
 * leaving it out can only over-report allowed connections, never hide one.
 *
 * A connection is allowed when at least one request over it would be: for HTTP ports the
 * evaluator tries candidate requests built from every method and path the applicable policies
 * mention (plus values none of them mention) and reports the first allowed one as a witness.
 */
import { Cidr, cidrContains, parseCidr } from '../../model/cidr';
import {
  optionalArrayAt, optionalStringMapAt, optionalStringsAt, recordAt, ManifestInputError,
  rejectUnsupportedKeys, stringAt,
} from '../../manifest/fields';
import { matchesLabelMap } from '../../manifest/label-selector';
import { KubeObject, objectRef } from '../../manifest/kube-object';
import {
  authenticate, candidateTokens, EndUserToken, JwtRule, jwtRulesAt, RequestAuthentication,
} from './request-authentication';
import { Endpoint, Protocol } from './types';

/** Istio's root namespace: its policies apply in every namespace. */
const ISTIO_ROOT_NAMESPACE = 'istio-system';

/**
 * Inbound ports the sidecar does not capture, so authorization never applies to them: 15008
 * (HBONE), 15020 (istio-agent's merged Prometheus metrics), 15021 (health), 15090 (Envoy stats).
 * Listing a port here can only add allowed connections, so the list errs on the safe side.
 */
export const UNCAPTURED_INBOUND_PORTS: readonly number[] = [15008, 15020, 15021, 15090];

export type AuthorizationAction = 'ALLOW' | 'DENY' | 'AUDIT' | 'CUSTOM';
const ACTIONS: readonly AuthorizationAction[] = ['ALLOW', 'DENY', 'AUDIT', 'CUSTOM'];

/** `from[].source`; an absent list does not constrain. */
export interface AuthorizationSource {
  readonly principals?: readonly string[];
  readonly notPrincipals?: readonly string[];
  readonly requestPrincipals?: readonly string[];
  readonly notRequestPrincipals?: readonly string[];
  readonly namespaces?: readonly string[];
  readonly notNamespaces?: readonly string[];
  readonly ipBlocks?: readonly Cidr[];
  readonly notIpBlocks?: readonly Cidr[];
}

/** `to[].operation`; an absent list does not constrain. */
export interface AuthorizationOperation {
  readonly ports?: readonly string[];
  readonly notPorts?: readonly string[];
  readonly methods?: readonly string[];
  readonly notMethods?: readonly string[];
  readonly paths?: readonly string[];
  readonly notPaths?: readonly string[];
}

/** One rule: any of `from` AND any of `to` (an empty list matches everything). */
export interface AuthorizationRule {
  readonly from: readonly AuthorizationSource[];
  readonly to: readonly AuthorizationOperation[];
}

/** A parsed AuthorizationPolicy. */
export interface AuthorizationPolicy {
  readonly name: string;
  readonly namespace: string;
  /** `selector.matchLabels`; undefined = every workload of the namespace. */
  readonly selector?: Readonly<Record<string, string>>;
  readonly action: AuthorizationAction;
  readonly rules: readonly AuthorizationRule[];
}

const SOURCE_KEYS = ['principals', 'notPrincipals', 'requestPrincipals', 'notRequestPrincipals', 'namespaces', 'notNamespaces', 'ipBlocks', 'notIpBlocks'] as const;
const OPERATION_KEYS = ['ports', 'notPorts', 'methods', 'notMethods', 'paths', 'notPaths'] as const;
const HTTP_ONLY_KEYS = ['methods', 'notMethods', 'paths', 'notPaths'] as const;

function parseCidrs(raw: unknown, where: string): Cidr[] | undefined {
  return optionalStringsAt(raw, where)?.map((text, i) => {
    const cidr = parseCidr(text, false);
    if (!cidr) throw new ManifestInputError(`${where}[${i}]`, `"${text}" is not an IP address or CIDR`);
    return cidr;
  });
}

function parsePorts(raw: unknown, where: string): string[] | undefined {
  const ports = optionalStringsAt(raw, where);
  ports?.forEach((p, i) => {
    if (!/^[1-9][0-9]{0,4}$/.test(p) || Number(p) > 65535) throw new ManifestInputError(`${where}[${i}]`, `"${p}" is not a port number from 1 to 65535`);
  });
  return ports;
}

function parseRule(raw: unknown, where: string): AuthorizationRule {
  const rule = recordAt(raw, where);
  rejectUnsupportedKeys(rule, ['from', 'to'], where);
  const from = (optionalArrayAt(rule.from, `${where}.from`) ?? []).map((f, i) => {
    const at = `${where}.from[${i}].source`;
    const s = recordAt(recordAt(f, `${where}.from[${i}]`).source ?? {}, at);
    rejectUnsupportedKeys(s, SOURCE_KEYS, at);
    return {
      principals: optionalStringsAt(s.principals, `${at}.principals`),
      notPrincipals: optionalStringsAt(s.notPrincipals, `${at}.notPrincipals`),
      requestPrincipals: optionalStringsAt(s.requestPrincipals, `${at}.requestPrincipals`),
      notRequestPrincipals: optionalStringsAt(s.notRequestPrincipals, `${at}.notRequestPrincipals`),
      namespaces: optionalStringsAt(s.namespaces, `${at}.namespaces`),
      notNamespaces: optionalStringsAt(s.notNamespaces, `${at}.notNamespaces`),
      ipBlocks: parseCidrs(s.ipBlocks, `${at}.ipBlocks`),
      notIpBlocks: parseCidrs(s.notIpBlocks, `${at}.notIpBlocks`),
    };
  });
  const to = (optionalArrayAt(rule.to, `${where}.to`) ?? []).map((t, i) => {
    const at = `${where}.to[${i}].operation`;
    const o = recordAt(recordAt(t, `${where}.to[${i}]`).operation ?? {}, at);
    rejectUnsupportedKeys(o, OPERATION_KEYS, at);
    return {
      ports: parsePorts(o.ports, `${at}.ports`),
      notPorts: parsePorts(o.notPorts, `${at}.notPorts`),
      methods: optionalStringsAt(o.methods, `${at}.methods`),
      notMethods: optionalStringsAt(o.notMethods, `${at}.notMethods`),
      paths: optionalStringsAt(o.paths, `${at}.paths`),
      notPaths: optionalStringsAt(o.notPaths, `${at}.notPaths`),
    };
  });
  return { from, to };
}

/** Parses one AuthorizationPolicy; throws `ManifestInputError` on what it cannot evaluate. */
export function parseAuthorizationPolicy(obj: KubeObject): AuthorizationPolicy {
  const ref = objectRef(obj);
  const namespace = obj.metadata.namespace;
  if (namespace === undefined) throw new ManifestInputError(ref, 'metadata.namespace is missing; an AuthorizationPolicy is namespaced');
  const spec = recordAt(obj.spec ?? {}, `${ref} spec`);
  const action = spec.action === undefined ? 'ALLOW' : stringAt(spec.action, `${ref} spec.action`);
  if (!(ACTIONS as readonly string[]).includes(action)) {
    throw new ManifestInputError(`${ref} spec.action`, `"${action}" is not one of ${ACTIONS.join(', ')}`);
  }
  const base = { name: obj.metadata.name, namespace, action: action as AuthorizationAction };
  // CUSTOM and AUDIT never decide here, so their rules (which may use anything) are not read.
  if (action === 'CUSTOM' || action === 'AUDIT') return { ...base, rules: [] };
  rejectUnsupportedKeys(spec, ['selector', 'action', 'rules'], `${ref} spec`);
  let selector: Record<string, string> | undefined;
  if (spec.selector != null) {
    const s = recordAt(spec.selector, `${ref} spec.selector`);
    rejectUnsupportedKeys(s, ['matchLabels'], `${ref} spec.selector`);
    selector = optionalStringMapAt(s.matchLabels, `${ref} spec.selector.matchLabels`);
  }
  const rules = (optionalArrayAt(spec.rules, `${ref} spec.rules`) ?? []).map((r, i) => parseRule(r, `${ref} spec.rules[${i}]`));
  return { ...base, selector, rules };
}

/** Every AuthorizationPolicy among `objects`, parsed. */
export function authorizationPoliciesOf(objects: readonly KubeObject[]): AuthorizationPolicy[] {
  return objects
    .filter((o) => o.kind === 'AuthorizationPolicy' && /^security\.istio\.io\/v1(beta1)?$/.test(o.apiVersion))
    .map(parseAuthorizationPolicy);
}

/** What one request looks like to the destination's proxy. */
interface Request {
  readonly principal?: string;
  /** From a token the destination's RequestAuthentication accepted. */
  readonly requestPrincipal?: string;
  /** For the witness: whose token the request carried. */
  readonly tokenIssuer?: string;
  readonly namespace?: string;
  readonly ip?: string;
  readonly port: number;
  /** Present for HTTP; absent for plain TCP. */
  readonly http?: { readonly method: string; readonly path: string };
}

/** Istio string match: exact, `prefix*`, `*suffix`, or `*` for any non-empty value. */
export function istioValueMatches(pattern: string, value: string | undefined): boolean {
  if (value === undefined) return false;
  if (pattern === '*') return value !== '';
  if (pattern.startsWith('*')) return value.endsWith(pattern.slice(1));
  if (pattern.endsWith('*')) return value.startsWith(pattern.slice(0, -1));
  return value === pattern;
}

function constraint(values: readonly string[] | undefined, negated: readonly string[] | undefined, actual: string | undefined): boolean {
  if (values?.length && !values.some((v) => istioValueMatches(v, actual))) return false;
  return !(negated?.length && negated.some((v) => istioValueMatches(v, actual)));
}

function ipConstraint(blocks: readonly Cidr[] | undefined, negated: readonly Cidr[] | undefined, ip: string | undefined): boolean {
  const inside = (list: readonly Cidr[]): boolean => ip !== undefined && list.some((c) => cidrContains(c, ip));
  if (blocks?.length && !inside(blocks)) return false;
  return !(negated?.length && inside(negated));
}

function sourceMatches(s: AuthorizationSource, r: Request): boolean {
  // On plain TCP there is no request principal: a DENY drops the field (denying more); ALLOW never gets here.
  const requestPrincipalOk = !r.http || constraint(s.requestPrincipals, s.notRequestPrincipals, r.requestPrincipal);
  return requestPrincipalOk && constraint(s.principals, s.notPrincipals, r.principal)
    && constraint(s.namespaces, s.notNamespaces, r.namespace)
    && ipConstraint(s.ipBlocks, s.notIpBlocks, r.ip);
}

function usesHttpFields(o: AuthorizationOperation): boolean {
  return HTTP_ONLY_KEYS.some((k) => (o[k]?.length ?? 0) > 0);
}

function operationMatches(o: AuthorizationOperation, r: Request): boolean {
  const port = String(r.port);
  if (o.ports?.length && !o.ports.includes(port)) return false;
  if (o.notPorts?.includes(port)) return false;
  if (!r.http) return true; // plain TCP: HTTP-only fields were dealt with by the caller
  return constraint(o.methods, o.notMethods, r.http.method) && constraint(o.paths, o.notPaths, r.http.path);
}

function usesRequestPrincipals(s: AuthorizationSource): boolean {
  return (s.requestPrincipals?.length ?? 0) > 0 || (s.notRequestPrincipals?.length ?? 0) > 0;
}

function ruleMatches(rule: AuthorizationRule, r: Request, action: 'ALLOW' | 'DENY'): boolean {
  if (!r.http && action === 'ALLOW' && (rule.to.some(usesHttpFields) || rule.from.some(usesRequestPrincipals))) return false;
  return (rule.from.length === 0 || rule.from.some((s) => sourceMatches(s, r)))
    && (rule.to.length === 0 || rule.to.some((o) => operationMatches(o, r)));
}

/** Whether `policy` applies to the workload `to`. */
function policyApplies(policy: AuthorizationPolicy, to: Endpoint): boolean {
  if (policy.namespace !== to.namespace && policy.namespace !== ISTIO_ROOT_NAMESPACE) return false;
  return matchesLabelMap(policy.selector ?? {}, to.labels);
}

/**
 * How the destination's proxy reads a port: Istio's protocol selection by port name (`http`,
 * `http2`, `grpc`, `grpc-web`, optionally `-suffix`) gives HTTP, another name gives plain TCP, and
 * an unnamed or undeclared port is sniffed, so the client may make it either.
 */
function inboundProtocols(to: Endpoint, port: number): ('tcp' | 'http')[] {
  const name = to.ports.find((p) => p.port === port && p.protocol === 'TCP')?.name;
  if (name === undefined) return ['tcp', 'http'];
  return /^(http|http2|grpc|grpc-web)(-.*)?$/.test(name) ? ['http'] : ['tcp'];
}

const PROBE = 'unlisted';

/** Candidate HTTP requests covering every method and path the policies mention, and some they do not. */
function candidateRequests(policies: readonly AuthorizationPolicy[]): { method: string; path: string }[] {
  const operations = policies.flatMap((p) => p.rules.flatMap((r) => r.to));
  const methods = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', PROBE.toUpperCase()]);
  const paths = new Set(['/', `/${PROBE}`]);
  const prefixes: string[] = [];
  const suffixes: string[] = [];
  for (const o of operations) {
    for (const m of [...(o.methods ?? []), ...(o.notMethods ?? [])]) {
      if (m === '*') continue;
      methods.add(m.startsWith('*') ? `${PROBE.toUpperCase()}${m.slice(1)}` : m.endsWith('*') ? `${m.slice(0, -1)}${PROBE.toUpperCase()}` : m);
    }
    for (const p of [...(o.paths ?? []), ...(o.notPaths ?? [])]) {
      if (p === '*') continue;
      if (p.endsWith('*')) prefixes.push(p.slice(0, -1));
      else if (p.startsWith('*')) suffixes.push(p.slice(1));
      else paths.add(p);
    }
  }
  for (const prefix of prefixes) paths.add(prefix).add(`${prefix}${PROBE}`);
  for (const suffix of suffixes) paths.add(`/${PROBE}${suffix}`);
  for (const prefix of prefixes) for (const suffix of suffixes) paths.add(`${prefix}${PROBE}${suffix}`);
  return [...methods].flatMap((method) => [...paths].map((path) => ({ method, path })));
}

/** Authorization verdict of one connection. */
export interface AuthorizationVerdict {
  readonly allowed: boolean;
  /** False when no AuthorizationPolicy can see the traffic (see `reason`). */
  readonly applies: boolean;
  /** The ALLOW policy that admitted the witness request, if one did. */
  readonly allowedBy?: string;
  /** The request that was allowed: `TCP` or `GET /api/payment`. */
  readonly witness?: string;
  /** One line for humans: why it was allowed or denied. */
  readonly reason: string;
}

/** One HTTP request for `evaluateHttpRequest`. */
export interface HttpRequest {
  readonly method: string;
  readonly path: string;
  readonly token?: EndUserToken;
}

/** The verdict on one HTTP request: admitted, refused by authentication (401) or by authorization (403). */
export interface RequestVerdict {
  readonly outcome: 'admitted' | 'unauthenticated' | 'forbidden';
  readonly reason: string;
}

/** The request as the destination's proxy sees it after authentication, or why authentication refused it. */
function authenticated(
  base: Request, rules: readonly JwtRule[], http: { method: string; path: string }, token: EndUserToken | undefined,
): Request | { refused: string } {
  const authn = authenticate(rules, token);
  if (!authn.ok) return { refused: authn.reason };
  return { ...base, http, requestPrincipal: authn.requestPrincipal, tokenIssuer: token?.issuer };
}

function requestBase(from: Endpoint, port: number): Request {
  const principal = from.sidecar ? from.principal : undefined;
  const namespace = principal === undefined ? undefined : /^[^/]+\/ns\/([^/]+)\/sa\/[^/]+$/.exec(principal)?.[1];
  return { principal, namespace, ip: from.ip, port };
}

/** How the applicable policies decide one request: the DENY that matched, the ALLOW that matched, or neither. */
function decide(denies: readonly AuthorizationPolicy[], allows: readonly AuthorizationPolicy[], request: Request): { deny?: string; allow?: string; open?: true } {
  const deny = denies.find((p) => p.rules.some((r) => ruleMatches(r, request, 'DENY')));
  if (deny) return { deny: deny.name };
  if (allows.length === 0) return { open: true };
  const allow = allows.find((p) => p.rules.some((r) => ruleMatches(r, request, 'ALLOW')));
  return allow ? { allow: allow.name } : {};
}

/**
 * Whether the destination's proxy admits one HTTP request from `from` on `port` (the edge proof
 * asks this of each request it sends through the gateway).
 */
export function evaluateHttpRequest(
  policies: readonly AuthorizationPolicy[], authentications: readonly RequestAuthentication[],
  from: Endpoint, to: Endpoint, port: number, request: HttpRequest,
): RequestVerdict {
  if (!to.sidecar) return { outcome: 'admitted', reason: 'no Istio proxy at the destination' };
  const checked = authenticated(requestBase(from, port), jwtRulesAt(authentications, to), request, request.token);
  if ('refused' in checked) return { outcome: 'unauthenticated', reason: checked.refused };
  const applicable = policies.filter((p) => policyApplies(p, to));
  const verdict = decide(applicable.filter((p) => p.action === 'DENY'), applicable.filter((p) => p.action === 'ALLOW'), checked);
  if (verdict.deny) return { outcome: 'forbidden', reason: `403: DENY ${verdict.deny}` };
  if (verdict.open) return { outcome: 'admitted', reason: 'no ALLOW policy selects the workload' };
  if (verdict.allow) return { outcome: 'admitted', reason: `ALLOW ${verdict.allow}` };
  return { outcome: 'forbidden', reason: `403: no rule of ALLOW ${applicable.filter((p) => p.action === 'ALLOW').map((p) => p.name).join(', ')} matches` };
}

/** Whether Istio authorization lets `from` open a `protocol` connection to `to`:`port`. */
export function evaluateAuthorization(
  policies: readonly AuthorizationPolicy[], from: Endpoint, to: Endpoint, port: number, protocol: Protocol,
  authentications: readonly RequestAuthentication[] = [],
): AuthorizationVerdict {
  if (!to.sidecar) return { allowed: true, applies: false, reason: 'no Istio proxy at the destination' };
  if (protocol !== 'TCP') return { allowed: true, applies: false, reason: 'the sidecar does not intercept UDP' };
  if (UNCAPTURED_INBOUND_PORTS.includes(port)) return { allowed: true, applies: false, reason: `port ${port} bypasses the sidecar` };

  const applicable = policies.filter((p) => policyApplies(p, to));
  const denies = applicable.filter((p) => p.action === 'DENY');
  const allows = applicable.filter((p) => p.action === 'ALLOW');
  const base = requestBase(from, port);
  const rules = jwtRulesAt(authentications, to);
  const tokens = candidateTokens(rules);
  const requests: Request[] = inboundProtocols(to, port).flatMap((kind) => kind === 'tcp'
    ? [base]
    : candidateRequests(applicable).flatMap((http) => tokens.flatMap((token) => {
      const request = authenticated(base, rules, http, token);
      return 'refused' in request ? [] : [request];
    })));

  const deniedBy = new Set<string>();
  for (const request of requests) {
    const token = request.tokenIssuer === undefined ? '' : ` with a token from ${request.tokenIssuer}`;
    const witness = request.http ? `${request.http.method} ${request.http.path}${token}` : 'TCP';
    const verdict = decide(denies, allows, request);
    if (verdict.deny) {
      deniedBy.add(verdict.deny);
      continue;
    }
    if (verdict.open) return { allowed: true, applies: true, witness, reason: 'no ALLOW policy selects the workload' };
    if (verdict.allow) return { allowed: true, applies: true, allowedBy: verdict.allow, witness, reason: `ALLOW ${verdict.allow} (${witness})` };
  }
  const names = (list: readonly AuthorizationPolicy[]): string => list.map((p) => p.name).join(', ');
  const reason = deniedBy.size > 0 && allows.length === 0
    ? `DENY ${[...deniedBy].join(', ')}`
    : `no rule of ALLOW ${names(allows)} matches${deniedBy.size > 0 ? `; DENY ${[...deniedBy].join(', ')}` : ''}`;
  return { allowed: false, applies: true, reason };
}
