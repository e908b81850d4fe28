/**
 * Reading untyped manifests: every tool here accepts any YAML (ours, hand-written, third-party),
 * so each field a tool uses is checked on the way in and a bad one is reported as one line naming
 * the object and the field path, never as a crash deep inside an evaluator.
 *
 * Two styles, one predicate (`isPlainObject`):
 * - strict readers (`recordAt`, `stringAt`, ...) throw `ManifestInputError` where a tool cannot
 *   give a verdict without the field (the reachability evaluators);
 * - lenient readers (`record`, `list`, `str`, ...) read a field of the wrong type as absent, for
 *   tools where schema validation already reports the type (lint).
 */

import { UserError } from '../model/errors';

/** Input a tool cannot interpret (exit 2); the message is one line: `<where>: <problem>`. */
export class ManifestInputError extends UserError {
  constructor(where: string, problem: string) {
    super([`${where}: ${problem}`], 2);
  }
}

/** A JSON object of unknown shape. */
export type Json = Readonly<Record<string, unknown>>;

/** True for a plain JSON object (not null, not an array): the one such check every tool uses. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function shown(value: unknown): string {
  return value === undefined ? 'missing' : JSON.stringify(value);
}

// Strict readers.

/** The object at `where`. */
export function recordAt(value: unknown, where: string): Record<string, unknown> {
  if (!isPlainObject(value)) throw new ManifestInputError(where, `expected an object, got ${shown(value)}`);
  return value;
}

/** The list at `where`, or `undefined` when the field is absent (or null, as YAML writes `key:`). */
export function optionalArrayAt(value: unknown, where: string): unknown[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw new ManifestInputError(where, `expected a list, got ${shown(value)}`);
  return value;
}

/** The string at `where`. */
export function stringAt(value: unknown, where: string): string {
  if (typeof value !== 'string') throw new ManifestInputError(where, `expected a string, got ${shown(value)}`);
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
    throw new ManifestInputError(where, `expected an integer from ${min} to ${max}, got ${shown(value)}`);
  }
  return value;
}

/** Fails on any key of `record` outside `supported`: an unknown field could change the verdict. */
export function rejectUnsupportedKeys(record: Record<string, unknown>, supported: readonly string[], where: string, tool = 'reachability evaluator'): void {
  for (const key of Object.keys(record)) {
    if (!supported.includes(key)) {
      throw new ManifestInputError(`${where}.${key}`, `not supported by the ${tool} (supported: ${supported.join(', ')})`);
    }
  }
}

// Lenient readers.

/** `value` as a JSON object, or undefined. */
export function record(value: unknown): Json | undefined {
  return isPlainObject(value) ? value : undefined;
}

/** `value` as an array, or empty. */
export function list(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

/** `value` as a string, or undefined. */
export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** `value` as an integer, or undefined. */
export function int(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) ? value : undefined;
}

/** The string-valued entries of a label map. */
export function labels(value: unknown): Readonly<Record<string, string>> {
  return Object.fromEntries(Object.entries(record(value) ?? {}).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
}
