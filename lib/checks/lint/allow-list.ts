/**
 * Matching findings against the allow-list of expected findings (`expected-findings.ts`): known
 * violations of our own output, each waiting for the issue that fixes it.
 */
import { LintFinding } from './types';

/** One accepted violation, until the issue that fixes it lands. */
export interface ExpectedFinding {
  /** Id of the violated rule. */
  readonly rule: string;
  /** Kind of the offending object; any kind when omitted. */
  readonly kind?: string;
  /**
   * Name of the offending object: exact, or a pattern (names end in the environment suffix, so
   * one entry can cover every environment). Any name when omitted.
   */
  readonly name?: string | RegExp;
  /** GitHub issue number of the fix. */
  readonly issue: number;
  /** One line: why the violation is accepted until then. */
  readonly reason: string;
}

/** The first entry of `entries` that accepts `finding`, if any. */
export function expectationFor(finding: LintFinding, entries: readonly ExpectedFinding[]): ExpectedFinding | undefined {
  return entries.find((e) => e.rule === finding.rule
    && (e.kind === undefined || e.kind === finding.kind)
    && (e.name === undefined || (typeof e.name === 'string' ? e.name === finding.name : e.name.test(finding.name))));
}
