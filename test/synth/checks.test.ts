/** A synth whose output fails a check writes nothing; a complete synth prunes removed environments. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ENVIRONMENTS } from '../../lib/model/environments';
import { proveReachability } from '../../lib/checks/reachability';
import { runSynth } from '../../lib/synth/run';
import { validateManifests } from '../../lib/checks/validation';
import { CheckFailure } from '../../lib/model/errors';

// The real checks, wrapped so a test can make one of them fail.
jest.mock('../../lib/checks/validation', () => {
  const actual = jest.requireActual('../../lib/checks/validation');
  return { ...actual, validateManifests: jest.fn(actual.validateManifests) };
});
jest.mock('../../lib/checks/reachability', () => {
  const actual = jest.requireActual('../../lib/checks/reachability');
  return { ...actual, proveReachability: jest.fn(actual.proveReachability) };
});

let root: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-checks-'));
});
afterEach(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

const listing = () => ['dist', 'outputs', 'argocd', 'diagrams'].flatMap((d) =>
  (fs.existsSync(path.join(root, d)) ? fs.readdirSync(path.join(root, d)).map((f) => `${d}/${f}`) : [])).sort();

test('an invalid object stops the synth before anything is written', () => {
  const problem = { kind: 'Deployment', name: 'payment-api-dev', path: 'spec.replicas', message: 'broken on purpose' };
  jest.mocked(validateManifests).mockReturnValueOnce([problem]);
  let error: unknown;
  try {
    runSynth({ root, vars: {} });
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(CheckFailure);
  expect((error as CheckFailure).exitCode).toBe(1);
  expect((error as CheckFailure).problems).toContain('dist/dev.k8s.yaml: Deployment/payment-api-dev: spec.replicas: broken on purpose');
  expect(listing()).toEqual([]);
});

test('a failed reachability proof stops the synth before anything is written', () => {
  const real = jest.requireActual('../../lib/checks/reachability').proveReachability as typeof proveReachability;
  jest.mocked(proveReachability).mockImplementationOnce((...args) => ({
    ...real(...args),
    extra: [{ from: 'default/intruder', to: 'microservices-dev/payment-api-dev', port: 8080, protocol: 'TCP' }],
    holds: false,
  }));
  expect(() => runSynth({ root, vars: {} })).toThrow(/reachability: default\/intruder .*payment-api-dev.* is allowed but not declared/);
  expect(listing()).toEqual([]);
});

test('a complete synth deletes the files of an environment that left the config; an ad-hoc one does not', () => {
  runSynth({ root, vars: {} });
  const withoutStaging = { ...ENVIRONMENTS, environments: ENVIRONMENTS.environments.filter((e) => e.suffix !== 'staging') };
  runSynth({ root, vars: { ENVIRONMENT_SUFFIX: 'dev' }, environments: withoutStaging });
  expect(listing()).toContain('dist/staging.k8s.yaml');
  runSynth({ root, vars: {}, environments: withoutStaging });
  const kept = withoutStaging.environments.map((e) => e.suffix);
  expect(listing()).toEqual(kept.flatMap((s) => [`argocd/${s}.yaml`, `diagrams/${s}.md`, `dist/${s}.k8s.yaml`, `outputs/${s}.json`]).sort());
});
