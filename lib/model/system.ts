/**
 * The one declaration of the payment system: its services and who may call whom.
 *
 * Everything that depends on the call graph (NetworkPolicies, Istio authorization, Sidecar egress
 * hosts, ConfigMap service URLs, stack outputs, the reachability proof and the diagram) is derived
 * from a `SystemDeclaration`; nothing repeats it.
 */

/** One microservice of the system. */
export interface ServiceDeclaration {
  /**
   * Base name of the service, a DNS-1123 label such as `payment-api`. Every object of the service
   * is named from it (`<name>-<suffix>`, `<name>-service-<suffix>`, ...).
   */
  readonly name: string;
  /** One line saying what the service does; used in docs and the diagram. */
  readonly description: string;
}

/** A permitted call: `from` may open connections to `to`'s HTTP port. */
export interface CallDeclaration {
  /** Name of the calling service. */
  readonly from: string;
  /** Name of the called service. */
  readonly to: string;
}

/** The external route from the Istio ingress gateway to one service. */
export interface IngressRouteDeclaration {
  /** Name of the service the route reaches. */
  readonly service: string;
  /** URI prefix matched at the gateway, e.g. `/api/payment`. */
  readonly pathPrefix: string;
  /** HTTP methods the route exposes (the gateway may send nothing else). */
  readonly methods: readonly string[];
}

/** The whole system: services, calls between them, and what the gateway exposes. */
export interface SystemDeclaration {
  /** Value of `app.kubernetes.io/part-of` on every object. */
  readonly name: string;
  /** The services, in the order they are emitted. */
  readonly services: readonly ServiceDeclaration[];
  /** Who may call whom. Anything not listed is denied. */
  readonly calls: readonly CallDeclaration[];
  /** Routes from the ingress gateway. */
  readonly ingress: readonly IngressRouteDeclaration[];
}

/** Every service listens on this one port, named `http` so that Istio selects the HTTP protocol. */
export const SERVICE_PORT = 8080;
export const SERVICE_PORT_NAME = 'http';
/**
 * The longest a request may take end to end (the gateway route's timeout). Pods get this long,
 * plus a margin, to finish in-flight work when they stop, and their proxies drain for as long.
 */
export const REQUEST_TIMEOUT_SECONDS = 30;

export const PAYMENT_SYSTEM: SystemDeclaration = {
  name: 'payment-system',
  services: [
    { name: 'payment-api', description: 'Public payment API behind the Istio ingress gateway' },
    { name: 'fraud-detector', description: 'Scores payments for fraud' },
    { name: 'notification-service', description: 'Notifies customers about payment outcomes' },
  ],
  calls: [
    { from: 'payment-api', to: 'fraud-detector' },
    { from: 'fraud-detector', to: 'notification-service' },
  ],
  ingress: [
    { service: 'payment-api', pathPrefix: '/api/payment', methods: ['GET', 'POST'] },
  ],
};

/** Services `service` may call, in declaration order. */
export function calleesOf(system: SystemDeclaration, service: string): ServiceDeclaration[] {
  const callees = new Set(system.calls.filter((c) => c.from === service).map((c) => c.to));
  return system.services.filter((s) => callees.has(s.name));
}

/** Services that may call `service`, in declaration order. */
export function callersOf(system: SystemDeclaration, service: string): ServiceDeclaration[] {
  const callers = new Set(system.calls.filter((c) => c.to === service).map((c) => c.from));
  return system.services.filter((s) => callers.has(s.name));
}

/** Ingress routes that reach `service`. */
export function ingressRoutesTo(system: SystemDeclaration, service: string): IngressRouteDeclaration[] {
  return system.ingress.filter((r) => r.service === service);
}

/**
 * Checks that the declaration is internally consistent; returns one message per problem.
 * Service names must be unique DNS-1123 labels and every call and route must name a declared
 * service.
 */
export function checkSystemDeclaration(system: SystemDeclaration): string[] {
  const problems: string[] = [];
  const names = new Set<string>();
  for (const s of system.services) {
    if (!/^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(s.name)) {
      problems.push(`service name "${s.name}": expected a DNS-1123 label (lower-case letters, digits, '-')`);
    }
    if (names.has(s.name)) problems.push(`service name "${s.name}": declared twice`);
    names.add(s.name);
  }
  const seenCalls = new Set<string>();
  for (const c of system.calls) {
    for (const end of [c.from, c.to]) {
      if (!names.has(end)) problems.push(`call ${c.from} -> ${c.to}: "${end}" is not a declared service`);
    }
    if (c.from === c.to) problems.push(`call ${c.from} -> ${c.to}: a service does not call itself over the mesh`);
    const key = `${c.from}->${c.to}`;
    if (seenCalls.has(key)) problems.push(`call ${key}: declared twice`);
    seenCalls.add(key);
  }
  for (const r of system.ingress) {
    if (!names.has(r.service)) problems.push(`ingress route ${r.pathPrefix}: "${r.service}" is not a declared service`);
    if (!r.pathPrefix.startsWith('/')) problems.push(`ingress route "${r.pathPrefix}": expected a path starting with '/'`);
    if (r.methods.length === 0) problems.push(`ingress route ${r.pathPrefix}: expected at least one HTTP method`);
  }
  return problems;
}
