/**
 * What a workload's own proxy lets out (Istio `Sidecar`, networking.istio.io v1alpha3/v1beta1/v1),
 * the layer between the app and the NetworkPolicies: the app's outbound TCP goes through its
 * Envoy, which only has listeners for the names its Sidecar scope imports.
 *
 * - The scope of a pod: the Sidecar of its namespace whose `workloadSelector` selects it, else the
 *   namespace's Sidecar without a selector, else none (the mesh default: every name visible,
 *   `ALLOW_ANY`). Two Sidecars competing for one pod is ambiguous in Istio and rejected here.
 * - An egress listener's `hosts` are `<namespace>/<dns name>`: namespace `*` (any), `.` (the
 *   Sidecar's own) or a name, `~` (none); dns name `*`, `*.suffix` or exact. A name is imported
 *   when some entry matches it and the name is exported to the pod's namespace.
 * - A connection passes when an imported name reaches the destination on that port; otherwise
 *   `REGISTRY_ONLY` sends it to the BlackHole cluster and `ALLOW_ANY` passes it through.
 * - Not captured, so not decided here: UDP (DNS over UDP goes straight to kube-dns), traffic of
 *   pods without a sidecar, and an ingress gateway's Envoy (it sends only what its routes say).
 *
 * Listener `port`, `bind` and `captureMode`, and `ingress` listeners, change what is captured and
 * are rejected rather than guessed.
 */
import {
  ManifestInputError, optionalArrayAt, optionalStringMapAt, optionalStringsAt, recordAt, rejectUnsupportedKeys, stringAt,
} from '../../manifest/fields';
import { KubeObject, objectRef } from '../../manifest/kube-object';
import { matchesLabelMap } from '../../manifest/label-selector';
import { hostMatches } from './registry';
import { Endpoint, MeshService, Protocol } from './types';

/** A parsed Sidecar. */
export interface SidecarScope {
  readonly name: string;
  readonly namespace: string;
  /** `workloadSelector.labels`; undefined = every workload of the namespace without a more specific Sidecar. */
  readonly selector?: Readonly<Record<string, string>>;
  /** Every egress listener's hosts, as `[namespace, dns name]`. */
  readonly hosts: readonly (readonly [string, string])[];
  readonly registryOnly: boolean;
}

/** Parses one Sidecar; throws `ManifestInputError` on what the model cannot evaluate. */
export function parseSidecar(obj: KubeObject): SidecarScope {
  const ref = objectRef(obj);
  const namespace = obj.metadata.namespace;
  if (namespace === undefined) throw new ManifestInputError(ref, 'metadata.namespace is missing; a Sidecar is namespaced');
  const spec = recordAt(obj.spec ?? {}, `${ref} spec`);
  rejectUnsupportedKeys(spec, ['workloadSelector', 'egress', 'outboundTrafficPolicy'], `${ref} spec`);
  let selector: Record<string, string> | undefined;
  if (spec.workloadSelector != null) {
    const ws = recordAt(spec.workloadSelector, `${ref} spec.workloadSelector`);
    rejectUnsupportedKeys(ws, ['labels'], `${ref} spec.workloadSelector`);
    selector = optionalStringMapAt(ws.labels, `${ref} spec.workloadSelector.labels`) ?? {};
  }
  const hosts = (optionalArrayAt(spec.egress, `${ref} spec.egress`) ?? []).flatMap((raw, i) => {
    const at = `${ref} spec.egress[${i}]`;
    const listener = recordAt(raw, at);
    rejectUnsupportedKeys(listener, ['hosts'], at);
    return (optionalStringsAt(listener.hosts, `${at}.hosts`) ?? []).map((entry, j): [string, string] => {
      const slash = entry.indexOf('/');
      if (slash <= 0) throw new ManifestInputError(`${at}.hosts[${j}]`, `"${entry}" is not <namespace>/<dns name>`);
      return [entry.slice(0, slash), entry.slice(slash + 1)];
    });
  });
  let registryOnly = false;
  if (spec.outboundTrafficPolicy != null) {
    const policy = recordAt(spec.outboundTrafficPolicy, `${ref} spec.outboundTrafficPolicy`);
    rejectUnsupportedKeys(policy, ['mode'], `${ref} spec.outboundTrafficPolicy`);
    const mode = policy.mode === undefined ? 'ALLOW_ANY' : stringAt(policy.mode, `${ref} spec.outboundTrafficPolicy.mode`);
    if (mode !== 'ALLOW_ANY' && mode !== 'REGISTRY_ONLY') throw new ManifestInputError(`${ref} spec.outboundTrafficPolicy.mode`, `"${mode}" is not ALLOW_ANY or REGISTRY_ONLY`);
    registryOnly = mode === 'REGISTRY_ONLY';
  }
  return { name: obj.metadata.name, namespace, selector, hosts, registryOnly };
}

