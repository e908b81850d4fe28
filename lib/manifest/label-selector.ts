/**
 * Kubernetes label selectors, the one matcher every tool uses.
 *
 * - `metav1.LabelSelector` (`matchLabels` AND every `matchExpressions` entry), as NetworkPolicies,
 *   Deployments, PDBs and topology spread constraints use it: the empty selector selects
 *   everything. `parseLabelSelector` rejects what the API server would reject (strict tools);
 *   `readLabelSelector` reads a selector leniently and gives `undefined` for a missing or invalid
 *   one, which then selects nothing (lint, where validation reports the shape).
 * - Service and Istio `workloadSelector`/`selector.matchLabels` maps: a plain label map, matched by
 *   `matchesLabelMap` with the same `matchLabels` rule.
 */
import {
  list, ManifestInputError, optionalArrayAt, optionalStringMapAt, optionalStringsAt, record, recordAt, str, stringAt, labels as labelMap,
} from './fields';

export type SelectorOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
const OPERATORS: readonly SelectorOperator[] = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

/** One `matchExpressions` entry. */
export interface SelectorRequirement {
  readonly key: string;
  readonly operator: SelectorOperator;
  readonly values: readonly string[];
}

/** A parsed label selector; the empty selector (no labels, no expressions) selects everything. */
export interface LabelSelector {
  readonly matchLabels: Readonly<Record<string, string>>;
  readonly matchExpressions: readonly SelectorRequirement[];
}

/** Parses the selector at `where`, rejecting what the API server would reject. */
export function parseLabelSelector(raw: unknown, where: string): LabelSelector {
  const selector = recordAt(raw, where);
  const matchLabels = optionalStringMapAt(selector.matchLabels, `${where}.matchLabels`) ?? {};
  const matchExpressions = (optionalArrayAt(selector.matchExpressions, `${where}.matchExpressions`) ?? []).map((entry, i) => {
    const at = `${where}.matchExpressions[${i}]`;
    const e = recordAt(entry, at);
    const key = stringAt(e.key, `${at}.key`);
    const operator = stringAt(e.operator, `${at}.operator`);
    if (!(OPERATORS as readonly string[]).includes(operator)) {
      throw new ManifestInputError(`${at}.operator`, `"${operator}" is not one of ${OPERATORS.join(', ')}`);
    }
    const values = optionalStringsAt(e.values, `${at}.values`) ?? [];
    const needsValues = operator === 'In' || operator === 'NotIn';
    if (needsValues && values.length === 0) throw new ManifestInputError(`${at}.values`, `must not be empty for operator ${operator}`);
    if (!needsValues && values.length > 0) throw new ManifestInputError(`${at}.values`, `must be empty for operator ${operator}`);
    return { key, operator: operator as SelectorOperator, values };
  });
  return { matchLabels, matchExpressions };
}

/**
 * Reads a selector leniently: `undefined` when it is missing or malformed (an entry without a key
 * or with an operator the API server rejects), so that it selects nothing.
 */
export function readLabelSelector(raw: unknown): LabelSelector | undefined {
  const selector = record(raw);
  if (!selector) return undefined;
  const matchExpressions: SelectorRequirement[] = [];
  for (const entry of list(selector.matchExpressions)) {
    const e = record(entry);
    const key = str(e?.key);
    const operator = str(e?.operator);
    if (key === undefined || operator === undefined || !(OPERATORS as readonly string[]).includes(operator)) return undefined;
    matchExpressions.push({ key, operator: operator as SelectorOperator, values: list(e?.values).filter((v): v is string => typeof v === 'string') });
  }
  return { matchLabels: labelMap(selector.matchLabels), matchExpressions };
}

/** Whether `labels` satisfy the selector. */
export function matchesSelector(selector: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  return matchesLabelMap(selector.matchLabels, labels) && selector.matchExpressions.every((e) => {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    switch (e.operator) {
      case 'In': return has && e.values.includes(labels[e.key]);
      case 'NotIn': return !has || !e.values.includes(labels[e.key]);
      case 'Exists': return has;
      case 'DoesNotExist': return !has;
    }
  });
}

/** Whether `labels` carry every entry of `map` (an empty map matches everything; callers decide what empty means). */
export function matchesLabelMap(map: Readonly<Record<string, string>>, labels: Readonly<Record<string, string>>): boolean {
  return Object.entries(map).every(([key, value]) => Object.prototype.hasOwnProperty.call(labels, key) && labels[key] === value);
}

/** True when a selector has no terms (so it selects everything). */
export function isEmptySelector(selector: LabelSelector): boolean {
  return Object.keys(selector.matchLabels).length === 0 && selector.matchExpressions.length === 0;
}

/** Lenient: whether the selector at `raw` selects `labels` (a missing or malformed selector selects nothing). */
export function selectsLabels(raw: unknown, labels: Readonly<Record<string, string>>): boolean {
  const selector = readLabelSelector(raw);
  return selector !== undefined && matchesSelector(selector, labels);
}

/** Lenient: whether the selector at `raw` has any term (a missing one has none, and selects everything where a default applies). */
export function hasSelectorTerms(raw: unknown): boolean {
  const selector = record(raw);
  return Object.keys(labelMap(selector?.matchLabels)).length > 0 || list(selector?.matchExpressions).length > 0;
}
