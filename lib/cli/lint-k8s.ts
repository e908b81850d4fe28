/**
 * `npm run lint:k8s [-- <file.k8s.yaml ...>]`: lints manifest files, or every configured
 * environment synthesized in memory, and reports findings per object with the allow-listed ones
 * marked. Exit code 0 when only expected findings remain, 1 otherwise, 2 on unreadable input.
 */
import { basename } from 'node:path';
import { RULES } from '../checks/lint';
import { formatTarget, LintTarget, lintTarget } from '../checks/lint/report';
import { LintOptions } from '../checks/lint/types';
import { synthesizeEnvironment } from '../constructs/synthesize-environment';
import { isPlainObject, ManifestInputError } from '../manifest/fields';
import { KubeObject } from '../manifest/kube-object';
import { EnvironmentConfig } from '../model/environment';
import { readManifestFile } from '../synth/input-files';
import { loadEnvironments } from '../synth/select-environments';
import { Command } from './command';

/** Lint options of an environment: only its config may allow mutable image tags or plain HTTP; its target decides removed APIs. */
export function optionsFor(env: EnvironmentConfig | undefined): LintOptions {
  return {
    allowMutableImageTags: env?.mutableImageTags === true,
    allowPlainHttp: env?.allowPlainHttp === true,
    ...(env ? { kubernetes: env.target.kubernetes } : {}),
  };
}

/** The objects of a file, each checked to be a Kubernetes object (lint reads their identity). */
function kubeObjects(path: string): KubeObject[] {
  return readManifestFile(path).map((value, i) => {
    const metadata = isPlainObject(value) && isPlainObject(value.metadata) ? value.metadata : undefined;
    if (!isPlainObject(value) || typeof value.apiVersion !== 'string' || typeof value.kind !== 'string' || typeof metadata?.name !== 'string') {
      throw new ManifestInputError(`${path}: object ${i + 1}`, 'not a Kubernetes object (expected apiVersion, kind and metadata.name)');
    }
    return value as KubeObject;
  });
}

/** Targets for files: `<suffix>.k8s.yaml` of a configured environment gets its options, anything else strict ones. */
function fileTargets(paths: readonly string[], environments: readonly EnvironmentConfig[]): LintTarget[] {
  return paths.map((path) => {
    const suffix = /^(.+)\.k8s\.ya?ml$/.exec(basename(path))?.[1];
    return { label: path, objects: kubeObjects(path), options: optionsFor(environments.find((e) => e.suffix === suffix)) };
  });
}

/** Targets for every configured environment, synthesized in memory. */
function environmentTargets(environments: readonly EnvironmentConfig[]): LintTarget[] {
  return environments.map((env) => ({
    label: `environment ${env.suffix}`, objects: synthesizeEnvironment(env), options: optionsFor(env),
  }));
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

export const LINT_K8S: Command = {
  name: 'lint-k8s',
  usage: 'npm run lint:k8s [-- <file.k8s.yaml> ...]',
  run(args, io) {
    const environments = loadEnvironments();
    const targets = args.length > 0 ? fileTargets(args, environments) : environmentTargets(environments);
    let expected = 0;
    let unexpected = 0;
    let objects = 0;
    for (const target of targets) {
      const reported = lintTarget(target);
      formatTarget(target, reported).forEach((line) => io.out(line));
      objects += target.objects.length;
      expected += reported.filter((r) => r.expected).length;
      unexpected += reported.filter((r) => !r.expected).length;
    }
    io.out(`lint:k8s: ${plural(targets.length, 'manifest set')}, ${plural(objects, 'object')}, ${plural(RULES.length, 'rule')}: `
      + `${plural(unexpected, 'unexpected finding')}, ${expected} expected`);
    return unexpected > 0 ? 1 : 0;
  },
};
