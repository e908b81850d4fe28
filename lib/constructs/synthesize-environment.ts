/**
 * One environment's object graph as plain JSON, in apply order: the only place that runs cdk8s
 * (an `App` per environment, its `PaymentSystemChart`, `toJson`).
 */
import { App } from 'cdk8s';
import { EnvironmentConfig } from '../model/environment';
import { KubeObject } from '../manifest/kube-object';
import { PAYMENT_SYSTEM, SystemDeclaration } from '../model/system';
import { PaymentSystemChart } from './payment-system-chart';

/**
 * Apply order: the Namespace first (everything else lives in it), then identities, config and
 * secrets the workloads need, the workloads and their Services, scaling, and policies last.
 */
const KIND_ORDER = [
  'Namespace', 'ServiceAccount', 'ConfigMap', 'ExternalSecret', 'Certificate', 'Deployment', 'Service',
  'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'NetworkPolicy', 'PeerAuthentication', 'RequestAuthentication',
  'AuthorizationPolicy', 'ServiceEntry', 'Sidecar', 'DestinationRule', 'Gateway', 'VirtualService',
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
