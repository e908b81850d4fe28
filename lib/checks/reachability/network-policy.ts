/**
 * Kubernetes NetworkPolicy (networking.k8s.io/v1) semantics, as the API reference and the
 * "Network Policies" concept page state them:
 *
 * - A policy selects pods of its own namespace (`spec.podSelector`; empty = all of them).
 *   `policyTypes` defaults to Ingress, plus Egress when the policy has egress rules.
 * - A pod is isolated in a direction only if some policy of that type selects it; a pod no policy
 *   selects in a direction allows everything in that direction.
 * - An isolated pod allows the union of the rules of every policy selecting it. A rule matches
 *   when one of its peers (`from`/`to`; absent or empty = every source/destination) AND one of
 *   its ports (absent or empty = every port and protocol) match.
 * - A peer is either `ipBlock` (cidr minus except) or selectors: `podSelector` alone = pods of the
 *   policy's namespace, `namespaceSelector` alone = all pods of the selected namespaces, both in
 *   one peer = the selected pods of the selected namespaces (AND; two peers would be OR).
 * - A port has a protocol (default TCP) and a number, a range (`endPort`) or a name resolved
 *   against the destination pod's declared ports (egress too: the destination is the peer).
 * - A connection needs the source's egress AND the destination's ingress to allow it.
 *
 * Not modelled: traffic from a pod's own node (always allowed by Kubernetes) and SCTP.
 * ipBlock: the docs say it is meant for cluster-external addresses because pod IPs are ephemeral,
 * and CNIs differ on whether it matches pod IPs. The model gives pods addresses from the VPC (as
 * the EKS VPC CNI does) and lets an ipBlock that covers them match them: this can only add
 * allowed connections, so a too-wide ipBlock shows up as an extra edge instead of hiding.
 */
import { Cidr, cidrContains, cidrStrictlyInside, parseCidr } from '../../model/cidr';
import {
  integerAt, optionalArrayAt, optionalStringsAt, recordAt, ManifestInputError, stringAt,
} from '../../manifest/fields';
import { KubeObject, objectRef } from '../../manifest/kube-object';
import { LabelSelector, matchesSelector, parseLabelSelector } from '../../manifest/label-selector';
import { ClusterModel, Endpoint, Protocol } from './types';

/** One `from`/`to` entry. Exactly one of `ipBlock` and the selectors is set. */
export interface NetworkPolicyPeer {
  readonly podSelector?: LabelSelector;
  readonly namespaceSelector?: LabelSelector;
  readonly ipBlock?: { readonly cidr: Cidr; readonly except: readonly Cidr[] };
}

/** One `ports` entry: `port` undefined = every port of the protocol; a string is a port name. */
export interface NetworkPolicyPort {
  readonly protocol: Protocol | 'SCTP';
  readonly port?: number | string;
  readonly endPort?: number;
}

/** One ingress or egress rule; an empty list means "all" for both fields. */
export interface NetworkPolicyRule {
  readonly peers: readonly NetworkPolicyPeer[];
  readonly ports: readonly NetworkPolicyPort[];
}

/** A parsed NetworkPolicy with its `policyTypes` defaults applied. */
export interface NetworkPolicy {
  readonly name: string;
  readonly namespace: string;
  readonly podSelector: LabelSelector;
  readonly isolatesIngress: boolean;
  readonly isolatesEgress: boolean;
  readonly ingress: readonly NetworkPolicyRule[];
  readonly egress: readonly NetworkPolicyRule[];
}

