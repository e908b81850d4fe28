/**
 * The cluster around one environment, and the world around the cluster, as the reachability proof
 * sees it.
 *
 * The environment's own pods come from its manifests: one endpoint per workload (Deployment,
 * StatefulSet, DaemonSet or bare Pod) with the pod template's labels, container ports and service
 * account. A pod gets an Istio sidecar the way the injection webhook decides it (namespace label
 * `istio-injection: enabled` unless the pod opts out with `sidecar.istio.io/inject: "false"`), and
 * with it the sidecar's declared port 15090 and the SPIFFE principal of its service account.
 *
 * Around them, from the cluster facts of `lib/model/cluster.ts` (one source for the policies and
 * the proof; the proof checks the policies against those facts, not the facts themselves):
 * - `istio-system`: the ingress gateway (an Envoy with a mesh identity) and istiod (xDS on 15012,
 *   no sidecar), with their Services;
 * - `kube-system`: kube-dns (53 over UDP and TCP) and its Service;
 * - the environment's monitoring namespace: Prometheus (no sidecar), which scrapes 15020;
 * - adversaries: an unrelated pod in the environment's namespace (no special labels; it gets a
 *   sidecar like any pod there), and an impostor in another namespace that copies the first
 *   workload's labels, ports and service account name (with its own sidecar and identity);
 * - outside the cluster: a public internet address (93.184.216.34; the hosts of dependencies on
 *   the public internet resolve to it), one address inside each private dependency's blocks (its
 *   host resolves to it), the EC2 instance metadata service (169.254.169.254 and fd00:ec2::254),
 *   and a private address that no dependency declares.
 *
 * Namespaces carry `kubernetes.io/metadata.name`, as the API server sets it. Pods get addresses in
 * the VPC CIDR 10.0.0.0/16 (the EKS VPC CNI gives pods VPC addresses; 10.0.1.0 onwards); see
 * network-policy.ts for how ipBlocks treat them.
 */
import { KubeObject, objectRef } from '../../manifest/kube-object';
import { Naming } from '../../model/naming';
import {
  integerAt, isPlainObject, optionalArrayAt, optionalStringMapAt, recordAt, ManifestInputError, stringAt,
} from '../../manifest/fields';
import { addressInBlock, Cidr, formatIp, parseCidr } from '../../model/cidr';
import {
  ENVOY_STATS_PORT, INGRESS_GATEWAY, INSTANCE_METADATA, ISTIO_MERGED_METRICS_PORT, ISTIO_NAMESPACE, ISTIOD, KUBE_DNS, NAMESPACE_NAME_LABEL,
} from '../../model/cluster';
import { EgressBlock, egressBlocks, egressBlocksContain, PUBLIC_INTERNET } from '../../model/egress';
import { kubernetesService } from './registry';
import { ClusterModel, Endpoint, EndpointPort, InfrastructureIds, MeshService, NamespaceInfo } from './types';

/** What the model needs to know about an environment. */
export interface ReachabilityEnvironment {
  readonly suffix: string;
  /** Namespace of the Prometheus that may scrape the sidecars. */
  readonly monitoringNamespace: string;
  /** Where each external dependency lives: the host the callers use and its address blocks. @default none */
  readonly dependencies?: Readonly<Record<string, { readonly host: string; readonly cidrs: readonly string[] }>>;
}

const NAME_LABEL = NAMESPACE_NAME_LABEL;
/** Namespace of the impostor pod: injected, and not the environment's. */
const OTHER_NAMESPACE = 'other-team';
/** The internet address used as source and destination. */
const INTERNET_ADDRESS = '93.184.216.34';
/** Private addresses a declared block might leave free, tried in order for the undeclared one. */
const UNDECLARED_CANDIDATES = ['172.16.0.10', '192.168.0.10', '10.255.0.10', '100.64.0.10'];
/** kube-dns serves DNS on this port over UDP and TCP. */
export const DNS_PORT = KUBE_DNS.port;
/** istiod's xDS and certificate port that every sidecar connects to. */
export const ISTIOD_XDS_PORT = ISTIOD.xdsPort;
/** The sidecar's merged Prometheus metrics port (served by istio-agent). */
export const MERGED_METRICS_PORT = ISTIO_MERGED_METRICS_PORT;
const SIDECAR_PORTS: readonly EndpointPort[] = [{ name: 'http-envoy-prom', port: ENVOY_STATS_PORT, protocol: 'TCP' }];
const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet'];

