import fc from 'fast-check';
import { maxSuffixLength, resolveEnvironment } from '../../lib/model/environment';
import { compareQuantities } from '../../lib/model/quantity';
import { ENVIRONMENTS } from '../../lib/model/environments';
import { PAYMENT_SYSTEM } from '../../lib/model/system';
import { ConfigError } from '../../lib/model/errors';
import { isImmutableImageReference, parseImageReference } from '../../lib/model/image-reference';
import { selectEnvironments } from '../../lib/synth/select-environments';

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

const resolve = (overrides: Record<string, unknown>) => resolveEnvironment({ suffix: 'qa', images, ...overrides }, PAYMENT_SYSTEM);

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
    expect(selection.environments.map((e) => e.suffix)).toEqual(['dev', 'staging', 'prod']);
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
