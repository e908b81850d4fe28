/**
 * Facts about the target cluster that the manifests rely on, in one place: an EKS cluster with the
 * VPC CNI, CoreDNS, and Istio installed by its default profile. Policies, the reachability model,
 * the docs and the diagrams read them from here.
 */

/** Label every namespace carries automatically since Kubernetes 1.22. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** Istio's namespace, also its root namespace (policies there apply mesh-wide). */
export const ISTIO_NAMESPACE = 'istio-system';

/** The default ingress gateway: its pods' labels, its identity, and its Service's ports. */
export const INGRESS_GATEWAY = {
  namespace: ISTIO_NAMESPACE,
  /** What a Gateway's `selector` matches. */
  selector: { istio: 'ingressgateway' },
  /** Every label the gateway's pods carry. */
  podLabels: { istio: 'ingressgateway', app: 'istio-ingressgateway' },
  serviceAccount: 'istio-ingressgateway-service-account',
  /** Its Service: the load balancer's ports and the pod ports behind them. */
  service: 'istio-ingressgateway',
  http: { port: 80, targetPort: 8080 },
  https: { port: 443, targetPort: 8443 },
  statusPort: 15021,
  get principal(): string {
    return `cluster.local/ns/${this.namespace}/sa/${this.serviceAccount}`;
  },
} as const;

/** istiod: sidecars fetch configuration (xDS) and certificates from it on this port. */
export const ISTIOD = {
  namespace: ISTIO_NAMESPACE,
  selector: { app: 'istiod' },
  service: 'istiod',
  xdsPort: 15012,
} as const;

/** CoreDNS, still labelled and named kube-dns on EKS; it serves DNS over UDP and TCP. */
export const KUBE_DNS = {
  namespace: 'kube-system',
  selector: { 'k8s-app': 'kube-dns' },
  service: 'kube-dns',
  port: 53,
} as const;

/** The sidecar's merged Prometheus metrics endpoint (istio-agent), scraped by Prometheus. */
export const ISTIO_MERGED_METRICS_PORT = 15020;
/** Envoy's own Prometheus endpoint, a port every sidecar declares (`http-envoy-prom`). */
export const ENVOY_STATS_PORT = 15090;

/** The Kubernetes cluster domain: Services are `<name>.<namespace>.svc.cluster.local`. */
export const CLUSTER_DOMAIN = 'cluster.local';

/** In-cluster DNS name of a Service. */
export function serviceHostname(name: string, namespace: string): string {
  return `${name}.${namespace}.svc.${CLUSTER_DOMAIN}`;
}

/**
 * The EC2 instance metadata service. A pod that reaches it can read the node's IAM credentials,
 * so no pod may, whatever a dependency's address blocks say.
 */
export const INSTANCE_METADATA = { ipv4: '169.254.169.254', ipv6: 'fd00:ec2::254' } as const;

/**
 * What "the public internet" leaves out: the private ranges (RFC 1918), carrier-grade NAT
 * (RFC 6598, which EKS custom networking uses for pods) and link-local (RFC 3927, the metadata
 * service among it).
 */
export const NON_PUBLIC_IPV4_RANGES: readonly string[] = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '169.254.0.0/16'];

/** Argo CD's name for the cluster it runs in. */
export const IN_CLUSTER_SERVER = 'https://kubernetes.default.svc';
