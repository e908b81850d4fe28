import fc from 'fast-check';
import { maxSuffixLength, resolveEnvironment } from '../../lib/model/environment';
import { compareQuantities } from '../../lib/model/quantity';
import { ENVIRONMENTS } from '../../lib/model/environments';
import { PAYMENT_SYSTEM } from '../../lib/model/system';
import { ConfigError } from '../../lib/model/errors';
import { isImmutableImageReference, parseImageReference } from '../../lib/model/image-reference';
import { selectEnvironments } from '../../lib/synth/select-environments';
import { TEST_DEPENDENCIES, TEST_EDGE } from '../helpers';

const IMG = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
const images = { 'payment-api': `${IMG}/payment-api:1.0.0`, 'fraud-detector': `${IMG}/fraud-detector:1.0.0`, 'notification-service': `${IMG}/notification-service:1.0.0` };
const adHocVars = { ENVIRONMENT_SUFFIX: 'pr123', PAYMENT_API_IMAGE: images['payment-api'], FRAUD_DETECTOR_IMAGE: images['fraud-detector'], NOTIFICATION_SERVICE_IMAGE: images['notification-service'] };

/** The problems `fn` reports as a ConfigError (fails the test when it does not throw one). */
function problemsOf(fn: () => unknown): readonly string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

const resolve = (overrides: Record<string, unknown>) => resolveEnvironment({ suffix: 'qa', images, dependencies: TEST_DEPENDENCIES, allowPlainHttp: true, ...overrides }, PAYMENT_SYSTEM);

