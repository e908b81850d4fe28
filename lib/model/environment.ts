/**
 * Environment configuration: its typed shape, the specification's defaults, and validation of raw
 * input (the checked-in file and the ad-hoc environment variables) with one clear line per problem.
 * Pure functions; nothing here builds constructs or touches the file system.
 */
import { Naming } from './naming';
import { ServiceDeclaration, SystemDeclaration } from './system';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

/** CPU and memory as Kubernetes quantities, e.g. `{ cpu: '250m', memory: '512Mi' }`. */
export interface ComputeResources {
  readonly cpu: string;
  readonly memory: string;
}

/** Everything that may differ between environments. */
export interface EnvironmentConfig {
  /** Environment suffix: a DNS-1123 label that ends every object name, e.g. `dev`. */
  readonly suffix: string;
  /** Container image per service name, e.g. `{ 'payment-api': '1234.dkr.ecr.../payment-api:1.0.0' }`. */
  readonly images: Readonly<Record<string, string>>;
  /** HPA lower bound per service. @default 2 */
  readonly minReplicas: number;
  /** HPA upper bound per service. @default 10 */
  readonly maxReplicas: number;
  /** HPA target average CPU utilization in percent of the request. @default 50 */
  readonly targetCpuUtilization: number;
  /** Container resource requests. @default { cpu: '250m', memory: '512Mi' } */
  readonly requests: ComputeResources;
  /** Container resource limits. @default { cpu: '500m', memory: '1Gi' } */
  readonly limits: ComputeResources;
  /** Feature flags, written to each service's ConfigMap as `FEATURE_<NAME>`. @default { metrics: true, tracing: false } */
  readonly featureFlags: Readonly<Record<string, boolean>>;
  /** Application log level. @default 'info' */
  readonly logLevel: LogLevel;
  /** External host name of the ingress gateway, if known; otherwise the Gateway accepts any host. @default none */
  readonly gatewayHost?: string;
  /** ClusterSecretStore the ExternalSecrets read from. @default 'aws-secrets-manager' */
  readonly secretStore: string;
  /** Namespace whose Prometheus may scrape the sidecars' merged metrics (port 15020). @default 'monitoring' */
  readonly monitoringNamespace: string;
  /** Whether images may use mutable tags (`latest`, untagged). Only dev-like environments. @default false */
  readonly mutableImageTags: boolean;
}

/** The specification's values; environments override only what differs. */
export const ENVIRONMENT_DEFAULTS = {
  minReplicas: 2,
  maxReplicas: 10,
  targetCpuUtilization: 50,
  requests: { cpu: '250m', memory: '512Mi' },
  limits: { cpu: '500m', memory: '1Gi' },
  featureFlags: { metrics: true, tracing: false },
  logLevel: 'info',
  secretStore: 'aws-secrets-manager',
  monitoringNamespace: 'monitoring',
  mutableImageTags: false,
} as const satisfies Omit<EnvironmentConfig, 'suffix' | 'images' | 'gatewayHost'>;

/** One environment as written in the config file: suffix and images required, the rest optional. */
export type EnvironmentInput = Partial<Omit<EnvironmentConfig, 'suffix' | 'images'>> &
  Pick<EnvironmentConfig, 'suffix' | 'images'>;

/** Where ArgoCD finds this repository. */
export interface GitOpsConfig {
  /** Git URL of this repository, as ArgoCD clones it. */
  readonly repoURL: string;
  /** Branch, tag or commit ArgoCD syncs. */
  readonly targetRevision: string;
  /** Namespace ArgoCD runs in. */
  readonly argocdNamespace: string;
  /** ArgoCD project the applications belong to. */
  readonly project: string;
}

/** The checked-in environments file. */
export interface EnvironmentsFile {
  readonly gitops: GitOpsConfig;
  readonly environments: readonly EnvironmentInput[];
}

/** A user mistake in configuration or input: one line per problem, never a stack trace. */
export class ConfigError extends Error {
  constructor(public readonly problems: readonly string[]) {
    super(problems.join('\n'));
    this.name = 'ConfigError';
  }
}

