/**
 * What differs between two sets of manifests, object by object: objects are matched by kind,
 * namespace and name (an apiVersion change is reported as such, not as a new object), and each
 * pair is compared field by field down to the first differing value.
 */
import { isPlainObject } from './fields';
import { KubeObject, objectRef } from './kube-object';

/** One object's differences: `spec.servers[0].tls.mode: "SIMPLE" -> "MUTUAL"`. */
export interface ObjectDiff {
  /** `Kind/name` (with `namespace/` when it has one). */
  readonly ref: string;
  readonly apiVersion?: { readonly from: string; readonly to: string };
  readonly fields: readonly string[];
}

/** The differences between two manifest sets. */
export interface ManifestDiff {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  /** Objects in both sets that differ, in the order of `after`. */
  readonly changed: readonly ObjectDiff[];
}

function keyOf(obj: KubeObject): string {
  return `${obj.metadata.namespace ?? ''}/${obj.kind}/${obj.metadata.name}`;
}

function refOf(obj: KubeObject): string {
  return obj.metadata.namespace === undefined ? objectRef(obj) : `${obj.metadata.namespace}/${objectRef(obj)}`;
}

function shown(value: unknown): string {
  return value === undefined ? 'absent' : JSON.stringify(value);
}

/** Paths where `a` and `b` differ, with both values. */
function fieldDifferences(a: unknown, b: unknown, path: string, out: string[]): void {
  if (isPlainObject(a) && isPlainObject(b)) {
    for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])]) fieldDifferences(a[key], b[key], path ? `${path}.${key}` : key, out);
  } else if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    a.forEach((item, i) => fieldDifferences(item, b[i], `${path}[${i}]`, out));
  } else if (JSON.stringify(a) !== JSON.stringify(b)) {
    out.push(`${path}: ${shown(a)} -> ${shown(b)}`);
  }
}

/** Compares `before` with `after`. */
export function diffManifests(before: readonly KubeObject[], after: readonly KubeObject[]): ManifestDiff {
  const old = new Map(before.map((o) => [keyOf(o), o]));
  const next = new Set(after.map(keyOf));
  const changed: ObjectDiff[] = [];
  for (const obj of after) {
    const previous = old.get(keyOf(obj));
    if (!previous) continue;
    const fields: string[] = [];
    const { apiVersion: a, ...restA } = previous;
    const { apiVersion: b, ...restB } = obj;
    fieldDifferences(restA, restB, '', fields);
    if (a !== b || fields.length > 0) changed.push({ ref: refOf(obj), ...(a !== b ? { apiVersion: { from: a, to: b } } : {}), fields });
  }
  return {
    added: after.filter((o) => !old.has(keyOf(o))).map(refOf),
    removed: before.filter((o) => !next.has(keyOf(o))).map(refOf),
    changed,
  };
}
