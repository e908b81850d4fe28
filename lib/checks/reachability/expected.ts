/**
 * The connections the declaration permits, derived from a `SystemDeclaration` (never listed per
 * service): the gateway to every routed service, each caller to its callees on the service port,
 * each caller of an external dependency to where the dependency lives on its port, every service
 * to kube-dns (UDP and TCP) and istiod, and Prometheus to every service's sidecar metrics port.
 * Nothing else: not the metadata service, not an undeclared address, not another port.
 */
import { Naming } from '../../model/naming';
import { calleesOf, dependenciesOf, ingressRoutesTo, SERVICE_PORT, SystemDeclaration } from '../../model/system';
import { DNS_PORT, ISTIOD_XDS_PORT, MERGED_METRICS_PORT, workloadEndpointId } from './cluster-model';
import { ClusterModel, compareConnectionOrder, Connection, connectionKey } from './types';

/** The expected matrix of environment `env` of `system` in `model`, in stable order. */
export function expectedConnections(system: SystemDeclaration, env: { readonly suffix: string }, model: ClusterModel): Connection[] {
  const naming = new Naming(env.suffix);
  const pod = (service: string): string => workloadEndpointId(naming.namespace, naming.deployment(service));
  const { ingressGateway, kubeDns, istiod, prometheus } = model.infrastructure;
  const expected: Connection[] = [];
  for (const { name } of system.services) {
    if (ingressRoutesTo(system, name).length > 0) expected.push({ from: ingressGateway, to: pod(name), port: SERVICE_PORT, protocol: 'TCP' });
    for (const callee of calleesOf(system, name)) expected.push({ from: pod(name), to: pod(callee.name), port: SERVICE_PORT, protocol: 'TCP' });
    for (const dependency of dependenciesOf(system, name)) {
      const at = model.infrastructure.dependencies[dependency.name];
      if (at !== undefined) expected.push({ from: pod(name), to: at, port: dependency.port, protocol: 'TCP' });
    }
    expected.push(
      { from: pod(name), to: kubeDns, port: DNS_PORT, protocol: 'UDP' },
      { from: pod(name), to: kubeDns, port: DNS_PORT, protocol: 'TCP' },
      { from: pod(name), to: istiod, port: ISTIOD_XDS_PORT, protocol: 'TCP' },
      { from: prometheus, to: pod(name), port: MERGED_METRICS_PORT, protocol: 'TCP' },
    );
  }
  return [...new Map(expected.map((c) => [connectionKey(c), c])).values()].sort(compareConnectionOrder);
}

/** The difference between what should be allowed and what is. */
export interface ConnectionDiff {
  /** Expected but not allowed. */
  readonly missing: Connection[];
  /** Allowed but not expected. */
  readonly extra: Connection[];
}

/** Compares the expected and the allowed connections as sets. */
export function compareConnections(expected: readonly Connection[], allowed: readonly Connection[]): ConnectionDiff {
  const allowedKeys = new Set(allowed.map(connectionKey));
  const expectedKeys = new Set(expected.map(connectionKey));
  return {
    missing: expected.filter((c) => !allowedKeys.has(connectionKey(c))),
    extra: allowed.filter((c) => !expectedKeys.has(connectionKey(c))),
  };
}
