/**
 * The cluster around one environment, as the reachability proof sees it.
 *
 * The environment's own pods come from its manifests: one endpoint per workload (Deployment,
 * StatefulSet, DaemonSet or bare Pod) with the pod template's labels, container ports and service
 * account. A pod gets an Istio sidecar the way the injection webhook decides it (namespace label
 * `istio-injection: enabled` unless the pod opts out with `sidecar.istio.io/inject: "false"`), and
 * with it the sidecar's declared port 15090 and the SPIFFE principal of its service account.
 *
 * Around them, written here on purpose rather than read from the generator's constants, so that
 * a wrong fact there cannot agree with itself:
 * - `istio-system`: the ingress gateway (`istio: ingressgateway`, `app: istio-ingressgateway`,
 *   service account `istio-ingressgateway-service-account`, an Envoy with a mesh identity) and
 *   istiod (`app: istiod`, xDS and certificates on 15012/TCP, no sidecar).
 * - `kube-system`: kube-dns (`k8s-app: kube-dns`, 53 over UDP and TCP).
 * - the environment's monitoring namespace: Prometheus (`app.kubernetes.io/name: prometheus`,
 *   no sidecar), which scrapes the sidecars' merged metrics on 15020.
 * - adversaries: an unrelated pod in the environment's namespace (no special labels; it gets a
 *   sidecar like any pod there), an impostor in another namespace that copies the first
 *   workload's labels, ports and service account name (with its own sidecar and identity), and
 *   an internet address, 93.184.216.34.
 *
 * Namespaces carry `kubernetes.io/metadata.name`, as the API server sets it. Pods get addresses in
 * the VPC CIDR 10.0.0.0/16 (the EKS VPC CNI gives pods VPC addresses); see network-policy.ts for
 * how ipBlocks treat them.
 */
import { KubeObject, objectRef } from '../../manifest/kube-object';
import { Naming } from '../../model/naming';
import {
  integerAt, isPlainObject, optionalArrayAt, optionalStringMapAt, recordAt, ManifestInputError, stringAt,
} from '../../manifest/fields';
import { ClusterModel, Endpoint, EndpointPort, InfrastructureIds, NamespaceInfo } from './types';

/** What the model needs to know about an environment. */
export interface ReachabilityEnvironment {
  readonly suffix: string;
  /** Namespace of the Prometheus that may scrape the sidecars. */
  readonly monitoringNamespace: string;
}

const NAME_LABEL = 'kubernetes.io/metadata.name';
const ISTIO_NAMESPACE = 'istio-system';
const DNS_NAMESPACE = 'kube-system';
/** Namespace of the impostor pod: injected, and not the environment's. */
const OTHER_NAMESPACE = 'other-team';
/** The internet address used as source and destination. */
const INTERNET_ADDRESS = '93.184.216.34';
/** kube-dns serves DNS on this port over UDP and TCP. */
export const DNS_PORT = 53;
/** istiod's xDS and certificate port that every sidecar connects to. */
export const ISTIOD_XDS_PORT = 15012;
/** The sidecar's merged Prometheus metrics port (served by istio-agent). */
export const MERGED_METRICS_PORT = 15020;
const SIDECAR_PORTS: readonly EndpointPort[] = [{ name: 'http-envoy-prom', port: 15090, protocol: 'TCP' }];
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
  for (const name of [environmentNamespace, ISTIO_NAMESPACE, DNS_NAMESPACE, env.monitoringNamespace, ...pods.map((p) => p.namespace)]) {
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

  const gatewayAccount = 'istio-ingressgateway-service-account';
  const infrastructurePods: Endpoint[] = [
    {
      id: workloadEndpointId(ISTIO_NAMESPACE, 'istio-ingressgateway'), namespace: ISTIO_NAMESPACE,
      labels: { istio: 'ingressgateway', app: 'istio-ingressgateway' },
      ports: [
        { name: 'http2', port: 8080, protocol: 'TCP' }, { name: 'https', port: 8443, protocol: 'TCP' },
        { name: 'status-port', port: 15021, protocol: 'TCP' }, ...SIDECAR_PORTS,
      ],
      sidecar: true, principal: principalOf(ISTIO_NAMESPACE, gatewayAccount),
    },
    {
      id: workloadEndpointId(ISTIO_NAMESPACE, 'istiod'), namespace: ISTIO_NAMESPACE,
      labels: { app: 'istiod' }, ports: [{ port: ISTIOD_XDS_PORT, protocol: 'TCP' }], sidecar: false,
    },
    {
      id: workloadEndpointId(DNS_NAMESPACE, 'kube-dns'), namespace: DNS_NAMESPACE,
      labels: { 'k8s-app': 'kube-dns' },
      ports: [{ name: 'dns', port: DNS_PORT, protocol: 'UDP' }, { name: 'dns-tcp', port: DNS_PORT, protocol: 'TCP' }],
      sidecar: false,
    },
    {
      id: workloadEndpointId(env.monitoringNamespace, 'prometheus'), namespace: env.monitoringNamespace,
      labels: { 'app.kubernetes.io/name': 'prometheus' }, ports: [{ name: 'web', port: 9090, protocol: 'TCP' }], sidecar: false,
    },
  ];
  const all = [...endpoints, ...infrastructurePods].map((e, i): Endpoint => ({ ...e, ip: `10.0.${1 + Math.floor(i / 250)}.${1 + (i % 250)}` }));
  const internet: Endpoint = { id: 'internet', labels: {}, ports: [], sidecar: false, ip: INTERNET_ADDRESS };
  all.push(internet);

  const seen = new Set<string>();
  for (const e of all) {
    if (seen.has(e.id)) throw new ManifestInputError(e.id, 'two endpoints of the model share this id; rename the workload');
    seen.add(e.id);
  }
  const infrastructure: InfrastructureIds = {
    ingressGateway: infrastructurePods[0].id,
    istiod: infrastructurePods[1].id,
    kubeDns: infrastructurePods[2].id,
    prometheus: infrastructurePods[3].id,
    unrelatedPod: workloadEndpointId(environmentNamespace, 'unrelated'),
    otherNamespacePod: workloadEndpointId(OTHER_NAMESPACE, 'impostor'),
    internet: internet.id,
  };
  return {
    environmentNamespace,
    namespaces: [...namespaces].map(([name, labels]): NamespaceInfo => ({ name, labels })),
    endpoints: all,
    infrastructure,
  };
}
