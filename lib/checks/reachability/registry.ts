/**
 * The mesh's service registry as the proxies see it: Kubernetes Services (`<name>.<ns>.svc.cluster.local`)
 * and ServiceEntries (their hosts), each with the endpoints and ports it reaches. A Sidecar scope
 * imports names from it (see sidecar-egress.ts).
 *
 * Services: the selector picks pods of the Service's namespace; a port reaches the pod port its
 * `targetPort` names (a number, or a container port's name; default the port itself). ExternalName
 * Services are skipped (they have no endpoints of their own). `exportTo` is the
 * `networking.istio.io/exportTo` annotation (default `*`).
 *
 * ServiceEntries: a host reaches an external endpoint known by that name (exactly, or under a
 * `*.` wildcard), and `addresses` reach the endpoints inside them; on the declared port numbers,
 * over TCP (every ServiceEntry protocol is carried by TCP). `MESH_INTERNAL` entries and
 * `workloadSelector`/`endpoints` are outside this model and rejected.
 */
import {
  integerAt, ManifestInputError, optionalArrayAt, optionalStringMapAt, optionalStringsAt, recordAt, rejectUnsupportedKeys, stringAt,
} from '../../manifest/fields';
import { KubeObject, objectRef } from '../../manifest/kube-object';
import { matchesLabelMap } from '../../manifest/label-selector';
import { Cidr, cidrContains, parseCidr } from '../../model/cidr';
import { serviceHostname } from '../../model/cluster';
import { Endpoint, MeshService, Protocol } from './types';

/** One port of a Kubernetes Service. */
export interface ServicePort {
  readonly port: number;
  readonly targetPort: number | string;
  readonly protocol: string;
}

/** A Kubernetes Service as a registry entry. */
export function kubernetesService(
  name: string, namespace: string, selector: Readonly<Record<string, string>>, ports: readonly ServicePort[], exportTo: readonly string[] = ['*'],
): MeshService {
  return {
    host: serviceHostname(name, namespace),
    namespace,
    exportTo,
    source: `Service/${name}`,
    reaches(to: Endpoint, port: number, protocol: Protocol): boolean {
      if (to.namespace !== namespace || Object.keys(selector).length === 0 || !matchesLabelMap(selector, to.labels)) return false;
      return ports.some((p) => p.protocol === protocol && (typeof p.targetPort === 'number'
        ? p.targetPort === port
        : to.ports.some((declared) => declared.name === p.targetPort && declared.port === port && declared.protocol === protocol)));
    },
  };
}

function exportToOf(obj: KubeObject): string[] {
  const annotation = obj.metadata.annotations?.['networking.istio.io/exportTo'];
  return annotation === undefined ? ['*'] : annotation.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

function parseService(obj: KubeObject): MeshService | undefined {
  const ref = objectRef(obj);
  const namespace = obj.metadata.namespace;
  if (namespace === undefined) throw new ManifestInputError(ref, 'metadata.namespace is missing; a Service is namespaced');
  const spec = recordAt(obj.spec ?? {}, `${ref} spec`);
  if (spec.type === 'ExternalName') return undefined;
  const selector = optionalStringMapAt(spec.selector, `${ref} spec.selector`) ?? {};
  const ports = (optionalArrayAt(spec.ports, `${ref} spec.ports`) ?? []).map((raw, i): ServicePort => {
    const at = `${ref} spec.ports[${i}]`;
    const p = recordAt(raw, at);
    const port = integerAt(p.port, `${at}.port`, 1, 65535);
    const target = p.targetPort === undefined ? port : typeof p.targetPort === 'string' ? p.targetPort : integerAt(p.targetPort, `${at}.targetPort`, 1, 65535);
    return { port, targetPort: target, protocol: p.protocol === undefined ? 'TCP' : stringAt(p.protocol, `${at}.protocol`) };
  });
  return kubernetesService(obj.metadata.name, namespace, selector, ports, exportToOf(obj));
}

/** Whether a ServiceEntry host (`api.example.com` or `*.example.com`) names `hostname`. */
export function hostMatches(pattern: string, hostname: string): boolean {
  if (pattern === '*') return true;
  if (pattern.startsWith('*.')) return hostname.endsWith(pattern.slice(1));
  return pattern === hostname;
}

const SERVICE_ENTRY_KEYS = ['hosts', 'addresses', 'ports', 'location', 'resolution', 'exportTo'];
const SERVICE_ENTRY_PORT_KEYS = ['number', 'protocol', 'name', 'targetPort'];

function parseServiceEntry(obj: KubeObject): MeshService[] {
  const ref = objectRef(obj);
  const namespace = obj.metadata.namespace;
  if (namespace === undefined) throw new ManifestInputError(ref, 'metadata.namespace is missing; a ServiceEntry is namespaced');
  const spec = recordAt(obj.spec ?? {}, `${ref} spec`);
  rejectUnsupportedKeys(spec, SERVICE_ENTRY_KEYS, `${ref} spec`);
  const location = spec.location === undefined ? 'MESH_EXTERNAL' : stringAt(spec.location, `${ref} spec.location`);
  if (location !== 'MESH_EXTERNAL') throw new ManifestInputError(`${ref} spec.location`, `"${location}" is not supported by the reachability evaluator (supported: MESH_EXTERNAL)`);
  const hosts = optionalStringsAt(spec.hosts, `${ref} spec.hosts`) ?? [];
  const addresses: Cidr[] = (optionalStringsAt(spec.addresses, `${ref} spec.addresses`) ?? []).map((text, i) => {
    const cidr = parseCidr(text, false);
    if (!cidr) throw new ManifestInputError(`${ref} spec.addresses[${i}]`, `"${text}" is not an IP address or CIDR`);
    return cidr;
  });
  const ports = (optionalArrayAt(spec.ports, `${ref} spec.ports`) ?? []).map((raw, i) => {
    const at = `${ref} spec.ports[${i}]`;
    const p = recordAt(raw, at);
    rejectUnsupportedKeys(p, SERVICE_ENTRY_PORT_KEYS, at);
    return integerAt(p.number, `${at}.number`, 1, 65535);
  });
  const exportTo = optionalStringsAt(spec.exportTo, `${ref} spec.exportTo`) ?? ['*'];
  return hosts.map((host): MeshService => ({
    host,
    namespace,
    exportTo,
    source: `ServiceEntry/${obj.metadata.name}`,
    reaches(to: Endpoint, port: number, protocol: Protocol): boolean {
      if (to.namespace !== undefined || protocol !== 'TCP' || !ports.includes(port)) return false;
      const named = (to.hostnames ?? []).some((h) => hostMatches(host, h));
      const addressed = to.ip !== undefined && addresses.some((a) => cidrContains(a, to.ip as string));
      return named || addressed;
    },
  }));
}

/** The Services and ServiceEntries among `objects`, as registry entries. */
export function meshServicesOf(objects: readonly KubeObject[]): MeshService[] {
  return objects.flatMap((obj) => {
    if (obj.kind === 'Service' && obj.apiVersion === 'v1') return [parseService(obj)].filter((s): s is MeshService => s !== undefined);
    if (obj.kind === 'ServiceEntry' && /^networking\.istio\.io\/v1(alpha3|beta1)?$/.test(obj.apiVersion)) return parseServiceEntry(obj);
    return [];
  });
}
