/**
 * Where a synth writes, relative to the project root. Each folder is owned by the synth for files
 * matching its pattern: a complete synth replaces them and deletes those of removed environments.
 */

/** A folder the synth owns: files in it matching `pattern` are ours to replace and prune. */
export interface ManagedFolder {
  readonly dir: string;
  readonly pattern: RegExp;
}

export const OUTPUT_FOLDERS = {
  /** `<suffix>.k8s.yaml`, synced by ArgoCD: nothing else may land here. */
  manifests: { dir: 'dist', pattern: /\.k8s\.yaml$/ },
  /** `<suffix>.json` stack outputs (outside dist/: ArgoCD parses every YAML/JSON file there). */
  outputs: { dir: 'outputs', pattern: /\.json$/ },
  /** `<suffix>.yaml` ArgoCD Applications, applied once to the ArgoCD namespace. */
  argocd: { dir: 'argocd', pattern: /\.yaml$/ },
  /** `<suffix>.md` Mermaid diagrams. */
  diagrams: { dir: 'diagrams', pattern: /\.md$/ },
} as const satisfies Record<string, ManagedFolder>;
