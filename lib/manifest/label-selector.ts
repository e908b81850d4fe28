/** Kubernetes label selectors (metav1.LabelSelector): `matchLabels` AND every `matchExpressions` entry. */
import {
  optionalArrayAt, optionalStringMapAt, optionalStringsAt, recordAt, ReachabilityInputError, stringAt,
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
  const record = recordAt(raw, where);
  const matchLabels = optionalStringMapAt(record.matchLabels, `${where}.matchLabels`) ?? {};
  const matchExpressions = (optionalArrayAt(record.matchExpressions, `${where}.matchExpressions`) ?? []).map((entry, i) => {
    const at = `${where}.matchExpressions[${i}]`;
    const e = recordAt(entry, at);
    const key = stringAt(e.key, `${at}.key`);
    const operator = stringAt(e.operator, `${at}.operator`);
    if (!(OPERATORS as readonly string[]).includes(operator)) {
      throw new ReachabilityInputError(`${at}.operator`, `"${operator}" is not one of ${OPERATORS.join(', ')}`);
    }
    const values = optionalStringsAt(e.values, `${at}.values`) ?? [];
    const needsValues = operator === 'In' || operator === 'NotIn';
    if (needsValues && values.length === 0) throw new ReachabilityInputError(`${at}.values`, `must not be empty for operator ${operator}`);
    if (!needsValues && values.length > 0) throw new ReachabilityInputError(`${at}.values`, `must be empty for operator ${operator}`);
    return { key, operator: operator as SelectorOperator, values };
  });
  return { matchLabels, matchExpressions };
}

/** Whether `labels` satisfy the selector. */
export function matchesSelector(selector: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  const has = (key: string): boolean => Object.prototype.hasOwnProperty.call(labels, key);
  for (const [key, value] of Object.entries(selector.matchLabels)) {
    if (!has(key) || labels[key] !== value) return false;
  }
  return selector.matchExpressions.every((e) => {
    switch (e.operator) {
      case 'In': return has(e.key) && e.values.includes(labels[e.key]);
      case 'NotIn': return !has(e.key) || !e.values.includes(labels[e.key]);
      case 'Exists': return has(e.key);
      case 'DoesNotExist': return !has(e.key);
    }
  });
}
