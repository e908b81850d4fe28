/**
 * Writes a synth's files: all of them or none, with any number of synths running at once.
 *
 * How:
 * 1. Private staging, no lock: the run stages the files whose content differs from what is on disk
 *    into its own folder, `.synth-state/run-<pid>.<start>.<nonce>.<host>/stage/` (fsynced).
 * 2. Under the output lock (lib/synth/lock.ts), in this order: finish or undo an interrupted commit
 *    (lib/synth/journal.ts); remove the folders of runs that have ended; then decide, from what is
 *    on disk now, which files changed, which owned files a full synth deletes and the new
 *    owned-files record (lib/synth/ownership.ts); check that every target folder is writable, that no
 *    folder sits where a file must go and that there is room for the staging, backups and journal;
 *    back up every file to be replaced or deleted (hard links); write and fsync the journal; rename
 *    every staged file into place and delete the pruned ones; fsync the folders; delete the journal.
 *    Unchanged files are not touched (their mtime neither).
 * 3. Release the lock, remove the run's folder.
 *
 * The guarantee (also in docs/operations.md, "What a synth guarantees"):
 * - Each file is always complete: the content of one environment as one synth built it, never a
 *   mix of two runs or two environments (each run stages privately; names are replaced by rename).
 * - All or nothing per synth: a commit is the journal's list of renames and deletes. Once the
 *   journal is on disk the commit is decided; whoever next takes the lock (the next synth, or
 *   `npm run synth -- --recover`, or `withOutputLock`) rolls it forward, or back if that cannot be
 *   done, before looking at the files. So after a kill at any moment, a synth or a reader that takes
 *   the lock sees the complete previous set or the complete new set of files of that synth.
 * - An I/O error (permission, read-only, full disk, a folder in the way) is reported as one line
 *   naming the path and the OS error; the files done so far are put back, so the previous files
 *   are intact; exit 2.
 * - Concurrent synths serialize their commits: each decides "changed" and what to prune against the
 *   files as they are under the lock. The last commit wins per file; a file never holds another
 *   environment's content.
 * Not guaranteed: a reader that reads the files one by one without the lock while a commit is in
 *   progress (or after a kill, before the next synth) can see some files old and some new; files
 *   changed by hand or by other tools outside the lock; power loss on file systems that do not
 *   honour fsync; two checkouts sharing one output folder outside the project (each checkout has
 *   its own lock).
 */
import * as path from 'path';
import { ManagedFolder, SYNTH_STATE } from '../model/output-layout';
import { FileOperations, OutputWriteError, attempt, describeOsError, isOsError, nodeFileOperations } from './file-operations';
import {
  Journal, JournalContext, JournalOp, RecoveryReport, abortCommit, closeJournal, recoverJournal, rollForward, sha256, shownPath, storedPath,
  writeJournal,
} from './journal';
import { HeldLock, LockAcquisition, LockOptions, ProcessProbe, acquireLock, nodeProcessProbe, ownerName, parseOwnerName } from './lock';
import { FolderState, isOwnableName, parseOwnedFiles, planOwnership, renderOwnedFiles } from './ownership';

export type { FileOperations } from './file-operations';
export { nodeFileOperations } from './file-operations';
export type { RecoveryReport } from './journal';

/** One output file; a relative path is relative to the project root. */
export interface OutputFile {
  readonly path: string;
  readonly content: string;
}

export interface WriteOptions {
  /** The folders the files go into (each file must be in one). Folders inside the project are tracked in the owned-files record. */
  readonly folders: readonly ManagedFolder[];
  /** A full synth: owned files in those folders that this run does not write are deleted. */
  readonly complete: boolean;
  readonly lock?: LockOptions;
  /** What the lock file says this run is, for people. @default 'synth' */
  readonly purpose?: string;
}

/** What a write did; paths are relative to the root when inside it. */
export interface WriteSummary {
  /** Files created or given new content. */
  readonly written: string[];
  /** Files that already had the right content and were not touched. */
  readonly unchanged: string[];
  /** Owned files of environments that no longer exist, deleted. */
  readonly removed: string[];
  /** Files matching a folder's pattern whose content no synth of this checkout wrote: kept (full synth only), with the reason. */
  readonly leftAlone: string[];
  /** Anything else worth a line (an unusable owned-files record). */
  readonly notes: string[];
  /** An interrupted commit of another synth that this run finished or undid first. */
  readonly recovered?: RecoveryReport;
  readonly lock: LockAcquisition;
}