/** Id of the endpoint standing for the pods of workload `name` in `namespace`. */
export function workloadEndpointId(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

/** SPIFFE principal of a service account, in Istio's default trust domain. */
function principalOf(namespace: string, serviceAccount: string): string {
  return `cluster.local/ns/${namespace}/sa/${serviceAccount}`;
}

/** Whether the injection webhook gives a pod a sidecar. */
export function sidecarInjected(
  namespaceLabels: Readonly<Record<string, string>>, podLabels: Readonly<Record<string, string>>,
  podAnnotations: Readonly<Record<string, string>>,
): boolean {
  const pod = podLabels['sidecar.istio.io/inject'] ?? podAnnotations['sidecar.istio.io/inject'];
  const namespace = namespaceLabels['istio-injection'];
  if (namespace === 'enabled') return pod !== 'false';
  if (namespace === 'disabled') return false;
  return pod === 'true' || (namespaceLabels['istio.io/rev'] !== undefined && pod !== 'false');
}

interface PodShape {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly ports: EndpointPort[];
  readonly serviceAccount: string;
}

function containerPorts(podSpec: Record<string, unknown>, where: string): EndpointPort[] {
  return (optionalArrayAt(podSpec.containers, `${where}.containers`) ?? []).flatMap((c, i) => {
    const at = `${where}.containers[${i}]`;
    return (optionalArrayAt(recordAt(c, at).ports, `${at}.ports`) ?? []).flatMap((p, j): EndpointPort[] => {
      const portAt = `${at}.ports[${j}]`;
      const port = recordAt(p, portAt);
      const protocol = port.protocol === undefined ? 'TCP' : stringAt(port.protocol, `${portAt}.protocol`);
      if (protocol === 'SCTP') return []; // no SCTP in the model
      if (protocol !== 'TCP' && protocol !== 'UDP') throw new ManifestInputError(`${portAt}.protocol`, `"${protocol}" is not TCP, UDP or SCTP`);
      const name = port.name === undefined ? undefined : stringAt(port.name, `${portAt}.name`);
      return [{ ...(name === undefined ? {} : { name }), port: integerAt(port.containerPort, `${portAt}.containerPort`, 1, 65535), protocol }];
    });
  });
}

function podShape(obj: KubeObject): PodShape | undefined {
  const ref = objectRef(obj);
  let template: Record<string, unknown>;
  let where: string;
  if (obj.kind === 'Pod' && obj.apiVersion === 'v1') {
    template = obj;
    where = ref;
  } else if (WORKLOAD_KINDS.includes(obj.kind) && obj.apiVersion === 'apps/v1') {
    template = recordAt(recordAt(obj.spec, `${ref} spec`).template, `${ref} spec.template`);
    where = `${ref} spec.template`;
  } else {
    return undefined;
  }
  const namespace = obj.metadata.namespace;
  if (namespace === undefined) throw new ManifestInputError(ref, 'metadata.namespace is missing; the model needs to know where the pods run');
  const metadata = isPlainObject(template.metadata) ? template.metadata : {};
  const spec = recordAt(template.spec, `${where}.spec`);
  const serviceAccount = spec.serviceAccountName ?? spec.serviceAccount ?? 'default';
  return {
    namespace,
    name: obj.metadata.name,
    labels: optionalStringMapAt(metadata.labels, `${where}.metadata.labels`) ?? {},
    annotations: optionalStringMapAt(metadata.annotations, `${where}.metadata.annotations`) ?? {},
    ports: containerPorts(spec, `${where}.spec`),
    serviceAccount: stringAt(serviceAccount, `${where}.spec.serviceAccountName`),
  };
}

/** Builds the cluster model around the environment whose manifests are `objects`. */
export function buildClusterModel(objects: readonly KubeObject[], env: ReachabilityEnvironment): ClusterModel {
  const environmentNamespace = new Naming(env.suffix).namespace;
  const namespaces = new Map<string, Record<string, string>>();
  const addNamespace = (name: string, labels: Readonly<Record<string, string>> = {}): void => {
    namespaces.set(name, { ...(namespaces.get(name) ?? {}), ...labels, [NAME_LABEL]: name });
  };
  for (const obj of objects) {
    if (obj.kind === 'Namespace' && obj.apiVersion === 'v1') {
      addNamespace(obj.metadata.name, optionalStringMapAt(obj.metadata.labels, `${objectRef(obj)} metadata.labels`));
    }
  }
  const pods = objects.map(podShape).filter((p): p is PodShape => p !== undefined);
  for (const name of [environmentNamespace, ISTIO_NAMESPACE, KUBE_DNS.namespace, env.monitoringNamespace, ...pods.map((p) => p.namespace)]) {
    if (!namespaces.has(name)) addNamespace(name);
  }
  addNamespace(OTHER_NAMESPACE, { 'istio-injection': 'enabled' });

  const impersonated = pods.find((p) => p.namespace === environmentNamespace);
  const fixed: PodShape[] = [
    {
      namespace: environmentNamespace, name: 'unrelated', labels: { run: 'unrelated' }, annotations: {},
      ports: [{ name: 'http', port: 8080, protocol: 'TCP' }], serviceAccount: 'default',
    },
    {
      namespace: OTHER_NAMESPACE, name: 'impostor', labels: { ...(impersonated?.labels ?? { run: 'impostor' }) }, annotations: {},
      ports: [...(impersonated?.ports ?? [])], serviceAccount: impersonated?.serviceAccount ?? 'default',
    },
  ];
  const endpoints: Endpoint[] = [...pods, ...fixed].map((p) => {
    const sidecar = sidecarInjected(namespaces.get(p.namespace) ?? {}, p.labels, p.annotations);
    return {
      id: workloadEndpointId(p.namespace, p.name),
      namespace: p.namespace,
      labels: p.labels,
      ports: sidecar ? [...p.ports, ...SIDECAR_PORTS] : p.ports,
      sidecar,
      ...(sidecar ? { principal: principalOf(p.namespace, p.serviceAccount) } : {}),
    };
  });

  const gateway: Endpoint = {
    id: workloadEndpointId(INGRESS_GATEWAY.namespace, INGRESS_GATEWAY.service), namespace: INGRESS_GATEWAY.namespace,
    labels: { ...INGRESS_GATEWAY.podLabels },
    ports: [
      { name: 'http2', port: INGRESS_GATEWAY.http.targetPort, protocol: 'TCP' }, { name: 'https', port: INGRESS_GATEWAY.https.targetPort, protocol: 'TCP' },
      { name: 'status-port', port: INGRESS_GATEWAY.statusPort, protocol: 'TCP' }, ...SIDECAR_PORTS,
    ],
    sidecar: true, gateway: true, principal: INGRESS_GATEWAY.principal,
  };
  const istiod: Endpoint = {
    id: workloadEndpointId(ISTIOD.namespace, ISTIOD.service), namespace: ISTIOD.namespace,
    labels: { ...ISTIOD.selector }, ports: [{ name: 'grpc-xds', port: ISTIOD.xdsPort, protocol: 'TCP' }], sidecar: false,
  };
  const kubeDns: Endpoint = {
    id: workloadEndpointId(KUBE_DNS.namespace, KUBE_DNS.service), namespace: KUBE_DNS.namespace,
    labels: { ...KUBE_DNS.selector },
    ports: [{ name: 'dns', port: KUBE_DNS.port, protocol: 'UDP' }, { name: 'dns-tcp', port: KUBE_DNS.port, protocol: 'TCP' }],
    sidecar: false,
  };
  const prometheus: Endpoint = {
    id: workloadEndpointId(env.monitoringNamespace, 'prometheus'), namespace: env.monitoringNamespace,
    labels: { 'app.kubernetes.io/name': 'prometheus' }, ports: [{ name: 'web', port: 9090, protocol: 'TCP' }], sidecar: false,
  };
  const all = [...endpoints, gateway, istiod, kubeDns, prometheus].map((e, i): Endpoint => ({ ...e, ip: `10.0.${1 + Math.floor(i / 250)}.${1 + (i % 250)}` }));
  const outside = outsideWorld(env, new Set(all.map((e) => e.ip as string)));
  all.push(...outside.endpoints);

  const seen = new Set<string>();
  for (const e of all) {
    if (seen.has(e.id)) throw new ManifestInputError(e.id, 'two endpoints of the model share this id; rename the workload');
    seen.add(e.id);
  }
  const infrastructure: InfrastructureIds = {
    ingressGateway: gateway.id,
    istiod: istiod.id,
    kubeDns: kubeDns.id,
    prometheus: prometheus.id,
    unrelatedPod: workloadEndpointId(environmentNamespace, 'unrelated'),
    otherNamespacePod: workloadEndpointId(OTHER_NAMESPACE, 'impostor'),
    ...outside.ids,
  };
  const platformServices: MeshService[] = [
    kubernetesService(KUBE_DNS.service, KUBE_DNS.namespace, KUBE_DNS.selector, [
      { port: KUBE_DNS.port, targetPort: KUBE_DNS.port, protocol: 'UDP' }, { port: KUBE_DNS.port, targetPort: KUBE_DNS.port, protocol: 'TCP' },
    ]),
    kubernetesService(ISTIOD.service, ISTIOD.namespace, ISTIOD.selector, [{ port: ISTIOD.xdsPort, targetPort: ISTIOD.xdsPort, protocol: 'TCP' }]),
    kubernetesService(INGRESS_GATEWAY.service, INGRESS_GATEWAY.namespace, INGRESS_GATEWAY.selector, [
      { port: INGRESS_GATEWAY.http.port, targetPort: INGRESS_GATEWAY.http.targetPort, protocol: 'TCP' },
      { port: INGRESS_GATEWAY.https.port, targetPort: INGRESS_GATEWAY.https.targetPort, protocol: 'TCP' },
    ]),
    kubernetesService('prometheus', env.monitoringNamespace, { 'app.kubernetes.io/name': 'prometheus' }, [{ port: 9090, targetPort: 9090, protocol: 'TCP' }]),
  ];
  return {
    environmentNamespace,
    namespaces: [...namespaces].map(([name, labels]): NamespaceInfo => ({ name, labels })),
    endpoints: all,
    infrastructure,
    platformServices,
  };
}

/** An endpoint outside the cluster. */
function external(id: string, ip: string, hostnames: readonly string[] = []): Endpoint {
  return { id, labels: {}, ports: [], sidecar: false, ip, ...(hostnames.length > 0 ? { hostnames } : {}) };
}

/**
 * The addresses outside the cluster: the internet (named by every public dependency's host), one
 * address in each private dependency's first block (named by its host), the metadata service and
 * an undeclared private address. A dependency whose address would be a pod's is refused: the
 * proof could not tell the two apart.
 */
function outsideWorld(env: ReachabilityEnvironment, podAddresses: ReadonlySet<string>): { endpoints: Endpoint[]; ids: Omit<InfrastructureIds, 'ingressGateway' | 'istiod' | 'kubeDns' | 'prometheus' | 'unrelatedPod' | 'otherNamespacePod'> } {
  const dependencies = Object.entries(env.dependencies ?? {});
  const publicHosts = dependencies.filter(([, d]) => d.cidrs.includes(PUBLIC_INTERNET)).map(([, d]) => d.host);
  const internet = external('internet', INTERNET_ADDRESS, publicHosts);
  const endpoints: Endpoint[] = [internet];
  const ids: Record<string, string> = {};
  const declared: EgressBlock[] = [];
  for (const [name, address] of dependencies) {
    const blocks = egressBlocks(address.cidrs);
    declared.push(...blocks);
    const first = address.cidrs.find((c) => c !== PUBLIC_INTERNET);
    if (first === undefined) {
      ids[name] = internet.id;
      continue;
    }
    const block = parseCidr(first, true) as Cidr;
    const ip = formatIp(addressInBlock(block, block.prefix >= (block.family === 4 ? 31 : 127) ? 0n : 10n));
    if (podAddresses.has(ip)) {
      throw new ManifestInputError(`dependency ${name}`, `its address ${ip} (in ${first}) is a pod's address in the model (pods get 10.0.1.0 onwards); the proof cannot tell them apart`);
    }
    const endpoint = external(`external/${name}`, ip, [address.host]);
    endpoints.push(endpoint);
    ids[name] = endpoint.id;
  }
  const undeclared = UNDECLARED_CANDIDATES.find((ip) => !egressBlocksContain(declared, ip));
  if (undeclared === undefined) throw new ManifestInputError('dependencies', `the declared blocks cover every private address the model tries (${UNDECLARED_CANDIDATES.join(', ')}); narrow them`);
  const metadata = external('metadata', INSTANCE_METADATA.ipv4);
  const metadataV6 = external('metadata-v6', INSTANCE_METADATA.ipv6);
  const privateUndeclared = external('private-undeclared', undeclared);
  endpoints.push(metadata, metadataV6, privateUndeclared);
  return { endpoints, ids: { internet: internet.id, metadata: metadata.id, metadataV6: metadataV6.id, privateUndeclared: privateUndeclared.id, dependencies: ids } };
}
