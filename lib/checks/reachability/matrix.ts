/**
 * The allowed-connection matrix: every ordered pair of endpoints with at least one end in the
 * environment's namespace (pairs wholly outside it are not the environment's to decide), on every
 * probe port, over TCP and UDP. A connection is allowed when the NetworkPolicies, the source's own
 * proxy (its Sidecar scope) AND Istio authorization at the destination all allow it.
 *
 * Probe ports: every verdict depends on the port only through comparisons with ports that appear
 * somewhere (declared container ports, policy ports and range ends, Istio ports, the uncaptured
 * sidecar ports), so it is constant between consecutive such boundaries. Probing each boundary
 * (and the port after it) covers all of 1-65535, not just a sample.
 */
import { AuthorizationPolicy, authorizationPoliciesOf, AuthorizationVerdict, evaluateAuthorization, UNCAPTURED_INBOUND_PORTS } from './authorization';
import { KubeObject } from '../../manifest/kube-object';
import { NetworkPolicy, networkPairEvaluator, networkPoliciesOf, NetworkVerdict } from './network-policy';
import { meshServicesOf } from './registry';
import { RequestAuthentication, requestAuthenticationsOf } from './request-authentication';
import { proxyEgressEvaluator, ProxyVerdict, SidecarScope, sidecarsOf } from './sidecar-egress';
import { compareText } from '../../model/text';
import { ClusterModel, Connection, Endpoint, MeshService, Protocol } from './types';

/** Ports worth seeing in any report, whatever the policies say. */
const BASE_PROBE_PORTS: readonly number[] = [53, 80, 443, 8080, 9090, 15012, 15020, 15021, 15090];
/** In name order (see `evaluateMatrix`). */
const PROTOCOLS: readonly Protocol[] = ['TCP', 'UDP'];

/** The policies of one environment, parsed once. */
export interface PolicySet {
  readonly networkPolicies: readonly NetworkPolicy[];
  readonly authorizationPolicies: readonly AuthorizationPolicy[];
  readonly requestAuthentications: readonly RequestAuthentication[];
  readonly sidecars: readonly SidecarScope[];
  /** The environment's Services and ServiceEntries (the model adds the platform's). */
  readonly services: readonly MeshService[];
}

/** Parses the policies among `objects`. */
export function policiesOf(objects: readonly KubeObject[]): PolicySet {
  return {
    networkPolicies: networkPoliciesOf(objects),
    authorizationPolicies: authorizationPoliciesOf(objects),
    requestAuthentications: requestAuthenticationsOf(objects),
    sidecars: sidecarsOf(objects),
    services: meshServicesOf(objects),
  };
}

/** The verdict on one probe. */
export interface ProbeResult {
  readonly connection: Connection;
  readonly allowed: boolean;
  readonly network: NetworkVerdict;
  /** The source's proxy; undefined when the NetworkPolicies already deny. */
  readonly proxy?: ProxyVerdict;
  /** Undefined when the NetworkPolicies or the source's proxy already deny (authorization is then never reached). */
  readonly authorization?: AuthorizationVerdict;
}

/** Every port at which some verdict may change (plus `extra`), ascending. */
export function probePorts(model: ClusterModel, policies: PolicySet, extra: readonly number[] = []): number[] {
  const ports = new Set<number>([1, ...BASE_PROBE_PORTS, ...extra]);
  const boundary = (first: number, last = first): void => {
    ports.add(first);
    if (last < 65535) ports.add(last + 1);
  };
  model.endpoints.forEach((e) => e.ports.forEach((p) => boundary(p.port)));
  UNCAPTURED_INBOUND_PORTS.forEach((p) => boundary(p));
  for (const policy of policies.networkPolicies) {
    for (const rule of [...policy.ingress, ...policy.egress]) {
      for (const entry of rule.ports) if (typeof entry.port === 'number') boundary(entry.port, entry.endPort);
    }
  }
  for (const policy of policies.authorizationPolicies) {
    for (const rule of policy.rules) {
      for (const op of rule.to) [...(op.ports ?? []), ...(op.notPorts ?? [])].forEach((p) => boundary(Number(p)));
    }
  }
  return [...ports].sort((a, b) => a - b);
}

/**
 * Evaluates connections from `from` to `to`: NetworkPolicies first, then (if they allow) the
 * source's proxy, then Istio authorization. Returns a function of port and protocol.
 */
function pairEvaluator(
  policies: PolicySet, registry: readonly MeshService[], model: ClusterModel, from: Endpoint, to: Endpoint,
): (port: number, protocol: Protocol) => ProbeResult {
  const networkVerdict = networkPairEvaluator(policies.networkPolicies, model, from, to);
  let proxyVerdict: ((port: number, protocol: Protocol) => ProxyVerdict) | undefined;
  return (port, protocol) => {
    const connection = { from: from.id, to: to.id, port, protocol };
    const network = networkVerdict(port, protocol);
    if (!network.allowed) return { connection, allowed: false, network };
    proxyVerdict ??= proxyEgressEvaluator(policies.sidecars, registry, from, to);
    const proxy = proxyVerdict(port, protocol);
    if (!proxy.allowed) return { connection, allowed: false, network, proxy };
    const authorization = evaluateAuthorization(policies.authorizationPolicies, from, to, port, protocol, policies.requestAuthentications);
    return { connection, allowed: authorization.allowed, network, proxy, authorization };
  };
}

/**
 * Ordered endpoint pairs the proof checks (at least one end in the environment's namespace), in
 * the stable connection order: by source id, then destination id.
 */
function pairsInScope(model: ClusterModel): [Endpoint, Endpoint][] {
  const inEnvironment = (e: Endpoint): boolean => e.namespace === model.environmentNamespace;
  const endpoints = [...model.endpoints].sort((a, b) => compareText(a.id, b.id));
  return endpoints.flatMap((from) => endpoints
    .filter((to) => inEnvironment(from) || inEnvironment(to))
    .map((to): [Endpoint, Endpoint] => [from, to]));
}

/**
 * Every probe of the environment (also on the `extraPorts`), allowed or not, in the stable order
 * of `compareConnectionOrder`: pairs in order, ports ascending, then protocols in name order, so
 * the probes come out sorted without sorting thousands of them.
 */
export function evaluateMatrix(objects: readonly KubeObject[], model: ClusterModel, extraPorts: readonly number[] = []): ProbeResult[] {
  const policies = policiesOf(objects);
  const registry = [...policies.services, ...model.platformServices];
  const ports = probePorts(model, policies, extraPorts);
  const results: ProbeResult[] = [];
  for (const [from, to] of pairsInScope(model)) {
    const evaluate = pairEvaluator(policies, registry, model, from, to);
    for (const port of ports) for (const protocol of PROTOCOLS) results.push(evaluate(port, protocol));
  }
  return results;
}

/** The connections the environment's policies allow, in stable order. */
export function allowedConnections(objects: readonly KubeObject[], model: ClusterModel): Connection[] {
  return evaluateMatrix(objects, model).filter((r) => r.allowed).map((r) => r.connection);
}
