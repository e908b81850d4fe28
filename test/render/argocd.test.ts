import { parse } from 'yaml';
import { checkGitOpsConfig, GitOpsConfig } from '../../lib/model/environment';
import { ENVIRONMENTS } from '../../lib/model/environments';
import { argoApplication, renderArgoApplication } from '../../lib/render/argocd';
import { Naming } from '../../lib/model/naming';
import { PAYMENT_SYSTEM } from '../../lib/model/system';
import { testEnvironment } from '../helpers';
import { ConfigError } from '../../lib/model/errors';
import { readManifests } from '../../lib/manifest/yaml-reader';
import { selectEnvironments } from '../../lib/synth/select-environments';

// Every configured environment, resolved exactly as the synth resolves them.
const configured = selectEnvironments({}).environments;
const gitops = ENVIRONMENTS.gitops;

describe.each(configured.map((env) => [env.suffix, env] as const))('Application of %s', (suffix, env) => {
  const app = argoApplication(env, gitops);

  test('identity: <system>-<suffix> in Argo CD\'s namespace and project', () => {
    expect(app).toMatchObject({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Application' });
    expect(app.metadata).toMatchObject({ name: `${PAYMENT_SYSTEM.name}-${suffix}`, namespace: gitops.argocdNamespace });
    expect(app.spec.project).toBe(gitops.project);
  });

  test('source: the configured repo and revision, only this environment\'s file under dist/', () => {
    expect(app.spec.source).toEqual({
      repoURL: gitops.repoURL,
      targetRevision: gitops.targetRevision,
      path: 'dist',
      directory: { include: `${suffix}.k8s.yaml` },
    });
    // A literal file name, not a glob that could match another environment's file.
    expect(app.spec.source.directory.include).not.toMatch(/[*?[{]/);
  });

  test('destination: the environment\'s cluster (in-cluster unless it names one) and its namespace', () => {
    expect(app.spec.destination).toEqual({ server: env.clusterServer, namespace: new Naming(suffix).namespace });
    expect(app.spec.destination.server).toMatch(/^https:\/\/\S+$/);
  });

  test('automated sync prunes and self-heals, never syncs an empty render, retries with backoff', () => {
    expect(app.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true, allowEmpty: false });
    expect(app.spec.syncPolicy.syncOptions).toContain('PruneLast=true');
    expect(app.spec.syncPolicy.retry.limit).toBeGreaterThan(0);
    expect(app.spec.syncPolicy.retry.backoff.factor).toBeGreaterThan(1);
  });

  test('the manifest owns the Namespace: no CreateNamespace, and no cascading-delete finalizer', () => {
    expect(app.spec.syncPolicy.syncOptions.filter((o) => o.startsWith('CreateNamespace='))).toEqual([]);
    expect(app.metadata.finalizers).toBeUndefined();
  });

  test('the rendered file is this object as YAML, after a comment header', () => {
    const text = renderArgoApplication(env, gitops);
    expect(text.startsWith('# ')).toBe(true);
    expect(parse(text)).toEqual(app);
  });
});

test('every environment gets its own Application name and file', () => {
  const apps = configured.map((env) => argoApplication(env, gitops));
  expect(new Set(apps.map((a) => a.metadata.name)).size).toBe(configured.length);
  expect(new Set(apps.map((a) => a.spec.source.directory.include)).size).toBe(configured.length);
});

test('an ad-hoc environment gets the same shape', () => {
  const app = argoApplication(testEnvironment('pr42'), gitops);
  expect(app.metadata.name).toBe('payment-system-pr42');
  expect(app.spec.destination.namespace).toBe('microservices-pr42');
  expect(app.spec.source.directory.include).toBe('pr42.k8s.yaml');
});

test('the repo and revision come from the config: changing them changes the output', () => {
  const env = configured[0];
  const moved: GitOpsConfig = { ...gitops, repoURL: 'git@github.com:other-org/payments.git', targetRevision: 'release-2' };
  const before = renderArgoApplication(env, gitops);
  const after = renderArgoApplication(env, moved);
  expect(after).not.toBe(before);
  expect(parse(after).spec.source).toMatchObject({ repoURL: 'git@github.com:other-org/payments.git', targetRevision: 'release-2' });
  expect(after).not.toContain(gitops.repoURL);
});

describe('GitOps config checks', () => {
  test('the checked-in config is valid', () => {
    expect(checkGitOpsConfig(gitops)).toEqual([]);
  });

  test.each([
    ['repoURL', 'http://github.com/example-org/payment-mesh.git'],
    ['repoURL', ''],
    ['targetRevision', ''],
    ['targetRevision', 'main branch'],
    ['argocdNamespace', 'Argo_CD'],
    ['project', ''],
  ] as const)('%s %j is rejected with one line naming the key', (key, value) => {
    const problems = checkGitOpsConfig({ ...gitops, [key]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^gitops\\.${key}: .* is invalid; expected `));
  });

  test('argoApplication refuses an invalid config with every problem', () => {
    const bad = { ...gitops, repoURL: 'ftp://example.com/repo', project: 'Not Valid' };
    const thrown = (() => {
      try {
        argoApplication(configured[0], bad);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).problems.map((p) => p.split(':')[0])).toEqual(['gitops.repoURL', 'gitops.project']);
  });
});

test('a revision with characters YAML 1.1 readers refuse (U+FFFE, a lone surrogate) is escaped, and reads back', () => {
  const env = configured[0];
  const targetRevision = 'release/\ufffe\ud800';
  const text = renderArgoApplication(env, { ...gitops, targetRevision });
  const [app] = readManifests(text, 'argocd/dev.yaml') as [{ spec: { source: { targetRevision: string } } }];
  expect(app.spec.source.targetRevision).toBe(targetRevision);
  expect(text).toContain('targetRevision: "release/\\ufffe\\ud800"');
});
