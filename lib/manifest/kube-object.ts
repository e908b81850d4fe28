/**
 * A synthesized Kubernetes object as plain JSON: what lands in `dist/<suffix>.k8s.yaml`.
 *
 * Validation, lint and reachability read manifests through this shape so that they work on
 * hand-written or third-party YAML as well as on our own synth output.
 */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: KubeObjectMetadata;
  readonly [field: string]: unknown;
}

export interface KubeObjectMetadata {
  readonly name: string;
  readonly namespace?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly [field: string]: unknown;
}

/** `Kind/name`, the way kubectl names an object in its messages. */
export function objectRef(obj: { kind?: unknown; metadata?: { name?: unknown } }): string {
  const kind = typeof obj.kind === 'string' ? obj.kind : '<no kind>';
  const name = typeof obj.metadata?.name === 'string' ? obj.metadata.name : '<no name>';
  return `${kind}/${name}`;
}
