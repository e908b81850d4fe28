/**
 * The environment configuration, declared once: one valibot schema gives the TypeScript types, the
 * defaults and the validation of raw input (the checked-in file and the ad-hoc environment
 * variables), with one clear line per problem: `<path>: <value> is invalid; expected <what>`.
 *
 * Adding a key is one edit here: its schema (with an `expected` phrase as the message and a
 * `description` for the generated reference, `docs/configuration.md`), wrapped in `v.optional` with
 * its default when it has one. The types, defaults, unknown-key errors and docs follow.
 *
 * Limits mirror the API server's: DNS labels of at most 63 characters and names of at most 253,
 * quantities compared exactly, and derived names that would collide (feature flags that map to the
 * same `FEATURE_*` key) are errors naming both keys. Pure functions; no I/O.
 */
import * as v from 'valibot';
import { IN_CLUSTER_SERVER } from './cluster';
import { isDnsLabel, isDnsSubdomain, MAX_LABEL_LENGTH } from './dns';
import { dependencyCidrProblem, egressBlocks, egressBlocksOverlap, PUBLIC_INTERNET } from './egress';
import { ConfigError } from './errors';
import { isImmutableImageReference, parseImageReference } from './image-reference';
import { Naming } from './naming';
import { compareQuantities, isQuantity } from './quantity';
import { SystemDeclaration } from './system';
import { checkTargetCompatibility, SPECIFICATION_TARGET, SUPPORTED_TARGETS } from './targets';
import { constantCase } from './text';

// ---------------------------------------------------------------------------------------------
// Building blocks: every schema's message is the "expected ..." phrase of its problem line.

const DNS_LABEL_EXPECTED = "a DNS-1123 label (lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63 characters)";

/** Message of an object schema: unknown keys name the allowed ones; a missing key, its field's expectation. */
function objectMessage(entries: v.ObjectEntries, expected: string): (issue: v.StrictObjectIssue) => string {
  return (issue) => {
    if (issue.expected === 'never') return `unknown key; expected one of ${Object.keys(entries).join(', ')}`;
    const key = issue.path?.[issue.path.length - 1]?.key;
    if (issue.input === undefined && typeof key === 'string' && key in entries) return expectedOf(entries[key]);
    return expected;
  };
}

/** The expectation phrase a schema reports (its own message, or its pipe's first schema's). */
function expectedOf(schema: v.GenericSchema): string {
  const s = schema as v.GenericSchema & { message?: unknown; pipe?: readonly v.GenericSchema[]; wrapped?: v.GenericSchema };
  const objectExpectation = OBJECT_EXPECTATIONS.get(schema);
  if (objectExpectation !== undefined) return objectExpectation;
  if (typeof s.message === 'string') return s.message;
  if (s.wrapped) return expectedOf(s.wrapped);
  if (s.pipe) return expectedOf(s.pipe[0]);
  return 'a value';
}

/** What each object schema built by `object` expects, for the message of a missing key naming it. */
const OBJECT_EXPECTATIONS = new WeakMap<v.GenericSchema, string>();

function object<E extends v.ObjectEntries>(entries: E, expected = 'an object') {
  const schema = v.strictObject(entries, objectMessage(entries, expected));
  OBJECT_EXPECTATIONS.set(schema, expected);
  return schema;
}

function string(expected: string, valid: (s: string) => boolean) {
  return v.pipe(v.string(expected), v.check(valid, expected));
}

function integer(min: number, max: number) {
  const expected = `an integer from ${min} to ${max}`;
  return v.pipe(v.number(expected), v.integer(expected), v.minValue(min, expected), v.maxValue(max, expected));
}

function boolean() {
  return v.boolean('true or false');
}

function resources(cpu: string, memory: string, description: string) {
  return v.optional(v.pipe(object({
    cpu: string('a CPU quantity such as 250m or 1', isQuantity),
    memory: string('a memory quantity such as 512Mi or 1Gi', isQuantity),
  }), v.description(description)), { cpu, memory });
}

