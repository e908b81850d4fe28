/**
 * Which environments one run builds, from the config file and the process environment (the
 * synth's command-line contract):
 *
 * - no variables: every configured environment (a complete synth, which also prunes the files of
 *   environments that no longer exist);
 * - `ENVIRONMENT_SUFFIX` of a configured environment: that one, image variables
 *   (`PAYMENT_API_IMAGE`, ...) overriding its images;
 * - any other `ENVIRONMENT_SUFFIX`: an ad-hoc (PR) environment with the defaults for everything
 *   else, which needs every image variable.
 *
 * Every problem is reported at once, one line each, naming the variable or config path.
 */
import { isDnsLabel } from '../model/dns';
import { ConfigError } from '../model/errors';
import {
  AdHocDefaults, checkGitOpsConfig, EnvironmentConfig, EnvironmentsFile, imageVariable, resolveAdHocDefaults, resolveEnvironment, showValue,
} from '../model/environment';
import { targetName } from '../model/targets';
import { constantCase } from '../model/text';
import { ENVIRONMENTS } from '../model/environments';
import { PAYMENT_SYSTEM, SystemDeclaration } from '../model/system';

/** Which environments one run builds, and whether the run owns the whole of the output folders. */
export interface EnvironmentSelection {
  readonly environments: readonly EnvironmentConfig[];
  /** True for a full synth (every configured environment): files of removed environments are deleted. */
  readonly complete: boolean;
}

export const SUFFIX_VARIABLE = 'ENVIRONMENT_SUFFIX';
/** The manifest folder the cdk8s CLI passes; read by the synth command, named here so near-misses are caught. */
export const OUTDIR_VARIABLE = 'CDK8S_OUTDIR';
const AD_HOC_PATH = '<ad-hoc>';

/** Variables that override where an ad-hoc environment's dependency lives: `PAYMENTS_DB_HOST`, `PAYMENTS_DB_CIDRS`. */
export function dependencyVariables(dependency: string): { readonly host: string; readonly cidrs: string } {
  return { host: `${constantCase(dependency)}_HOST`, cidrs: `${constantCase(dependency)}_CIDRS` };
}

/** Every variable the synth reads. */
export function synthVariables(system: SystemDeclaration): string[] {
  return [
    SUFFIX_VARIABLE, ...system.services.map((s) => imageVariable(s.name)),
    ...system.dependencies.flatMap((d) => Object.values(dependencyVariables(d.name))), OUTDIR_VARIABLE,
  ];
}

/** Variables that differ only in case from one the synth reads: on Linux they are different variables, silently ignored. */
function misspelledVariables(vars: Readonly<Record<string, string | undefined>>, system: SystemDeclaration): string[] {
  const known = synthVariables(system);
  return Object.keys(vars).flatMap((name) => {
    const meant = known.find((k) => k !== name && k.toUpperCase() === name.toUpperCase());
    return meant !== undefined && vars[name] !== undefined
      ? [`${name}: not a variable the synth reads (names are case-sensitive); did you mean ${meant}?`]
      : [];
  });
}

/** Every configured environment, validated, with the problems of those that are not. */
function configuredEnvironments(file: EnvironmentsFile, system: SystemDeclaration): { environments: EnvironmentConfig[]; problems: string[] } {
  const problems = checkGitOpsConfig(file.gitops);
  const environments: EnvironmentConfig[] = [];
  file.environments.forEach((raw, i) => {
    try {
      environments.push(resolveEnvironment(raw, system, `environments[${i}]`));
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      problems.push(...e.problems);
    }
  });
  const seen = new Set<string>();
  for (const env of environments) {
    if (seen.has(env.suffix)) problems.push(`environments: suffix "${env.suffix}" is declared twice`);
    seen.add(env.suffix);
  }
  problems.push(...sharedGatewayProblems(environments), ...sharedClusterTargetProblems(environments));
  return { environments, problems };
}

/**
 * Environments on one cluster share its ingress gateway: two that claim the same host (or both
 * any host, `*`) would take each other's traffic.
 */
function sharedGatewayProblems(environments: readonly EnvironmentConfig[]): string[] {
  const claimed = new Map<string, EnvironmentConfig>();
  const problems: string[] = [];
  for (const env of environments) {
    const host = env.gatewayHost ?? '*';
    const key = `${env.clusterServer} ${host}`;
    const other = claimed.get(key);
    if (other && other.suffix !== env.suffix) {
      problems.push(`environments: "${other.suffix}" and "${env.suffix}" both claim the gateway host ${host} on cluster ${env.clusterServer}; give each its own gatewayHost`);
    }
    claimed.set(key, other ?? env);
  }
  return problems;
}

/** One cluster runs one Kubernetes and one Istio version: environments on it must name the same target. */
function sharedClusterTargetProblems(environments: readonly EnvironmentConfig[]): string[] {
  const first = new Map<string, EnvironmentConfig>();
  const problems: string[] = [];
  for (const env of environments) {
    const other = first.get(env.clusterServer);
    if (!other) first.set(env.clusterServer, env);
    else if (other.target.kubernetes !== env.target.kubernetes || other.target.istio !== env.target.istio) {
      problems.push(`environments: "${other.suffix}" and "${env.suffix}" deploy to cluster ${env.clusterServer} but name different targets (${targetName(other.target)}, ${targetName(env.target)}); one cluster runs one version`);
    }
  }
  return problems;
}

