/**
 * The way in: a Gateway on the shared Istio ingress gateway and a VirtualService that routes the
 * system's declared ingress paths to their services, with a request timeout and retries.
 */
import { Construct } from 'constructs';
import { GatewayV1Beta1, VirtualServiceV1Beta1 } from '../../imports/istio-networking.istio.io';
import { INGRESS_GATEWAY } from '../model/cluster';
import { EnvironmentConfig } from '../model/environment';
import { commonLabels } from '../model/labels';
import { Naming } from '../model/naming';
import { REQUEST_TIMEOUT_SECONDS, SERVICE_PORT, SystemDeclaration } from '../model/system';

/** Props of `IngressRoute`. */
export interface IngressRouteProps {
  /** The system whose `ingress` routes are served. */
  readonly system: SystemDeclaration;
  /** The environment: its suffix and gateway host. */
  readonly environment: EnvironmentConfig;
}

/** Attempts and per-try timeout of the gateway route: 3 tries of 10 s fit the 30 s request timeout. */
const ROUTE_RETRIES = { attempts: 3, perTryTimeout: '10s', retryOn: '5xx,reset,connect-failure,refused-stream' };

export class IngressRoute extends Construct {
  public readonly gateway: GatewayV1Beta1;
  public readonly virtualService: VirtualServiceV1Beta1;
  /** The hosts served: the environment's `gatewayHost`, or `*`. */
  public readonly hosts: readonly string[];

  constructor(scope: Construct, id: string, props: IngressRouteProps) {
    super(scope, id);
    const { system, environment: env } = props;
    const naming = new Naming(env.suffix);
    const labels = commonLabels(system.name);
    const meta = (name: string) => ({ name, namespace: naming.namespace, labels });
    const gatewayName = naming.gateway(system.name);
    this.hosts = [env.gatewayHost ?? '*'];

    this.gateway = new GatewayV1Beta1(this, 'gateway', {
      metadata: meta(gatewayName),
      spec: {
        selector: { ...INGRESS_GATEWAY.selector },
        servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: [...this.hosts] }],
      },
    });
    this.virtualService = new VirtualServiceV1Beta1(this, 'routes', {
      metadata: meta(naming.virtualService(system.name)),
      spec: {
        hosts: [...this.hosts],
        gateways: [gatewayName],
        http: system.ingress.map((route) => ({
          name: route.service,
          match: [{ uri: { prefix: route.pathPrefix } }],
          route: [{ destination: { host: naming.serviceHost(route.service), port: { number: SERVICE_PORT } } }],
          timeout: `${REQUEST_TIMEOUT_SECONDS}s`,
          retries: ROUTE_RETRIES,
        })),
      },
    });
  }
}
