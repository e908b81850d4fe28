/**
 * `npm run validate -- [--kubernetes <minor>] [--istio <minor>] <file.k8s.yaml ...>`: strict
 * validation of manifest files against a target cluster (default: the specification's, Kubernetes
 * 1.28 with Istio 1.19; a file named after a configured environment, `dist/<suffix>.k8s.yaml`,
 * defaults to that environment's target). Prints each problem as `file: Kind/name: path: message`
 * and exits 1; exits 0 with a one-line summary when everything is valid.
 */
import { basename } from 'node:path';
import { formatProblem, validateManifests } from '../checks/validation';
import { ManifestInputError } from '../manifest/fields';
import { UserError } from '../model/errors';
import { checkTargetCompatibility, describeTarget, SPECIFICATION_TARGET, Target } from '../model/targets';
import { EnvironmentConfig } from '../model/environment';
import { readManifestFile } from '../synth/input-files';
import { loadEnvironments } from '../synth/select-environments';
import { Command, UsageError } from './command';

export const VALIDATE_USAGE = 'npm run validate -- [--kubernetes <minor>] [--istio <minor>] <file.k8s.yaml> [more files...]';

/** The target and files named by `args`; throws `UsageError` when they are not usable. */
export function parseValidateArgs(args: readonly string[]): { target?: Target; files: string[] } {
  const chosen: { kubernetes?: string; istio?: string } = {};
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const option = /^--(kubernetes|istio)(?:=(.*))?$/.exec(arg);
    if (option) {
      const value = option[2] ?? args[++i];
      if (value === undefined || value === '') throw new UsageError(`--${option[1]} needs a version, e.g. --${option[1]} ${option[1] === 'istio' ? '1.30' : '1.35'}`, VALIDATE_USAGE);
      chosen[option[1] as 'kubernetes' | 'istio'] = value;
    } else if (arg.startsWith('--')) {
      throw new UsageError(`unknown option ${arg}`, VALIDATE_USAGE);
    } else {
      files.push(arg);
    }
  }
  if (files.length === 0) throw new UsageError('no file given', VALIDATE_USAGE);
  if (chosen.kubernetes === undefined && chosen.istio === undefined) return { files };
  const target: Target = { kubernetes: chosen.kubernetes ?? SPECIFICATION_TARGET.kubernetes, istio: chosen.istio ?? SPECIFICATION_TARGET.istio };
  const problems = checkTargetCompatibility(target);
  if (problems.length > 0) throw new UsageError(`unsupported target Kubernetes ${target.kubernetes} with Istio ${target.istio}: ${problems.join('; ')}`, VALIDATE_USAGE);
  return { target, files };
}

/** The `validate` command; `targetOf` gives a file's default target (the configured environment it is named after). */
export function validateCommand(targetOf: (file: string) => Target = () => SPECIFICATION_TARGET): Command {
  return {
    name: 'validate',
    usage: VALIDATE_USAGE,
    run(args, io) {
      const parsed = parseValidateArgs(args);
      // Every unreadable file is reported, not just the first.
      const inputProblems: string[] = [];
      const files = parsed.files.flatMap((path) => {
        try {
          return [{ path, objects: readManifestFile(path), target: parsed.target ?? targetOf(path) }];
        } catch (error) {
          if (!(error instanceof ManifestInputError)) throw error;
          inputProblems.push(...error.problems);
          return [];
        }
      });
      if (inputProblems.length > 0) throw new UserError(inputProblems, 2);
      let problems = 0;
      let objectCount = 0;
      for (const { path, objects, target } of files) {
        objectCount += objects.length;
        for (const problem of validateManifests(objects, target)) {
          io.out(formatProblem(problem, path));
          problems++;
        }
      }
      const targets = [...new Set(files.map((f) => describeTarget(f.target)))].join('; ');
      const counts = `${objectCount} object${objectCount === 1 ? '' : 's'} in ${files.length} file${files.length === 1 ? '' : 's'}`;
      if (problems > 0) {
        io.err(`${problems} problem${problems === 1 ? '' : 's'} in ${counts} (target: ${targets})`);
        return 1;
      }
      io.out(`ok: ${counts} valid for ${targets}`);
      return 0;
    },
  };
}

/** `<suffix>` of `dist/<suffix>.k8s.yaml`, or undefined. */
export function suffixOfManifestFile(path: string): string | undefined {
  return /^(.+)\.k8s\.ya?ml$/.exec(basename(path))?.[1];
}

/** A file named `<suffix>.k8s.yaml` after a configured environment is validated for that environment's target. */
function configuredTarget(): (file: string) => Target {
  let environments: readonly EnvironmentConfig[] | undefined;
  return (file) => {
    const suffix = suffixOfManifestFile(file);
    if (suffix === undefined) return SPECIFICATION_TARGET;
    environments ??= loadEnvironments();
    return environments.find((e) => e.suffix === suffix)?.target ?? SPECIFICATION_TARGET;
  };
}

export const VALIDATE: Command = validateCommand(configuredTarget());
