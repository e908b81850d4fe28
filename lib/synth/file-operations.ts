/**
 * The file-system calls of the synth's writer, lock and journal, behind one small interface so
 * that tests can substitute failing ones (a crash at step k, EACCES, ENOSPC) and so that every
 * OS error becomes one `error: cannot write <path>: <CODE> (<what it means>)` line instead of a
 * stack trace. Only documented Node APIs; everything here is synchronous, like the synth.
 */
import * as fs from 'fs';
import { UserError } from '../model/errors';

/** What `stat` reports; `lstat` semantics (a symbolic link is `other`). */
export interface PathInfo {
  readonly kind: 'file' | 'directory' | 'other';
  readonly size: number;
  /** The file system's device id: a rename only works within one. */
  readonly device: number;
  readonly mtimeMs: number;
}

/** The file operations the synth uses; tests substitute failing ones. Errors carry Node's `code`. */
export interface FileOperations {
  /** The file's content, or undefined when it cannot be read (missing, a folder, ...). */
  read(file: string): string | undefined;
  /** undefined when nothing is there. */
  stat(file: string): PathInfo | undefined;
  /** Creates the folder and its parents (no error if it exists). */
  mkdir(dir: string): void;
  /** Creates the folder, not its parents (ENOENT if the parent is missing); false if something is already there. */
  mkdirExclusive(dir: string): boolean;
  /** Creates or truncates `file` and writes `content`, then fsyncs it. */
  writeFile(file: string, content: string): void;
  /** Creates `file` only if nothing is there (`wx`: O_CREAT|O_EXCL), writes `content`, fsyncs; EEXIST otherwise. */
  createExclusive(file: string, content: string): void;
  /** Atomically replaces `to` with `from` (across file systems: a copy beside `to`, then a rename). */
  rename(from: string, to: string): void;
  /** Makes `to` a second name of `from`'s content (a hard link, or a copy where links do not work). */
  link(from: string, to: string): void;
  /** Removes a file or a folder with its content; nothing there is fine. */
  remove(file: string): void;
  /** Removes an empty folder; false when it is not empty or not there. */
  removeEmptyDir(dir: string): boolean;
  /** Names in the folder; [] when it does not exist. */
  list(dir: string): string[];
  /** fsyncs a folder, so that renames and removals in it survive a power loss. */
  syncDir(dir: string): void;
  /** Throws (EACCES, EROFS, ...) unless the process may create and delete files in `dir`. */
  checkWritable(dir: string): void;
  /** Bytes available to this process on `dir`'s file system, where that can be known. */
  freeBytes(dir: string): number | undefined;
}

/** Suffix of the copy that a rename across file systems makes beside its target first. */
export const CROSS_DEVICE_PARTIAL = '.synth-partial';

const LINK_UNSUPPORTED = new Set(['EXDEV', 'EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EMLINK', 'ENOSYS']);

