/**
 * The least-privilege traffic policies of one service, each standing on its own: a NetworkPolicy
 * (L3/L4), an Istio AuthorizationPolicy (identity and L7), a Sidecar that limits what its proxy
 * may reach, and a DestinationRule for mutual TLS and connection limits. The specs come from the
 * pure functions in `policies.ts`, derived from the system's calls.
 */
import { Construct } from 'constructs';
import {
  DestinationRuleV1Beta1, DestinationRuleV1Beta1SpecTrafficPolicyTlsMode, SidecarV1Beta1,
} from '../../imports/istio-networking.istio.io';
import { AuthorizationPolicyV1Beta1 } from '../../imports/istio-security.istio.io';
import * as k8s from './k8s';
import { serviceAuthorizationPolicy, serviceNetworkPolicy, serviceSidecar } from './policies';
import { namingOf, ServiceScope, serviceMetadata } from './service-scope';

/** Props of `ServiceTrafficPolicy`. */
export type ServiceTrafficPolicyProps = ServiceScope;

/** Who may talk to one service and whom it may talk to, at every layer. */
export class ServiceTrafficPolicy extends Construct {
  public readonly networkPolicy: k8s.KubeNetworkPolicy;
  /** Undefined when nothing may call the service: the namespace's allow-nothing policy alone applies. */
  public readonly authorizationPolicy?: AuthorizationPolicyV1Beta1;
  public readonly sidecar: SidecarV1Beta1;
  public readonly destinationRule: DestinationRuleV1Beta1;

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
      this.authorizationPolicy = new AuthorizationPolicyV1Beta1(this, 'authorization', {
        metadata: serviceMetadata(props, naming.authorizationPolicy(name)), spec: authorization,
      });
    }

    this.sidecar = new SidecarV1Beta1(this, 'sidecar', {
      metadata: serviceMetadata(props, naming.sidecar(name)), spec: serviceSidecar(system, naming, name, env),
    });

    this.destinationRule = new DestinationRuleV1Beta1(this, 'destination-rule', {
      metadata: serviceMetadata(props, naming.destinationRule(name)),
      spec: {
        host: naming.serviceHost(name),
        trafficPolicy: {
          tls: { mode: DestinationRuleV1Beta1SpecTrafficPolicyTlsMode.ISTIO_UNDERSCORE_MUTUAL },
          connectionPool: {
            tcp: { maxConnections: 100 },
            http: { http1MaxPendingRequests: 50, http2MaxRequests: 100, maxRequestsPerConnection: 2 },
          },
        },
      },
    });
  }
}