describe('resolveEnvironment', () => {
  test('fills in the specification defaults', () => {
    expect(resolve({})).toMatchObject({
      minReplicas: 2, maxReplicas: 10, targetCpuUtilization: 50,
      requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '500m', memory: '1Gi' },
      secretStore: 'aws-secrets-manager', monitoringNamespace: 'monitoring', mutableImageTags: false, logLevel: 'info',
    });
  });

  test.each([
    [{ suffix: 'Dev' }, /suffix: "Dev" is invalid; expected a DNS-1123 label/],
    [{ suffix: 'a'.repeat(35) }, /suffix: "a{35}" is invalid; expected at most 34 characters/],
    [{ images: { ...images, 'payment-api': 'not an image' } }, /images\.payment-api: "not an image" is invalid; expected an image reference/],
    [{ images: { ...images, 'payment-api': `${IMG}/payment-api:latest` } }, /images\.payment-api: .* expected an immutable reference/],
    [{ images: { ...images, 'payment-api': `${IMG}/payment-api` } }, /images\.payment-api: .* expected an immutable reference/],
    [{ images: { 'payment-api': images['payment-api'] } }, /images\.fraud-detector: missing is invalid/],
    [{ images: { ...images, billing: `${IMG}/billing:1.0.0` } }, /images\.billing: unknown key/],
    [{ minReplicas: 5, maxReplicas: 3 }, /maxReplicas: 3 is invalid; expected at least minReplicas \(5\)/],
    [{ minReplicas: 1 }, /minReplicas: 1 is invalid; expected an integer from 2/],
    [{ requests: { cpu: '2', memory: '512Mi' } }, /requests\.cpu: "2" is invalid; expected at most the limit 500m/],
    [{ limits: { cpu: '500m', memory: 'lots' } }, /limits\.memory: "lots" is invalid; expected a memory quantity/],
    [{ replicas: 3 }, /environment\.replicas: unknown key/],
    [{ logLevel: 'verbose' }, /logLevel: "verbose" is invalid; expected one of debug, info, warn, error/],
    [{ gatewayHost: 'http://x' }, /gatewayHost: "http:\/\/x" is invalid/],
    [{ featureFlags: { tracing: 'yes' } }, /featureFlags\.tracing: "yes" is invalid; expected true or false/],
    [{ featureFlags: { fooBar: true, fooBAR: false } }, /^environment\.featureFlags: "fooBar" and "fooBAR" both become FEATURE_FOO_BAR; rename one$/],
    [{ gatewayHost: `${'a'.repeat(64)}.example.com` }, /gatewayHost: "a{64}\.example\.com" is invalid; expected a lower-case DNS host name .*labels of at most 63/],
    [{ gatewayHost: Array(40).fill('abcdefg').join('.') }, /gatewayHost: "(abcdefg\.)+[a-g.]*\.\.\. \(319 characters\) is invalid/],
    [{ secretStore: 's'.repeat(254) }, /secretStore: "s{79}\.\.\. \(254 characters\) is invalid; expected the name of a ClusterSecretStore/],
    [{ requests: { cpu: '1.0000000000000001', memory: '512Mi' }, limits: { cpu: '1', memory: '1Gi' } }, /requests\.cpu: "1\.0000000000000001" is invalid; expected at most the limit 1$/],
  ])('rejects %j', (overrides, message) => {
    const problems = problemsOf(() => resolve(overrides));
    expect(problems.some((p) => message.test(p))).toBe(true);
    for (const p of problems) expect(p).not.toMatch(/\n|at .*\.ts:\d+/);
  });

  test('dev-like environments may use mutable tags', () => {
    expect(resolve({ mutableImageTags: true, images: { ...images, 'payment-api': `${IMG}/payment-api:latest` } }).images['payment-api']).toMatch(/:latest$/);
  });

  test('the longest derived name decides the suffix limit', () => {
    expect(maxSuffixLength(PAYMENT_SYSTEM)).toBe(63 - 'notification-service-service-'.length);
  });
});

describe('image references and quantities', () => {
  test.each([
    ['123456789012.dkr.ecr.us-east-1.amazonaws.com/payment-api:1.0.0', true],
    [`registry.local:5000/team/app@sha256:${'a'.repeat(64)}`, true],
    ['nginx:latest', false],
    ['nginx', false],
  ])('%s immutable: %s', (ref, immutable) => {
    expect(parseImageReference(ref)).toBeDefined();
    expect(isImmutableImageReference(ref)).toBe(immutable);
  });
  test.each(['UPPER/case:1', 'a b', 'repo:tag@sha256:short', ''])('%j does not parse', (ref) => {
    expect(parseImageReference(ref)).toBeUndefined();
  });
  test.each([
    ['500m', '0.5', 0], ['1Gi', '1073741824', 0], ['1G', '1Gi', -1], ['1.0000000000000001', '1', 1],
    ['999m', '1', -1], ['.5', '500m', 0], ['1024Ki', '1Mi', 0], ['1E', '1Ei', -1],
  ])('compareQuantities(%s, %s) is %i, exactly', (a, b, expected) => {
    expect(compareQuantities(a, b)).toBe(expected);
    expect(compareQuantities(b, a)).toBe(-expected || 0);
  });
  test('a malformed quantity is not compared', () => {
    expect(() => compareQuantities('1.5.5', '1')).toThrow(/not a quantity: "1.5.5"/);
  });
});

describe('selectEnvironments (the synth command-line contract)', () => {
  test('no variables: every configured environment, complete', () => {
    const selection = selectEnvironments({});
    expect(selection.complete).toBe(true);
    expect(selection.environments.map((e) => e.suffix)).toEqual(['dev', 'staging', 'prod', 'next']);
  });

  test('ENVIRONMENT_SUFFIX + images: one ad-hoc environment with defaults, not complete', () => {
    const selection = selectEnvironments(adHocVars);
    expect(selection.complete).toBe(false);
    expect(selection.environments).toHaveLength(1);
    expect(selection.environments[0]).toMatchObject({ suffix: 'pr123', images, minReplicas: 2, maxReplicas: 10 });
  });

  test('a configured suffix selects it, with image variables overriding', () => {
    const { environments } = selectEnvironments({ ENVIRONMENT_SUFFIX: 'prod', PAYMENT_API_IMAGE: `${IMG}/payment-api:9.9.9` });
    expect(environments[0]).toMatchObject({ suffix: 'prod', maxReplicas: 30 });
    expect(environments[0].images['payment-api']).toBe(`${IMG}/payment-api:9.9.9`);
  });

  test.each([
    [{ ENVIRONMENT_SUFFIX: '' }, /^ENVIRONMENT_SUFFIX: set but empty/],
    [{ ...adHocVars, PAYMENT_API_IMAGE: ' ' }, /^PAYMENT_API_IMAGE: set but empty/],
    [{ PAYMENT_API_IMAGE: images['payment-api'] }, /^PAYMENT_API_IMAGE: set without ENVIRONMENT_SUFFIX/],
    [{ ENVIRONMENT_SUFFIX: 'pr1' }, /^PAYMENT_API_IMAGE: not set; the ad-hoc environment "pr1"/],
    [{ ...adHocVars, ENVIRONMENT_SUFFIX: 'PR_1' }, /^ENVIRONMENT_SUFFIX: "PR_1" is invalid/],
    [{ ...adHocVars, FRAUD_DETECTOR_IMAGE: 'bad image' }, /^FRAUD_DETECTOR_IMAGE: "bad image" is invalid/],
  ])('rejects %j', (vars, message) => {
    expect(problemsOf(() => selectEnvironments(vars))).toEqual(expect.arrayContaining([expect.stringMatching(message)]));
  });

  test('every problem is reported at once: an empty image variable does not hide the others', () => {
    const problems = problemsOf(() => selectEnvironments({ ENVIRONMENT_SUFFIX: 'PR-5', PAYMENT_API_IMAGE: '', FRAUD_DETECTOR_IMAGE: 'bad image' }));
    expect(problems).toEqual([
      'PAYMENT_API_IMAGE: set but empty; expected an image reference or the variable unset',
      expect.stringMatching(/^NOTIFICATION_SERVICE_IMAGE: not set; the ad-hoc environment "PR-5"/),
      expect.stringMatching(/^ENVIRONMENT_SUFFIX: "PR-5" is invalid; expected a DNS-1123 label/),
      expect.stringMatching(/^FRAUD_DETECTOR_IMAGE: "bad image" is invalid; expected an image reference/),
    ]);
  });

  test('a variable that differs only in case from one the synth reads is an error naming the right spelling', () => {
    expect(problemsOf(() => selectEnvironments({ environment_suffix: 'pr5' }))).toEqual([
      'environment_suffix: not a variable the synth reads (names are case-sensitive); did you mean ENVIRONMENT_SUFFIX?',
    ]);
    expect(problemsOf(() => selectEnvironments({ ...adHocVars, Payment_Api_Image: 'x', cdk8s_outdir: 'dist' }))).toEqual([
      'Payment_Api_Image: not a variable the synth reads (names are case-sensitive); did you mean PAYMENT_API_IMAGE?',
      'cdk8s_outdir: not a variable the synth reads (names are case-sensitive); did you mean CDK8S_OUTDIR?',
    ]);
  });

  test('a 100 KB value is cut in the message, with its length shown', () => {
    const [problem] = problemsOf(() => selectEnvironments({ ...adHocVars, ENVIRONMENT_SUFFIX: 'x'.repeat(100_000) }));
    expect(problem.length).toBeLessThan(400);
    expect(problem).toContain('... (100000 characters)');
  });

  test('a duplicated suffix in the config is an error', () => {
    const file = { ...ENVIRONMENTS, environments: [...ENVIRONMENTS.environments, ENVIRONMENTS.environments[0]] };
    expect(problemsOf(() => selectEnvironments({}, file))).toContain('environments: suffix "dev" is declared twice');
  });

  test('property: any variables either select valid environments or fail with one-line ConfigErrors', () => {
    const maybe = (arb: fc.Arbitrary<string>) => fc.option(arb, { nil: undefined });
    const imageArb = fc.oneof(fc.constant(images['payment-api']), fc.constant('nginx'), fc.constant(''), fc.string());
    fc.assert(fc.property(
      maybe(fc.oneof(fc.constant('pr7'), fc.constant('dev'), fc.constant(''), fc.string({ maxLength: 40 }))),
      maybe(imageArb), maybe(imageArb), maybe(imageArb),
      (suffix, a, b, c) => {
        const vars = { ENVIRONMENT_SUFFIX: suffix, PAYMENT_API_IMAGE: a, FRAUD_DETECTOR_IMAGE: b, NOTIFICATION_SERVICE_IMAGE: c };
        let environments: readonly { suffix: string }[] = [];
        let error: unknown;
        try {
          environments = selectEnvironments(vars).environments;
        } catch (e) {
          error = e;
        }
        expect(error === undefined ? environments.length > 0 : error instanceof ConfigError).toBe(true);
        expect(environments.every((env) => env.suffix.length <= maxSuffixLength(PAYMENT_SYSTEM))).toBe(true);
        expect(error instanceof ConfigError ? error.problems.every((p) => /^[^\n]+$/.test(p)) : true).toBe(true);
      },
    ), { numRuns: 200 });
  });
});

describe('the edge: a production edge unless an environment opts out', () => {
  const prodLike = (overrides: Record<string, unknown>) => resolveEnvironment(
    { suffix: 'qa', images, dependencies: TEST_DEPENDENCIES, ...TEST_EDGE, ...overrides }, PAYMENT_SYSTEM);

  test('without allowPlainHttp, each missing edge key is its own one-line problem and nothing is built', () => {
    expect(problemsOf(() => resolveEnvironment({ suffix: 'prod', images, dependencies: TEST_DEPENDENCIES }, PAYMENT_SYSTEM))).toEqual([
      'environment.gatewayHost: missing is invalid; expected the host the gateway serves, e.g. payments.example.com (required unless allowPlainHttp: true, for dev and PR environments only)',
      'environment.tls: missing is invalid; expected the gateway\'s certificate, { clusterIssuer } or { existingSecret } (required unless allowPlainHttp: true, for dev and PR environments only)',
      'environment.jwt: missing is invalid; expected the end-user token issuer, { issuer, jwksUri, audiences } (required unless allowPlainHttp: true, for dev and PR environments only)',
    ]);
    expect(prodLike({}).tls).toEqual({ clusterIssuer: 'letsencrypt-test' });
  });

  test.each([
    [{ tls: { clusterIssuer: 'a', existingSecret: 'b-qa' } }, /^environment\.tls: .* is invalid; expected exactly one of clusterIssuer/],
    [{ tls: {} }, /^environment\.tls: \{\} is invalid; expected exactly one of clusterIssuer/],
    [{ tls: { existingSecret: 'shared-tls' } }, /^environment\.tls\.existingSecret: "shared-tls" is invalid; expected a Secret name ending in -qa/],
    [{ gatewayHost: undefined, allowPlainHttp: true, jwt: undefined }, /^environment\.tls: .* is invalid; expected unset unless gatewayHost is set/],
    [{ jwt: { ...TEST_EDGE.jwt, audiences: [] } }, /^environment\.jwt\.audiences: \[\] is invalid; expected at least one audience/],
    [{ jwt: { ...TEST_EDGE.jwt, jwksUri: 'http://auth.test.example.com/jwks.json' } }, /^environment\.jwt\.jwksUri: .* expected an https:\/\/ URL/],
    [{ clusterServer: 'kubernetes.default.svc' }, /^environment\.clusterServer: .* expected an Argo CD destination server/],
  ])('rejects %j', (overrides, message) => {
    expect(problemsOf(() => prodLike(overrides))).toEqual(expect.arrayContaining([expect.stringMatching(message)]));
  });
});

describe('external dependencies: where each one lives, per environment', () => {
  const withDependencies = (dependencies: unknown) => resolve({ dependencies });

  test.each([
    [{ 'payments-db': TEST_DEPENDENCIES['payments-db'] }, /^environment\.dependencies\.notification-provider: missing is invalid; expected an object/],
    [{ ...TEST_DEPENDENCIES, ledger: { host: 'l.example.com', cidrs: ['10.9.0.0/24'] } }, /^environment\.dependencies\.ledger: unknown key; expected one of payments-db, notification-provider$/],
    [{ ...TEST_DEPENDENCIES, 'payments-db': { host: 'db', cidrs: ['10.9.0.0/33'] } }, /^environment\.dependencies\.payments-db\.cidrs\[0\]: "10\.9\.0\.0\/33" is invalid: not an address block/],
    [{ ...TEST_DEPENDENCIES, 'payments-db': { host: 'db', cidrs: ['10.9.0.1/24'] } }, /cidrs\[0\]: "10\.9\.0\.1\/24" is invalid: not in canonical form; write 10\.9\.0\.0\/24/],
    [{ ...TEST_DEPENDENCIES, 'payments-db': { host: 'db', cidrs: ['169.254.169.254/32'] } }, /the EC2 instance metadata address, which no pod may reach/],
    [{ ...TEST_DEPENDENCIES, 'payments-db': { host: 'db', cidrs: ['fd00:ec2::254/128'] } }, /the EC2 instance metadata address, which no pod may reach/],
    [{ ...TEST_DEPENDENCIES, 'payments-db': { host: 'db', cidrs: [] } }, /cidrs: \[\] is invalid; expected a list of address blocks/],
    [{ ...TEST_DEPENDENCIES, 'payments-db': { host: 'Not A Host', cidrs: ['10.9.0.0/24'] } }, /payments-db\.host: "Not A Host" is invalid; expected a DNS host name/],
    [{ 'payments-db': { host: 'db.example.com', cidrs: ['52.0.0.0/8'] }, 'notification-provider': TEST_DEPENDENCIES['notification-provider'] },
      /^environment\.dependencies: "payments-db" and "notification-provider" share addresses but not their port and callers/],
  ])('rejects %j', (dependencies, message) => {
    expect(problemsOf(() => withDependencies(dependencies))).toEqual(expect.arrayContaining([expect.stringMatching(message)]));
  });
});

describe('environments on one cluster share its ingress gateway', () => {
  const env = (suffix: string, extra: Record<string, unknown>) => ({ suffix, images, dependencies: TEST_DEPENDENCIES, allowPlainHttp: true, ...extra });
  const file = (...environments: Record<string, unknown>[]) => ({ ...ENVIRONMENTS, environments } as unknown as typeof ENVIRONMENTS);

  test('two environments claiming the same host, or both any host, are an error naming both', () => {
    expect(problemsOf(() => selectEnvironments({}, file(env('a', {}), env('b', {}))))).toEqual([
      'environments: "a" and "b" both claim the gateway host * on cluster https://kubernetes.default.svc; give each its own gatewayHost',
    ]);
    expect(problemsOf(() => selectEnvironments({}, file(env('a', { gatewayHost: 'x.example.com' }), env('b', { gatewayHost: 'x.example.com' })))))
      .toEqual([expect.stringMatching(/^environments: "a" and "b" both claim the gateway host x\.example\.com on cluster/)]);
  });

  test('distinct hosts, or the same host on different clusters, are fine', () => {
    expect(selectEnvironments({}, file(env('a', {}), env('b', { gatewayHost: 'b.example.com' }))).environments).toHaveLength(2);
    expect(selectEnvironments({}, file(env('a', {}), env('b', { clusterServer: 'https://other.example.com' }))).environments).toHaveLength(2);
  });
});

describe('ad-hoc environments: four variables, dependency addresses from the config', () => {
  test('plain HTTP on <suffix>.<gatewayDomain>, the documented dependency defaults', () => {
    const [env] = selectEnvironments(adHocVars).environments;
    expect(env).toMatchObject({ allowPlainHttp: true, gatewayHost: 'pr123.preview.payments.example.com', dependencies: ENVIRONMENTS.adHoc.dependencies });
  });

  test('optional variables override where a dependency lives', () => {
    const [env] = selectEnvironments({ ...adHocVars, PAYMENTS_DB_HOST: 'db.pr123.example.com', PAYMENTS_DB_CIDRS: '10.9.1.0/24, 10.9.2.0/24' }).environments;
    expect(env.dependencies['payments-db']).toEqual({ host: 'db.pr123.example.com', cidrs: ['10.9.1.0/24', '10.9.2.0/24'] });
  });

  test('override problems name the variable; configured environments take no overrides', () => {
    expect(problemsOf(() => selectEnvironments({ ...adHocVars, PAYMENTS_DB_CIDRS: '10.9.1.0/24,nope' })))
      .toEqual(['PAYMENTS_DB_CIDRS[1]: "nope" is invalid: not an address block such as 10.20.0.0/24 or public-internet']);
    expect(problemsOf(() => selectEnvironments({ ...adHocVars, PAYMENTS_DB_HOST: '' }))).toEqual(['PAYMENTS_DB_HOST: set but empty; expected a value or the variable unset']);
    expect(problemsOf(() => selectEnvironments({ ENVIRONMENT_SUFFIX: 'prod', NOTIFICATION_PROVIDER_HOST: 'x.example.com' }))).toEqual([
      'NOTIFICATION_PROVIDER_HOST: only ad-hoc environments take dependency addresses from variables; "prod" is configured in lib/model/environments.ts',
    ]);
  });
});

describe('platform targets', () => {
  test('the specification\'s target by default; a supported pair is accepted; an unsupported one is one line', () => {
    expect(resolve({}).target).toEqual({ kubernetes: '1.28', istio: '1.19' });
    expect(resolve({ target: { kubernetes: '1.35', istio: '1.30' } }).target).toEqual({ kubernetes: '1.35', istio: '1.30' });
    expect(problemsOf(() => resolve({ target: { kubernetes: '1.35', istio: '1.19' } })))
      .toEqual(['environment.target: Istio 1.19 does not support Kubernetes 1.35: it supports Kubernetes 1.25 to 1.28']);
    expect(problemsOf(() => resolve({ target: { kubernetes: '1.31', istio: '1.30' } })))
      .toEqual([expect.stringMatching(/^environment\.target: unsupported Kubernetes version "1\.31"; supported: 1\.28, 1\.35$/)]);
  });

  test('environments on one cluster must name one target', () => {
    const env = (suffix: string, extra: Record<string, unknown>) => ({ suffix, images, dependencies: TEST_DEPENDENCIES, allowPlainHttp: true, gatewayHost: `${suffix}.example.com`, ...extra });
    const file = { ...ENVIRONMENTS, environments: [env('a', {}), env('b', { target: { kubernetes: '1.35', istio: '1.30' } })] } as unknown as typeof ENVIRONMENTS;
    expect(problemsOf(() => selectEnvironments({}, file))).toEqual([
      'environments: "a" and "b" deploy to cluster https://kubernetes.default.svc but name different targets (Kubernetes 1.28 with Istio 1.19, Kubernetes 1.35 with Istio 1.30); one cluster runs one version',
    ]);
  });
});
