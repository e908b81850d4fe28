/**
 * Property: for any declaration (1-6 services with random names, any calls without self-loops,
 * random ingress routes, 0-3 external dependencies of random protocols, ports, callers and
 * addresses, private or on the public internet) and either edge (plain HTTP, or TLS with JWT), the
 * synthesized manifests allow exactly the connections the declaration permits, the NetworkPolicies
 * alone allow nothing more, and the edge keeps the config's promise.
 */
import fc from 'fast-check';
import { resolveEnvironment } from '../../lib/model/environment';
import { connectionKey, proveReachability } from '../../lib/checks/reachability';
import { DependencyDeclaration, SystemDeclaration } from '../../lib/model/system';
import { synthesizeEnvironment } from '../../lib/constructs/synthesize-environment';
import { TEST_EDGE } from '../helpers';

const METHODS = ['GET', 'POST', 'PUT', 'DELETE'];
/** Private blocks outside the model's pod addresses (10.0.1.0 onwards), and the public internet. */
const ADDRESSES = [['10.20.0.0/24'], ['10.30.0.0/16', '10.31.0.0/24'], ['172.20.0.0/16'], ['192.168.50.0/24'], ['public-internet'], ['fd12:3456::/48']];
const PORTS = [443, 5432, 6379, 9092, 8443];

const dependencyArb = (services: readonly string[], name: string): fc.Arbitrary<DependencyDeclaration> => fc.record({
  protocol: fc.constantFrom('TCP' as const, 'TLS' as const, 'HTTPS' as const),
  port: fc.constantFrom(...PORTS),
  callers: fc.subarray([...services], { minLength: 1 }),
}).map((d) => ({ ...d, name, description: `dependency ${name}`, credentials: [] }));

const systemArb = fc
  .uniqueArray(fc.stringMatching(/^[a-z]([a-z0-9-]{0,8}[a-z0-9])?$/), { minLength: 1, maxLength: 6 })
  .chain((names) => {
    const pairs = names.flatMap((from) => names.filter((to) => to !== from).map((to) => ({ from, to })));
    const route = (service: string) => fc.subarray(METHODS, { minLength: 1 }).map((methods) => ({ service, pathPrefix: `/api/${service}`, methods }));
    const dependencyNames = ['dep-a', 'dep-b', 'dep-c'].filter((d) => !names.includes(d));
    return fc.record({
      calls: fc.subarray(pairs),
      ingress: fc.subarray(names, { maxLength: Math.min(2, names.length) }).chain((routed) => fc.tuple(...routed.map(route))),
      dependencies: fc.subarray(dependencyNames).chain((deps) => fc.tuple(...deps.map((d) => dependencyArb(names, d)))),
      // Distinct blocks per dependency: overlapping ones with different uses are a config error (tested in test/model).
      addresses: fc.shuffledSubarray(ADDRESSES, { minLength: 3, maxLength: 3 }),
    }).map(({ calls, ingress, dependencies, addresses }) => ({
      system: {
        name: 'random-system',
        services: names.map((name) => ({ name, description: `service ${name}` })),
        calls,
        ingress,
        dependencies,
      } satisfies SystemDeclaration,
      addresses: Object.fromEntries(dependencies.map((d, i) => [d.name, { host: `${d.name}.example.com`, cidrs: addresses[i] }])),
    }));
  });

test('random declarations: allowed connections equal the declaration, and the edge keeps its promise', () => {
  fc.assert(fc.property(systemArb, fc.constantFrom('monitoring', 'observability'), fc.boolean(), ({ system, addresses }, monitoringNamespace, secure) => {
    const images = Object.fromEntries(system.services.map((s) => [s.name, `123456789012.dkr.ecr.us-east-1.amazonaws.com/${s.name}:1.0.0`]));
    const edge = secure ? TEST_EDGE : { allowPlainHttp: true };
    const env = resolveEnvironment({ suffix: 'pt', images, monitoringNamespace, dependencies: addresses, ...edge }, system);
    const proof = proveReachability(synthesizeEnvironment(env, system), system, env);
    expect({
      missing: proof.missing.map(connectionKey), extra: proof.extra.map(connectionKey),
      networkPolicyExtra: proof.networkPolicyExtra.map(connectionKey), edge: proof.edge.problems,
    }).toEqual({ missing: [], extra: [], networkPolicyExtra: [], edge: [] });
    const toOutside = proof.allowed.filter((c) => c.to === 'internet' || c.to.startsWith('external/')).length;
    expect(toOutside).toBe(system.dependencies.reduce((n, d) => n + d.callers.length, 0));
    expect(proof.allowed.filter((c) => c.to.startsWith('metadata') || c.to === 'private-undeclared')).toEqual([]);
  }), { numRuns: 25 });
});
