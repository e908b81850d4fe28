/**
 * Strict check of a value against an OpenAPI schema, the way a Kubernetes API server with strict
 * field validation treats a manifest: a field the schema does not list is an error wherever the
 * schema lists properties, unless the schema keeps unknown fields
 * (`x-kubernetes-preserve-unknown-fields`) or is a map (`additionalProperties`). An object
 * schema that lists nothing is an empty struct: every field is unknown.
 *
 * Also enforced: types, required fields, enums, the formats int32, quantity, byte and date-time,
 * oneOf/anyOf/allOf/not, and the value constraints of CRD structural schemas (maxLength,
 * minLength, pattern, minimum, maximum, multipleOf, maxItems, minItems, uniqueItems,
 * maxProperties, minProperties, and `x-kubernetes-list-type` set/map uniqueness). CEL rules
 * (`x-kubernetes-validations`) are not evaluated: the generated data does not keep them.
 *
 * `null` for a field the schema does not require is the field left out, as the API server reads
 * it (Go decoding of built-ins; CRDs prune such nulls); elsewhere null must be allowed by the
 * schema (`nullable`).
 *
 * The schemas are interpreted directly rather than compiled: a manifest touches a few dozen
 * definitions, and compiling (ajv) would cost more than checking.
 */
import { isPlainObject } from '../../manifest/fields';
import { JsonSchema, JsonType } from './json-schema';

/** What the check needs from its caller. */
export interface CheckContext {
  /** The schema a `$ref` names. */
  resolve(ref: string): JsonSchema;
  /** Runs after a value described by a `$ref` passed the schema: semantic checks the schema cannot express. */
  afterRef?(ref: string, value: unknown, path: string): void;
  report(path: string, message: string): void;
}

/** Reports, through `ctx.report`, every way `value` (at `path`, '' for the root) breaks `schema`. */
export function checkValue(value: unknown, schema: JsonSchema, path: string, ctx: CheckContext): void {
  check(value, schema, path, ctx, true);
}

/**
 * `strict` is false inside oneOf/anyOf/allOf/not: CRD structural schemas only put constraints
 * there (`required` lists), never field declarations, so unknown-field rules do not apply.
 */
function check(value: unknown, schema: JsonSchema, path: string, ctx: CheckContext, strict: boolean): void {
  if (schema.$ref !== undefined) {
    check(value, ctx.resolve(schema.$ref), path, ctx, strict);
    ctx.afterRef?.(schema.$ref, value, path);
    return;
  }
  if (value === null) {
    if (!acceptsNull(schema)) ctx.report(path, `must be ${expectation(schema)}, got null`);
    return;
  }
  if (schema['x-kubernetes-int-or-string'] && !Number.isInteger(value) && typeof value !== 'string') {
    ctx.report(path, `must be a string or an integer, got ${describe(value)}`);
    return;
  }
  if (schema.oneOf) checkOneOf(value, schema.oneOf, path, ctx, strict);
  // Istio's CRDs use anyOf and not only inside oneOf alternatives, where just the outcome counts.
  if (schema.anyOf && !schema.anyOf.some((branch) => matches(value, branch, ctx))) ctx.report(path, 'must match an anyOf alternative');
  for (const branch of schema.allOf ?? []) check(value, branch, path, ctx, false);
  if (schema.not && matches(value, schema.not, ctx)) ctx.report(path, 'must not match the schema given in `not`');

  const type = schema.type ?? impliedType(schema);
  if (type !== undefined && !hasType(value, type)) {
    const hint = type === 'string' && typeof value === 'boolean' ? ' (quote it: kubectl reads unquoted yes/no/on/off/y/n as booleans)' : '';
    ctx.report(path, `must be ${typePhrase(type)}, got ${describe(value)}${hint}`);
    return;
  }
  if (schema.enum && !schema.enum.includes(value)) {
    ctx.report(path, `unsupported value ${JSON.stringify(value)}; supported values: ${schema.enum.map((v) => JSON.stringify(v)).join(', ')}`);
  }
  if (schema.format !== undefined) {
    const problem = formatProblem(value, schema.format);
    if (problem) ctx.report(path, problem);
  }
  if (typeof value === 'string') checkString(value, schema, path, ctx);
  else if (typeof value === 'number') checkNumber(value, schema, path, ctx);
  else if (isPlainObject(value)) checkObject(value, schema, path, ctx, strict);
  else if (Array.isArray(value)) checkArray(value, schema, path, ctx, strict);
}

