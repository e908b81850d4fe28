/** `npm run upgrade-check`: an environment built for another target, nothing written, everything that changes named. */
import { runCommand } from '../../lib/cli/command';
import { parseTarget, UPGRADE_CHECK, upgradeCheckCommand } from '../../lib/cli/upgrade-check';
import { synthesizeEnvironment } from '../../lib/constructs/synthesize-environment';
import { KubeObject } from '../../lib/manifest/kube-object';
import { diffManifests } from '../../lib/manifest/diff';
import { loadEnvironments } from '../../lib/synth/select-environments';

function run(args: string[], command = UPGRADE_CHECK) {
  const out: string[] = [];
  const err: string[] = [];
  const status = runCommand(command, args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { status, out, err };
}

test('prod moves to the current target: 17 Istio apiVersions change to v1, nothing else, valid, proven', () => {
  const { status, out } = run(['prod', '--to', 'current']);
  expect(status).toBe(0);
  expect(out[0]).toBe('== prod: Kubernetes 1.28 with Istio 1.19 -> Kubernetes 1.35 with Istio 1.30 (nothing is written)');
  expect(out).toContain('apiVersions that change: 17');
  expect(out).toContain('  microservices-prod/Gateway/payment-system-gateway-prod: networking.istio.io/v1beta1 -> networking.istio.io/v1');
  expect(out).toContain('objects that fail validation for Kubernetes 1.35 with Istio 1.30: 0');
  expect(out).toContain('other differences: 0 objects');
  expect(out[out.length - 1]).toBe('OK: prod can move to Kubernetes 1.35 with Istio 1.30');
});

test('an object the new target rejects fails the check with the field named (exit 1)', () => {
  // An environment on the current target using a field Kubernetes 1.28 does not have.
  const withAppArmor = (objects: KubeObject[]) => objects.map((o) => (o.kind === 'Deployment' ? {
    ...o, spec: { ...(o.spec as object), template: { ...(o.spec as any).template, spec: { ...(o.spec as any).template.spec, securityContext: { ...(o.spec as any).template.spec.securityContext, appArmorProfile: { type: 'RuntimeDefault' } } } } },
  } : o));
  const command = upgradeCheckCommand({ loadEnvironments, synthesizeEnvironment: (env) => withAppArmor(synthesizeEnvironment(env)) });
  const { status, out } = run(['next', '--to', '1.28/1.19'], command);
  expect(status).toBe(1);
  expect(out).toContain('objects that fail validation for Kubernetes 1.28 with Istio 1.19: 3');
  expect(out).toContainEqual(expect.stringMatching(/^ {2}dist\/next\.k8s\.yaml: Deployment\/payment-api-next: spec\.template\.spec\.securityContext\.appArmorProfile: unknown field/));
  expect(out[out.length - 1]).toBe('FAIL: next cannot move to Kubernetes 1.28 with Istio 1.19 as it is');
});

test.each([
  [['prod'], /--to <target> is required/],
  [['prod', '--to', '1.35/1.19'], /--to 1\.35\/1\.19: Istio 1\.19 does not support Kubernetes 1\.35/],
  [['prod', '--to', 'latest'], /--to "latest" is not <kubernetes>\/<istio>/],
  [['nope', '--to', 'current'], /unknown environment "nope"; configured: dev, staging, prod, next/],
  [['--to', 'current'], /name exactly one environment suffix/],
  [['prod', '--to', 'current', '--write'], /unknown option "--write"/],
])('%j: exit 2 with one line', (args, message) => {
  const { status, err } = run(args);
  expect(status).toBe(2);
  expect(err).toEqual([expect.stringMatching(message)]);
});

test('parseTarget names the supported targets', () => {
  expect(parseTarget('1.35/1.30')).toEqual({ kubernetes: '1.35', istio: '1.30' });
  expect(parseTarget('specification')).toEqual({ kubernetes: '1.28', istio: '1.19' });
});

test('diffManifests: apiVersion changes, field changes, added and removed objects', () => {
  const base = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'n' }, data: { X: '1' } };
  const diff = diffManifests(
    [base, { ...base, metadata: { name: 'gone', namespace: 'n' } }],
    [{ ...base, apiVersion: 'v2', data: { X: '2', Y: '3' } }, { ...base, metadata: { name: 'new', namespace: 'n' } }],
  );
  expect(diff).toEqual({
    added: ['n/ConfigMap/new'],
    removed: ['n/ConfigMap/gone'],
    changed: [{ ref: 'n/ConfigMap/a', apiVersion: { from: 'v1', to: 'v2' }, fields: ['data.X: "1" -> "2"', 'data.Y: absent -> "3"'] }],
  });
});
