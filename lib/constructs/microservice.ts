/**
 * One microservice of the payment system in one environment, composed of three parts that each
 * expose what they made: its configuration (`config`), its running workload (`workload`) and its
 * traffic policies (`trafficPolicy`).
 */
import { Construct } from 'constructs';
import { ServiceConfig } from './service-config';
import { ServiceScope } from './service-scope';
import { ServiceTrafficPolicy } from './service-traffic-policy';
import { ServiceWorkload } from './service-workload';

/** Props of `Microservice`. */
export type MicroserviceProps = ServiceScope;

export class Microservice extends Construct {
  /** ConfigMap and ExternalSecret. */
  public readonly config: ServiceConfig;
  /** ServiceAccount, Deployment, Service, HPA and PodDisruptionBudget. */
  public readonly workload: ServiceWorkload;
  /** NetworkPolicy, AuthorizationPolicy, Sidecar and DestinationRule. */
  public readonly trafficPolicy: ServiceTrafficPolicy;

  constructor(scope: Construct, id: string, props: MicroserviceProps) {
    super(scope, id);
    this.config = new ServiceConfig(this, 'config', props);
    this.workload = new ServiceWorkload(this, 'workload', {
      ...props, configMapName: this.config.configMap.name, secretName: this.config.secretName,
    });
    this.trafficPolicy = new ServiceTrafficPolicy(this, 'traffic-policy', props);
  }
}