function codeOf(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

function writeAndSync(file: string, content: string, flag: 'w' | 'wx'): void {
  const fd = fs.openSync(file, flag);
  try {
    fs.writeSync(fd, content);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function copyAndSync(from: string, to: string): void {
  fs.copyFileSync(from, to);
  const fd = fs.openSync(to, 'r+');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

export const nodeFileOperations: FileOperations = {
  read: (file) => {
    try {
      return fs.readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
  },
  stat: (file) => {
    try {
      const s = fs.lstatSync(file);
      return { kind: s.isFile() ? 'file' : s.isDirectory() ? 'directory' : 'other', size: s.size, device: s.dev, mtimeMs: s.mtimeMs };
    } catch (error) {
      if (codeOf(error) === 'ENOENT' || codeOf(error) === 'ENOTDIR') return undefined;
      throw error;
    }
  },
  mkdir: (dir) => { fs.mkdirSync(dir, { recursive: true }); },
  mkdirExclusive: (dir) => {
    try {
      fs.mkdirSync(dir);
      return true;
    } catch (error) {
      if (codeOf(error) === 'EEXIST') return false;
      throw error;
    }
  },
  writeFile: (file, content) => writeAndSync(file, content, 'w'),
  createExclusive: (file, content) => writeAndSync(file, content, 'wx'),
  rename: (from, to) => {
    try {
      fs.renameSync(from, to);
    } catch (error) {
      // Another file system (e.g. the cdk8s CLI's temporary outdir): copy beside the target, then rename there.
      if (codeOf(error) !== 'EXDEV') throw error;
      copyAndSync(from, `${to}${CROSS_DEVICE_PARTIAL}`);
      fs.renameSync(`${to}${CROSS_DEVICE_PARTIAL}`, to);
      fs.rmSync(from);
    }
  },
  link: (from, to) => {
    try {
      fs.linkSync(from, to);
    } catch (error) {
      if (!LINK_UNSUPPORTED.has(codeOf(error) ?? '')) throw error;
      copyAndSync(from, to);
    }
  },
  remove: (file) => fs.rmSync(file, { recursive: true, force: true }),
  removeEmptyDir: (dir) => {
    try {
      fs.rmdirSync(dir);
      return true;
    } catch (error) {
      if (['ENOTEMPTY', 'EEXIST', 'ENOENT'].includes(codeOf(error) ?? '')) return false;
      throw error;
    }
  },
  list: (dir) => {
    try {
      return fs.readdirSync(dir);
    } catch (error) {
      if (codeOf(error) === 'ENOENT') return [];
      throw error;
    }
  },
  syncDir: (dir) => {
    let fd: number | undefined;
    try {
      fd = fs.openSync(dir, 'r');
      fs.fsyncSync(fd);
    } catch (error) {
      // Some platforms and file systems cannot fsync a folder; that only weakens power-loss durability.
      if (!['EISDIR', 'EINVAL', 'EPERM', 'EBADF', 'ENOTSUP'].includes(codeOf(error) ?? '')) throw error;
    } finally {
      if (fd !== undefined) fs.closeSync(fd);
    }
  },
  checkWritable: (dir) => fs.accessSync(dir, fs.constants.W_OK | fs.constants.X_OK),
  freeBytes: (dir) => {
    // fs.statfsSync: Node >= 18.15.
    if (typeof fs.statfsSync !== 'function') return undefined;
    const s = fs.statfsSync(dir);
    return s.bavail * s.bsize;
  },
};

const DESCRIPTIONS: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EISDIR: 'a folder is in the way',
  ENOTDIR: 'a file is in the way of a folder',
  ENOENT: 'no such file or folder',
  EEXIST: 'already exists',
  EIO: 'input/output error',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in the system',
  ENAMETOOLONG: 'file name too long',
  ELOOP: 'too many symbolic links',
  EBUSY: 'resource busy',
  EXDEV: 'not on the same file system',
};

/** `EACCES (permission denied)`: the code and what it means, from Node's error. */
export function describeOsError(error: unknown): string {
  const code = codeOf(error);
  if (code === undefined) return error instanceof Error ? error.message : String(error);
  const fromMessage = /^[A-Z0-9_]+: ([^,]+)/.exec((error as Error).message ?? '')?.[1];
  return `${code} (${DESCRIPTIONS[code] ?? fromMessage ?? 'error'})`;
}

/** True for an error that comes from the OS (it has an errno `code`), as opposed to a bug. */
export function isOsError(error: unknown): boolean {
  return error instanceof Error && codeOf(error) !== undefined;
}

/** The file system refused: one line naming the path and the OS error; exit 2 (the command could not run). */
export class OutputWriteError extends UserError {
  constructor(problems: readonly string[]) {
    super(problems, 2);
  }

  static of(displayPath: string, error: unknown, detail?: string): OutputWriteError {
    return new OutputWriteError([`cannot write ${displayPath}: ${describeOsError(error)}${detail ? `; ${detail}` : ''}`]);
  }
}

/** Runs `fn`; an OS error becomes an `OutputWriteError` naming `displayPath`. Bugs keep their stack. */
export function attempt<T>(displayPath: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (isOsError(error)) throw OutputWriteError.of(displayPath, error);
    throw error;
  }
}