const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
const FLAG_NAME = /^[a-z][a-zA-Z0-9]*$/;
// Argo CD clones over HTTPS or SSH (URL or scp-like `git@host:path`); plain http would send credentials in clear.
const GIT_URL = /^(https:\/\/|ssh:\/\/|[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:)\S+$/;
// git check-ref-format: no whitespace or control characters, none of ~ ^ : ? * [ \.
const GIT_REVISION = /^[^\s\x00-\x1f\x7f~^:?*[\\]+$/;

// ---------------------------------------------------------------------------------------------
// The schema.

/** Pairs of flag names that map to the same `FEATURE_*` key, with that key. */
function collidingFlags(flags: readonly string[]): [string, string, string][] {
  const byKey = new Map<string, string>();
  const collisions: [string, string, string][] = [];
  for (const flag of flags) {
    const key = `FEATURE_${constantCase(flag)}`;
    const other = byKey.get(key);
    if (other === undefined) byKey.set(key, flag);
    else collisions.push([other, flag, key]);
  }
  return collisions;
}

const IMAGE_EXPECTED = 'an image reference such as registry/repository:tag or registry/repository@sha256:<64 hex digits>';

/** `images`: one reference per declared service when the system is known. */
function imagesSchema(system?: SystemDeclaration) {
  const image = string(IMAGE_EXPECTED, (ref) => parseImageReference(ref) !== undefined);
  if (!system) return v.record(v.string(), image, 'an object mapping each service to its image');
  return object(Object.fromEntries(system.services.map((s) => [s.name, image])), 'an object mapping each service to its image');
}

/** The suffix limit of a system: every derived name must stay a 63-character label. */
function suffixLimit(system?: SystemDeclaration) {
  const max = system ? maxSuffixLength(system) : MAX_LABEL_LENGTH;
  return v.maxLength<string, number, string>(max, `at most ${max} characters so that every derived name fits in 63`);
}

/**
 * Everything that may differ between environments, with the specification's defaults. With a
 * system, `images` names exactly its services and `suffix` is limited so derived names fit.
 */
function environmentEntries(system?: SystemDeclaration) {
  return {
    suffix: v.pipe(string(DNS_LABEL_EXPECTED, isDnsLabel), suffixLimit(system),
      v.description('Environment suffix: ends every object name (`payment-api-<suffix>`); the namespace is `microservices-<suffix>`.')),
    images: v.pipe(imagesSchema(system),
      v.description('Container image per service, e.g. `{ "payment-api": "<registry>/payment-api:1.0.0" }`; staging and prod need a version tag or an `@sha256` digest.')),
    minReplicas: v.optional(v.pipe(integer(2, 1000), v.description('HPA lower bound per service; at least 2, so a drain never empties a service.')), 2),
    maxReplicas: v.optional(v.pipe(integer(1, 1000), v.description('HPA upper bound per service.')), 10),
    targetCpuUtilization: v.optional(v.pipe(integer(1, 100), v.description('HPA target: average CPU utilization in percent of the request.')), 50),
    requests: resources('250m', '512Mi', 'Container resource requests; each at most its limit.'),
    limits: resources('500m', '1Gi', 'Container resource limits.'),
    featureFlags: v.optional(v.pipe(
      v.record(v.pipe(v.string(), v.regex(FLAG_NAME, 'flag names in camelCase, e.g. fraudScoring')), boolean(), 'an object of flag names to true or false'),
      v.rawCheck(({ dataset, addIssue }) => {
        if (!dataset.typed) return;
        for (const [first, second, key] of collidingFlags(Object.keys(dataset.value))) {
          addIssue({ message: `"${first}" and "${second}" both become ${key}; rename one` });
        }
      }),
      v.description('Feature flags, written to each service\'s ConfigMap as `FEATURE_<NAME>`.'),
    ), { metrics: true, tracing: false }),
    logLevel: v.optional(v.pipe(v.picklist(LOG_LEVELS, `one of ${LOG_LEVELS.join(', ')}`), v.description('Application log level.')), 'info'),
    gatewayHost: v.optional(v.pipe(string('a lower-case DNS host name such as payments.example.com (labels of at most 63 characters, 253 in all)', isDnsSubdomain),
      v.description('The host the ingress gateway serves (required unless allowPlainHttp); unset means any host, which only one environment per cluster may claim.'))),
    secretStore: v.optional(v.pipe(string('the name of a ClusterSecretStore (a DNS-1123 subdomain of at most 253 characters)', isDnsSubdomain),
      v.description('ClusterSecretStore the ExternalSecrets read from.')), 'aws-secrets-manager'),
    monitoringNamespace: v.optional(v.pipe(string(`a namespace name (${DNS_LABEL_EXPECTED})`, isDnsLabel),
      v.description('Namespace whose Prometheus may scrape the sidecars\' merged metrics (port 15020).')), 'monitoring'),
    mutableImageTags: v.optional(v.pipe(boolean(), v.description('Whether images may use mutable tags (`latest`, untagged): dev-like environments only.')), false),
    tls: v.optional(v.pipe(object({
      clusterIssuer: v.optional(string('the name of a cert-manager ClusterIssuer (a DNS-1123 subdomain)', isDnsSubdomain)),
      existingSecret: v.optional(string(`the name of a kubernetes.io/tls Secret in istio-system (a DNS-1123 subdomain)`, isDnsSubdomain)),
    }), v.check((t) => (t.clusterIssuer === undefined) !== (t.existingSecret === undefined), TLS_EXPECTED),
    v.description('The gateway\'s certificate for `gatewayHost`: `{ clusterIssuer }` has cert-manager issue it into `<system>-tls-<suffix>` in istio-system; `{ existingSecret }` names a `kubernetes.io/tls` Secret the platform keeps there (its name must end in `-<suffix>`). With it the gateway serves HTTPS on 443 and redirects port 80.'))),
    jwt: v.optional(v.pipe(object({
      issuer: string('the issuer (`iss` claim) of the end-user tokens, e.g. https://auth.example.com/', (i) => /^\S{1,2048}$/.test(i)),
      jwksUri: string('an https:// URL of the issuer\'s JSON Web Key Set', isHttpsUrl),
      audiences: v.pipe(v.array(string('an audience (`aud` claim) the tokens must carry', (a) => /^\S{1,2048}$/.test(a)), 'a list of audiences'),
        v.minLength(1, 'at least one audience, so a token issued for another API is refused')),
    }), v.description('End-user authentication at the routed services: a RequestAuthentication for this issuer, JWKS and audiences, and ALLOW rules that require both the gateway\'s identity and a token from this issuer.'))),
    allowPlainHttp: v.optional(v.pipe(boolean(), v.description('Whether the gateway may serve plain HTTP without TLS and end-user authentication (the specification\'s original edge): dev and PR environments only. Otherwise `gatewayHost`, `tls` and `jwt` are required.')), false),
    target: v.optional(v.pipe(
      object({
        kubernetes: string(`a Kubernetes minor version such as ${SPECIFICATION_TARGET.kubernetes}`, (k) => /^1\.\d+$/.test(k)),
        istio: string(`an Istio minor version such as ${SPECIFICATION_TARGET.istio}`, (i) => /^1\.\d+$/.test(i)),
      }),
      v.rawCheck(({ dataset, addIssue }) => {
        if (dataset.typed) for (const problem of checkTargetCompatibility(dataset.value)) addIssue({ message: problem });
      }),
      v.description(`The platform the environment runs on: a Kubernetes and an Istio minor version. It decides the Istio apiVersions emitted and the schemas every object is validated against. Supported: ${SUPPORTED_TARGETS.map((t) => `\`{ kubernetes: '${t.kubernetes}', istio: '${t.istio}' }\``).join(', ')}.`),
    ), { ...SPECIFICATION_TARGET }),
    clusterServer: v.optional(v.pipe(string('an Argo CD destination server, an https:// URL such as https://kubernetes.default.svc', isHttpsUrl),
      v.description('The cluster the environment deploys to (the Argo CD Application\'s destination). Environments on one cluster share its ingress gateway, so their `gatewayHost`s must differ.')), IN_CLUSTER_SERVER),
    dependencies: v.pipe(dependenciesSchema(system),
      v.description(`Where each external dependency of the system lives: \`{ host, cidrs }\`, the host the callers use and the address blocks it lives in (NetworkPolicy cannot match names), or \`"${PUBLIC_INTERNET}"\` for a public API.`)),
  };
}

const TLS_EXPECTED = 'exactly one of clusterIssuer (cert-manager issues the certificate) and existingSecret (a kubernetes.io/tls Secret in istio-system that the platform provides)';

function isHttpsUrl(text: string): boolean {
  if (!/^https:\/\/[^\s/?#]+/.test(text)) return false;
  try {
    return new URL(text).protocol === 'https:';
  } catch {
    return false;
  }
}

const CIDRS_EXPECTED = `a list of address blocks such as 10.20.0.0/24, or "${PUBLIC_INTERNET}"`;

/** Where one dependency lives in an environment. */
export function dependencyAddressSchema() {
  return object({
    host: string('a DNS host name such as payments-db.example.internal (labels of at most 63 characters, 253 in all)', isDnsSubdomain),
    cidrs: v.pipe(
      v.array(v.pipe(v.string(CIDRS_EXPECTED), v.rawCheck(({ dataset, addIssue }) => {
        const problem = dataset.typed ? dependencyCidrProblem(dataset.value) : undefined;
        if (problem) addIssue({ message: `${showValue(dataset.value)} is invalid: ${problem}` });
      })), CIDRS_EXPECTED),
      v.minLength(1, CIDRS_EXPECTED),
    ),
  });
}

/** `dependencies`: one address per declared dependency when the system is known. */
function dependenciesSchema(system?: SystemDeclaration) {
  const address = dependencyAddressSchema();
  const expected = 'an object giving each external dependency its { host, cidrs }';
  if (!system) return v.record(v.string(), address, expected);
  return v.pipe(
    object(Object.fromEntries(system.dependencies.map((d) => [d.name, address])), expected),
    v.rawCheck(({ dataset, addIssue }) => {
      // Validation issues leave the data typed: check only addresses that are valid blocks.
      if (!dataset.typed) return;
      const addresses = Object.fromEntries(Object.entries(dataset.value as Record<string, { cidrs: string[] }>)
        .map(([name, a]) => [name, { cidrs: a.cidrs.filter((c) => dependencyCidrProblem(c) === undefined) }]));
      for (const [a, b] of inseparableDependencies(system, addresses)) {
        addIssue({ message: `"${a}" and "${b}" share addresses but not their port and callers, so NetworkPolicy (which cannot match names) would let each one's callers reach the other; give each its own blocks` });
      }
    }),
  );
}

/** Pairs of dependencies whose blocks overlap while their port or callers differ. */
function inseparableDependencies(system: SystemDeclaration, addresses: Readonly<Record<string, { cidrs: readonly string[] }>>): [string, string][] {
  const pairs: [string, string][] = [];
  const deps = system.dependencies;
  for (let i = 0; i < deps.length; i++) {
    for (let j = i + 1; j < deps.length; j++) {
      const [a, b] = [deps[i], deps[j]];
      const sameUse = a.port === b.port && a.callers.length === b.callers.length && a.callers.every((c) => b.callers.includes(c));
      if (!sameUse && egressBlocksOverlap(egressBlocks(addresses[a.name].cidrs), egressBlocks(addresses[b.name].cidrs))) pairs.push([a.name, b.name]);
    }
  }
  return pairs;
}


const ENVIRONMENT_ENTRIES = environmentEntries();
const ENVIRONMENT = object(ENVIRONMENT_ENTRIES);

/** One environment as written in the config file: suffix and images required, the rest optional. */
export type EnvironmentInput = v.InferInput<typeof ENVIRONMENT>;
/** One environment with every default filled in, validated. */
export type EnvironmentConfig = Readonly<v.InferOutput<typeof ENVIRONMENT>>;
export type LogLevel = EnvironmentConfig['logLevel'];
/** CPU and memory as Kubernetes quantities, e.g. `{ cpu: '250m', memory: '512Mi' }`. */
export type ComputeResources = EnvironmentConfig['requests'];

/** Where Argo CD finds this repository. */
const GITOPS = object({
  repoURL: v.pipe(string('a Git URL Argo CD can clone: https://host/path, ssh://host/path or git@host:path', (s) => GIT_URL.test(s)),
    v.description('Git URL of this repository, as Argo CD clones it.')),
  targetRevision: v.pipe(string('a branch, tag or commit such as main or v1.2.0', (s) => GIT_REVISION.test(s)),
    v.description('Branch, tag or commit Argo CD syncs.')),
  argocdNamespace: v.pipe(string(`the namespace Argo CD runs in (${DNS_LABEL_EXPECTED}), e.g. argocd`, isDnsLabel),
    v.description('Namespace Argo CD runs in.')),
  project: v.pipe(string('the name of an Argo CD AppProject (a DNS-1123 subdomain), e.g. default', isDnsSubdomain),
    v.description('Argo CD project the Applications belong to.')),
});

export type GitOpsConfig = Readonly<v.InferOutput<typeof GITOPS>>;

/** Defaults of ad-hoc (PR) environments, which the command line names only by suffix and images. */
const AD_HOC = object({
  gatewayDomain: v.optional(v.pipe(string('a DNS domain such as preview.example.com (each environment is served on <suffix>.<domain>)', isDnsSubdomain),
    v.description('Ad-hoc environments are served on `<suffix>.<gatewayDomain>`; unset, on any host (which only one environment per cluster may claim).'))),
  dependencies: v.pipe(dependenciesSchema(),
    v.description('Dependency addresses of ad-hoc environments; the variables `<DEPENDENCY>_HOST` and `<DEPENDENCY>_CIDRS` override them.')),
});

export type AdHocDefaults = Readonly<v.InferOutput<typeof AD_HOC>>;

/** The checked-in environments file (`lib/model/environments.ts`). */
export interface EnvironmentsFile {
  readonly gitops: GitOpsConfig;
  readonly adHoc: v.InferInput<typeof AD_HOC>;
  readonly environments: readonly EnvironmentInput[];
}

/** The ad-hoc defaults, validated against `system` (every dependency named), or the problems. */
export function resolveAdHocDefaults(raw: unknown, system: SystemDeclaration): { defaults?: AdHocDefaults; problems: string[] } {
  const result = v.safeParse(AD_HOC, raw);
  if (!result.success) return { problems: problemLines('adHoc', result.issues) };
  const deps = v.safeParse(dependenciesSchema(system), result.output.dependencies);
  if (!deps.success) return { problems: problemLines('adHoc.dependencies', deps.issues) };
  return { defaults: result.output, problems: [] };
}

/** The specification's values; environments override only what differs. */
export const ENVIRONMENT_DEFAULTS = v.getDefaults(ENVIRONMENT) as Omit<EnvironmentConfig, 'suffix' | 'images' | 'gatewayHost' | 'tls' | 'jwt' | 'dependencies'>;

/** One documented key of a config section, for the generated reference. */
export interface ConfigKeyDoc {
  readonly key: string;
  readonly required: boolean;
  /** JSON of the default, when there is one. */
  readonly default?: string;
  readonly description: string;
}

function keyDocs(entries: v.ObjectEntries): ConfigKeyDoc[] {
  return Object.entries(entries).map(([key, schema]) => {
    const s = schema as v.GenericSchema & { type: string; default?: unknown; wrapped?: v.GenericSchema; pipe?: readonly { type: string; description?: string }[] };
    const inner = (s.type === 'optional' ? s.wrapped : s) as { pipe?: readonly { type: string; description?: string }[] };
    const description = inner.pipe?.find((p) => p.type === 'description')?.description ?? '';
    return {
      key,
      required: s.type !== 'optional',
      ...(s.type === 'optional' && s.default !== undefined ? { default: JSON.stringify(s.default) } : {}),
      description,
    };
  });
}

/** The keys of each config section with their defaults and descriptions (the reference docs are generated from this). */
export function configReference(): { readonly environment: ConfigKeyDoc[]; readonly gitops: ConfigKeyDoc[]; readonly adHoc: ConfigKeyDoc[] } {
  return { environment: keyDocs(ENVIRONMENT_ENTRIES), gitops: keyDocs(GITOPS.entries), adHoc: keyDocs(AD_HOC.entries) };
}

// ---------------------------------------------------------------------------------------------
// Problem lines.

/** Values longer than this are cut in messages, with their length shown. */
const MAX_SHOWN = 80;

/** A value as messages show it: JSON, cut when long; `missing` when absent. */
export function showValue(value: unknown): string {
  if (value === undefined) return 'missing';
  const text = JSON.stringify(value) ?? String(value);
  if (text.length <= MAX_SHOWN) return text;
  const length = typeof value === 'string' ? `${value.length} characters` : `${text.length} characters of JSON`;
  return `${text.slice(0, MAX_SHOWN)}... (${length})`;
}

function pathText(root: string, issue: v.BaseIssue<unknown>): string {
  let text = root;
  for (const item of issue.path ?? []) {
    // A record key that fails its own schema is reported at the record's path, the key as the value.
    if (issue.type !== 'strict_object' && (item as { origin?: string }).origin === 'key') continue;
    text += typeof item.key === 'number' ? `[${item.key}]` : `.${String(item.key)}`;
  }
  return text;
}

function problemLine(root: string, issue: v.BaseIssue<unknown>): string {
  const where = pathText(root, issue);
  // A check relating fields sees the whole object; the value shown is the field it is reported at.
  const value = issue.type === 'partial_check' ? issue.path?.[issue.path.length - 1]?.value : issue.input;
  // An unknown key (the path ends at the key itself), or a check that words its whole problem.
  if ((issue.type === 'strict_object' && issue.expected === 'never') || issue.type === 'raw_check') return `${where}: ${issue.message}`;
  return `${where}: ${showValue(value)} is invalid; expected ${issue.message}`;
}

/** Problem lines of a failed parse; valibot reports every issue, not just the first. */
function problemLines(root: string, issues: readonly v.BaseIssue<unknown>[]): string[] {
  return issues.map((issue) => problemLine(root, issue));
}

// ---------------------------------------------------------------------------------------------
// Checks that depend on the system or relate keys to each other.

/**
 * Longest suffix for which every derived object name of `system` stays a valid 63-character label
 * (the longest is `notification-service-service-<s>` for the payment system).
 */
export function maxSuffixLength(system: SystemDeclaration): number {
  const probe = new Naming('');
  const lengths = system.services.flatMap((s) => [
    probe.deployment(s.name), probe.service(s.name), probe.hpa(s.name), probe.configMap(s.name),
    probe.secret(s.name), probe.networkPolicy(s.name), probe.destinationRule(s.name),
    probe.podDisruptionBudget(s.name), probe.authorizationPolicy(s.name), probe.sidecar(s.name),
  ].map((n) => n.length));
  lengths.push(probe.gateway(system.name).length, probe.virtualService(system.name).length, probe.tlsCertificate(system.name).length);
  lengths.push(...system.services.map((s) => probe.requestAuthentication(s.name).length));
  lengths.push(...system.dependencies.map((d) => probe.serviceEntry(d.name).length));
  return MAX_LABEL_LENGTH - Math.max(probe.namespace.length, ...lengths);
}

/** Environment variable naming a service's image for an ad-hoc environment: `payment-api` -> `PAYMENT_API_IMAGE`. */
export function imageVariable(service: string): string {
  return `${constantCase(service)}_IMAGE`;
}

const SECURE_EDGE_EXPECTED = {
  gatewayHost: 'the host the gateway serves, e.g. payments.example.com',
  tls: 'the gateway\'s certificate, { clusterIssuer } or { existingSecret }',
  jwt: 'the end-user token issuer, { issuer, jwksUri, audiences }',
} as const;

const IMMUTABLE_EXPECTED = 'an immutable reference (a version tag or an @sha256 digest, not latest or untagged); only environments with mutableImageTags may use mutable tags';

/**
 * The schema of one environment of `system`: the fields, then the checks that relate them
 * (bounds, requests within limits, immutable images). Each relation is checked as soon as the
 * fields it reads are valid, so one bad field never hides another problem.
 */
function environmentSchema(system: SystemDeclaration): v.GenericSchema<unknown, EnvironmentConfig> {
  type Check = v.PipeItem<EnvironmentConfig, EnvironmentConfig, v.BaseIssue<unknown>>;
  const related = (
    paths: readonly (readonly string[])[], holds: (env: EnvironmentConfig) => boolean,
    expected: (env: EnvironmentConfig) => string, at: readonly string[],
  ): Check => v.forward(
    v.partialCheck(paths as [['suffix']], (env) => holds(env as EnvironmentConfig), (issue) => expected(issue.input as EnvironmentConfig)),
    at as ['suffix'],
  ) as unknown as Check;
  const checks: Check[] = [
    related([['minReplicas'], ['maxReplicas']], (e) => e.minReplicas <= e.maxReplicas, (e) => `at least minReplicas (${e.minReplicas})`, ['maxReplicas']),
    ...(['cpu', 'memory'] as const).map((r) => related([['requests', r], ['limits', r]],
      (e) => !isQuantity(e.requests[r]) || !isQuantity(e.limits[r]) || compareQuantities(e.requests[r], e.limits[r]) <= 0, (e) => `at most the limit ${e.limits[r]}`, ['requests', r])),
    ...system.services.map((s) => related([['images', s.name], ['mutableImageTags']],
      (e) => e.mutableImageTags || isImmutableImageReference(e.images[s.name]), () => IMMUTABLE_EXPECTED, ['images', s.name])),
    // A production edge unless the environment opts out: each missing key is its own problem.
    ...(['gatewayHost', 'tls', 'jwt'] as const).map((key) => related([[key], ['allowPlainHttp']],
      (e) => e.allowPlainHttp || e[key] !== undefined, () => `${SECURE_EDGE_EXPECTED[key]} (required unless allowPlainHttp: true, for dev and PR environments only)`, [key])),
    related([['tls'], ['gatewayHost']], (e) => e.tls === undefined || e.gatewayHost !== undefined,
      () => 'unset unless gatewayHost is set: a certificate names the host it is for', ['tls']),
    related([['tls'], ['suffix']], (e) => e.tls?.existingSecret === undefined || e.tls.existingSecret.endsWith(`-${e.suffix}`),
      (e) => `a Secret name ending in -${e.suffix}, so that no two environments share one by mistake`, ['tls', 'existingSecret']),
  ];
  // One pipe per check: a check runs whenever the fields it reads are valid, whatever else failed.
  return checks.reduce<v.GenericSchema<unknown, EnvironmentConfig>>(
    (schema, check) => v.pipe(schema, check), object(environmentEntries(system)) as v.GenericSchema<unknown, EnvironmentConfig>);
}

const schemas = new WeakMap<SystemDeclaration, v.GenericSchema<unknown, EnvironmentConfig>>();

/**
 * Validates one environment (raw, untyped) and fills in defaults. `path` prefixes every message,
 * e.g. `environments[2]`. Throws `ConfigError` listing every problem.
 */
export function resolveEnvironment(raw: unknown, system: SystemDeclaration, path = 'environment'): EnvironmentConfig {
  let schema = schemas.get(system);
  if (!schema) schemas.set(system, schema = environmentSchema(system));
  const result = v.safeParse(schema, raw);
  if (!result.success) throw new ConfigError(problemLines(path, result.issues));
  return result.output;
}

/** Problems of the GitOps settings, one line each; [] when valid. */
export function checkGitOpsConfig(gitops: unknown): string[] {
  const result = v.safeParse(GITOPS, gitops);
  return result.success ? [] : problemLines('gitops', result.issues);
}
