/**
 * Object names for one environment suffix: the naming contract users and CI depend on.
 * Pure functions, so the contract is testable without synthesizing anything.
 */
import { SERVICE_PORT } from './system';

/** Names of every object of an environment with suffix `suffix`. */
export class Naming {
  constructor(public readonly suffix: string) {}

  get namespace(): string { return `microservices-${this.suffix}`; }
  deployment(service: string): string { return `${service}-${this.suffix}`; }
  service(service: string): string { return `${service}-service-${this.suffix}`; }
  hpa(service: string): string { return `${service}-hpa-${this.suffix}`; }
  configMap(service: string): string { return `${service}-config-${this.suffix}`; }
  secret(service: string): string { return `${service}-secrets-${this.suffix}`; }
  serviceAccount(service: string): string { return `${service}-${this.suffix}`; }
  networkPolicy(service: string): string { return `${service}-netpol-${this.suffix}`; }
  destinationRule(service: string): string { return `${service}-dr-${this.suffix}`; }
  podDisruptionBudget(service: string): string { return `${service}-pdb-${this.suffix}`; }
  authorizationPolicy(service: string): string { return `${service}-authz-${this.suffix}`; }
  sidecar(service: string): string { return `${service}-sidecar-${this.suffix}`; }
  /** The ingress Gateway of a system, e.g. `payment-system-gateway-<suffix>`. */
  gateway(systemName: string): string { return `${systemName}-gateway-${this.suffix}`; }
  /** The VirtualService routing the Gateway's traffic, e.g. `payment-system-routes-<suffix>`. */
  virtualService(systemName: string): string { return `${systemName}-routes-${this.suffix}`; }
  /**
   * The gateway's certificate and its `kubernetes.io/tls` Secret in istio-system, shared by every
   * environment's Gateway there, so the name carries the system and the suffix:
   * `payment-system-tls-<suffix>`.
   */
  tlsCertificate(systemName: string): string { return `${systemName}-tls-${this.suffix}`; }
  /** The ServiceEntry of an external dependency, e.g. `payments-db-egress-<suffix>`. */
  serviceEntry(dependency: string): string { return `${dependency}-egress-${this.suffix}`; }
  /** The RequestAuthentication (end-user JWT) of a routed service, e.g. `payment-api-jwt-<suffix>`. */
  requestAuthentication(service: string): string { return `${service}-jwt-${this.suffix}`; }
  /** Namespace-wide objects, e.g. `default-deny-<suffix>`. */
  namespaceWide(purpose: string): string { return `${purpose}-${this.suffix}`; }

  /** In-cluster FQDN of a service's Kubernetes Service. */
  serviceHost(service: string): string {
    return `${this.service(service)}.${this.namespace}.svc.cluster.local`;
  }

  /** In-cluster URL of a service: `http://<service>.<namespace>.svc.cluster.local:8080`. */
  serviceUrl(service: string): string {
    return `http://${this.serviceHost(service)}:${SERVICE_PORT}`;
  }

  /** SPIFFE identity Istio issues to a service's pods. */
  principal(service: string): string {
    return `cluster.local/ns/${this.namespace}/sa/${this.serviceAccount(service)}`;
  }
}

