/**
 * THE allow-list: lint findings our own output is known to produce, each with the issue that will
 * fix it. Rules are never disabled; a violation is either fixed or listed here. Remove an entry as
 * soon as its issue lands (the lint test fails on entries that no longer match anything).
 *
 * Example entry:
 *   { rule: 'zone-spread', kind: 'Deployment', name: /^payment-api-/, issue: 42, reason: 'single-AZ node group until #42' }
 */
import { ExpectedFinding } from './allow-list';

export const EXPECTED_FINDINGS: readonly ExpectedFinding[] = [];