function checkString(value: string, schema: JsonSchema, path: string, ctx: CheckContext): void {
  if (schema.maxLength !== undefined || schema.minLength !== undefined) {
    // The API server counts characters (code points), not UTF-16 units or bytes.
    const length = /[\uD800-\uDFFF]/.test(value) ? [...value].length : value.length;
    if (schema.maxLength !== undefined && length > schema.maxLength) ctx.report(path, `may not be longer than ${schema.maxLength} characters, got ${length}`);
    if (schema.minLength !== undefined && length < schema.minLength) ctx.report(path, `must be at least ${schema.minLength} characters long, got ${length}`);
  }
  if (schema.pattern !== undefined && !compiledPattern(schema.pattern).test(value)) {
    ctx.report(path, `invalid value ${JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}...` : value)}: must match the pattern ${schema.pattern}`);
  }
}

const patterns = new Map<string, RegExp>();

/** The pattern as a regular expression, compiled once (the generator checked that each compiles). */
function compiledPattern(pattern: string): RegExp {
  let regex = patterns.get(pattern);
  if (!regex) {
    regex = new RegExp(pattern, 'u');
    patterns.set(pattern, regex);
  }
  return regex;
}

function checkNumber(value: number, schema: JsonSchema, path: string, ctx: CheckContext): void {
  const { minimum, maximum, multipleOf } = schema;
  if (minimum !== undefined && (schema.exclusiveMinimum ? value <= minimum : value < minimum)) {
    ctx.report(path, `must be greater than ${schema.exclusiveMinimum ? '' : 'or equal to '}${minimum}, got ${value}`);
  }
  if (maximum !== undefined && (schema.exclusiveMaximum ? value >= maximum : value > maximum)) {
    ctx.report(path, `must be less than ${schema.exclusiveMaximum ? '' : 'or equal to '}${maximum}, got ${value}`);
  }
  if (multipleOf !== undefined && !Number.isInteger(value / multipleOf)) ctx.report(path, `must be a multiple of ${multipleOf}, got ${value}`);
}

function checkArray(value: readonly unknown[], schema: JsonSchema, path: string, ctx: CheckContext, strict: boolean): void {
  checkCount(value.length, schema.minItems, schema.maxItems, 'items', path, ctx);
  if (schema.items) {
    for (let i = 0; i < value.length; i++) check(value[i], schema.items, `${path}[${i}]`, ctx, strict);
  }
  const listType = schema['x-kubernetes-list-type'];
  if (value.length < 2) return;
  if (listType === 'set' || schema.uniqueItems) {
    const seen = new Map<string, number>();
    value.forEach((item, i) => {
      const key = canonicalJson(item);
      const first = seen.get(key);
      if (first === undefined) seen.set(key, i);
      else ctx.report(`${path}[${i}]`, `duplicate entry ${describe(item)}: the list is a set (same as [${first}])`);
    });
  } else if (listType === 'map') {
    const keys = schema['x-kubernetes-list-map-keys'] ?? [];
    const seen = new Map<string, number>();
    value.forEach((item, i) => {
      if (!isPlainObject(item)) return;
      const key = canonicalJson(keys.map((name) => item[name] ?? null));
      const first = seen.get(key);
      if (first === undefined) seen.set(key, i);
      else ctx.report(`${path}[${i}]`, `duplicate entry: the list is a map keyed by ${quoteAll(keys)}, and [${first}] has the same ${keys.length === 1 ? 'key' : 'keys'}`);
    });
  }
}

function checkCount(count: number, min: number | undefined, max: number | undefined, noun: string, path: string, ctx: CheckContext): void {
  if (max !== undefined && count > max) ctx.report(path, `must have at most ${max} ${noun}, got ${count}`);
  if (min !== undefined && count < min) ctx.report(path, `must have at least ${min} ${noun}, got ${count}`);
}

/** JSON with object keys sorted, so that equal values give equal strings. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isPlainObject(value)) return `{${Object.keys(value).sort().map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`).join(',')}}`;
  return JSON.stringify(value) ?? 'null';
}

function checkObject(value: Record<string, unknown>, schema: JsonSchema, path: string, ctx: CheckContext, strict: boolean): void {
  for (const name of schema.required ?? []) {
    if (value[name] === undefined) ctx.report(childPath(path, name), 'required field is missing');
  }
  const properties = schema.properties;
  const additional = schema.additionalProperties;
  const keys = Object.keys(value);
  checkCount(keys.length, schema.minProperties, schema.maxProperties, 'properties', path, ctx);
  // Only constraints (`required`), as in the branches of Istio's oneOf rules, or no type at all
  // (any value): no field to check. A strict `type: object` that lists nothing is an empty struct.
  if (properties === undefined && additional === undefined && (!strict || schema.type !== 'object')) return;
  const keepsUnknown = additional === true || schema['x-kubernetes-preserve-unknown-fields'] === true;
  for (const key of keys) {
    const child = value[key];
    const declared = properties !== undefined && Object.hasOwn(properties, key) ? properties[key] : undefined;
    const childSchema = declared ?? (typeof additional === 'object' ? additional : undefined);
    if (childSchema) {
      // A declared field set to null is a field left out, unless it is required.
      if (child === null && declared && !schema.required?.includes(key)) continue;
      check(child, childSchema, childPath(path, key), ctx, strict);
    } else if (strict && !keepsUnknown) ctx.report(childPath(path, key), unknownFieldMessage(key, Object.keys(properties ?? {})));
  }
}

/** What a oneOf list is, worked out once per schema (the same schemas are checked for every object). */
interface OneOfShape {
  /** The branches other than `type: null`. */
  readonly alternatives: readonly JsonSchema[];
  /** int-or-string, quantities (number or string): a union of plain types. */
  readonly plainTypes: boolean;
}
const oneOfShapes = new WeakMap<readonly JsonSchema[], OneOfShape>();

function oneOfShape(branches: readonly JsonSchema[]): OneOfShape {
  let shape = oneOfShapes.get(branches);
  if (!shape) {
    const alternatives = branches.filter((branch) => branch.type !== 'null');
    shape = { alternatives, plainTypes: alternatives.every(isPlainType) };
    oneOfShapes.set(branches, shape);
  }
  return shape;
}

function checkOneOf(value: unknown, branches: readonly JsonSchema[], path: string, ctx: CheckContext, strict: boolean): void {
  const { alternatives, plainTypes } = oneOfShape(branches);
  if (alternatives.length === 1) {
    check(value, alternatives[0], path, ctx, strict);
    return;
  }
  if (plainTypes) {
    const match = alternatives.find((branch) => hasType(value, branch.type as JsonType));
    if (match) check(value, match, path, ctx, strict);
    else ctx.report(path, `must be ${alternatives.map((b) => typePhrase(b.type as JsonType)).join(' or ')}, got ${describe(value)}`);
    return;
  }
  const matching = alternatives.filter((branch) => matches(value, branch, ctx)).length;
  if (matching === 1) return;
  const names = requiredNames(alternatives);
  const present = isPlainObject(value) ? names.filter((name) => value[name] !== undefined) : [];
  // Istio's oneOf rules say "at most one of these fields"; name them when that is what broke.
  if (matching > 1 && present.length > 1) ctx.report(path, `only one of ${quoteAll(names)} may be set, found ${quoteAll(present)}`);
  else ctx.report(path, `must match exactly one oneOf alternative, matches ${matching}`);
}

/** Whether `value` satisfies `schema`, without reporting anything. */
function matches(value: unknown, schema: JsonSchema, ctx: CheckContext): boolean {
  let ok = true;
  check(value, schema, '', { resolve: ctx.resolve, report: () => { ok = false; } }, false);
  return ok;
}

function acceptsNull(schema: JsonSchema): boolean {
  if (schema.nullable || schema.type === 'null') return true;
  if (schema.oneOf?.some((branch) => branch.type === 'null')) return true;
  return schema.type === undefined && impliedType(schema) === undefined && !schema.oneOf && !schema.anyOf && !schema.allOf;
}

function impliedType(schema: JsonSchema): JsonType | undefined {
  if (schema.properties || schema.additionalProperties !== undefined) return 'object';
  if (schema.items) return 'array';
  return undefined;
}

function isPlainType(schema: JsonSchema): boolean {
  return schema.type !== undefined && Object.keys(schema).every((key) => key === 'type' || key === 'format' || key === 'nullable');
}

function hasType(value: unknown, type: JsonType): boolean {
  switch (type) {
    case 'object': return isPlainObject(value);
    case 'array': return Array.isArray(value);
    case 'string': return typeof value === 'string';
    case 'integer': return Number.isInteger(value);
    case 'number': return typeof value === 'number' && Number.isFinite(value);
    case 'boolean': return typeof value === 'boolean';
    case 'null': return value === null;
  }
}

const INT32 = { min: -(2 ** 31), max: 2 ** 31 - 1 };
// Kubernetes resource.Quantity: a signed decimal number with an optional binary-SI, decimal-SI
// or exponent suffix (k8s.io/apimachinery/pkg/api/resource).
const QUANTITY = /^[+-]?(\d+\.?\d*|\.\d+)([KMGTPE]i|[munkMGTPE]|[eE][+-]?\d+)?$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** The formats the API server enforces; other formats (`double`, `int64`, ...) add nothing past the type. */
function formatProblem(value: unknown, format: string): string | undefined {
  if (format === 'int32' && typeof value === 'number' && (value < INT32.min || value > INT32.max)) {
    return `${value} does not fit in a 32-bit integer`;
  }
  if (typeof value !== 'string') return undefined;
  if (format === 'quantity' && !QUANTITY.test(value)) {
    return `invalid quantity ${JSON.stringify(value)}: must be a number with an optional suffix such as 500m, 1.5, 128Mi or 2G`;
  }
  if (format === 'byte' && !BASE64.test(value)) return 'must be base64-encoded data';
  if (format === 'date-time' && !DATE_TIME.test(value)) return `invalid timestamp ${JSON.stringify(value)}: must be RFC 3339, e.g. 2024-01-31T12:00:00Z`;
  return undefined;
}

function unknownFieldMessage(key: string, declared: readonly string[]): string {
  const suggestion = closestName(key, declared);
  return `unknown field ${JSON.stringify(key)}${suggestion ? ` (did you mean ${JSON.stringify(suggestion)}?)` : ''}`;
}

/** A declared name a typo or case slip away from `key` (two edits, one for short keys), if there is one. */
function closestName(key: string, declared: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = key.length <= 4 ? 2 : 3;
  for (const name of declared) {
    const distance = name.toLowerCase() === key.toLowerCase() ? 0 : editDistance(name, key, bestDistance);
    if (distance < bestDistance) [best, bestDistance] = [name, distance];
  }
  return best;
}

/** Levenshtein distance, giving up (returning `limit`) once it cannot be below `limit`. */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) >= limit) return limit;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    if (Math.min(...current) >= limit) return limit;
    previous = current;
  }
  return previous[b.length];
}

function requiredNames(branches: readonly JsonSchema[]): string[] {
  return [...new Set(branches.flatMap((branch) => branch.required ?? []))];
}

function expectation(schema: JsonSchema): string {
  const type = schema.type ?? impliedType(schema);
  return type ? typePhrase(type) : 'a value';
}

function typePhrase(type: JsonType): string {
  return type === 'null' ? 'null' : `${type === 'object' || type === 'array' || type === 'integer' ? 'an' : 'a'} ${type}`;
}

/** `string "3"`, `number 1.5`, `array`: what a wrong value was, for messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)}`;
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  return typeof value === 'object' ? 'an object' : typeof value;
}

function quoteAll(names: readonly string[]): string {
  return names.map((name) => JSON.stringify(name)).join(', ');
}


/** `spec.containers` + `name` -> `spec.containers.name`; keys that are not identifiers are bracketed: `labels["app.kubernetes.io/name"]`. */
export function childPath(path: string, key: string): string {
  if (!/^[A-Za-z_$][\w$-]*$/.test(key)) return `${path}[${JSON.stringify(key)}]`;
  return path ? `${path}.${key}` : key;
}