/** Paths of one project's synth state. */
interface Paths extends JournalContext {
  readonly lockDir: string;
  readonly ownedFile: string;
}

function pathsOf(root: string, io: FileOperations): Paths {
  const stateDir = path.join(root, SYNTH_STATE.dir);
  return {
    root, io, stateDir,
    journalFile: path.join(stateDir, SYNTH_STATE.journal),
    lockDir: path.join(stateDir, SYNTH_STATE.lock),
    ownedFile: path.join(stateDir, SYNTH_STATE.owned),
  };
}

const insideRoot = (root: string, file: string) => storedPath(root, file) !== file || path.resolve(root) === file;
const folderKey = (root: string, dir: string) => path.relative(root, path.resolve(root, dir)).split(path.sep).join('/');

/** The nearest existing folder at or above `dir`, and what is there. */
function existingAncestor(dir: string, io: FileOperations): { dir: string; kind: string } {
  for (let d = dir; ; d = path.dirname(d)) {
    const info = io.stat(d);
    if (info !== undefined) return { dir: d, kind: info.kind };
    if (path.dirname(d) === d) return { dir: d, kind: 'directory' };
  }
}

function checkSpace(io: FileOperations, dir: string, needed: number, label: string): string | undefined {
  const free = io.freeBytes(existingAncestor(dir, io).dir);
  return free !== undefined && free < needed
    ? `cannot write ${label}: ENOSPC (no space left on device: ${free} bytes free, ${needed} needed)`
    : undefined;
}

/** Removes what ended runs left: their private folders and a journal that was being written. Best effort. */
function removeEndedRuns(p: Paths, probe: ProcessProbe, ownRun: string, staleMs: number): void {
  const self = probe.self();
  for (const name of p.io.list(p.stateDir)) {
    try {
      const file = path.join(p.stateDir, name);
      if (name.startsWith(`${SYNTH_STATE.journal}.tmp-`)) {
        p.io.remove(file);
      } else if (name.startsWith(SYNTH_STATE.runPrefix) && name !== ownRun) {
        const owner = parseOwnerName(name.slice(SYNTH_STATE.runPrefix.length));
        const info = p.io.stat(file);
        const ended = owner !== undefined && owner.host === self.host
          ? !probe.isAlive(owner)
          : info !== undefined && probe.now() - info.mtimeMs > staleMs;
        if (ended) p.io.remove(file);
      }
    } catch {
      // Leftovers only; the next run tries again.
    }
  }
}

function takeLock(p: Paths, io: FileOperations, probe: ProcessProbe, options: LockOptions | undefined, purpose: string): HeldLock {
  return attempt(shownPath(p.root, p.lockDir), () => acquireLock(p.lockDir, (d) => shownPath(p.root, d), io, probe, { ...options, purpose }));
}

function releaseQuietly(lock: HeldLock): void {
  try {
    lock.release();
  } catch {
    // A lock that could not be removed names a process that has ended by the time anyone looks: it is taken over.
  }
}

/**
 * Writes `files` under `root`: all of them or none (see the file header). With `complete`, owned
 * files in the folders that this run does not write are deleted.
 */
export function writeOutputFiles(
  root: string,
  files: readonly OutputFile[],
  options: WriteOptions,
  io: FileOperations = nodeFileOperations,
  probe: ProcessProbe = nodeProcessProbe,
): WriteSummary {
  return oneLineErrors(root, () => write(root, files, options, io, probe));
}

/** An OS error that no step named becomes one line naming the path Node gives (no stack trace); bugs keep theirs. */
function oneLineErrors<T>(root: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof OutputWriteError || !isOsError(error)) throw error;
    const where = (error as NodeJS.ErrnoException).path;
    throw OutputWriteError.of(shownPath(root, where ?? root), error);
  }
}

