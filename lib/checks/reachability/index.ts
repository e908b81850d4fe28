/**
 * Reachability proof: evaluates an environment's NetworkPolicies, Sidecar scopes, Istio
 * AuthorizationPolicies and RequestAuthentications over a model of the cluster and the world
 * around it, and checks that the allowed connections are exactly the ones the declaration
 * permits, and that requests from the internet meet the edge the config promises.
 *
 * ```ts
 * const proof = proveReachability(synthesizeEnvironment(env), PAYMENT_SYSTEM, env);
 * if (!proof.holds) console.log(proof.missing, proof.extra);
 * ```
 */
import { KubeObject } from '../../manifest/kube-object';
import { SystemDeclaration } from '../../model/system';
import { buildClusterModel, ReachabilityEnvironment } from './cluster-model';
import { compareConnections, expectedConnections } from './expected';
import { EdgeEnvironment, EdgeProof, proveEdge } from './edge';
import { evaluateMatrix, policiesOf, ProbeResult } from './matrix';
import { ClusterModel, Connection, connectionKey } from './types';

export type { ClusterModel, Connection, Endpoint, EndpointPort, InfrastructureIds, NamespaceInfo, Protocol } from './types';
export { connectionKey } from './types';
export { buildClusterModel, workloadEndpointId } from './cluster-model';
export type { ReachabilityEnvironment } from './cluster-model';
export { allowedConnections, evaluateMatrix } from './matrix';
export type { ProbeResult } from './matrix';
export { compareConnections, expectedConnections } from './expected';
export { evaluateEdge, expectedEdge, proveEdge } from './edge';
export type { EdgeEnvironment, EdgeOutcome, EdgeProof, EdgeRequest, EdgeResult } from './edge';
export type { ConnectionDiff } from './expected';
export { ManifestInputError } from '../../manifest/fields';
export { diffLines, probeTable } from './report';

/** The outcome of checking one environment. */
export interface ReachabilityProof {
  readonly model: ClusterModel;
  /** Every probe, allowed or denied. */
  readonly results: readonly ProbeResult[];
  readonly allowed: readonly Connection[];
  readonly expected: readonly Connection[];
  /** Expected but denied. */
  readonly missing: readonly Connection[];
  /** Allowed but not expected. */
  readonly extra: readonly Connection[];
  /** Requests from the internet through the gateway, and whether they meet the edge's promise. */
  readonly edge: EdgeProof;
  /** True when allowed and expected are the same set and the edge keeps its promise. */
  readonly holds: boolean;
  /**
   * Defence in depth: connections the NetworkPolicies alone allow although they are not expected
   * (Istio authorization stops them today). Should be empty: each layer must stand on its own at L4.
   */
  readonly networkPolicyExtra: readonly Connection[];
}

/**
 * Checks that `objects` (one environment's manifests) allow exactly the connections `system`
 * permits. Throws `ManifestInputError` when a manifest cannot be evaluated.
 */
export function proveReachability(
  objects: readonly KubeObject[], system: SystemDeclaration, env: ReachabilityEnvironment & EdgeEnvironment,
): ReachabilityProof {
  const model = buildClusterModel(objects, env);
  const expected = expectedConnections(system, env, model);
  // Expected ports are probed even if nothing else mentions them, so a missing edge is always seen.
  const results = evaluateMatrix(objects, model, expected.map((c) => c.port));
  const edge = proveEdge(objects, model, policiesOf(objects), system, env);
  const allowed = results.filter((r) => r.allowed).map((r) => r.connection);
  const { missing, extra } = compareConnections(expected, allowed);
  const networkAllowed = results.filter((r) => r.network.allowed).map((r) => r.connection);
  const extraKeys = new Set(extra.map(connectionKey));
  const networkPolicyExtra = compareConnections(expected, networkAllowed).extra.filter((c) => !extraKeys.has(connectionKey(c)));
  return {
    model, results, allowed, expected, missing, extra, edge, networkPolicyExtra,
    holds: missing.length === 0 && extra.length === 0 && edge.problems.length === 0,
  };
}
