/**
 * Rules on the mesh's doors: what the ingress gateway serves (HTTPS with a current TLS version, or
 * plain HTTP only where the environment allows it) and whether any egress rule can reach the EC2
 * instance metadata service.
 */
import { list, record, str } from '../../manifest/fields';
import { KubeObject } from '../../manifest/kube-object';
import { Cidr, cidrContains, parseCidr } from '../../model/cidr';
import { INSTANCE_METADATA } from '../../model/cluster';
import { LintRule } from './types';
import { finding, show, spec } from './workloads';

const ISTIO_NETWORKING = /^networking\.istio\.io\/v1(alpha3|beta1)?$/;

function gatewayServers(objects: readonly KubeObject[]): { gateway: KubeObject; server: Readonly<Record<string, unknown>>; path: string }[] {
  return objects.filter((o) => o.kind === 'Gateway' && ISTIO_NETWORKING.test(o.apiVersion)).flatMap((gateway) =>
    list(spec(gateway).servers).flatMap((raw, i) => {
      const server = record(raw);
      return server ? [{ gateway, server, path: `spec.servers[${i}]` }] : [];
    }));
}

const plainHttpGateway: LintRule = {
  id: 'plain-http-gateway',
  rationale: 'A Gateway server on plain HTTP that does not redirect sends requests (card data, tokens) across the internet unencrypted; PCI DSS requirement 4 forbids it.',
  remediation: 'Serve the host over HTTPS (tls.mode SIMPLE with a credentialName) and set tls.httpsRedirect: true on the port-80 server; only dev-like environments (allowPlainHttp) may serve plain HTTP.',
  check: (objects, options) => (options.allowPlainHttp ? [] : gatewayServers(objects).flatMap(({ gateway, server, path }) => {
    const protocol = str(record(server.port)?.protocol)?.toUpperCase();
    if (protocol !== 'HTTP' || record(server.tls)?.httpsRedirect === true) return [];
    return [finding('plain-http-gateway', gateway, `${path} serves ${show(server.hosts)} over HTTP without tls.httpsRedirect, expected HTTPS or a redirect to it`)];
  })),
};

const GOOD_TLS_VERSIONS = new Set(['TLSV1_2', 'TLSV1_3']);

const gatewayTlsVersion: LintRule = {
  id: 'gateway-tls-version',
  rationale: 'Istio\'s gateway accepts TLS 1.0 and 1.1 unless told otherwise; both are broken and PCI DSS no longer allows them.',
  remediation: 'Set tls.minProtocolVersion: TLSV1_2 (or TLSV1_3) on every HTTPS server of the Gateway.',
  check: (objects) => gatewayServers(objects).flatMap(({ gateway, server, path }) => {
    const protocol = str(record(server.port)?.protocol)?.toUpperCase();
    if (protocol !== 'HTTPS') return [];
    const version = record(server.tls)?.minProtocolVersion;
    return typeof version === 'string' && GOOD_TLS_VERSIONS.has(version) ? []
      : [finding('gateway-tls-version', gateway, `${path}.tls.minProtocolVersion is ${show(version)}, expected TLSV1_2 or TLSV1_3`)];
  }),
};

const METADATA = [INSTANCE_METADATA.ipv4, INSTANCE_METADATA.ipv6];

/** The metadata addresses an egress peer reaches: all of them for a peer without ipBlock limits, else those its block leaves in. */
function metadataReached(peers: readonly unknown[]): string[] {
  if (peers.length === 0) return METADATA; // `to` absent or empty: every destination
  return METADATA.filter((address) => peers.some((raw) => {
    const block = record(record(raw)?.ipBlock);
    const cidr = str(block?.cidr) === undefined ? undefined : parseCidr(str(block?.cidr) as string, true);
    if (!cidr || !cidrContains(cidr, address)) return false;
    const except = list(block?.except).map((e) => (typeof e === 'string' ? parseCidr(e, true) : undefined)).filter((e): e is Cidr => e !== undefined);
    return !except.some((e) => cidrContains(e, address));
  }));
}

const instanceMetadataEgress: LintRule = {
  id: 'instance-metadata-egress',
  rationale: 'A pod that reaches the EC2 instance metadata service (169.254.169.254, fd00:ec2::254) can read the node\'s IAM credentials.',
  remediation: 'Narrow the egress rule to the dependency\'s address blocks, and add 169.254.169.254/32 (fd00:ec2::254/128 for IPv6) to the except list of any block that contains it.',
  check: (objects) => objects.filter((o) => o.kind === 'NetworkPolicy').flatMap((policy) =>
    list(spec(policy).egress).flatMap((raw, i) => {
      const reached = metadataReached(list(record(raw)?.to));
      return reached.length === 0 ? [] : [finding('instance-metadata-egress', policy, `spec.egress[${i}] reaches ${reached.join(' and ')}, expected the metadata service excepted`)];
    })),
};

/** Rules on the gateway and on egress. */
export const MESH_RULES: readonly LintRule[] = [plainHttpGateway, gatewayTlsVersion, instanceMetadataEgress];
