/** The rule set, in the order findings are reported. */
import { GRAPH_RULES } from './graph-rules';
import { MESH_RULES } from './mesh-rules';
import { OBJECT_RULES } from './object-rules';
import { POD_RULES } from './pod-rules';
import { LintRule } from './types';

/** Every lint rule. None is disabled: accepted violations go in `expected-findings.ts`. */
export const RULES: readonly LintRule[] = [...POD_RULES, ...GRAPH_RULES, ...OBJECT_RULES, ...MESH_RULES];