function write(root: string, files: readonly OutputFile[], options: WriteOptions, io: FileOperations, probe: ProcessProbe): WriteSummary {
  const p = pathsOf(root, io);
  const show = (file: string) => shownPath(root, file);
  const targets = files.map((f) => path.resolve(root, f.path));
  const folderOf = targets.map((t, i) => {
    const folder = options.folders.find((f) => path.resolve(root, f.dir) === path.dirname(t));
    if (folder === undefined) throw new Error(`${files[i].path} is not in one of the output folders`);
    return folder;
  });
  const self = probe.self();
  const runName = `${SYNTH_STATE.runPrefix}${ownerName(self)}`;
  const runDir = path.join(p.stateDir, runName);
  const stageDir = path.join(runDir, 'stage');
  const backupDir = path.join(runDir, 'backup');
  const staged = new Map<number, string>();
  const removeRun = () => {
    try {
      io.remove(runDir);
    } catch {
      // Leftovers only: removed by the next run.
    }
  };
  const stage = (i: number, label: string) => {
    if (staged.size === 0) attempt(`${show(p.stateDir)} (staging ${label})`, () => io.mkdir(stageDir));
    const file = path.join(stageDir, String(i));
    attempt(`${show(p.stateDir)} (staging ${label})`, () => io.writeFile(file, i < files.length ? files[i].content : ownedText));
    staged.set(i, file);
  };
  let ownedText = '';
  let keepRun = false;

  // 1. Stage, without the lock, what differs now.
  try {
    const differing = files.map((_, i) => i).filter((i) => io.read(targets[i]) !== files[i].content);
    const bytes = differing.reduce((n, i) => n + Buffer.byteLength(files[i].content), 0);
    const full = differing.length > 0 ? checkSpace(io, p.stateDir, bytes + 64 * 1024, show(p.stateDir)) : undefined;
    if (full) throw new OutputWriteError([full]);
    for (const i of differing) stage(i, files[i].path);
  } catch (error) {
    removeRun();
    throw error;
  }

  // 2. Under the lock: recover, decide, check, back up, journal, rename.
  let lock: HeldLock;
  try {
    lock = takeLock(p, io, probe, options.lock, options.purpose ?? 'synth');
  } catch (error) {
    removeRun();
    throw error;
  }
  try {
    const recovered = attempt(show(p.journalFile), () => recoverJournal(p));
    removeEndedRuns(p, probe, runName, options.lock?.staleMs ?? 600_000);

    const changed = files.map((_, i) => i).filter((i) => io.read(targets[i]) !== files[i].content);
    const managed = options.folders.filter((f) => insideRoot(root, path.resolve(root, f.dir)));
    const folderStates: FolderState[] = managed.map((f) => {
      const dir = path.resolve(root, f.dir);
      const written = files.flatMap((file, i) => (folderOf[i] === f ? [{ name: path.basename(targets[i]), sha256: sha256(file.content) }] : []));
      const writtenNames = new Set(written.map((w) => w.name));
      // A file in place of the folder is reported by the checks below.
      const present = io.stat(dir)?.kind === 'directory' ? attempt(f.dir, () => io.list(dir)) : [];
      const others = present
        .filter((name) => !writtenNames.has(name) && isOwnableName(name, f.pattern) && io.stat(path.join(dir, name))?.kind === 'file')
        .map((name) => {
          const content = io.read(path.join(dir, name));
          // Whether it may be pruned depends on its content: an I/O error like any other.
          if (content === undefined) throw new OutputWriteError([`cannot read ${show(path.join(dir, name))}; the output files are unchanged`]);
          return { name, sha256: sha256(content) };
        });
      return { key: folderKey(root, f.dir), pattern: f.pattern, others, written };
    });
    const recordText = io.read(p.ownedFile);
    if (recordText === undefined && io.stat(p.ownedFile) !== undefined) {
      // Without the record nothing could be pruned, and the files it lists would be forgotten.
      throw new OutputWriteError([`cannot read ${show(p.ownedFile)}; the output files are unchanged`]);
    }
    const record = parseOwnedFiles(recordText);
    const plan = planOwnership(folderStates, record.owned, options.complete);
    ownedText = renderOwnedFiles(plan.owned);
    const ownedChanged = managed.length > 0 && recordText !== ownedText;
    const removals = plan.remove.map((r) => path.resolve(root, r.key, r.name));
    const summary = (written: number[]): WriteSummary => ({
      written: written.map((i) => files[i].path),
      unchanged: files.filter((_, i) => !written.includes(i)).map((f) => f.path),
      removed: removals.map(show),
      leftAlone: plan.leftAlone.map((r) => `${r.key}/${r.name} (${r.reason})`),
      notes: record.problem ? [`${show(p.ownedFile)} could not be used (${record.problem}); nothing was pruned, and it was written anew`] : [],
      ...(recovered ? { recovered } : {}),
      lock: { waitedMs: lock.waitedMs, tookOverFrom: lock.tookOverFrom },
    });
    if (changed.length === 0 && removals.length === 0 && !ownedChanged) return summary([]);

    // The commit: replaced files (in order), the record, then deletions. Index files.length is the record.
    const replace = [...changed, ...(ownedChanged ? [files.length] : [])];
    const targetOf = (i: number) => (i < files.length ? targets[i] : p.ownedFile);
    const labelOf = (i: number) => (i < files.length ? files[i].path : show(p.ownedFile));
    const allTargets = [...replace.map(targetOf), ...removals];
    const problems = preflight(io, p, replace.map(targetOf), removals, show);
    const previousBytes = allTargets.reduce((n, t) => n + (io.stat(t)?.size ?? 0), 0);
    const newBytes = replace.filter((i) => !staged.has(i)).reduce((n, i) => n + Buffer.byteLength(i < files.length ? files[i].content : ownedText), 0);
    const space = checkSpace(io, p.stateDir, newBytes + previousBytes + 4096 + 512 * allTargets.length, show(p.stateDir));
    if (space) problems.push(space);
    // A target on another file system (the cdk8s CLI's temporary folder) gets a copy there before its rename.
    const stateDevice = io.stat(existingAncestor(p.stateDir, io).dir)?.device;
    const elsewhere = new Map<string, number>();
    replace.forEach((i) => {
      const dir = existingAncestor(path.dirname(targetOf(i)), io).dir;
      if (io.stat(dir)?.device === stateDevice) return;
      elsewhere.set(dir, (elsewhere.get(dir) ?? 0) + Buffer.byteLength(i < files.length ? files[i].content : ownedText));
    });
    for (const [dir, bytes] of elsewhere) {
      const full = checkSpace(io, dir, bytes + 4096, show(dir));
      if (full) problems.push(full);
    }
    if (problems.length > 0) throw new OutputWriteError(problems);

    for (const i of replace) if (!staged.has(i)) stage(i, labelOf(i));
    const createdDirs = missingDirs(io, allTargets.map((t) => path.dirname(t)));
    attempt(`${show(p.stateDir)} (backups)`, () => io.mkdir(backupDir));
    const ops: JournalOp[] = [];
    allTargets.forEach((target, k) => {
      const i = replace[k];
      const previous = io.stat(target) !== undefined ? path.join(backupDir, String(k)) : undefined;
      if (previous !== undefined) attempt(`${show(p.stateDir)} (backup of ${show(target)})`, () => io.link(target, previous));
      ops.push({
        target: storedPath(root, target),
        ...(i !== undefined ? { staged: storedPath(root, staged.get(i) as string), sha256: sha256(i < files.length ? files[i].content : ownedText) } : {}),
        ...(previous !== undefined ? { backup: storedPath(root, previous) } : {}),
      });
    });
    attempt(show(p.stateDir), () => {
      if (staged.size > 0) io.syncDir(stageDir);
      io.syncDir(backupDir);
    });
    if (!lock.stillHeld()) {
      throw new OutputWriteError([`${show(p.lockDir)}: this synth's lock was removed while it held it; nothing was changed, run again`]);
    }
    const journal: Journal = {
      version: 1, run: runName, pid: self.pid, state: 'commit', ops, createdDirs: createdDirs.map((d) => storedPath(root, d)),
    };
    try {
      writeJournal(p, journal);
    } catch (error) {
      // Not committed: without the journal nothing is renamed, so removing it (if it got there) undoes everything.
      try {
        io.remove(p.journalFile);
      } catch {
        keepRun = true; // a journal we could not remove still needs this run's backups
      }
      if (isOsError(error)) throw OutputWriteError.of(show(p.journalFile), error);
      throw error;
    }
    let current = '';
    try {
      const tracking: JournalContext = { ...p, io: trackTarget(io, (t) => { current = t; }) };
      rollForward(tracking, journal, false);
      closeJournal(p, journal);
    } catch (error) {
      const aborted = abortCommit(p, journal, error, current === '' ? show(p.journalFile) : show(current));
      keepRun = !aborted.closed;
      // A simulated crash or a bug keeps its own error; an OS error becomes one line.
      throw isOsError(error) ? aborted.error : error;
    }
    return summary(changed);
  } finally {
    releaseQuietly(lock);
    if (!keepRun) removeRun();
  }
}