const PROTOCOLS = ['TCP', 'UDP', 'SCTP'] as const;
// IANA_SVC_NAME, what the API requires of a named port: at most 15 characters, a letter among them.
const PORT_NAME = /^(?=.*[a-z])[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?$/;

function parseCidrAt(value: unknown, where: string): Cidr {
  const cidr = parseCidr(stringAt(value, where), true);
  if (!cidr) throw new ManifestInputError(where, `"${String(value)}" is not a CIDR such as 10.0.0.0/16`);
  return cidr;
}

function parsePeer(raw: unknown, where: string): NetworkPolicyPeer {
  const peer = recordAt(raw, where);
  const hasSelectors = peer.podSelector != null || peer.namespaceSelector != null;
  if (peer.ipBlock != null) {
    if (hasSelectors) throw new ManifestInputError(where, 'ipBlock cannot be combined with podSelector or namespaceSelector');
    const block = recordAt(peer.ipBlock, `${where}.ipBlock`);
    const cidr = parseCidrAt(block.cidr, `${where}.ipBlock.cidr`);
    const except = (optionalArrayAt(block.except, `${where}.ipBlock.except`) ?? []).map((e, i) => {
      const at = `${where}.ipBlock.except[${i}]`;
      const inner = parseCidrAt(e, at);
      if (!cidrStrictlyInside(inner, cidr)) throw new ManifestInputError(at, `"${String(e)}" must lie strictly inside ${String(block.cidr)}`);
      return inner;
    });
    return { ipBlock: { cidr, except } };
  }
  if (!hasSelectors) throw new ManifestInputError(where, 'a peer needs podSelector, namespaceSelector or ipBlock');
  return {
    podSelector: peer.podSelector == null ? undefined : parseLabelSelector(peer.podSelector, `${where}.podSelector`),
    namespaceSelector: peer.namespaceSelector == null ? undefined : parseLabelSelector(peer.namespaceSelector, `${where}.namespaceSelector`),
  };
}

function parsePort(raw: unknown, where: string): NetworkPolicyPort {
  const entry = recordAt(raw, where);
  const protocol = entry.protocol === undefined ? 'TCP' : stringAt(entry.protocol, `${where}.protocol`);
  if (!(PROTOCOLS as readonly string[]).includes(protocol)) {
    throw new ManifestInputError(`${where}.protocol`, `"${protocol}" is not one of ${PROTOCOLS.join(', ')}`);
  }
  let port: number | string | undefined;
  if (typeof entry.port === 'string') {
    if (!PORT_NAME.test(entry.port)) throw new ManifestInputError(`${where}.port`, `"${entry.port}" is neither a port number nor a valid port name`);
    port = entry.port;
  } else if (entry.port != null) {
    port = integerAt(entry.port, `${where}.port`, 1, 65535);
  }
  let endPort: number | undefined;
  if (entry.endPort != null) {
    if (typeof port !== 'number') throw new ManifestInputError(`${where}.endPort`, 'needs a numeric port to start the range');
    endPort = integerAt(entry.endPort, `${where}.endPort`, port, 65535);
  }
  return { protocol: protocol as NetworkPolicyPort['protocol'], port, endPort };
}

function parseRules(raw: unknown, peersKey: 'from' | 'to', where: string): NetworkPolicyRule[] {
  return (optionalArrayAt(raw, where) ?? []).map((r, i) => {
    const at = `${where}[${i}]`;
    const rule = recordAt(r, at);
    return {
      peers: (optionalArrayAt(rule[peersKey], `${at}.${peersKey}`) ?? []).map((p, j) => parsePeer(p, `${at}.${peersKey}[${j}]`)),
      ports: (optionalArrayAt(rule.ports, `${at}.ports`) ?? []).map((p, j) => parsePort(p, `${at}.ports[${j}]`)),
    };
  });
}

/** Parses one NetworkPolicy object; throws `ManifestInputError` on anything it cannot read. */
export function parseNetworkPolicy(obj: KubeObject): NetworkPolicy {
  const ref = objectRef(obj);
  const namespace = obj.metadata.namespace;
  if (namespace === undefined) throw new ManifestInputError(ref, 'metadata.namespace is missing; a NetworkPolicy is namespaced');
  const spec = recordAt(obj.spec ?? {}, `${ref} spec`);
  const egress = parseRules(spec.egress, 'to', `${ref} spec.egress`);
  const declaredTypes = optionalStringsAt(spec.policyTypes, `${ref} spec.policyTypes`);
  for (const type of declaredTypes ?? []) {
    if (type !== 'Ingress' && type !== 'Egress') throw new ManifestInputError(`${ref} spec.policyTypes`, `"${type}" is not Ingress or Egress`);
  }
  // The API server's default: Ingress always, Egress only when egress rules exist.
  const types = declaredTypes !== undefined && declaredTypes.length > 0 ? declaredTypes : ['Ingress', ...(egress.length > 0 ? ['Egress'] : [])];
  return {
    name: obj.metadata.name,
    namespace,
    podSelector: parseLabelSelector(spec.podSelector ?? {}, `${ref} spec.podSelector`),
    isolatesIngress: types.includes('Ingress'),
    isolatesEgress: types.includes('Egress'),
    ingress: parseRules(spec.ingress, 'from', `${ref} spec.ingress`),
    egress,
  };
}

/** Every NetworkPolicy among `objects`, parsed. */
export function networkPoliciesOf(objects: readonly KubeObject[]): NetworkPolicy[] {
  return objects.filter((o) => o.kind === 'NetworkPolicy' && o.apiVersion === 'networking.k8s.io/v1').map(parseNetworkPolicy);
}

/** Labels of a namespace; one the model does not know still carries its name label. */
function namespaceLabels(model: ClusterModel, namespace: string): Readonly<Record<string, string>> {
  return model.namespaces.find((n) => n.name === namespace)?.labels ?? { 'kubernetes.io/metadata.name': namespace };
}

/** Whether `peer` of a policy in `policyNamespace` matches the endpoint `other`. */
function peerMatches(peer: NetworkPolicyPeer, policyNamespace: string, other: Endpoint, model: ClusterModel): boolean {
  if (peer.ipBlock) {
    const { cidr, except } = peer.ipBlock;
    return other.ip !== undefined && cidrContains(cidr, other.ip) && !except.some((e) => cidrContains(e, other.ip as string));
  }
  if (other.namespace === undefined) return false; // selectors only ever select pods
  const namespaceOk = peer.namespaceSelector
    ? matchesSelector(peer.namespaceSelector, namespaceLabels(model, other.namespace))
    : other.namespace === policyNamespace;
  return namespaceOk && (!peer.podSelector || matchesSelector(peer.podSelector, other.labels));
}

/** Whether a rule's port entry admits `port`/`protocol` on the destination endpoint `destination`. */
function portMatches(entry: NetworkPolicyPort, port: number, protocol: Protocol, destination: Endpoint): boolean {
  if (entry.protocol !== protocol) return false;
  if (entry.port === undefined) return true;
  if (typeof entry.port === 'string') {
    return destination.ports.some((p) => p.name === entry.port && p.port === port && p.protocol === protocol);
  }
  return entry.endPort === undefined ? port === entry.port : port >= entry.port && port <= entry.endPort;
}

/** The verdict of one direction at one pod. */
export interface DirectionVerdict {
  readonly allowed: boolean;
  /** False when no policy of this direction selects the pod: everything is allowed. */
  readonly isolated: boolean;
  /** Policies that select the pod in this direction. */
  readonly selectedBy: readonly string[];
  /** Policies among them with a rule admitting the connection. */
  readonly allowedBy: readonly string[];
}

/** NetworkPolicy verdict of one connection; a direction is `undefined` where it does not apply. */
export interface NetworkVerdict {
  readonly allowed: boolean;
  /** The source's egress; `undefined` when the source is not a pod. */
  readonly egress?: DirectionVerdict;
  /** The destination's ingress; `undefined` when the destination is not a pod. */
  readonly ingress?: DirectionVerdict;
}

/** A direction no policy isolates: everything is allowed. */
const UNISOLATED: DirectionVerdict = { allowed: true, isolated: false, selectedBy: [], allowedBy: [] };

/**
 * One direction at one pod for a fixed peer: selectors are matched once, ports per call. The
 * matrix calls this for every probe port, so the per-port part only walks precomputed port lists.
 */
function directionEvaluator(
  policies: readonly NetworkPolicy[], pod: Endpoint, other: Endpoint, destination: Endpoint,
  dir: 'ingress' | 'egress', model: ClusterModel,
): (port: number, protocol: Protocol) => DirectionVerdict {
  const selecting = policies.filter((p) => p.namespace === pod.namespace
    && (dir === 'ingress' ? p.isolatesIngress : p.isolatesEgress)
    && matchesSelector(p.podSelector, pod.labels));
  if (selecting.length === 0) return () => UNISOLATED;
  const selectedBy = selecting.map((p) => p.name);
  // Per policy: the port entries of its rules whose peers match `other`; `anyPort` when one of
  // those rules lists no ports at all.
  const admitting = selecting.map((p) => {
    const rules = p[dir].filter((rule) => rule.peers.length === 0 || rule.peers.some((peer) => peerMatches(peer, p.namespace, other, model)));
    return { name: p.name, anyPort: rules.some((rule) => rule.ports.length === 0), ports: rules.flatMap((rule) => rule.ports) };
  }).filter(({ anyPort, ports }) => anyPort || ports.length > 0);
  // No rule admits this peer on any port, the usual case: one verdict for every port.
  if (admitting.length === 0) {
    const denied: DirectionVerdict = { allowed: false, isolated: true, selectedBy, allowedBy: [] };
    return () => denied;
  }
  return (port, protocol) => {
    const allowedBy: string[] = [];
    for (const { name, anyPort, ports } of admitting) {
      if (anyPort || ports.some((entry) => portMatches(entry, port, protocol, destination))) allowedBy.push(name);
    }
    return { allowed: allowedBy.length > 0, isolated: true, selectedBy, allowedBy };
  };
}

/**
 * The NetworkPolicy verdicts for connections from `from` to `to`, as a function of port and
 * protocol (what depends only on the pair is computed once).
 */
export function networkPairEvaluator(
  policies: readonly NetworkPolicy[], model: ClusterModel, from: Endpoint, to: Endpoint,
): (port: number, protocol: Protocol) => NetworkVerdict {
  const egress = from.namespace === undefined ? undefined : directionEvaluator(policies, from, to, to, 'egress', model);
  const ingress = to.namespace === undefined ? undefined : directionEvaluator(policies, to, from, to, 'ingress', model);
  // Verdicts are immutable and mostly the same from port to port: reuse the last one when both
  // directions gave the same answers as for the previous port.
  let last: NetworkVerdict | undefined;
  return (port, protocol) => {
    const egressVerdict = egress?.(port, protocol);
    const ingressVerdict = ingress?.(port, protocol);
    if (last === undefined || last.egress !== egressVerdict || last.ingress !== ingressVerdict) {
      last = { allowed: (egressVerdict?.allowed ?? true) && (ingressVerdict?.allowed ?? true), egress: egressVerdict, ingress: ingressVerdict };
    }
    return last;
  };
}

/** Whether the NetworkPolicies let `from` open a `protocol` connection to `to`:`port`. */
export function evaluateNetworkPolicies(
  policies: readonly NetworkPolicy[], model: ClusterModel, from: Endpoint, to: Endpoint, port: number, protocol: Protocol,
): NetworkVerdict {
  return networkPairEvaluator(policies, model, from, to)(port, protocol);
}
