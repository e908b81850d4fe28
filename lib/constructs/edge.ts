/**
 * The door in: the environment's server on the shared Istio ingress gateway and the routes of the
 * system's declared ingress paths, with end-user authentication where the environment asks for it.
 *
 * - With `tls`: HTTPS on 443 (`SIMPLE`, TLS 1.2 at least) with the certificate from
 *   `<system>-tls-<suffix>` (issued by cert-manager in istio-system) or the platform's
 *   `existingSecret`; port 80 only redirects to HTTPS; responses carry `Strict-Transport-Security`.
 * - Without (dev and PR environments): the specification's plain HTTP on 80.
 * - With `jwt`: a RequestAuthentication at each routed service; its ALLOW rule (policies.ts)
 *   requires both the gateway's identity and a token from the issuer.
 */
import { Construct } from 'constructs';
import {
  Certificate, CertificateSpecIssuerRef, CertificateSpecPrivateKeyAlgorithm, CertificateSpecPrivateKeyRotationPolicy,
} from '../../imports/cert-manager-cert-manager.io';
import type {
  GatewayV1Beta1Spec, GatewayV1Beta1SpecServers, GatewayV1Beta1SpecServersTlsMode, GatewayV1Beta1SpecServersTlsMinProtocolVersion,
  VirtualServiceV1Beta1Spec,
} from '../../imports/istio-networking.istio.io';
import type { RequestAuthenticationV1Beta1Spec } from '../../imports/istio-security.istio.io';
import { INGRESS_GATEWAY } from '../model/cluster';
import { EnvironmentConfig } from '../model/environment';
import { commonLabels } from '../model/labels';
import { Naming } from '../model/naming';
import { ingressRoutesByPrecedence, REQUEST_TIMEOUT_SECONDS, SERVICE_PORT, SystemDeclaration } from '../model/system';
import { IstioObject } from './istio-object';
import { routedServiceRequestAuthentication } from './policies';

/** Props of `Edge`. */
export interface EdgeProps {
  /** The system whose `ingress` routes are served. */
  readonly system: SystemDeclaration;
  /** The environment: its suffix, gateway host, TLS and JWT settings. */
  readonly environment: EnvironmentConfig;
}

/** Attempts and per-try timeout of the gateway route: 3 tries of 10 s fit the 30 s request timeout. */
const ROUTE_RETRIES = { attempts: 3, perTryTimeout: '10s', retryOn: '5xx,reset,connect-failure,refused-stream' };
/** One year, subdomains included: browsers never try plain HTTP again. */
export const STRICT_TRANSPORT_SECURITY = 'max-age=31536000; includeSubDomains';
/** Certificates live 90 days and renew 30 days early, so a failed renewal has weeks to be fixed. */
const CERTIFICATE_LIFETIME = { duration: '2160h', renewBefore: '720h' };

/**
 * The requests a route takes: the path itself and everything below it, segment-wise. A bare
 * `uri.prefix` is a string prefix, so `/api/e` would also take `/api/e0`, which the service's
 * authorization (paths `/api/e` and `/api/e/*`) then refuses: the edge proof found exactly that.
 */
function pathMatch(pathPrefix: string): { uri: { exact?: string; prefix?: string } }[] {
  return pathPrefix === '/' ? [{ uri: { prefix: '/' } }] : [{ uri: { exact: pathPrefix } }, { uri: { prefix: `${pathPrefix}/` } }];
}

export class Edge extends Construct {
  public readonly gateway: IstioObject<GatewayV1Beta1Spec>;
  public readonly virtualService: IstioObject<VirtualServiceV1Beta1Spec>;
  /** The certificate cert-manager issues, when the environment's TLS comes from a ClusterIssuer. */
  public readonly certificate?: Certificate;
  /** One per routed service, when the environment authenticates end users. */
  public readonly requestAuthentications: readonly IstioObject<RequestAuthenticationV1Beta1Spec>[];
  /** The hosts served: the environment's `gatewayHost`, or `*`. */
  public readonly hosts: readonly string[];
  /** The `kubernetes.io/tls` Secret in istio-system the gateway serves, when TLS is on. */
  public readonly credentialName?: string;
  /** The public URL scheme: `https` when TLS is on. */
  public readonly scheme: 'http' | 'https';

