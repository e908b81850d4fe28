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

/**
 * The synth's own bookkeeping under the project root, never output and never committed
 * (.gitignore): `lock/` while a synth commits, `journal.json` while a commit is in progress or was
 * interrupted, `run-<owner>/` (each run's private staging and backups) while a run lives, and
 * `owned.json`, which files of the output folders a synth of this checkout wrote (see lib/synth/).
 */
export const SYNTH_STATE = {
  dir: '.synth-state',
  lock: 'lock',
  journal: 'journal.json',
  owned: 'owned.json',
  runPrefix: 'run-',
} as const;
