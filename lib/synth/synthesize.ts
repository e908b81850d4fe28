/**
 * From environment config to manifest text: builds one environment's chart, orders its objects,
 * renders YAML and derives the stack outputs. No file system access here.
 */
import { App } from 'cdk8s';
import { ENVIRONMENTS, selectEnvironments } from '../model/environments';
import { EnvironmentConfig, EnvironmentsFile } from '../model/environment';
import { KubeObject } from '../manifest/kube-object';
import { Naming } from '../model/naming';
import { PaymentSystemChart } from '../constructs/payment-system-chart';
import { PAYMENT_SYSTEM, SystemDeclaration } from '../model/system';
import { toYaml } from '../render/yaml-writer';

/**
 * Apply order: the Namespace first (everything else lives in it), then identities, config and
 * secrets the workloads need, the workloads and their Services, scaling, and policies last.
 */
const KIND_ORDER = [
  'Namespace', 'ServiceAccount', 'ConfigMap', 'ExternalSecret', 'Deployment', 'Service',
  'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'NetworkPolicy', 'PeerAuthentication',
  'AuthorizationPolicy', 'Sidecar', 'DestinationRule', 'Gateway', 'VirtualService',
];

function kindRank(kind: string): number {
  const rank = KIND_ORDER.indexOf(kind);
  return rank === -1 ? KIND_ORDER.length : rank;
}

/**
 * All objects of one environment in apply order (Namespace first; within a kind, namespace-wide
 * objects and then the services in declaration order). Each environment gets its own App: cdk8s
 * resolves and validates a whole App per chart, so sharing one would make synth quadratic.
 */
export function synthesizeEnvironment(env: EnvironmentConfig, system: SystemDeclaration = PAYMENT_SYSTEM): KubeObject[] {
  const app = new App();
  const chart = new PaymentSystemChart(app, env.suffix, { environment: env, system });
  const objects = chart.toJson() as KubeObject[];
  return objects
    .map((obj, index) => ({ obj, index }))
    .sort((a, b) => kindRank(a.obj.kind) - kindRank(b.obj.kind) || a.index - b.index)
    .map(({ obj }) => obj);
}

/** Every configured environment (validated), for tools that look at all of them. */
export function loadEnvironments(file: EnvironmentsFile = ENVIRONMENTS): EnvironmentConfig[] {
  return [...selectEnvironments({}, file).environments];
}

/**
 * Multi-document YAML as `kubectl apply -f` and ArgoCD read it. Strings such as `on`, `yes` or
 * `0755` stay quoted strings for YAML 1.1 readers like kubectl (see `toYaml`).
 */
export function renderManifest(objects: readonly KubeObject[]): string {
  return objects.map((obj) => toYaml(obj)).join('---\n');
}

/** Stack outputs of one environment, as written to `outputs/<suffix>.json`. */
export interface StackOutputs {
  readonly gatewayUrl: string;
  readonly namespaceName: string;
  readonly hpaStatus: readonly string[];
  /** `<camelCaseService>Endpoint`, e.g. `paymentApiEndpoint`. */
  readonly [endpoint: `${string}Endpoint`]: string;
}

/** `payment-api` -> `paymentApiEndpoint`. */
function endpointKey(service: string): `${string}Endpoint` {
  return `${service.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase())}Endpoint`;
}

/**
 * The outputs users and CI read after a synth. The gateway's external host is not knowable at
 * synth time: it comes from the config when set, otherwise the value says how to look it up.
 */
export function stackOutputs(env: EnvironmentConfig, system: SystemDeclaration = PAYMENT_SYSTEM): StackOutputs {
  const naming = new Naming(env.suffix);
  const path = system.ingress[0]?.pathPrefix ?? '/';
  const gatewayUrl = env.gatewayHost
    ? `http://${env.gatewayHost}${path}`
    : `unknown until deployed: run \`kubectl -n istio-system get service istio-ingressgateway -o jsonpath='{.status.loadBalancer.ingress[0].hostname}'\` and use http://<that host>${path}`;
  const endpoints = Object.fromEntries(system.services.map((s) => [endpointKey(s.name), naming.serviceUrl(s.name)]));
  return {
    gatewayUrl,
    ...endpoints,
    namespaceName: naming.namespace,
    hpaStatus: system.services.map((s) => naming.hpa(s.name)),
  };
}
