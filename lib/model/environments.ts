/**
 * The checked-in environments, and how the command line selects among them.
 *
 * `npm run synth` builds every environment below. `ENVIRONMENT_SUFFIX` (with the image variables,
 * e.g. `PAYMENT_API_IMAGE`) builds one environment instead: a configured one with its images
 * overridden, or an ad-hoc one (a PR environment) with the defaults for everything else.
 */
import {
  ConfigError, EnvironmentConfig, EnvironmentsFile, imageVariable, resolveEnvironment,
} from './environment';
import { checkGitOpsConfig } from '../render/argocd';
import { PAYMENT_SYSTEM, SystemDeclaration } from './system';

const REGISTRY = '123456789012.dkr.ecr.us-east-1.amazonaws.com';

export const ENVIRONMENTS: EnvironmentsFile = {
  gitops: {
    repoURL: 'https://github.com/example-org/payment-mesh.git',
    targetRevision: 'main',
    argocdNamespace: 'argocd',
    project: 'default',
  },
  environments: [
    {
      suffix: 'dev',
      images: {
        'payment-api': `${REGISTRY}/payment-api:1.3.0-rc.2`,
        'fraud-detector': `${REGISTRY}/fraud-detector:2.1.0-rc.1`,
        'notification-service': `${REGISTRY}/notification-service:1.0.4`,
      },
      logLevel: 'debug',
      featureFlags: { metrics: true, tracing: true },
      mutableImageTags: true,
    },
    {
      suffix: 'staging',
      images: {
        'payment-api': `${REGISTRY}/payment-api:1.2.0`,
        'fraud-detector': `${REGISTRY}/fraud-detector:2.0.1`,
        'notification-service': `${REGISTRY}/notification-service:1.0.3`,
      },
      featureFlags: { metrics: true, tracing: true },
    },
    {
      suffix: 'prod',
      images: {
        'payment-api': `${REGISTRY}/payment-api:1.1.4`,
        'fraud-detector': `${REGISTRY}/fraud-detector:2.0.0`,
        'notification-service': `${REGISTRY}/notification-service:1.0.2`,
      },
      minReplicas: 3,
      maxReplicas: 30,
      requests: { cpu: '500m', memory: '1Gi' },
      limits: { cpu: '1', memory: '2Gi' },
      logLevel: 'warn',
    },
  ],
};

/** Which environments one run builds, and whether the run owns the whole of `dist/`. */
export interface EnvironmentSelection {
  readonly environments: readonly EnvironmentConfig[];
  /** True for a full synth (every configured environment): files of removed environments are deleted. */
  readonly complete: boolean;
}

/** Environment variables of the synth contract (suffix, then one image variable per service). */
const SUFFIX_VARIABLE = 'ENVIRONMENT_SUFFIX';

/**
 * Resolves the environments to build from the config file and the process environment.
 * Throws `ConfigError` naming every bad key or variable; nothing is built on error.
 */
export function selectEnvironments(
  vars: Readonly<Record<string, string | undefined>>,
  file: EnvironmentsFile = ENVIRONMENTS,
  system: SystemDeclaration = PAYMENT_SYSTEM,
): EnvironmentSelection {
  const problems: string[] = [...checkGitOpsConfig(file.gitops)];
  const configured: EnvironmentConfig[] = [];
  file.environments.forEach((raw, i) => {
    try {
      configured.push(resolveEnvironment(raw, system, `environments[${i}]`));
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      problems.push(...e.problems);
    }
  });
  const seen = new Set<string>();
  for (const env of configured) {
    if (seen.has(env.suffix)) problems.push(`environments: suffix "${env.suffix}" is declared twice`);
    seen.add(env.suffix);
  }

  const suffix = vars[SUFFIX_VARIABLE];
  const imageOverrides: Record<string, string> = {};
  for (const service of system.services) {
    const name = imageVariable(service);
    const value = vars[name];
    if (value === undefined) continue;
    if (value.trim() === '') problems.push(`${name}: set but empty; expected an image reference or the variable unset`);
    else if (suffix === undefined) problems.push(`${name}: set without ${SUFFIX_VARIABLE}; set ${SUFFIX_VARIABLE} to say which environment it is for`);
    else imageOverrides[service.name] = value;
  }
  if (suffix !== undefined && suffix.trim() === '') {
    problems.push(`${SUFFIX_VARIABLE}: set but empty; expected an environment suffix such as pr123, or the variable unset to build every configured environment`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  if (suffix === undefined) return { environments: configured, complete: true };

  const base = file.environments.find((e) => e.suffix === suffix);
  const missing = system.services.filter((s) => !base && imageOverrides[s.name] === undefined);
  if (missing.length > 0) {
    throw new ConfigError(missing.map((s) =>
      `${imageVariable(s)}: not set; the ad-hoc environment "${suffix}" is not in the config, so every image variable is required`));
  }
  // An ad-hoc environment is a short-lived PR build: mutable tags are allowed, like dev.
  const raw = base
    ? { ...base, images: { ...base.images, ...imageOverrides } }
    : { suffix, images: imageOverrides, mutableImageTags: true };
  try {
    return { environments: [resolveEnvironment(raw, system, AD_HOC_PATH)], complete: false };
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    throw new ConfigError(e.problems.map((p) => nameVariables(p, system)));
  }
}

const AD_HOC_PATH = '<ad-hoc>';

/** Problems of an environment built from variables name the variable, not a config path. */
function nameVariables(problem: string, system: SystemDeclaration): string {
  let named = problem.replace(`${AD_HOC_PATH}.suffix:`, `${SUFFIX_VARIABLE}:`);
  for (const service of system.services) {
    named = named.replace(`${AD_HOC_PATH}.images.${service.name}:`, `${imageVariable(service)}:`);
  }
  return named.replace(`${AD_HOC_PATH}.`, 'environment config ');
}
