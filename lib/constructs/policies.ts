/**
 * Least-privilege traffic policies derived from the system declaration and the environment:
 * NetworkPolicies (L3/L4), Istio AuthorizationPolicies (identity, L7), RequestAuthentications
 * (end-user JWT), Sidecar egress scopes and ServiceEntries. Pure functions: the constructs only
 * wrap what these return.
 */
import * as k8s from './k8s';
import type {
  AuthorizationPolicyV1Beta1Spec, AuthorizationPolicyV1Beta1SpecAction, AuthorizationPolicyV1Beta1SpecRules,
  RequestAuthenticationV1Beta1Spec,
} from '../../imports/istio-security.istio.io';
import type {
  ServiceEntryV1Beta1Spec, ServiceEntryV1Beta1SpecLocation, ServiceEntryV1Beta1SpecResolution,
  SidecarV1Beta1Spec, SidecarV1Beta1SpecOutboundTrafficPolicyMode,
} from '../../imports/istio-networking.istio.io';
import {
  INGRESS_GATEWAY, ISTIO_MERGED_METRICS_PORT, ISTIO_NAMESPACE, ISTIOD, KUBE_DNS, NAMESPACE_NAME_LABEL, serviceHostname,
} from '../model/cluster';
import { egressBlocks } from '../model/egress';
import { EnvironmentConfig } from '../model/environment';
import { selectorLabels } from '../model/labels';
import { Naming } from '../model/naming';
import {
  callersOf, calleesOf, dependenciesOf, DependencyDeclaration, ingressRoutesTo, SERVICE_PORT, ServiceDeclaration, SystemDeclaration,
} from '../model/system';

/** Typed from the generated enum without loading the generated module at run time (it is 1 MB of code). */
const REGISTRY_ONLY = 'REGISTRY_ONLY' as SidecarV1Beta1SpecOutboundTrafficPolicyMode.REGISTRY_UNDERSCORE_ONLY;

const tcp = (port: number): k8s.NetworkPolicyPort => ({ protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) });
const inNamespace = (namespace: string): k8s.LabelSelector => ({ matchLabels: { [NAMESPACE_NAME_LABEL]: namespace } });
/** Peers matching the pods of `services` in the policy's own namespace. */
const podsOf = (services: readonly ServiceDeclaration[], naming: Naming): k8s.NetworkPolicyPeer[] =>
  services.map((s) => ({ podSelector: { matchLabels: selectorLabels(naming, s.name) } }));

/**
 * The NetworkPolicy of one service: ingress from its callers (and the ingress gateway when it is
 * routed to) on its port, and from the monitoring namespace on the sidecar metrics port; egress
 * to its callees, to the address blocks of the external dependencies it calls (on their port, the
 * instance metadata address always excepted), to kube-dns and to istiod. Everything else is
 * denied because both directions are isolated.
 */
export function serviceNetworkPolicy(
  system: SystemDeclaration, naming: Naming, service: string, env: Pick<EnvironmentConfig, 'monitoringNamespace' | 'dependencies'>,
): k8s.NetworkPolicySpec {
  const { monitoringNamespace } = env;
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
  for (const dependency of dependenciesOf(system, service)) {
    const blocks = egressBlocks(env.dependencies[dependency.name].cidrs);
    egress.push({
      to: blocks.map((b) => ({ ipBlock: b.except.length > 0 ? { cidr: b.cidr, except: [...b.except] } : { cidr: b.cidr } })),
      ports: [tcp(dependency.port)],
    });
  }
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
 * ingress gateway limited to the routed paths and methods, and, when the environment authenticates
 * end users, only for requests that also carry a valid token from its issuer (both in one source:
 * Istio ANDs the fields of a source). `undefined` when nothing may call the service, so the
 * namespace's allow-nothing policy alone applies.
 */
export function serviceAuthorizationPolicy(
  system: SystemDeclaration, naming: Naming, service: string, env: Pick<EnvironmentConfig, 'jwt'>,
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
      from: [{
        source: env.jwt
          ? { principals: [INGRESS_GATEWAY.principal], requestPrincipals: [`${env.jwt.issuer}/*`] }
          : { principals: [INGRESS_GATEWAY.principal] },
      }],
      to: [{ operation: { ports: [port], methods: [...route.methods], paths: [route.pathPrefix, `${route.pathPrefix}/*`] } }],
    });
  }
  if (rules.length === 0) return undefined;
  return {
    selector: { matchLabels: selectorLabels(naming, service) },
    action: 'ALLOW' as AuthorizationPolicyV1Beta1SpecAction.ALLOW,
    rules,
  };
}