/** The ad-hoc environment's dependencies: the config's defaults, with the variables' overrides. */
function adHocDependencies(
  defaults: AdHocDefaults, vars: Readonly<Record<string, string | undefined>>, system: SystemDeclaration, problems: string[],
): Record<string, { host: string; cidrs: string[] }> {
  const dependencies: Record<string, { host: string; cidrs: string[] }> = {};
  for (const dependency of system.dependencies) {
    const names = dependencyVariables(dependency.name);
    const base = defaults.dependencies[dependency.name];
    const host = vars[names.host];
    const cidrs = vars[names.cidrs];
    for (const [name, value] of [[names.host, host], [names.cidrs, cidrs]] as const) {
      if (value !== undefined && value.trim() === '') problems.push(`${name}: set but empty; expected a value or the variable unset`);
    }
    dependencies[dependency.name] = {
      host: host?.trim() ? host : base.host,
      cidrs: cidrs?.trim() ? cidrs.split(',').map((c) => c.trim()) : [...base.cidrs],
    };
  }
  return dependencies;
}

/** Problems of an environment built from variables name the variable, not a config path. */
function nameVariables(problem: string, system: SystemDeclaration): string {
  let named = problem.replace(`${AD_HOC_PATH}.suffix:`, `${SUFFIX_VARIABLE}:`);
  for (const service of system.services) {
    named = named.replace(`${AD_HOC_PATH}.images.${service.name}:`, `${imageVariable(service.name)}:`);
  }
  for (const dependency of system.dependencies) {
    const names = dependencyVariables(dependency.name);
    named = named.replace(`${AD_HOC_PATH}.dependencies.${dependency.name}.host:`, `${names.host}:`);
    const cidrsPath = `${AD_HOC_PATH}.dependencies.${dependency.name}.cidrs`;
    if (named.startsWith(cidrsPath)) named = `${names.cidrs}${named.slice(cidrsPath.length)}`;
  }
  return named.replace(`${AD_HOC_PATH}.`, 'environment config ');
}

/**
 * Resolves the environments to build from the config file and the process environment.
 * Throws `ConfigError` naming every bad key or variable; nothing is built on error.
 */
export function selectEnvironments(
  vars: Readonly<Record<string, string | undefined>>,
  file: EnvironmentsFile = ENVIRONMENTS,
  system: SystemDeclaration = PAYMENT_SYSTEM,
): EnvironmentSelection {
  const { environments: configured, problems } = configuredEnvironments(file, system);
  const adHoc = resolveAdHocDefaults(file.adHoc, system);
  problems.push(...adHoc.problems, ...misspelledVariables(vars, system));

  const suffix = vars[SUFFIX_VARIABLE];
  const imageOverrides: Record<string, string> = {};
  for (const service of system.services) {
    const name = imageVariable(service.name);
    const value = vars[name];
    if (value === undefined) continue;
    if (value.trim() === '') problems.push(`${name}: set but empty; expected an image reference or the variable unset`);
    else if (suffix === undefined) problems.push(`${name}: set without ${SUFFIX_VARIABLE}; set ${SUFFIX_VARIABLE} to say which environment it is for`);
    else imageOverrides[service.name] = value;
  }
  if (suffix === undefined) {
    if (problems.length > 0) throw new ConfigError(problems);
    return { environments: configured, complete: true };
  }
  if (suffix.trim() === '') {
    problems.push(`${SUFFIX_VARIABLE}: set but empty; expected an environment suffix such as pr123, or the variable unset to build every configured environment`);
    throw new ConfigError(problems);
  }

  const base = file.environments.find((e) => e.suffix === suffix);
  const dependencyOverrides = system.dependencies.flatMap((d) => Object.values(dependencyVariables(d.name))).filter((name) => vars[name] !== undefined);
  if (base && dependencyOverrides.length > 0) {
    problems.push(...dependencyOverrides.map((name) => `${name}: only ad-hoc environments take dependency addresses from variables; "${suffix}" is configured in lib/model/environments.ts`));
  }
  if (!base) {
    for (const service of system.services) {
      const name = imageVariable(service.name);
      if (imageOverrides[service.name] === undefined && vars[name] === undefined) {
        problems.push(`${name}: not set; the ad-hoc environment ${showValue(suffix)} is not in the config, so every image variable is required`);
      }
    }
  }
  // An ad-hoc environment is a short-lived PR build: like dev, mutable tags and a plain-HTTP edge.
  const domain = adHoc.defaults?.gatewayDomain;
  const raw = base
    ? { ...base, images: { ...base.images, ...imageOverrides } }
    : {
      suffix,
      images: imageOverrides,
      mutableImageTags: true,
      allowPlainHttp: true,
      // Derived only from a valid suffix: a bad one is reported once, as ENVIRONMENT_SUFFIX.
      ...(domain === undefined || !isDnsLabel(suffix) ? {} : { gatewayHost: `${suffix}.${domain}` }),
      dependencies: adHoc.defaults ? adHocDependencies(adHoc.defaults, vars, system, problems) : {},
    };
  let environment: EnvironmentConfig | undefined;
  try {
    environment = resolveEnvironment(raw, system, AD_HOC_PATH);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    // A variable already reported (empty, or not set) is not reported twice.
    const reported = new Set(problems.map(subjectOf));
    problems.push(...e.problems.map((p) => nameVariables(p, system)).filter((p) => !reported.has(subjectOf(p))));
  }
  if (environment === undefined || problems.length > 0) throw new ConfigError(problems);
  return { environments: [environment], complete: false };
}

/** What a problem line is about: the variable or config path before the first colon. */
function subjectOf(problem: string): string {
  return problem.slice(0, problem.indexOf(':'));
}

/** Every configured environment (validated), for tools that look at all of them. */
export function loadEnvironments(file: EnvironmentsFile = ENVIRONMENTS, system: SystemDeclaration = PAYMENT_SYSTEM): EnvironmentConfig[] {
  return [...selectEnvironments({}, file, system).environments];
}
