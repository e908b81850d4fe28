/**
 * Property: any environment config or variables either synthesize valid manifests for exactly the
 * selected environments, or are rejected with one-line ConfigErrors and nothing written.
 */
import fc from 'fast-check';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { EnvironmentsFile } from '../../lib/model/environment';
import { ENVIRONMENTS } from '../../lib/model/environments';
import { OUTPUT_FOLDERS } from '../../lib/model/output-layout';
import { runSynth } from '../../lib/synth/run';
import { loadEnvironments } from '../../lib/synth/select-environments';
import { validateManifests } from '../../lib/checks/validation';
import { ConfigError } from '../../lib/model/errors';
import { TEST_DEPENDENCIES, TEST_EDGE } from '../helpers';

let root: string;
beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-property-'));
  runSynth({ root, vars: {} });
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const FOLDERS = Object.values(OUTPUT_FOLDERS).map((f) => f.dir);

function tree(): Record<string, string> {
  return Object.fromEntries(FOLDERS.flatMap((d) =>
    fs.readdirSync(path.join(root, d)).map((f) => [`${d}/${f}`, fs.readFileSync(path.join(root, d, f), 'utf8')])));
}

function restore(files: Record<string, string>): void {
  for (const d of FOLDERS) fs.rmSync(path.join(root, d), { recursive: true, force: true });
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), content);
  }
}

const IMG = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
/** Mostly valid values, sometimes a bad one, so both outcomes are exercised. */
const mostly = <T>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<T>) => fc.oneof({ arbitrary: valid, weight: 30 }, { arbitrary: invalid, weight: 1 });
const suffixArb = mostly(fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,10}[a-z0-9])?$/), fc.oneof(fc.constantFrom('x'.repeat(35), 'Bad', '-a', ''), fc.string({ maxLength: 12 })));
const imageArb = mostly(
  fc.constantFrom(`${IMG}/app:1.0.0`, `${IMG}/app@sha256:${'b'.repeat(64)}`, 'registry.example.com:5000/team/app:2.3'),
  fc.oneof(fc.constantFrom(`${IMG}/app:latest`, `${IMG}/app`, 'not an image', ''), fc.string({ maxLength: 20 })),
);
const cpuArb = mostly(fc.constantFrom('100m', '250m', '500m'), fc.constantFrom('4', 'lots', '-1', ''));
const memoryArb = mostly(fc.constantFrom('128Mi', '256Mi', '512Mi'), fc.constantFrom('8Gi', '1.5.5', ''));
const environmentArb = fc.record({
  suffix: suffixArb,
  images: fc.record({ 'payment-api': imageArb, 'fraud-detector': imageArb, 'notification-service': imageArb }),
  minReplicas: mostly(fc.integer({ min: 2, max: 5 }), fc.integer({ min: -1, max: 1 })),
  maxReplicas: mostly(fc.integer({ min: 5, max: 40 }), fc.integer({ min: 0, max: 4 })),
  requests: fc.record({ cpu: cpuArb, memory: memoryArb }),
  limits: fc.record({ cpu: mostly(fc.constantFrom('500m', '1'), cpuArb), memory: mostly(fc.constantFrom('1Gi', '2Gi'), memoryArb) }),
  logLevel: mostly(fc.constantFrom('debug', 'info', 'warn', 'error'), fc.constant('trace')),
  mutableImageTags: fc.boolean(),
  gatewayDomain: mostly(fc.constantFrom('example.com', 'pay.internal'), fc.constantFrom('Not A Host', 'http://x')),
  secureEdge: fc.boolean(),
  dependencies: mostly<unknown>(fc.constant(TEST_DEPENDENCIES), fc.constantFrom({}, { 'payments-db': { host: 'db', cidrs: ['10.9.0.0/33'] } })),
  unexpectedKey: fc.constant('x'),
}, { requiredKeys: ['suffix', 'images', 'secureEdge', 'dependencies'] }).map(({ unexpectedKey, gatewayDomain, secureEdge, ...env }) => {
  // One host per environment (environments on one cluster must not share one), a production edge or plain HTTP.
  const gatewayHost = gatewayDomain === undefined ? undefined : gatewayDomain.includes('.') ? `${env.suffix}.${gatewayDomain}` : gatewayDomain;
  const edge = secureEdge && gatewayHost !== undefined ? { ...TEST_EDGE, gatewayHost } : { allowPlainHttp: true, ...(gatewayHost === undefined ? {} : { gatewayHost }) };
  const withEdge = { ...env, ...edge };
  return unexpectedKey !== undefined && env.suffix.length % 7 === 0 ? { ...withEdge, unexpectedKey } : withEdge;
});

test('every generated config synthesizes valid manifests or is rejected cleanly, never partially', () => {
  const before = tree();
  const outcomes = { accepted: 0, rejected: 0 };
  fc.assert(fc.property(fc.uniqueArray(environmentArb, { minLength: 1, maxLength: 2, selector: (e) => e.suffix }), (environments) => {
    const file = { ...ENVIRONMENTS, environments } as unknown as EnvironmentsFile;
    let error: unknown;
    try {
      runSynth({ root, vars: {}, environments: file });
    } catch (e) {
      error = e;
    }
    expect(error === undefined || error instanceof ConfigError).toBe(true);
    const after = tree();
    const rejected = error instanceof ConfigError;
    outcomes[rejected ? 'rejected' : 'accepted']++;
    // Rejected: nothing changed and every problem is one line. Accepted: exactly the configured files, all valid.
    expect(rejected ? after : before).toEqual(before);
    expect((error instanceof ConfigError ? error.problems : []).every((p) => p.length > 0 && !p.includes('\n'))).toBe(true);
    const manifests = rejected ? [] : Object.keys(after).filter((f) => f.startsWith('dist/')).sort();
    expect(manifests).toEqual(rejected ? [] : environments.map((e) => `dist/${e.suffix}.k8s.yaml`).sort());
    for (const manifest of manifests) {
      expect(validateManifests(parseAllDocuments(after[manifest], { version: '1.1' }).map((d) => d.toJSON()))).toEqual([]);
    }
    restore(before);
  }), { numRuns: 20 });
  expect(outcomes.accepted + outcomes.rejected).toBe(20);
});

/** The configs the property draws: both outcomes often enough (checked on the config alone, many draws, no synth). */
test('the generated configs are accepted and rejected in healthy proportions', () => {
  const draws = fc.sample(fc.uniqueArray(environmentArb, { minLength: 1, maxLength: 2, selector: (e) => e.suffix }), 400);
  const rejected = draws.filter((environments) => {
    try {
      loadEnvironments({ ...ENVIRONMENTS, environments } as unknown as EnvironmentsFile);
      return false;
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      return true;
    }
  }).length;
  expect(rejected / draws.length).toBeGreaterThan(0.2);
  expect(rejected / draws.length).toBeLessThan(0.8);
});
