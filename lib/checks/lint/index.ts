/**
 * Policy lint for Kubernetes manifests, in the spirit of kube-linter's and kube-score's default
 * checks. Works on parsed objects, so it applies to our synth output and to any YAML file.
 */
import { KubeObject } from '../../manifest/kube-object';
import { RULES } from './rules';
import { LintFinding, LintOptions } from './types';

export { expectationFor } from './allow-list';
export type { ExpectedFinding } from './allow-list';
export { EXPECTED_FINDINGS } from './expected-findings';
export { RULES } from './rules';
export type { LintFinding, LintOptions, LintRule } from './types';

/** Every finding of every rule on `objects`, in rule order. Strict (no mutable tags) by default. */
export function lintManifests(objects: readonly KubeObject[], options: LintOptions = {}): LintFinding[] {
  return RULES.flatMap((rule) => rule.check(objects, options));
}
