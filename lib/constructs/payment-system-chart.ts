import { Chart } from 'cdk8s';
import * as k8s from './k8s';
import { Construct } from 'constructs';
import { GatewayV1Beta1, SidecarV1Beta1, VirtualServiceV1Beta1 } from '../../imports/istio-networking.istio.io';
import { AuthorizationPolicyV1Beta1, PeerAuthenticationV1Beta1, PeerAuthenticationV1Beta1SpecMtlsMode } from '../../imports/istio-security.istio.io';
import { INGRESS_GATEWAY } from '../model/cluster';
import { EnvironmentConfig } from '../model/environment';
import { commonLabels } from '../model/labels';
import { Microservice, REQUEST_TIMEOUT_SECONDS } from './microservice';
import { Naming } from '../model/naming';
import { allowNothingAuthorizationPolicy, defaultDenyNetworkPolicy, defaultSidecar } from './policies';
import { checkSystemDeclaration, SERVICE_PORT, SystemDeclaration } from '../model/system';
import { ConfigError } from '../model/errors';

/** Props of one environment's chart. */
export interface PaymentSystemChartProps {
  /** The environment to build (validated; see `resolveEnvironment`). */
  readonly environment: EnvironmentConfig;
  /** Services and calls to build. */
  readonly system: SystemDeclaration;
}

/** Attempts and per-try timeout of the gateway route: 3 tries of 10 s fit the 30 s request timeout. */
const ROUTE_RETRIES = { attempts: 3, perTryTimeout: '10s', retryOn: '5xx,reset,connect-failure,refused-stream' };

/**
 * The complete object graph of one environment: its namespace with sidecar injection and
 * zero-trust baseline (default-deny NetworkPolicy, STRICT mTLS, allow-nothing authorization,
 * default Sidecar scope), one `Microservice` per declared service, and the ingress route.
 */
export class PaymentSystemChart extends Chart {
  constructor(scope: Construct, id: string, props: PaymentSystemChartProps) {
    const naming = new Naming(props.environment.suffix);
    super(scope, id, { disableResourceNameHashes: true });
    const { environment: env, system } = props;
    const problems = checkSystemDeclaration(system);
    if (problems.length > 0) throw new ConfigError(problems.map((p) => `system declaration: ${p}`));

    const labels = commonLabels(system.name);
    const meta = (name: string) => ({ name, namespace: naming.namespace, labels });

    new k8s.KubeNamespace(this, 'namespace', {
      metadata: {
        name: naming.namespace,
        labels: { ...labels, 'istio-injection': 'enabled' },
        annotations: { 'argocd.argoproj.io/sync-wave': '-2' },
      },
    });
    new k8s.KubeNetworkPolicy(this, 'default-deny', { metadata: meta(naming.namespaceWide('default-deny')), spec: defaultDenyNetworkPolicy() });
    new PeerAuthenticationV1Beta1(this, 'strict-mtls', {
      metadata: meta(naming.namespaceWide('strict-mtls')),
      spec: { mtls: { mode: PeerAuthenticationV1Beta1SpecMtlsMode.STRICT } },
    });
    new AuthorizationPolicyV1Beta1(this, 'allow-nothing', { metadata: meta(naming.namespaceWide('allow-nothing')), spec: allowNothingAuthorizationPolicy() });
    new SidecarV1Beta1(this, 'default-sidecar', { metadata: meta(naming.namespaceWide('default-sidecar')), spec: defaultSidecar() });

    for (const service of system.services) {
      new Microservice(this, service.name, { service, system, environment: env });
    }

    if (system.ingress.length > 0) {
      const gatewayName = naming.gateway(system.name);
      const hosts = [env.gatewayHost ?? '*'];
      new GatewayV1Beta1(this, 'gateway', {
        metadata: meta(gatewayName),
        spec: {
          selector: { ...INGRESS_GATEWAY.selector },
          servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts }],
        },
      });
      new VirtualServiceV1Beta1(this, 'routes', {
        metadata: meta(naming.virtualService(system.name)),
        spec: {
          hosts,
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
}
