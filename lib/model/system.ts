/**
 * The one declaration of the payment system: its services, who may call whom, what the ingress
 * gateway exposes, and which external dependencies each service reaches.
 *
 * Everything that depends on it (NetworkPolicies, Istio authorization, Sidecar egress hosts,
 * ServiceEntries, ConfigMap URLs and addresses, stack outputs, the reachability proof and the
 * diagram) is derived from a `SystemDeclaration`; nothing repeats it. Per environment, the config
 * only says where each dependency lives (`lib/model/environments.ts`).
 */
import { constantCase } from './text';

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

/**
 * How a service talks to an external dependency, which decides how the mesh sees the traffic:
 * `TCP` (opaque, e.g. PostgreSQL), `TLS` (the client originates TLS; the proxy routes by SNI) or
 * `HTTPS` (TLS carrying HTTP, routed by SNI the same way).
 */
export type DependencyProtocol = 'TCP' | 'TLS' | 'HTTPS';
export const DEPENDENCY_PROTOCOLS: readonly DependencyProtocol[] = ['TCP', 'TLS', 'HTTPS'];

/** Something outside the cluster that services call: a database, a provider's API. */
export interface DependencyDeclaration {
  /** A DNS-1123 label such as `payments-db`: names its ServiceEntry and its config keys (`PAYMENTS_DB_HOST`). */
  readonly name: string;
  /** One line saying what it is; used in docs and the diagram. */
  readonly description: string;
  readonly protocol: DependencyProtocol;
  /** The one port it is reached on. */
  readonly port: number;
  /** Names of the services that call it; no other service may reach it. */
  readonly callers: readonly string[];
  /**
   * Keys the callers' Secret must hold for it (synced from the secret store, never in git), e.g.
   * `PAYMENTS_DB_PASSWORD`; documented for operators.
   */
  readonly credentials: readonly string[];
}

/** The whole system: services, calls between them, what the gateway exposes, and what they reach outside. */
export interface SystemDeclaration {
  /** Value of `app.kubernetes.io/part-of` on every object. */
  readonly name: string;
  /** The services, in the order they are emitted. */
  readonly services: readonly ServiceDeclaration[];
  /** Who may call whom. Anything not listed is denied. */
  readonly calls: readonly CallDeclaration[];
  /** Routes from the ingress gateway. */
  readonly ingress: readonly IngressRouteDeclaration[];
  /** External dependencies and who calls them. Anything else outside the cluster is denied. */
  readonly dependencies: readonly DependencyDeclaration[];
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
  dependencies: [
    {
      name: 'payments-db',
      description: 'PostgreSQL database of payments',
      protocol: 'TCP',
      port: 5432,
      callers: ['payment-api'],
      credentials: ['PAYMENTS_DB_USERNAME', 'PAYMENTS_DB_PASSWORD'],
    },
    {
      name: 'notification-provider',
      description: 'Email delivery provider (HTTPS API on the public internet)',
      protocol: 'HTTPS',
      port: 443,
      callers: ['notification-service'],
      credentials: ['NOTIFICATION_PROVIDER_API_KEY'],
    },
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

/** External dependencies `service` calls, in declaration order. */
export function dependenciesOf(system: SystemDeclaration, service: string): DependencyDeclaration[] {
  return system.dependencies.filter((d) => d.callers.includes(service));
}

/**
 * The ingress routes in the order the gateway must try them: longest path first, so that a more
 * specific route is never shadowed by a shorter one (`/api/payment/refunds` before `/api/payment`).
 */
export function ingressRoutesByPrecedence(system: SystemDeclaration): IngressRouteDeclaration[] {
  return [...system.ingress].sort((a, b) => b.pathPrefix.length - a.pathPrefix.length);
}

/**
 * The declared route that serves `path`: the first, in precedence order, whose `pathPrefix` is the
 * path or is followed in it by `/` (`/api/payment` serves `/api/payment/42`, not `/api/paymentx`);
 * undefined when none does.
 */
export function ingressRouteFor(system: SystemDeclaration, path: string): IngressRouteDeclaration | undefined {
  return ingressRoutesByPrecedence(system).find((r) => r.pathPrefix === '/' || path === r.pathPrefix || path.startsWith(`${r.pathPrefix}/`));
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
  const dependencyNames = new Set<string>();
  for (const d of system.dependencies) {
    if (!/^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(d.name)) problems.push(`dependency name "${d.name}": expected a DNS-1123 label (lower-case letters, digits, '-')`);
    if (dependencyNames.has(d.name) || names.has(d.name)) problems.push(`dependency name "${d.name}": declared twice (names are shared with services)`);
    dependencyNames.add(d.name);
    if (!DEPENDENCY_PROTOCOLS.includes(d.protocol)) problems.push(`dependency ${d.name}: protocol "${d.protocol}" is not one of ${DEPENDENCY_PROTOCOLS.join(', ')}`);
    if (!Number.isInteger(d.port) || d.port < 1 || d.port > 65535) problems.push(`dependency ${d.name}: port ${d.port} is not a port number from 1 to 65535`);
    if (d.callers.length === 0) problems.push(`dependency ${d.name}: expected at least one caller`);
    for (const caller of d.callers) if (!names.has(caller)) problems.push(`dependency ${d.name}: caller "${caller}" is not a declared service`);
  }
  problems.push(...configKeyCollisions(system));
  const routePaths = new Set<string>();
  for (const r of system.ingress) {
    if (routePaths.has(r.pathPrefix)) problems.push(`ingress route ${r.pathPrefix}: declared twice (the gateway would only ever use the first)`);
    routePaths.add(r.pathPrefix);
    if (!names.has(r.service)) problems.push(`ingress route ${r.pathPrefix}: "${r.service}" is not a declared service`);
    if (!/^\/([A-Za-z0-9._~-]+(\/[A-Za-z0-9._~-]+)*)?$/.test(r.pathPrefix)) {
      problems.push(`ingress route "${r.pathPrefix}": expected a path such as /api/payment (starting with '/', no trailing '/', no empty segment)`);
    }
    if (r.methods.length === 0) problems.push(`ingress route ${r.pathPrefix}: expected at least one HTTP method`);
  }
  return problems;
}

/**
 * Config keys derived from names must not collide: a callee's `<NAME>_URL` and a dependency's
 * `<NAME>_HOST`/`<NAME>_PORT` land in the same ConfigMap, and services and dependencies share the
 * `SCREAMING_SNAKE` space (`fraud-detector` and `fraud_detector` cannot both exist, but a service
 * `payments-db-host`'s URL key could meet a dependency's keys).
 */
function configKeyCollisions(system: SystemDeclaration): string[] {
  const owners = new Map<string, string>();
  const problems: string[] = [];
  const claim = (key: string, owner: string): void => {
    const other = owners.get(key);
    if (other !== undefined && other !== owner) problems.push(`config key ${key}: derived from both ${other} and ${owner}; rename one`);
    owners.set(key, owner);
  };
  for (const s of system.services) claim(`${constantCase(s.name)}_URL`, `service ${s.name}`);
  for (const d of system.dependencies) {
    claim(`${constantCase(d.name)}_HOST`, `dependency ${d.name}`);
    claim(`${constantCase(d.name)}_PORT`, `dependency ${d.name}`);
  }
  return problems;
}

