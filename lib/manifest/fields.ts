/**
 * Reading untyped manifests: the evaluators accept any YAML (ours, hand-written, third-party), so
 * every field they use is checked here and a bad one is reported as one line naming the object and
 * the field path, never as a crash deep inside an evaluator.
 */

/** A manifest the evaluator cannot interpret; the message is one line: `<where>: <problem>`. */
export class ReachabilityInputError extends Error {
  constructor(where: string, problem: string) {
    super(`${where}: ${problem}`);
    this.name = 'ReachabilityInputError';
  }
}

function shown(value: unknown): string {
  return value === undefined ? 'missing' : JSON.stringify(value);
}

/** True for a plain JSON object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The object at `where`. */
export function recordAt(value: unknown, where: string): Record<string, unknown> {
  if (!isRecord(value)) throw new ReachabilityInputError(where, `expected an object, got ${shown(value)}`);
  return value;
}

/** The list at `where`, or `undefined` when the field is absent (or null, as YAML writes `key:`). */
export function optionalArrayAt(value: unknown, where: string): unknown[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw new ReachabilityInputError(where, `expected a list, got ${shown(value)}`);
  return value;
}

/** The string at `where`. */
export function stringAt(value: unknown, where: string): string {
  if (typeof value !== 'string') throw new ReachabilityInputError(where, `expected a string, got ${shown(value)}`);
  return value;
}

/** The list of strings at `where`, or `undefined` when absent. */
export function optionalStringsAt(value: unknown, where: string): string[] | undefined {
  return optionalArrayAt(value, where)?.map((v, i) => stringAt(v, `${where}[${i}]`));
}

/** The string-to-string map at `where` (labels, matchLabels), or `undefined` when absent. */
export function optionalStringMapAt(value: unknown, where: string): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  const map = recordAt(value, where);
  for (const [key, v] of Object.entries(map)) stringAt(v, `${where}.${key}`);
  return map as Record<string, string>;
}

/** The integer in [min, max] at `where`. */
export function integerAt(value: unknown, where: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ReachabilityInputError(where, `expected an integer from ${min} to ${max}, got ${shown(value)}`);
  }
  return value;
}

/** Fails on any key of `record` outside `supported`: an unknown field could change the verdict. */
export function rejectUnsupportedKeys(record: Record<string, unknown>, supported: readonly string[], where: string): void {
  for (const key of Object.keys(record)) {
    if (!supported.includes(key)) {
      throw new ReachabilityInputError(`${where}.${key}`, `not supported by the reachability evaluator (supported: ${supported.join(', ')})`);
    }
  }
}
