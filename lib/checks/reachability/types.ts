/** The vocabulary shared by the model, the evaluators and the proof. */
import { compareText } from '../../model/text';

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
  /** IPv4 or IPv6 address: what `ipBlock` peers and Istio `ipBlocks` match. */
  readonly ip?: string;
  /** DNS names that resolve to this address (external endpoints): what ServiceEntry hosts match. */
  readonly hostnames?: readonly string[];
  /**
   * An Istio ingress gateway: its Envoy sends only what its Gateways and VirtualServices route, so
   * no Sidecar scope applies to its outbound traffic.
   */
  readonly gateway?: boolean;
}

/**
 * A name in the mesh's service registry that a proxy may import: a Kubernetes Service or a
 * ServiceEntry, with the endpoints and ports behind it.
 */
export interface MeshService {
  /** `<name>.<namespace>.svc.cluster.local`, or a ServiceEntry host. */
  readonly host: string;
  /** The namespace of the Service or ServiceEntry (what a Sidecar's `<namespace>/<host>` names). */
  readonly namespace: string;
  /** `exportTo`: `*` (everywhere), `.` (its own namespace) or namespace names. */
  readonly exportTo: readonly string[];
  /** Where it is defined, for reports: `Service/kube-dns`, `ServiceEntry/payments-db-egress-dev`. */
  readonly source: string;
  /** Whether a connection to `to` on `port`/`protocol` reaches it through this name. */
  reaches(to: Endpoint, port: number, protocol: Protocol): boolean;
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
  /** A public internet address; the hosts of public dependencies resolve to it. */
  readonly internet: string;
  /** The EC2 instance metadata service, IPv4 and IPv6. */
  readonly metadata: string;
  readonly metadataV6: string;
  /** A private address that no dependency declares. */
  readonly privateUndeclared: string;
  /** The endpoint each external dependency lives at, by dependency name. */
  readonly dependencies: Readonly<Record<string, string>>;
}

/** The cluster around one environment: every endpoint a connection may start or end at. */
export interface ClusterModel {
  /** The environment's namespace: the proof checks every pair with at least one end in it. */
  readonly environmentNamespace: string;
  readonly namespaces: readonly NamespaceInfo[];
  readonly endpoints: readonly Endpoint[];
  readonly infrastructure: InfrastructureIds;
  /** The cluster's own Services (kube-dns, istiod, the ingress gateway, Prometheus) that proxies may import. */
  readonly platformServices: readonly MeshService[];
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
