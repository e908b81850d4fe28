/**
 * `npm run lint:k8s [-- <file.k8s.yaml ...>]`: lints manifest files, or every configured
 * environment synthesized in memory, and reports findings per object with the allow-listed ones
 * marked. Exit code 0 when only expected findings remain, 1 otherwise, 2 on unreadable input.
 */
import { readFileSync } from 'fs';
import { basename } from 'path';
import { parseAllDocuments } from 'yaml';
import { ConfigError, EnvironmentConfig } from '../../model/environment';
import { KubeObject, objectRef } from '../../manifest/kube-object';
import { loadEnvironments, synthesizeEnvironment } from '../../synth/synthesize';
import { ExpectedFinding, expectationFor } from './allow-list';
import { EXPECTED_FINDINGS } from './expected-findings';
import { lintManifests, RULES } from './index';
import { list, record, str } from './workloads';
import { LintFinding, LintOptions } from './types';
import { compareText } from '../../model/compare-text';

/** One manifest set to lint: a file or an environment. */
export interface LintTarget {
  /** File path or `environment <suffix>`, for the report. */
  readonly label: string;
  readonly objects: readonly KubeObject[];
  readonly options: LintOptions;
}

/** Input the tool cannot lint (unreadable file, bad YAML, not Kubernetes objects): exit code 2. */
export class LintInputError extends Error {}

/** Lint options of an environment: only its config may allow mutable image tags. */
export function optionsFor(env: EnvironmentConfig | undefined): LintOptions {
  return { allowMutableImageTags: env?.mutableImageTags === true };
}

/** Kubernetes objects of a multi-document YAML text; `List` documents are expanded. */
export function parseManifest(text: string, label: string): KubeObject[] {
  const objects: KubeObject[] = [];
  parseAllDocuments(text).forEach((doc, i) => {
    const error = doc.errors[0];
    if (error) throw new LintInputError(`${label}: document ${i + 1}: invalid YAML: ${error.message.split('\n')[0].replace(/:$/, '')}`);
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) return; // an empty document between separators
    const items = record(value)?.kind === 'List' ? list(record(value)?.items) : [value];
    for (const item of items) {
      const obj = record(item);
      if (!obj || str(obj.apiVersion) === undefined || str(obj.kind) === undefined || str(record(obj.metadata)?.name) === undefined) {
        throw new LintInputError(`${label}: document ${i + 1}: not a Kubernetes object (expected apiVersion, kind and metadata.name)`);
      }
      objects.push(obj as KubeObject);
    }
  });
  return objects;
}

/** Targets for files: `<suffix>.k8s.yaml` of a configured environment gets its options, anything else strict ones. */
export function fileTargets(paths: readonly string[], environments: readonly EnvironmentConfig[]): LintTarget[] {
  return paths.map((path) => {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      throw new LintInputError(`${path}: cannot read: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
    const suffix = /^(.+)\.k8s\.ya?ml$/.exec(basename(path))?.[1];
    const env = environments.find((e) => e.suffix === suffix);
    return { label: path, objects: parseManifest(text, path), options: optionsFor(env) };
  });
}

/** Targets for every configured environment, synthesized in memory. */
export function environmentTargets(environments: readonly EnvironmentConfig[]): LintTarget[] {
  return environments.map((env) => ({
    label: `environment ${env.suffix}`, objects: synthesizeEnvironment(env), options: optionsFor(env),
  }));
}

/** A finding with the allow-list entry that accepts it, if any. */
export interface ReportedFinding {
  readonly finding: LintFinding;
  readonly expected?: ExpectedFinding;
}

/** Findings of one target, allow-list applied. */
export function lintTarget(target: LintTarget, allowList: readonly ExpectedFinding[] = EXPECTED_FINDINGS): ReportedFinding[] {
  return lintManifests(target.objects, target.options).map((finding) => {
    const expected = expectationFor(finding, allowList);
    return expected ? { finding, expected } : { finding };
  });
}

/** Report lines of one target: a header, then findings grouped per object in manifest order. */
export function formatTarget(target: LintTarget, reported: readonly ReportedFinding[]): string[] {
  const mutable = target.options.allowMutableImageTags ? ', mutable image tags allowed' : '';
  const lines = [`${target.label}: ${target.objects.length} objects${mutable}`];
  const key = (f: { kind: string; name: string; namespace?: string }): string => `${f.namespace ?? ''}/${f.kind}/${f.name}`;
  const order = new Map(target.objects.map((o, i) => [key({ kind: o.kind, name: o.metadata.name, namespace: o.metadata.namespace }), i]));
  const sorted = [...reported].sort((a, b) =>
    (order.get(key(a.finding)) ?? Infinity) - (order.get(key(b.finding)) ?? Infinity) || compareText(key(a.finding), key(b.finding)));
  for (const { finding, expected } of sorted) {
    const mark = expected ? ` (expected until issue #${expected.issue})` : '';
    lines.push(`  ${objectRef({ kind: finding.kind, metadata: { name: finding.name } })}: [${finding.rule}] ${finding.message}${mark}`);
  }
  return lines;
}

/** Where the command writes. */
export interface CliOutput {
  out(line: string): void;
  err(line: string): void;
}

/** Runs the command; returns its exit code. */
export function runLintCli(args: readonly string[], io: CliOutput): number {
  let targets: LintTarget[];
  try {
    const environments = loadEnvironments();
    targets = args.length > 0 ? fileTargets(args, environments) : environmentTargets(environments);
  } catch (e) {
    if (e instanceof LintInputError || e instanceof ConfigError) {
      io.err(`lint:k8s: ${e.message.split('\n').join('; ')}`);
    } else {
      // A bug, not bad input: keep the stack trace.
      io.err(`lint:k8s: cannot build the manifests to lint: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    }
    return 2;
  }
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
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  io.out(`lint:k8s: ${plural(targets.length, 'manifest set')}, ${plural(objects, 'object')}, ${plural(RULES.length, 'rule')}: `
    + `${plural(unexpected, 'unexpected finding')}, ${expected} expected`);
  return unexpected > 0 ? 1 : 0;
}