/** The checks before the first rename; one problem line each. */
function preflight(io: FileOperations, p: Paths, replaced: readonly string[], removed: readonly string[], show: (f: string) => string): string[] {
  const problems: string[] = [];
  const folderProblems = new Map<string, string | undefined>();
  for (const target of [...replaced, ...removed]) {
    const dir = path.dirname(target);
    if (!folderProblems.has(dir)) {
      const ancestor = existingAncestor(dir, io);
      let problem: string | undefined;
      if (ancestor.kind !== 'directory') problem = `ENOTDIR (${show(ancestor.dir)} is a file, not a folder)`;
      else {
        try {
          io.checkWritable(ancestor.dir);
        } catch (error) {
          if (!isOsError(error)) throw error;
          problem = describeOsError(error);
        }
      }
      folderProblems.set(dir, problem);
      // One line per folder, naming its first file.
      if (problem !== undefined) problems.push(`cannot write ${show(target)}: ${problem}`);
    }
    if (folderProblems.get(dir) === undefined && replaced.includes(target) && io.stat(target)?.kind === 'directory') {
      problems.push(`cannot write ${show(target)}: EISDIR (a folder is in the way)`);
    }
  }
  const stateAncestor = existingAncestor(p.stateDir, io);
  try {
    io.checkWritable(stateAncestor.dir);
  } catch (error) {
    if (!isOsError(error)) throw error;
    problems.push(OutputWriteError.of(show(stateAncestor.dir), error).problems[0]);
  }
  return problems;
}

