/**
 * The commit journal: the list of every rename and delete of one synth's commit, written and
 * fsynced before the first of them, so that a commit cut short by a kill or a power loss can be
 * finished or undone by whoever takes the lock next.
 *
 * A journal is written only by the lock holder, as `journal.json` in the state folder (a temporary
 * name, fsync, rename, fsync of the folder: it is either absent or complete). Each operation names
 * its target, the staged new content (absent: delete the target), a backup of the target's previous
 * content (absent: there was no such file; backups are hard links, or copies where links do not
 * work) and the SHA-256 of the new content. The staged files and backups live in the committing
 * run's private folder, which is only removed after the journal is.
 *
 * State `commit`: roll forward (move each staged file that is still there into place, delete the
 * files to delete); an operation whose staged file is gone was done, which the target's hash
 * confirms. If rolling forward cannot be completed (an I/O error, a hash that does not match), the
 * journal is first rewritten with state `rollback`. State `rollback`: put every backup back (a
 * backup that is gone was put back already) and delete the files that did not exist before. Both
 * directions are idempotent, so a kill during recovery is recovered the same way.
 */
import { createHash } from 'crypto';
import * as path from 'path';
import { CROSS_DEVICE_PARTIAL, FileOperations, OutputWriteError, describeOsError, isOsError } from './file-operations';

/** One rename or delete of a commit; paths are relative to the project root when inside it, else absolute. */
export interface JournalOp {
  readonly target: string;
  /** The new content, staged; absent: the target is deleted. */
  readonly staged?: string;
  /** SHA-256 (hex) of the staged content. */
  readonly sha256?: string;
  /** The target's previous content; absent: the target did not exist. */
  readonly backup?: string;
}

export interface Journal {
  readonly version: 1;
  /** The committing run's folder (relative to the state folder): removed once the commit is finished or undone. */
  readonly run: string;
  readonly pid: number;
  readonly state: 'commit' | 'rollback';
  readonly ops: readonly JournalOp[];
  /** Folders that did not exist: created before the first rename, removed again by a rollback if empty (parents first in the list). */
  readonly createdDirs: readonly string[];
}

/** What a recovery did. */
export interface RecoveryReport {
  readonly action: 'completed' | 'rolled back';
  readonly files: number;
  /** The interrupted synth's pid. */
  readonly pid: number;
}

export function sha256(content: string): string {
  return createHash('sha256').update(content).digest('hex');
}

/** Where the journal and the run folders are, and how paths are shown and stored. */
export interface JournalContext {
  readonly root: string;
  readonly stateDir: string;
  readonly journalFile: string;
  readonly io: FileOperations;
}

