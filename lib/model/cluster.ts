/**
 * Facts about the target cluster that our policies rely on (EKS 1.28 with Istio 1.19 installed by
 * its default profile). Policies, the reachability model and the docs read them from here.
 */

/** Label every namespace carries automatically since Kubernetes 1.22. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

export const ISTIO_NAMESPACE = 'istio-system';

/** The default ingress gateway: its pods' labels and its service account. */
export const INGRESS_GATEWAY = {
  namespace: ISTIO_NAMESPACE,
  selector: { istio: 'ingressgateway' },
  serviceAccount: 'istio-ingressgateway-service-account',
  get principal(): string {
    return `cluster.local/ns/${this.namespace}/sa/${this.serviceAccount}`;
  },
} as const;

/** istiod: sidecars fetch configuration (xDS) and certificates from it on this port. */
export const ISTIOD = {
  namespace: ISTIO_NAMESPACE,
  selector: { app: 'istiod' },
  xdsPort: 15012,
} as const;

/** CoreDNS, still labelled kube-dns on EKS. */
export const KUBE_DNS = {
  namespace: 'kube-system',
  selector: { 'k8s-app': 'kube-dns' },
  port: 53,
} as const;

/** The sidecar's merged Prometheus metrics endpoint (istio-agent), scraped by Prometheus. */
export const ISTIO_MERGED_METRICS_PORT = 15020;
