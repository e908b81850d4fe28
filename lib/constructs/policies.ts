/**
 * Least-privilege traffic policies derived from the call graph: NetworkPolicies (L3/L4), Istio
 * AuthorizationPolicies (identity, L7) and Sidecar egress scopes. Pure functions: the constructs
 * only wrap what these return.
 */
import * as k8s from './k8s';
import {
  AuthorizationPolicyV1Beta1Spec, AuthorizationPolicyV1Beta1SpecAction, AuthorizationPolicyV1Beta1SpecRules,
} from '../../imports/istio-security.istio.io';
import { SidecarV1Beta1Spec, SidecarV1Beta1SpecOutboundTrafficPolicyMode } from '../../imports/istio-networking.istio.io';
import {
  INGRESS_GATEWAY, ISTIO_MERGED_METRICS_PORT, ISTIO_NAMESPACE, ISTIOD, KUBE_DNS, NAMESPACE_NAME_LABEL,
} from '../model/cluster';
import { selectorLabels } from '../model/labels';
import { Naming } from '../model/naming';
import { callersOf, calleesOf, ingressRoutesTo, SERVICE_PORT, ServiceDeclaration, SystemDeclaration } from '../model/system';

const tcp = (port: number): k8s.NetworkPolicyPort => ({ protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) });
const inNamespace = (namespace: string): k8s.LabelSelector => ({ matchLabels: { [NAMESPACE_NAME_LABEL]: namespace } });
/** Peers matching the pods of `services` in the policy's own namespace. */
const podsOf = (services: readonly ServiceDeclaration[], naming: Naming): k8s.NetworkPolicyPeer[] =>
  services.map((s) => ({ podSelector: { matchLabels: selectorLabels(naming, s.name) } }));

/**
 * The NetworkPolicy of one service: ingress from its callers (and the ingress gateway when it is
 * routed to) on its port, and from the monitoring namespace on the sidecar metrics port; egress
 * to its callees, to kube-dns and to istiod. Everything else is denied because both directions
 * are isolated.
 */
export function serviceNetworkPolicy(
  system: SystemDeclaration, naming: Naming, service: string, monitoringNamespace: string,
): k8s.NetworkPolicySpec {
  const ingress: k8s.NetworkPolicyIngressRule[] = [];
  if (ingressRoutesTo(system, service).length > 0) {
    ingress.push({
      from: [{ namespaceSelector: inNamespace(INGRESS_GATEWAY.namespace), podSelector: { matchLabels: { ...INGRESS_GATEWAY.selector } } }],
      ports: [tcp(SERVICE_PORT)],
    });
  }
  const callers = callersOf(system, service);
  if (callers.length > 0) ingress.push({ from: podsOf(callers, naming), ports: [tcp(SERVICE_PORT)] });
  ingress.push({
    from: [{ namespaceSelector: inNamespace(monitoringNamespace) }],
    ports: [tcp(ISTIO_MERGED_METRICS_PORT)],
  });

  const egress: k8s.NetworkPolicyEgressRule[] = [];
  const callees = calleesOf(system, service);
  if (callees.length > 0) egress.push({ to: podsOf(callees, naming), ports: [tcp(SERVICE_PORT)] });
  egress.push({
    to: [{ namespaceSelector: inNamespace(KUBE_DNS.namespace), podSelector: { matchLabels: { ...KUBE_DNS.selector } } }],
    ports: [
      { protocol: 'UDP', port: k8s.IntOrString.fromNumber(KUBE_DNS.port) },
      tcp(KUBE_DNS.port),
    ],
  });
  egress.push({
    to: [{ namespaceSelector: inNamespace(ISTIOD.namespace), podSelector: { matchLabels: { ...ISTIOD.selector } } }],
    ports: [tcp(ISTIOD.xdsPort)],
  });

  return {
    podSelector: { matchLabels: selectorLabels(naming, service) },
    policyTypes: ['Ingress', 'Egress'],
    ingress,
    egress,
  };
}

/** Namespace baseline: every pod isolated in both directions unless a service policy allows. */
export function defaultDenyNetworkPolicy(): k8s.NetworkPolicySpec {
  return { podSelector: {}, policyTypes: ['Ingress', 'Egress'] };
}

/**
 * ALLOW rules of one service: the SPIFFE principals of exactly its callers on its port, and the
 * ingress gateway limited to the routed paths and methods. `undefined` when nothing may call the
 * service, so the namespace's allow-nothing policy alone applies.
 */
export function serviceAuthorizationPolicy(
  system: SystemDeclaration, naming: Naming, service: string,
): AuthorizationPolicyV1Beta1Spec | undefined {
  const port = String(SERVICE_PORT);
  const rules: AuthorizationPolicyV1Beta1SpecRules[] = [];
  const callers = callersOf(system, service);
  if (callers.length > 0) {
    rules.push({
      from: [{ source: { principals: callers.map((c) => naming.principal(c.name)) } }],
      to: [{ operation: { ports: [port] } }],
    });
  }
  for (const route of ingressRoutesTo(system, service)) {
    rules.push({
      from: [{ source: { principals: [INGRESS_GATEWAY.principal] } }],
      to: [{ operation: { ports: [port], methods: [...route.methods], paths: [route.pathPrefix, `${route.pathPrefix}/*`] } }],
    });
  }
  if (rules.length === 0) return undefined;
  return {
    selector: { matchLabels: selectorLabels(naming, service) },
    action: AuthorizationPolicyV1Beta1SpecAction.ALLOW,
    rules,
  };
}

/** An ALLOW policy without rules matches nothing: the namespace denies every request by default. */
export function allowNothingAuthorizationPolicy(): AuthorizationPolicyV1Beta1Spec {
  return {};
}

/**
 * Sidecar scope of one service: its proxy only learns (and may only reach) the services it calls
 * plus istio-system, which also cuts the configuration istiod pushes to it.
 */
export function serviceSidecar(system: SystemDeclaration, naming: Naming, service: string): SidecarV1Beta1Spec {
  return {
    workloadSelector: { labels: selectorLabels(naming, service) },
    egress: [{ hosts: [...calleesOf(system, service).map((c) => `./${naming.serviceHost(c.name)}`), `${ISTIO_NAMESPACE}/*`] }],
    outboundTrafficPolicy: { mode: SidecarV1Beta1SpecOutboundTrafficPolicyMode.REGISTRY_UNDERSCORE_ONLY },
  };
}

/** Namespace default scope for any workload without its own Sidecar: istio-system only. */
export function defaultSidecar(): SidecarV1Beta1Spec {
  return {
    egress: [{ hosts: [`${ISTIO_NAMESPACE}/*`] }],
    outboundTrafficPolicy: { mode: SidecarV1Beta1SpecOutboundTrafficPolicyMode.REGISTRY_UNDERSCORE_ONLY },
  };
}
