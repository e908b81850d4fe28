/**
 * Which files in the output folders the synth may delete. Pure functions: the writer reads the
 * folders and the record, asks `planOwnership` what to delete and what to record, and commits the
 * new record in the same journaled commit as the files.
 *
 * The record (`.synth-state/owned.json`, see lib/model/output-layout.ts; not committed) lists, per
 * output folder inside the project, the file names a synth of this checkout wrote, each with the
 * SHA-256 of the last contents it wrote there. A full synth deletes a file only if it matches the
 * folder's pattern, is not among the files it writes, and its content is one the record lists for
 * that name: exactly what a synth of this checkout wrote. So a file restored by git (`git checkout`,
 * `git stash pop`) to content this checkout once synthesized is recognised, while a file that is
 * somebody else's, or that was edited by hand since, is left alone and reported.
 *
 * The files a run writes are recorded whether their content changed or not, so on a fresh clone
 * (no record) the first full synth adopts exactly the files of the environments it builds; files
 * of environments removed before that clone's first synth are left alone and reported.
 */
/** Per folder key (the folder's path relative to the project root, with `/`): name → hashes of contents written, newest first. */
export type OwnedFiles = ReadonlyMap<string, ReadonlyMap<string, readonly string[]>>;

/** How many contents are remembered per file name, and how many names per folder. */
export const OWNED_HASHES_PER_FILE = 8;
export const OWNED_NAMES_PER_FOLDER = 256;

/** One managed folder as the planner sees it. */
export interface FolderState {
  /** The folder's key in the record. */
  readonly key: string;
  readonly pattern: RegExp;
  /** Files in the folder that match the pattern and that this run does not write, with the SHA-256 of their content. */
  readonly others: ReadonlyArray<{ readonly name: string; readonly sha256: string }>;
  /** Files this run writes there (changed or not), with the SHA-256 of their content. */
  readonly written: ReadonlyArray<{ readonly name: string; readonly sha256: string }>;
}

export interface FileRef {
  readonly key: string;
  readonly name: string;
}

export interface OwnershipPlan {
  /** Files to delete (full synth only). */
  readonly remove: readonly FileRef[];
  /** Files that match a pattern but whose content no synth of this checkout wrote: kept, and reported (full synth only). */
  readonly leftAlone: ReadonlyArray<FileRef & { readonly reason: 'not written by a synth of this checkout' | 'changed since a synth wrote it' }>;
  /** The record after this run. */
  readonly owned: OwnedFiles;
}

/** A name the record may hold for a folder: a plain file name matching the folder's pattern. */
export function isOwnableName(name: string, pattern: RegExp): boolean {
  return name !== '' && name !== '.' && name !== '..' && !/[/\\\0]/.test(name) && pattern.test(name);
}

/**
 * What a run deletes and records. `complete`: a full synth (its files are every file the project
 * should have in those folders); otherwise (ad-hoc) nothing is deleted.
 */
export function planOwnership(folders: readonly FolderState[], owned: OwnedFiles, complete: boolean): OwnershipPlan {
  const remove: FileRef[] = [];
  const leftAlone: Array<OwnershipPlan['leftAlone'][number]> = [];
  const next = new Map<string, ReadonlyMap<string, readonly string[]>>(owned);
  for (const folder of folders) {
    const before = owned.get(folder.key) ?? new Map<string, readonly string[]>();
    if (complete) {
      for (const other of folder.others) {
        if (!isOwnableName(other.name, folder.pattern)) continue;
        const known = before.get(other.name);
        if (known !== undefined && known.includes(other.sha256)) remove.push({ key: folder.key, name: other.name });
        else leftAlone.push({ key: folder.key, name: other.name, reason: known === undefined ? 'not written by a synth of this checkout' : 'changed since a synth wrote it' });
      }
    }
    // This run's files first (sorted), then the names remembered before, oldest dropped past the cap.
    const entries = new Map<string, readonly string[]>();
    // Array sort without a comparator orders strings by UTF-16 code units: the same on every machine.
    const written = new Map(folder.written.map((file) => [file.name, file.sha256]));
    for (const name of [...written.keys()].sort()) {
      const hash = written.get(name) as string;
      entries.set(name, [hash, ...(before.get(name) ?? []).filter((h) => h !== hash)].slice(0, OWNED_HASHES_PER_FILE));
    }
    for (const [name, hashes] of before) {
      if (!entries.has(name) && isOwnableName(name, folder.pattern) && entries.size < OWNED_NAMES_PER_FOLDER) entries.set(name, hashes);
    }
    next.set(folder.key, entries);
  }
  return { remove, leftAlone, owned: next };
}

const ABOUT = 'Files in each output folder that a synth of this checkout wrote, with the SHA-256 of the contents it wrote ' +
  '(newest first). A full synth deletes a file only while its content is one of these. Written by the synth with the files; not committed.';

/** The record as a file; the same ownership always gives the same bytes. */
export function renderOwnedFiles(owned: OwnedFiles): string {
  const folders: Record<string, Record<string, readonly string[]>> = {};
  for (const key of [...owned.keys()].sort()) {
    const entries = owned.get(key) ?? new Map();
    if (entries.size > 0) folders[key] = Object.fromEntries(entries);
  }
  return `${JSON.stringify({ about: ABOUT, folders }, null, 1)}\n`;
}

/** Reads the record; a missing record is empty, and an unusable one is empty with a note why. */
export function parseOwnedFiles(text: string | undefined): { owned: OwnedFiles; problem?: string } {
  if (text === undefined) return { owned: new Map() };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { owned: new Map(), problem: 'not valid JSON' };
  }
  const folders = (data as { folders?: unknown } | null)?.folders;
  if (typeof folders !== 'object' || folders === null || Array.isArray(folders)) return { owned: new Map(), problem: 'no "folders" object' };
  const owned = new Map<string, Map<string, readonly string[]>>();
  for (const [key, entries] of Object.entries(folders)) {
    if (typeof entries !== 'object' || entries === null || Array.isArray(entries)) continue;
    const names = new Map<string, readonly string[]>();
    for (const [name, hashes] of Object.entries(entries as Record<string, unknown>)) {
      if (Array.isArray(hashes)) names.set(name, hashes.filter((h): h is string => typeof h === 'string' && /^[0-9a-f]{64}$/.test(h)));
    }
    owned.set(key, names);
  }
  return { owned };
}