/** Stored form of a path: relative to the root when inside it (the checkout may be moved), else absolute. */
export function storedPath(root: string, file: string): string {
  const rel = path.relative(root, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

/** A path for messages: relative to the root when inside it. */
export function shownPath(root: string, file: string): string {
  return storedPath(root, path.resolve(root, file));
}

/** Writes the journal atomically and durably: from this moment on the commit will be completed or undone. */
export function writeJournal(ctx: JournalContext, journal: Journal): void {
  const temp = `${ctx.journalFile}.tmp-${journal.pid}`;
  ctx.io.writeFile(temp, `${JSON.stringify(journal, null, 1)}\n`);
  ctx.io.rename(temp, ctx.journalFile);
  ctx.io.syncDir(ctx.stateDir);
}

/** The pending journal, if any. Throws `OutputWriteError` for a file that is not a journal (nothing can be recovered safely). */
export function readJournal(ctx: JournalContext): Journal | undefined {
  const text = ctx.io.read(ctx.journalFile);
  if (text === undefined) {
    if (ctx.io.stat(ctx.journalFile) === undefined) return undefined;
    // There is a journal we cannot read: going on would mix this run's commit with the interrupted one.
    throw new OutputWriteError([`cannot read ${shownPath(ctx.root, ctx.journalFile)}, the record of an interrupted synth; fix the cause and run again`]);
  }
  let journal: Journal | undefined;
  try {
    journal = JSON.parse(text) as Journal;
  } catch {
    journal = undefined;
  }
  if (journal?.version !== 1 || !Array.isArray(journal.ops) || (journal.state !== 'commit' && journal.state !== 'rollback')) {
    throw new OutputWriteError([
      `${shownPath(ctx.root, ctx.journalFile)} is not a synth journal; the output files may be a mix of two synths: ` +
      'delete that file, then run a full synth',
    ]);
  }
  return journal;
}

/** A commit that cannot be rolled forward (a staged file gone and its target not the new content). */
class CannotRollForward extends Error {}

/** Moves every staged file that is still staged into place and deletes the files to delete. */
export function rollForward(ctx: JournalContext, journal: Journal, recovering: boolean): void {
  const { io, root } = ctx;
  for (const dir of journal.createdDirs) io.mkdir(path.resolve(root, dir));
  for (const op of journal.ops) {
    const target = path.resolve(root, op.target);
    if (recovering) io.remove(`${target}${CROSS_DEVICE_PARTIAL}`);
    if (op.staged === undefined) {
      io.remove(target);
      continue;
    }
    const staged = path.resolve(root, op.staged);
    if (io.stat(staged) !== undefined) io.rename(staged, target);
    else if (op.sha256 === undefined || sha256(io.read(target) ?? '') !== op.sha256) {
      throw new CannotRollForward(`${shownPath(root, target)}: its staged content is gone and the file does not have it`);
    }
  }
  syncTargetDirs(ctx, journal);
}

/** Puts every backup back and deletes the files the commit created; then removes the folders it created, if empty. */
export function rollBack(ctx: JournalContext, journal: Journal): void {
  const { io, root } = ctx;
  for (const op of [...journal.ops].reverse()) {
    const target = path.resolve(root, op.target);
    io.remove(`${target}${CROSS_DEVICE_PARTIAL}`);
    if (op.backup !== undefined) {
      const backup = path.resolve(root, op.backup);
      if (io.stat(backup) !== undefined) io.rename(backup, target);
    } else {
      io.remove(target);
    }
  }
  for (const dir of [...journal.createdDirs].reverse()) io.removeEmptyDir(path.resolve(root, dir));
  syncTargetDirs(ctx, journal);
}

function syncTargetDirs(ctx: JournalContext, journal: Journal): void {
  const dirs = new Set(journal.ops.map((op) => path.dirname(path.resolve(ctx.root, op.target))));
  for (const dir of dirs) if (ctx.io.stat(dir)?.kind === 'directory') ctx.io.syncDir(dir);
}

/** Ends a commit (done or undone): the journal goes first, then the run's staging and backups. */
export function closeJournal(ctx: JournalContext, journal: Journal): void {
  ctx.io.remove(ctx.journalFile);
  ctx.io.syncDir(ctx.stateDir);
  try {
    ctx.io.remove(path.join(ctx.stateDir, journal.run));
  } catch {
    // Leftovers only: the next synth removes the folders of runs that have ended.
  }
}

/**
 * Undoes a commit after `cause` and says so in one line. If even that fails, the journal stays for
 * the next synth (or `--recover`), which finishes undoing it: a journal still in state `commit`
 * converges too, because rolling forward stops at the first file that was already put back.
 */
export function abortCommit(ctx: JournalContext, journal: Journal, cause: unknown, causePath: string): { error: OutputWriteError; closed: boolean } {
  const problem = `cannot write ${causePath}: ${isOsError(cause) ? describeOsError(cause) : cause instanceof Error ? cause.message : String(cause)}`;
  let undoing: Journal = { ...journal, state: 'rollback' };
  try {
    writeJournal(ctx, undoing);
  } catch {
    undoing = journal;
  }
  try {
    rollBack(ctx, undoing);
    closeJournal(ctx, undoing);
  } catch (error) {
    return {
      closed: false,
      error: new OutputWriteError([
        problem,
        `the previous files could not all be put back (${isOsError(error) ? describeOsError(error) : String(error)}); ` +
        `${shownPath(ctx.root, ctx.journalFile)} keeps what is left to do: fix the cause, then run \`npm run synth -- --recover\` or any synth`,
      ]),
    };
  }
  return { closed: true, error: new OutputWriteError([`${problem}; the previous files are unchanged`]) };
}

/**
 * Finishes or undoes an interrupted commit, if there is one. Called with the lock held, before the
 * caller looks at the files. Throws `OutputWriteError` if it cannot (the journal then stays).
 */
export function recoverJournal(ctx: JournalContext): RecoveryReport | undefined {
  const journal = readJournal(ctx);
  if (journal === undefined) return undefined;
  let action: RecoveryReport['action'] = 'completed';
  let current = journal;
  try {
    if (current.state === 'commit') {
      try {
        rollForward(ctx, current, true);
      } catch (error) {
        if (!(error instanceof CannotRollForward) && !isOsError(error)) throw error;
        current = { ...current, state: 'rollback' };
        writeJournal(ctx, current);
      }
    }
    if (current.state === 'rollback') {
      action = 'rolled back';
      rollBack(ctx, current);
    }
    closeJournal(ctx, current);
  } catch (error) {
    if (!isOsError(error)) throw error;
    throw new OutputWriteError([
      `cannot finish the interrupted synth (pid ${journal.pid}) recorded in ${shownPath(ctx.root, ctx.journalFile)}: ${describeOsError(error)}; ` +
      'fix the cause and run again',
    ]);
  }
  return { action, files: journal.ops.length, pid: journal.pid };
}
