/**
 * What lint rules share: the workloads of a manifest set (objects that run pods, with their pod
 * template read out), their containers, and cross-object lookups (HPAs by target). Lint runs on
 * any YAML, so fields are read with the lenient readers of `manifest/fields`: a field of the wrong
 * type reads as absent (schema validation reports those).
 */
import { int, Json, labels, list, record, str } from '../../manifest/fields';
import { KubeObject } from '../../manifest/kube-object';
import { LintFinding } from './types';

export type Labels = Readonly<Record<string, string>>;

/** A value as it appears in messages: JSON, or `unset`. */
export function show(value: unknown): string {
  return value === undefined ? 'unset' : JSON.stringify(value);
}

/** Namespace of an object; objects without one share the empty key (they land in one namespace). */
export function namespaceOf(obj: KubeObject): string {
  return str(obj.metadata?.namespace) ?? '';
}

export function nameOf(obj: KubeObject): string {
  return str(obj.metadata?.name) ?? '<no name>';
}

export function spec(obj: KubeObject): Json {
  return record(obj.spec) ?? {};
}

/** A finding about `obj`. */
export function finding(rule: string, obj: KubeObject, message: string): LintFinding {
  const namespace = str(obj.metadata?.namespace);
  return {
    rule,
    kind: str(obj.kind) ?? '<no kind>',
    name: nameOf(obj),
    ...(namespace !== undefined ? { namespace } : {}),
    message,
  };
}

/** Kinds whose objects run pods, with where their pod template sits. */
const POD_TEMPLATE_PATHS: Readonly<Record<string, readonly string[]>> = {
  Pod: [],
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};

/** Kinds with `spec.replicas` and a scale subresource. */
const SCALABLE_KINDS = new Set(['Deployment', 'StatefulSet', 'ReplicaSet']);
/** Kinds whose pods are expected to run to completion (no probes, no disruption budget). */
const BATCH_KINDS = new Set(['Job', 'CronJob']);

/** An object that runs pods, with its pod template read out. */
export interface Workload {
  readonly object: KubeObject;
  readonly namespace: string;
  /** The pod spec (empty when missing). */
  readonly podSpec: Json;
  /** Field path of the pod spec inside the object, e.g. `spec.template.spec`. */
  readonly podSpecPath: string;
  /** Labels the pods carry. */
  readonly podLabels: Labels;
  /** Runs until deleted (not a Job or CronJob). */
  readonly longRunning: boolean;
  /** Has `spec.replicas` and can be the target of an HPA. */
  readonly scalable: boolean;
}

/** Every object in `objects` that runs pods. */
export function workloads(objects: readonly KubeObject[]): Workload[] {
  const result: Workload[] = [];
  for (const object of objects) {
    const templatePath = POD_TEMPLATE_PATHS[object.kind];
    if (!templatePath) continue;
    let template: Json | undefined = object;
    for (const key of templatePath) template = record(template?.[key]);
    result.push({
      object,
      namespace: namespaceOf(object),
      podSpec: record(template?.spec) ?? {},
      podSpecPath: [...templatePath, 'spec'].join('.'),
      podLabels: labels(record(template?.metadata)?.labels),
      longRunning: !BATCH_KINDS.has(object.kind),
      scalable: SCALABLE_KINDS.has(object.kind),
    });
  }
  return result;
}

/** A container of a workload with its field path. */
export interface Container {
  readonly spec: Json;
  /** Its name, or `#<index>` when unnamed. */
  readonly name: string;
  /** e.g. `spec.template.spec.containers[0]`. */
  readonly path: string;
  /** An init container (runs to completion before the others start). */
  readonly init: boolean;
}

/** Init containers and containers of a workload. */
export function containersOf(w: Workload): Container[] {
  return (['initContainers', 'containers'] as const).flatMap((field) =>
    list(w.podSpec[field]).flatMap((raw, i) => {
      const c = record(raw);
      if (!c) return [];
      return [{ spec: c, name: str(c.name) ?? `#${i}`, path: `${w.podSpecPath}.${field}[${i}]`, init: field === 'initContainers' }];
    }));
}

/** `namespace/Kind/name` of an object: the key cross-object references resolve by. */
export function objectKey(namespace: string, kind: string, name: string): string {
  return `${namespace}/${kind}/${name}`;
}

/** HPAs (autoscaling/v1 or v2) by the key of the workload they scale. */
export function hpasByTarget(objects: readonly KubeObject[]): Map<string, KubeObject[]> {
  const byTarget = new Map<string, KubeObject[]>();
  for (const hpa of objects) {
    if (hpa.kind !== 'HorizontalPodAutoscaler') continue;
    const ref = record(spec(hpa).scaleTargetRef);
    const kind = str(ref?.kind);
    const name = str(ref?.name);
    if (kind === undefined || name === undefined) continue;
    const key = objectKey(namespaceOf(hpa), kind, name);
    byTarget.set(key, [...(byTarget.get(key) ?? []), hpa]);
  }
  return byTarget;
}

/**
 * The fewest pods a scalable workload runs in steady state: the HPA's `minReplicas` (default 1)
 * when an HPA scales it (it overrides `spec.replicas`), else `spec.replicas` (default 1).
 * Undefined for workloads without replicas (DaemonSets, Jobs, bare Pods).
 */
export function replicaFloor(w: Workload, hpas: ReadonlyMap<string, readonly KubeObject[]>): number | undefined {
  if (!w.scalable) return undefined;
  const targeting = hpas.get(objectKey(w.namespace, w.object.kind, nameOf(w.object))) ?? [];
  if (targeting.length > 0) return Math.min(...targeting.map((h) => int(spec(h).minReplicas) ?? 1));
  return int(spec(w.object).replicas) ?? 1;
}