/** Every Sidecar among `objects`, parsed. */
export function sidecarsOf(objects: readonly KubeObject[]): SidecarScope[] {
  return objects.filter((o) => o.kind === 'Sidecar' && /^networking\.istio\.io\/v1(alpha3|beta1)?$/.test(o.apiVersion)).map(parseSidecar);
}

/** The proxy's verdict on one outbound connection. */
export interface ProxyVerdict {
  readonly allowed: boolean;
  /** False when the source's proxy does not decide (no proxy, UDP, a gateway). */
  readonly applies: boolean;
  /** One line for humans. */
  readonly reason: string;
  /** The Sidecar that decided, if one did. */
  readonly sidecar?: string;
}

/** The Sidecar that scopes `pod`, if any (throws when two compete). */
export function sidecarFor(sidecars: readonly SidecarScope[], pod: Endpoint): SidecarScope | undefined {
  const own = sidecars.filter((s) => s.namespace === pod.namespace);
  const pick = (candidates: readonly SidecarScope[], what: string): SidecarScope | undefined => {
    if (candidates.length > 1) throw new ManifestInputError(pod.id, `${what} Sidecars ${candidates.map((s) => s.name).join(', ')} all apply; Istio picks one arbitrarily, so keep one`);
    return candidates[0];
  };
  return pick(own.filter((s) => s.selector !== undefined && matchesLabelMap(s.selector, pod.labels)), 'the selecting')
    ?? pick(own.filter((s) => s.selector === undefined), 'the namespace-wide');
}

function imports(scope: SidecarScope, service: MeshService, sourceNamespace: string): boolean {
  const visible = service.exportTo.some((e) => e === '*' || e === sourceNamespace || (e === '.' && service.namespace === sourceNamespace));
  return visible && scope.hosts.some(([namespace, host]) => {
    const namespaceOk = namespace === '*' || (namespace === '.' ? service.namespace === scope.namespace : namespace === service.namespace);
    return namespace !== '~' && namespaceOk && hostMatches(host, service.host);
  });
}

const NOT_CAPTURED = (reason: string): ProxyVerdict => ({ allowed: true, applies: false, reason });

/**
 * The source proxy's verdicts for connections from `from` to `to`, as a function of port and
 * protocol (the scope is looked up once per pair).
 */
export function proxyEgressEvaluator(
  sidecars: readonly SidecarScope[], registry: readonly MeshService[], from: Endpoint, to: Endpoint,
): (port: number, protocol: Protocol) => ProxyVerdict {
  if (!from.sidecar || from.namespace === undefined) return () => NOT_CAPTURED('no Istio proxy at the source');
  if (from.gateway) return () => NOT_CAPTURED('a gateway sends only what its routes say');
  const scope = sidecarFor(sidecars, from);
  const sourceNamespace = from.namespace;
  return (port, protocol) => {
    if (protocol !== 'TCP') return NOT_CAPTURED('the proxy does not capture UDP');
    const reaching = registry.filter((s) => s.reaches(to, port, protocol));
    if (!scope) return { allowed: true, applies: true, reason: 'no Sidecar scope: the mesh default lets everything out (ALLOW_ANY)' };
    const imported = reaching.find((s) => imports(scope, s, sourceNamespace));
    if (imported) return { allowed: true, applies: true, sidecar: scope.name, reason: `Sidecar ${scope.name} imports ${imported.host} (${imported.source})` };
    if (!scope.registryOnly) return { allowed: true, applies: true, sidecar: scope.name, reason: `Sidecar ${scope.name} passes unknown destinations through (ALLOW_ANY)` };
    const why = reaching.length === 0 ? 'no name in the registry reaches it' : `it does not import ${reaching.map((s) => s.host).join(', ')}`;
    return { allowed: false, applies: true, sidecar: scope.name, reason: `Sidecar ${scope.name} is REGISTRY_ONLY and ${why}` };
  };
}
