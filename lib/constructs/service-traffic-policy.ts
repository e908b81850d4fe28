/**
 * The least-privilege traffic policies of one service, each standing on its own: a NetworkPolicy
 * (L3/L4), an Istio AuthorizationPolicy (identity and L7), a Sidecar that limits what its proxy
 * may reach, and a DestinationRule for mutual TLS and connection limits. The specs come from the
 * pure functions in `policies.ts`, derived from the system's calls.
 */
import { Construct } from 'constructs';
import type {
  DestinationRuleV1Beta1Spec, DestinationRuleV1Beta1SpecTrafficPolicyTlsMode, SidecarV1Beta1Spec,
} from '../../imports/istio-networking.istio.io';
import type { AuthorizationPolicyV1Beta1Spec } from '../../imports/istio-security.istio.io';
import { IstioObject } from './istio-object';
import * as k8s from './k8s';
import { serviceAuthorizationPolicy, serviceNetworkPolicy, serviceSidecar } from './policies';
import { namingOf, ServiceScope, serviceMetadata } from './service-scope';

/** Props of `ServiceTrafficPolicy`. */
export type ServiceTrafficPolicyProps = ServiceScope;

/** Who may talk to one service and whom it may talk to, at every layer. */
export class ServiceTrafficPolicy extends Construct {
  public readonly networkPolicy: k8s.KubeNetworkPolicy;
  /** Undefined when nothing may call the service: the namespace's allow-nothing policy alone applies. */
  public readonly authorizationPolicy?: IstioObject<AuthorizationPolicyV1Beta1Spec>;
  public readonly sidecar: IstioObject<SidecarV1Beta1Spec>;
  public readonly destinationRule: IstioObject<DestinationRuleV1Beta1Spec>;

  constructor(scope: Construct, id: string, props: ServiceTrafficPolicyProps) {
    super(scope, id);
    const naming = namingOf(props);
    const { system, environment: env } = props;
    const name = props.service.name;

    this.networkPolicy = new k8s.KubeNetworkPolicy(this, 'network-policy', {
      metadata: serviceMetadata(props, naming.networkPolicy(name)),
      spec: serviceNetworkPolicy(system, naming, name, env),
    });

    const authorization = serviceAuthorizationPolicy(system, naming, name, env);
    if (authorization) {
      this.authorizationPolicy = new IstioObject(this, 'authorization', {
        target: env.target, group: 'security.istio.io', kind: 'AuthorizationPolicy',
        metadata: serviceMetadata(props, naming.authorizationPolicy(name)), spec: authorization,
      });
    }

    this.sidecar = new IstioObject(this, 'sidecar', {
      target: env.target, group: 'networking.istio.io', kind: 'Sidecar',
      metadata: serviceMetadata(props, naming.sidecar(name)), spec: serviceSidecar(system, naming, name, env),
    });

    this.destinationRule = new IstioObject<DestinationRuleV1Beta1Spec>(this, 'destination-rule', {
      target: env.target, group: 'networking.istio.io', kind: 'DestinationRule',
      metadata: serviceMetadata(props, naming.destinationRule(name)),
      spec: {
        host: naming.serviceHost(name),
        trafficPolicy: {
          tls: { mode: 'ISTIO_MUTUAL' as DestinationRuleV1Beta1SpecTrafficPolicyTlsMode.ISTIO_UNDERSCORE_MUTUAL },
          connectionPool: {
            tcp: { maxConnections: 100 },
            http: { http1MaxPendingRequests: 50, http2MaxRequests: 100, maxRequestsPerConnection: 2 },
          },
        },
      },
    });
  }
}