const MAX_LABEL_LENGTH = 63;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
// Optional registry (a host with a dot or a port, or localhost), lower-case repository path, then
// `:tag` and/or `@sha256:<64 hex>`: the distribution reference grammar.
const DOMAIN_PART = '[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?';
const REGISTRY = `(?:(?:localhost|${DOMAIN_PART}(?:\\.${DOMAIN_PART})+)(?::[0-9]+)?|${DOMAIN_PART}:[0-9]+)\\/`;
const IMAGE_REFERENCE = new RegExp(
  `^(?:${REGISTRY})?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::([\\w][\\w.-]{0,127}))?(?:@(sha256:[a-f0-9]{64}))?$`,
);
const QUANTITY = /^(?:\d+(?:\.\d+)?|\.\d+)(?:m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;
const FLAG_NAME = /^[a-z][a-zA-Z0-9]*$/;

/** Parsed parts of an image reference, or undefined when it does not parse. */
export function parseImageReference(ref: string): { tag?: string; digest?: string } | undefined {
  const m = IMAGE_REFERENCE.exec(ref);
  if (!m || ref.length > 255) return undefined;
  return { tag: m[1], digest: m[2] };
}

/** True when the reference pins content: a digest, or a tag other than `latest`. */
export function isImmutableImageReference(ref: string): boolean {
  const parsed = parseImageReference(ref);
  if (!parsed) return false;
  return parsed.digest !== undefined || (parsed.tag !== undefined && parsed.tag !== 'latest');
}

/** Converts a quantity such as `500m`, `1Gi` or `0.5` to a number in base units. */
export function quantityValue(quantity: string): number {
  const m = /^([\d.]+)([a-zA-Z]*)$/.exec(quantity);
  if (!m || !QUANTITY.test(quantity)) throw new ConfigError([`quantity "${quantity}": not a Kubernetes quantity`]);
  const factors: Record<string, number> = {
    '': 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
    Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
  };
  return Number(m[1]) * factors[m[2]];
}

/** Environment variable naming a service's image for an ad-hoc environment: `payment-api` -> `PAYMENT_API_IMAGE`. */
export function imageVariable(service: ServiceDeclaration): string {
  return `${service.name.toUpperCase().replace(/-/g, '_')}_IMAGE`;
}

function describe(value: unknown): string {
  return value === undefined ? 'missing' : JSON.stringify(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Collects problems while checking one untyped value against the expected shape. */
class Checker {
  readonly problems: string[] = [];

  fail(path: string, value: unknown, expected: string): void {
    this.problems.push(`${path}: ${describe(value)} is invalid; expected ${expected}`);
  }

  record(path: string, value: unknown, allowedKeys: readonly string[]): Record<string, unknown> | undefined {
    if (!isRecord(value)) {
      this.fail(path, value, 'an object');
      return undefined;
    }
    for (const key of Object.keys(value)) {
      if (!allowedKeys.includes(key)) {
        this.problems.push(`${path}.${key}: unknown key; expected one of ${allowedKeys.join(', ')}`);
      }
    }
    return value;
  }

  string(path: string, value: unknown, pattern: RegExp, expected: string): value is string {
    if (typeof value === 'string' && pattern.test(value)) return true;
    this.fail(path, value, expected);
    return false;
  }

  integer(path: string, value: unknown, min: number, max: number): value is number {
    if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return true;
    this.fail(path, value, `an integer from ${min} to ${max}`);
    return false;
  }
}

const ENVIRONMENT_KEYS: readonly (keyof EnvironmentConfig)[] = [
  'suffix', 'images', 'minReplicas', 'maxReplicas', 'targetCpuUtilization', 'requests', 'limits',
  'featureFlags', 'logLevel', 'gatewayHost', 'secretStore', 'monitoringNamespace', 'mutableImageTags',
];

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
  lengths.push(probe.gateway(system.name).length, probe.virtualService(system.name).length);
  return MAX_LABEL_LENGTH - Math.max(probe.namespace.length, ...lengths);
}

function checkResources(c: Checker, path: string, value: unknown): value is ComputeResources {
  const r = c.record(path, value, ['cpu', 'memory']);
  if (!r) return false;
  const cpuOk = c.string(`${path}.cpu`, r.cpu, QUANTITY, 'a CPU quantity such as 250m or 1');
  const memOk = c.string(`${path}.memory`, r.memory, QUANTITY, 'a memory quantity such as 512Mi or 1Gi');
  return cpuOk && memOk;
}

/**
 * Validates one environment (raw, untyped) and fills in defaults. `path` prefixes every message,
 * e.g. `environments[2]`. Throws `ConfigError` listing every problem.
 */
export function resolveEnvironment(raw: unknown, system: SystemDeclaration, path = 'environment'): EnvironmentConfig {
  const c = new Checker();
  const input = c.record(path, raw, ENVIRONMENT_KEYS);
  if (!input) throw new ConfigError(c.problems);
  const env = { ...ENVIRONMENT_DEFAULTS, ...input } as Record<string, unknown>;

  const maxSuffix = maxSuffixLength(system);
  if (c.string(`${path}.suffix`, env.suffix, DNS_LABEL, 'a DNS-1123 label (lower-case letters, digits and \'-\', starting and ending with a letter or digit)')
    && (env.suffix as string).length > maxSuffix) {
    c.fail(`${path}.suffix`, env.suffix, `at most ${maxSuffix} characters so that every derived name fits in 63`);
  }

  const images = c.record(`${path}.images`, env.images, system.services.map((s) => s.name));
  for (const service of system.services) {
    const ref = images?.[service.name];
    const at = `${path}.images.${service.name}`;
    if (!images) continue;
    if (typeof ref !== 'string' || !parseImageReference(ref)) {
      c.fail(at, ref, 'an image reference such as registry/repository:tag or registry/repository@sha256:<64 hex digits>');
    } else if (env.mutableImageTags !== true && !isImmutableImageReference(ref)) {
      c.fail(at, ref, 'an immutable reference (a version tag or an @sha256 digest, not latest or untagged); only environments with mutableImageTags may use mutable tags');
    }
  }

  const minOk = c.integer(`${path}.minReplicas`, env.minReplicas, 2, 1000);
  const maxOk = c.integer(`${path}.maxReplicas`, env.maxReplicas, 1, 1000);
  if (minOk && maxOk && (env.minReplicas as number) > (env.maxReplicas as number)) {
    c.fail(`${path}.maxReplicas`, env.maxReplicas, `at least minReplicas (${env.minReplicas})`);
  }
  c.integer(`${path}.targetCpuUtilization`, env.targetCpuUtilization, 1, 100);

  const requestsOk = checkResources(c, `${path}.requests`, env.requests);
  const limitsOk = checkResources(c, `${path}.limits`, env.limits);
  if (requestsOk && limitsOk) {
    const requests = env.requests as ComputeResources;
    const limits = env.limits as ComputeResources;
    for (const resource of ['cpu', 'memory'] as const) {
      if (quantityValue(requests[resource]) > quantityValue(limits[resource])) {
        c.fail(`${path}.requests.${resource}`, requests[resource], `at most the limit ${limits[resource]}`);
      }
    }
  }

  const flags = c.record(`${path}.featureFlags`, env.featureFlags, Object.keys(isRecord(env.featureFlags) ? env.featureFlags : {}));
  for (const [name, value] of Object.entries(flags ?? {})) {
    if (!FLAG_NAME.test(name)) c.fail(`${path}.featureFlags`, name, 'flag names in camelCase, e.g. fraudScoring');
    if (typeof value !== 'boolean') c.fail(`${path}.featureFlags.${name}`, value, 'true or false');
  }

  if (!LOG_LEVELS.includes(env.logLevel as LogLevel)) c.fail(`${path}.logLevel`, env.logLevel, `one of ${LOG_LEVELS.join(', ')}`);
  if (env.gatewayHost !== undefined) {
    c.string(`${path}.gatewayHost`, env.gatewayHost, DNS_SUBDOMAIN, 'a lower-case DNS host name such as payments.example.com');
  }
  c.string(`${path}.secretStore`, env.secretStore, DNS_SUBDOMAIN, 'the name of a ClusterSecretStore (a DNS-1123 subdomain)');
  c.string(`${path}.monitoringNamespace`, env.monitoringNamespace, DNS_LABEL, 'a namespace name (a DNS-1123 label)');
  if (typeof env.mutableImageTags !== 'boolean') c.fail(`${path}.mutableImageTags`, env.mutableImageTags, 'true or false');

  if (c.problems.length > 0) throw new ConfigError(c.problems);
  return env as unknown as EnvironmentConfig;
}