/** Folders among `dirs` (and their parents) that do not exist, parents first. */
function missingDirs(io: FileOperations, dirs: readonly string[]): string[] {
  const missing: string[] = [];
  for (const dir of new Set(dirs)) {
    const chain: string[] = [];
    for (let d = dir; io.stat(d) === undefined && path.dirname(d) !== d; d = path.dirname(d)) chain.unshift(d);
    for (const d of chain) if (!missing.includes(d)) missing.push(d);
  }
  return missing;
}

/** `io` that reports the target of each rename or removal before doing it (so an error names the file). */
function trackTarget(io: FileOperations, onTarget: (file: string) => void): FileOperations {
  return {
    ...io,
    mkdir: (dir) => { onTarget(dir); io.mkdir(dir); },
    rename: (from, to) => { onTarget(to); io.rename(from, to); },
    remove: (file) => { onTarget(file); io.remove(file); },
  };
}

/** Finishes or undoes an interrupted commit and removes what ended runs left, under the lock; writes nothing else. */
export function recoverOutputs(
  root: string,
  options: { readonly lock?: LockOptions } = {},
  io: FileOperations = nodeFileOperations,
  probe: ProcessProbe = nodeProcessProbe,
): { recovered?: RecoveryReport; lock: LockAcquisition } {
  return withOutputLock(root, (recovered, lock) => ({ ...(recovered ? { recovered } : {}), lock }), options, io, probe);
}

/**
 * Runs `fn` with the output lock held, after finishing or undoing any interrupted commit: what `fn`
 * reads of the output folders is one synth's complete set. For readers (validate, tools, the soak).
 */
export function withOutputLock<T>(
  root: string,
  fn: (recovered: RecoveryReport | undefined, lock: LockAcquisition) => T,
  options: { readonly lock?: LockOptions; readonly purpose?: string } = {},
  io: FileOperations = nodeFileOperations,
  probe: ProcessProbe = nodeProcessProbe,
): T {
  const p = pathsOf(root, io);
  const lock = oneLineErrors(root, () => takeLock(p, io, probe, options.lock, options.purpose ?? 'reader'));
  try {
    const recovered = oneLineErrors(root, () => recoverJournal(p));
    removeEndedRuns(p, probe, '', options.lock?.staleMs ?? 600_000);
    return fn(recovered, { waitedMs: lock.waitedMs, tookOverFrom: lock.tookOverFrom });
  } finally {
    releaseQuietly(lock);
  }
}