/** An ALLOW policy without rules matches nothing: the namespace denies every request by default. */
export function allowNothingAuthorizationPolicy(): AuthorizationPolicyV1Beta1Spec {
  return {};
}

/**
 * Hosts every proxy imports: istio-system (istiod), and kube-dns, so that DNS over TCP (which
 * resolvers fall back to for large answers) has a listener; REGISTRY_ONLY would drop it otherwise.
 * (UDP is not captured by the proxy and needs no entry.)
 */
const PLATFORM_HOSTS: readonly string[] = [`${ISTIO_NAMESPACE}/*`, `${KUBE_DNS.namespace}/${serviceHostname(KUBE_DNS.service, KUBE_DNS.namespace)}`];

/**
 * Sidecar scope of one service: its proxy only learns (and may only reach) the services it calls,
 * the external hosts it depends on (their ServiceEntries, exported to this namespace only), and
 * the platform's hosts; REGISTRY_ONLY drops the rest. This also cuts the configuration istiod
 * pushes to it.
 */
export function serviceSidecar(
  system: SystemDeclaration, naming: Naming, service: string, env: Pick<EnvironmentConfig, 'dependencies'>,
): SidecarV1Beta1Spec {
  return {
    workloadSelector: { labels: selectorLabels(naming, service) },
    egress: [{
      hosts: [
        ...calleesOf(system, service).map((c) => `./${naming.serviceHost(c.name)}`),
        ...dependenciesOf(system, service).map((d) => `./${env.dependencies[d.name].host}`),
        ...PLATFORM_HOSTS,
      ],
    }],
    outboundTrafficPolicy: { mode: REGISTRY_ONLY },
  };
}

/** Namespace default scope for any workload without its own Sidecar: the platform's hosts only. */
export function defaultSidecar(): SidecarV1Beta1Spec {
  return {
    egress: [{ hosts: [...PLATFORM_HOSTS] }],
    outboundTrafficPolicy: { mode: REGISTRY_ONLY },
  };
}

/**
 * End-user authentication at a routed service: tokens from the environment's issuer are checked
 * against its JWKS and audiences; a request with a token that fails (or comes from any other
 * issuer) is refused with 401. A request without a token passes authentication without an
 * identity, and the service's ALLOW rule, which requires one, refuses it with 403.
 */
export function routedServiceRequestAuthentication(
  naming: Naming, service: string, jwt: NonNullable<EnvironmentConfig['jwt']>,
): RequestAuthenticationV1Beta1Spec {
  return {
    selector: { matchLabels: selectorLabels(naming, service) },
    jwtRules: [{ issuer: jwt.issuer, jwksUri: jwt.jwksUri, audiences: [...jwt.audiences] }],
  };
}

/** Istio's name for a port of each dependency protocol (the prefix selects the protocol too). */
const PORT_NAME_PREFIX: Readonly<Record<DependencyDeclaration['protocol'], string>> = { TCP: 'tcp', TLS: 'tls', HTTPS: 'https' };

/**
 * The mesh's entry for an external dependency: `MESH_EXTERNAL`, resolved by DNS (the proxy
 * connects to what the host resolves to, not to whatever address the app dialled), visible to
 * this namespace only, on the declared port and protocol. TLS and HTTPS are routed by SNI.
 */
export function dependencyServiceEntry(dependency: DependencyDeclaration, host: string): ServiceEntryV1Beta1Spec {
  return {
    hosts: [host],
    location: 'MESH_EXTERNAL' as ServiceEntryV1Beta1SpecLocation.MESH_UNDERSCORE_EXTERNAL,
    resolution: 'DNS' as ServiceEntryV1Beta1SpecResolution.DNS,
    exportTo: ['.'],
    ports: [{ number: dependency.port, name: `${PORT_NAME_PREFIX[dependency.protocol]}-${dependency.name}`, protocol: dependency.protocol }],
  };
}
