/** The vocabulary shared by the model, the evaluators and the proof. */
import { compareText } from '../../model/compare-text';

export type Protocol = 'TCP' | 'UDP';

/** A port a pod declares (container ports, plus the sidecar's own). */
export interface EndpointPort {
  readonly name?: string;
  readonly port: number;
  readonly protocol: Protocol;
}

/**
 * One party of a connection: a pod (standing for every replica with the same labels, so a pair of
 * an endpoint with itself means replica to replica) or an address outside the cluster.
 */
export interface Endpoint {
  /** Unique in the model: `<namespace>/<name>` for pods, e.g. `microservices-dev/payment-api-dev`. */
  readonly id: string;
  /** The pod's namespace; absent for an address outside the cluster. */
  readonly namespace?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly ports: readonly EndpointPort[];
  /** SPIFFE identity `cluster.local/ns/<ns>/sa/<sa>`; only endpoints with an Istio proxy have one. */
  readonly principal?: string;
  /**
   * Runs an Istio proxy (injected sidecar, or the gateway's own Envoy): it presents `principal`
   * and enforces AuthorizationPolicies on the TCP traffic it receives.
   */
  readonly sidecar: boolean;
  /** IPv4 address: what `ipBlock` peers and Istio `ipBlocks` match. */
  readonly ip?: string;
}

/** An allowed (or expected) connection: `from` may open `protocol` connections to `to`:`port`. */
export interface Connection {
  readonly from: string;
  readonly to: string;
  readonly port: number;
  readonly protocol: Protocol;
}

/** A namespace and its labels (always including `kubernetes.io/metadata.name`). */
export interface NamespaceInfo {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** Ids of the fixed endpoints the model adds around an environment's own pods. */
export interface InfrastructureIds {
  readonly ingressGateway: string;
  readonly istiod: string;
  readonly kubeDns: string;
  readonly prometheus: string;
  readonly unrelatedPod: string;
  readonly otherNamespacePod: string;
  readonly internet: string;
}

/** The cluster around one environment: every endpoint a connection may start or end at. */
export interface ClusterModel {
  /** The environment's namespace: the proof checks every pair with at least one end in it. */
  readonly environmentNamespace: string;
  readonly namespaces: readonly NamespaceInfo[];
  readonly endpoints: readonly Endpoint[];
  readonly infrastructure: InfrastructureIds;
}

/** `a -> b 8080/TCP`: how connections are named in messages and compared. */
export function connectionKey(c: Connection): string {
  return `${c.from} -> ${c.to} ${c.port}/${c.protocol}`;
}

// Code-unit order: locale-independent, and cheap enough to sort thousands of probes.

/** Stable order: source, destination, port, protocol. */
export function compareConnectionOrder(a: Connection, b: Connection): number {
  return compareText(a.from, b.from) || compareText(a.to, b.to) || a.port - b.port || compareText(a.protocol, b.protocol);
}
