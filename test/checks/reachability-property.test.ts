/**
 * Property: for any call graph (1-6 services with random names, any calls without self-loops,
 * random ingress routes) the synthesized manifests allow exactly the connections that graph
 * permits, and the NetworkPolicies alone allow nothing more.
 */
import fc from 'fast-check';
import { resolveEnvironment } from '../../lib/model/environment';
import { connectionKey, proveReachability } from '../../lib/checks/reachability';
import { SystemDeclaration } from '../../lib/model/system';
import { synthesizeEnvironment } from '../../lib/constructs/synthesize-environment';

const METHODS = ['GET', 'POST', 'PUT', 'DELETE'];

const systemArb: fc.Arbitrary<SystemDeclaration> = fc
  .uniqueArray(fc.stringMatching(/^[a-z]([a-z0-9-]{0,8}[a-z0-9])?$/), { minLength: 1, maxLength: 6 })
  .chain((names) => {
    const pairs = names.flatMap((from) => names.filter((to) => to !== from).map((to) => ({ from, to })));
    const route = (service: string) => fc.subarray(METHODS, { minLength: 1 }).map((methods) => ({ service, pathPrefix: `/api/${service}`, methods }));
    return fc.record({
      calls: fc.subarray(pairs),
      ingress: fc.subarray(names, { maxLength: Math.min(2, names.length) }).chain((routed) => fc.tuple(...routed.map(route))),
    }).map(({ calls, ingress }) => ({
      name: 'random-system',
      services: names.map((name) => ({ name, description: `service ${name}` })),
      calls,
      ingress,
    }));
  });

test('random call graphs: allowed connections equal the expected matrix', () => {
  fc.assert(fc.property(systemArb, fc.constantFrom('monitoring', 'observability'), (system, monitoringNamespace) => {
    const images = Object.fromEntries(system.services.map((s) => [s.name, `123456789012.dkr.ecr.us-east-1.amazonaws.com/${s.name}:1.0.0`]));
    const env = resolveEnvironment({ suffix: 'pt', images, monitoringNamespace }, system);
    const proof = proveReachability(synthesizeEnvironment(env, system), system, env);
    expect({
      missing: proof.missing.map(connectionKey), extra: proof.extra.map(connectionKey), networkPolicyExtra: proof.networkPolicyExtra.map(connectionKey),
    }).toEqual({ missing: [], extra: [], networkPolicyExtra: [] });
  }), { numRuns: 25 });
});
