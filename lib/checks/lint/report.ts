/** Lint results as people read them: findings per manifest set, allow-list applied, in manifest order. */
import { KubeObject, objectRef } from '../../manifest/kube-object';
import { compareText } from '../../model/text';
import { ExpectedFinding, expectationFor } from './allow-list';
import { EXPECTED_FINDINGS } from './expected-findings';
import { lintManifests } from './index';
import { LintFinding, LintOptions } from './types';

/** One manifest set to lint: a file or an environment. */
export interface LintTarget {
  /** File path or `environment <suffix>`, for the report. */
  readonly label: string;
  readonly objects: readonly KubeObject[];
  readonly options: LintOptions;
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
  const mutable = [target.options.allowMutableImageTags ? 'mutable image tags' : '', target.options.allowPlainHttp ? 'plain HTTP' : ''].filter(Boolean).map((a) => `, ${a} allowed`).join('');
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
