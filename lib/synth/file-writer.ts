/**
 * Writes synth results so that a failed or interrupted run never leaves half-written output:
 * every changed file is first staged next to its destination, then moved into place with an
 * atomic rename; files of environments that no longer exist are removed only by a complete synth.
 * A file whose content is already right is left alone (its mtime too, so watchers and `make`
 * see no change).
 */
import * as fs from 'fs';
import * as path from 'path';
import { ManagedFolder } from '../model/output-layout';

/** One output file; a relative path is relative to the project root. */
export interface OutputFile {
  readonly path: string;
  readonly content: string;
}


/** The file operations the writer uses; tests substitute failing ones to simulate a crash. */
export interface FileOperations {
  /** The file's content, or undefined when it cannot be read (missing, a folder, ...). */
  read(file: string): string | undefined;
  mkdir(dir: string): void;
  writeFile(file: string, content: string): void;
  rename(from: string, to: string): void;
  remove(file: string): void;
  list(dir: string): string[];
}

export const nodeFileOperations: FileOperations = {
  read: (file) => {
    try {
      return fs.readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
  },
  mkdir: (dir) => fs.mkdirSync(dir, { recursive: true }),
  writeFile: (file, content) => fs.writeFileSync(file, content),
  rename: (from, to) => {
    try {
      fs.renameSync(from, to);
    } catch (error) {
      // Another file system (e.g. the cdk8s CLI's temporary outdir): copy beside the target, then rename there.
      if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
      fs.copyFileSync(from, `${to}.partial`);
      fs.renameSync(`${to}.partial`, to);
      fs.rmSync(from);
    }
  },
  remove: (file) => fs.rmSync(file, { recursive: true, force: true }),
  list: (dir) => (fs.existsSync(dir) ? fs.readdirSync(dir) : []),
};

const STAGING_DIR = '.synth-staging';

/** What a write did; every path is relative to the root. */
export interface WriteSummary {
  /** Files created or given new content. */
  readonly written: string[];
  /** Files that already had the right content and were not touched. */
  readonly unchanged: string[];
  /** Files of environments that no longer exist, pruned. */
  readonly removed: string[];
}

/**
 * Writes `files` under `root`. With `prune`, files in the managed folders that match their
 * pattern but are not in `files` are deleted afterwards (a complete synth owns those folders).
 */
export function writeOutputFiles(
  root: string,
  files: readonly OutputFile[],
  options: { prune: readonly ManagedFolder[] },
  io: FileOperations = nodeFileOperations,
): WriteSummary {
  const changed = files.filter((file) => io.read(path.resolve(root, file.path)) !== file.content);
  const staging = path.join(root, STAGING_DIR);
  io.remove(staging);
  if (changed.length > 0) {
    io.mkdir(staging);
    changed.forEach((file, i) => io.writeFile(path.join(staging, String(i)), file.content));
    for (const dir of new Set(changed.map((file) => path.dirname(path.resolve(root, file.path))))) io.mkdir(dir);
    changed.forEach((file, i) => io.rename(path.join(staging, String(i)), path.resolve(root, file.path)));
  }

  const kept = new Set(files.map((f) => path.resolve(root, f.path)));
  const removed: string[] = [];
  for (const folder of options.prune) {
    const dir = path.resolve(root, folder.dir);
    for (const name of io.list(dir)) {
      const file = path.join(dir, name);
      if (folder.pattern.test(name) && !kept.has(file)) {
        io.remove(file);
        removed.push(path.relative(root, file));
      }
    }
  }
  if (changed.length > 0) io.remove(staging);
  const written = new Set(changed);
  return {
    written: changed.map((f) => f.path),
    unchanged: files.filter((f) => !written.has(f)).map((f) => f.path),
    removed,
  };
}
