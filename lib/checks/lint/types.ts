/**
 * Shapes shared by the lint rules, the allow-list and the command line. Re-exported from
 * `lib/lint/index.ts`, which is the public entry point.
 */
import { KubeObject } from '../../manifest/kube-object';

/** What changes between environments' lint runs. Everything else is strict everywhere. */
export interface LintOptions {
  /**
   * Allow `latest` and untagged images. Only dev-like environments (dev and ad-hoc PR
   * environments) set this, through the environment config's `mutableImageTags`.
   */
  readonly allowMutableImageTags?: boolean;
  /** Allow Gateway servers on plain HTTP: dev-like environments only (the config's `allowPlainHttp`). @default false */
  readonly allowPlainHttp?: boolean;
  /** The target's Kubernetes minor, e.g. `1.35`: what `removed-api-version` checks against. @default '1.28' */
  readonly kubernetes?: string;
}

/** One violation of one rule by one object. */
export interface LintFinding {
  /** Id of the rule that produced it. */
  readonly rule: string;
  /** Kind and name (and namespace) of the offending object. */
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  /** One line naming the offending value and its field path. */
  readonly message: string;
}

/** A lint rule: an id to refer to it by, why it exists, and the check itself. */
export interface LintRule {
  /** Kebab-case id, e.g. `latest-tag`; used in output and in the allow-list. */
  readonly id: string;
  /** One line: what goes wrong in a cluster when the rule is broken. */
  readonly rationale: string;
  /** One line: how to fix a finding. */
  readonly remediation: string;
  /** Findings for the whole manifest set (rules may relate objects to each other). */
  check(objects: readonly KubeObject[], options: LintOptions): LintFinding[];
}