  constructor(scope: Construct, id: string, props: EdgeProps) {
    super(scope, id);
    const { system, environment: env } = props;
    const naming = new Naming(env.suffix);
    const labels = commonLabels(system.name);
    const meta = (name: string) => ({ name, namespace: naming.namespace, labels });
    const gatewayName = naming.gateway(system.name);
    this.hosts = [env.gatewayHost ?? '*'];
    this.scheme = env.tls ? 'https' : 'http';

    if (env.tls?.clusterIssuer !== undefined) {
      const name = naming.tlsCertificate(system.name);
      this.certificate = new Certificate(this, 'certificate', {
        // In istio-system, where the gateway reads credentials; the suffix keeps environments apart.
        metadata: { name, namespace: INGRESS_GATEWAY.namespace, labels, annotations: { 'argocd.argoproj.io/sync-wave': '-1' } },
        spec: {
          secretName: name,
          dnsNames: [...this.hosts],
          issuerRef: { kind: 'ClusterIssuer', name: env.tls.clusterIssuer, group: 'cert-manager.io' } satisfies CertificateSpecIssuerRef,
          privateKey: { algorithm: CertificateSpecPrivateKeyAlgorithm.ECDSA, size: 256, rotationPolicy: CertificateSpecPrivateKeyRotationPolicy.ALWAYS },
          ...CERTIFICATE_LIFETIME,
        },
      });
    }
    this.credentialName = env.tls ? env.tls.existingSecret ?? naming.tlsCertificate(system.name) : undefined;

    const servers: GatewayV1Beta1SpecServers[] = this.credentialName === undefined
      ? [{ port: { number: INGRESS_GATEWAY.http.port, name: 'http', protocol: 'HTTP' }, hosts: [...this.hosts] }]
      : [
        {
          port: { number: INGRESS_GATEWAY.https.port, name: 'https', protocol: 'HTTPS' },
          hosts: [...this.hosts],
          tls: {
            mode: 'SIMPLE' as GatewayV1Beta1SpecServersTlsMode.SIMPLE,
            credentialName: this.credentialName,
            minProtocolVersion: 'TLSV1_2' as GatewayV1Beta1SpecServersTlsMinProtocolVersion.TLSV1_UNDERSCORE_2,
          },
        },
        { port: { number: INGRESS_GATEWAY.http.port, name: 'http', protocol: 'HTTP' }, hosts: [...this.hosts], tls: { httpsRedirect: true } },
      ];
    const target = env.target;
    this.gateway = new IstioObject<GatewayV1Beta1Spec>(this, 'gateway', {
      target, group: 'networking.istio.io', kind: 'Gateway',
      metadata: meta(gatewayName),
      spec: { selector: { ...INGRESS_GATEWAY.selector }, servers },
    });

    this.virtualService = new IstioObject<VirtualServiceV1Beta1Spec>(this, 'routes', {
      target, group: 'networking.istio.io', kind: 'VirtualService',
      metadata: meta(naming.virtualService(system.name)),
      spec: {
        hosts: [...this.hosts],
        gateways: [gatewayName],
        // Longest prefix first, so that a route under another one is not shadowed by it.
        http: ingressRoutesByPrecedence(system).map((route) => ({
          name: route.service,
          match: pathMatch(route.pathPrefix),
          route: [{ destination: { host: naming.serviceHost(route.service), port: { number: SERVICE_PORT } } }],
          timeout: `${REQUEST_TIMEOUT_SECONDS}s`,
          retries: ROUTE_RETRIES,
          ...(env.tls ? { headers: { response: { set: { 'Strict-Transport-Security': STRICT_TRANSPORT_SECURITY } } } } : {}),
        })),
      },
    });

    const jwt = env.jwt;
    const routed = [...new Set(system.ingress.map((r) => r.service))];
    this.requestAuthentications = jwt === undefined ? [] : routed.map((service) => new IstioObject(this, `jwt-${service}`, {
      target, group: 'security.istio.io', kind: 'RequestAuthentication',
      metadata: meta(naming.requestAuthentication(service)),
      spec: routedServiceRequestAuthentication(naming, service, jwt),
    }));
  }
}
