/**
 * The output lock: at most one synth of a checkout commits its files at a time.
 *
 * Layout: the folder `<state>/lock/` exists while the lock is held and holds exactly one file,
 * named `<pid>.<start>.<nonce>.<host>` after its owner (pid, the process's start time in clock
 * ticks since boot from /proc where there is one, else 0, a random nonce, the host name) and
 * containing the same as JSON plus the start time as a date, for people.
 *
 * Acquire: `mkdir lock/` (atomic: exactly one process creates it), then create the owner file in it
 * with `wx` (O_EXCL), then list the folder: the lock is ours only if our file is the only one there.
 * Someone else's file beside ours means a process that created the folder earlier and stalled has
 * also written into it; both then back off (at most one can see only its own name), remove their
 * file and retry.
 *
 * Stale locks: an owner file whose process is gone (no such pid, a zombie, or the pid now belongs
 * to a process with another start time) is removed by whoever finds it, and then the folder is
 * removed with rmdir, which only succeeds while the folder is empty. Every removal names one dead
 * owner's file or an empty folder, so breaking a stale lock can never remove a live owner's lock;
 * a process that loses its freshly made folder that way simply retries. An owner on another host
 * (a shared file system) cannot be probed: its lock counts as stale once older than `staleMs`. An
 * empty folder (the creator died between mkdir and creating its file) is removed after
 * `emptyGraceMs`. A live owner is never overridden: after `timeoutMs` the waiter gives up with one
 * line naming the owner.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { UserError } from '../model/errors';
import { FileOperations } from './file-operations';

/** Who holds (or held) a lock. */
export interface LockOwner {
  readonly pid: number;
  /** The process's start time in clock ticks since boot (/proc/<pid>/stat field 22); 0 if unknown. */
  readonly start: number;
  readonly nonce: string;
  readonly host: string;
}

/** How a process is probed; tests substitute their own. */
export interface ProcessProbe {
  /** This process. */
  self(): LockOwner;
  /** False when `owner` (same host) has certainly ended. */
  isAlive(owner: LockOwner): boolean;
  now(): number;
  /** Blocks the (synchronous) synth for `ms`. */
  sleep(ms: number): void;
}

export interface LockOptions {
  /** How long to wait for a live owner before giving up. @default 30000 */
  readonly timeoutMs?: number;
  /** When the owner is on another host: older than this counts as stale. @default 600000 */
  readonly staleMs?: number;
  /** An empty lock folder older than this was left by a process that died while taking the lock. @default 1000 */
  readonly emptyGraceMs?: number;
}

/** What taking the lock involved, for the report. */
export interface LockAcquisition {
  /** Time spent waiting for other owners, ms (0: the lock was free). */
  readonly waitedMs: number;
  /** Pids of dead owners whose lock was removed. */
  readonly tookOverFrom: readonly number[];
}

/** Another synth held the lock for longer than the wait allows: exit 2, one line. */
export class LockTimeoutError extends UserError {}

/** The start time of process `pid` in clock ticks since boot and its state letter, from /proc (Linux); undefined elsewhere. */
function procStat(pid: number): { start: number; state: string } | undefined {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // "pid (comm) state ppid ...": comm may contain spaces and parentheses, so split after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const start = Number(fields[19]);
  return Number.isSafeInteger(start) ? { start, state: fields[0] } : undefined;
}

const HOST = os.hostname().replace(/[^A-Za-z0-9.-]/g, '_') || 'localhost';
let selfOwner: LockOwner | undefined;

export const nodeProcessProbe: ProcessProbe = {
  self: () => {
    selfOwner = selfOwner ?? { pid: process.pid, start: procStat(process.pid)?.start ?? 0, nonce: '', host: HOST };
    return { ...selfOwner, nonce: Math.random().toString(16).slice(2, 10).padEnd(8, '0') };
  },
  isAlive: (owner) => {
    try {
      process.kill(owner.pid, 0);
    } catch (error) {
      // EPERM: the process exists but belongs to another user.
      if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
    }
    const now = procStat(owner.pid);
    if (now === undefined) return true;
    // A zombie has ended (its parent has not collected it yet); another start time means the pid was reused.
    return now.state !== 'Z' && (owner.start === 0 || now.start === owner.start);
  },
  now: () => Date.now(),
  sleep: (ms) => {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
  },
};

/** `<pid>.<start>.<nonce>.<host>`: the owner, readable from the name alone (a file cut short by a kill still names its owner). */
export function ownerName(owner: LockOwner): string {
  return `${owner.pid}.${owner.start}.${owner.nonce}.${owner.host}`;
}

export function parseOwnerName(name: string): LockOwner | undefined {
  const m = /^(\d+)\.(\d+)\.([0-9a-z]+)\.(.+)$/.exec(name);
  return m ? { pid: Number(m[1]), start: Number(m[2]), nonce: m[3], host: m[4] } : undefined;
}

/** True when `owner` (or the file naming it) is certainly stale. */
function isStale(name: string, file: string, io: FileOperations, probe: ProcessProbe, self: LockOwner, staleMs: number): boolean {
  const owner = parseOwnerName(name);
  const info = io.stat(file);
  if (info === undefined) return false; // already gone
  const age = probe.now() - info.mtimeMs;
  if (owner === undefined) return age > staleMs; // not ours to judge quickly: a stranger's file
  if (owner.host !== self.host) return age > staleMs;
  return !probe.isAlive(owner);
}

/** Held lock; `release` ends it. */
export interface HeldLock extends LockAcquisition {
  /** False if our owner file has disappeared (someone judged us stale): we must not commit. */
  stillHeld(): boolean;
  release(): void;
}

/**
 * Takes the lock folder `lockDir` (its parent is created if missing), waiting for live owners and
 * removing dead ones. Throws `LockTimeoutError` after `timeoutMs`; OS errors propagate.
 */
export function acquireLock(
  lockDir: string,
  display: (p: string) => string,
  io: FileOperations,
  probe: ProcessProbe,
  options: LockOptions & { readonly purpose: string },
): HeldLock {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const staleMs = options.staleMs ?? 600_000;
  const emptyGraceMs = options.emptyGraceMs ?? 1000;
  const self = probe.self();
  const mine = ownerName(self);
  const myFile = path.join(lockDir, mine);
  const content = `${JSON.stringify({
    pid: self.pid, start: self.start, host: self.host, since: new Date(probe.now()).toISOString(), purpose: options.purpose,
  })}\n`;
  const started = probe.now();
  const tookOverFrom: number[] = [];
  let waited = false;
  let delay = 2;
  const pause = (ms: number) => {
    waited = true;
    probe.sleep(ms * (0.5 + Math.random()));
  };
  for (;;) {
    if (makeLockDir(lockDir, io)) {
      try {
        io.createExclusive(myFile, content);
      } catch (error) {
        // ENOENT: someone removed our still-empty folder (it looked abandoned); try again.
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
        try {
          io.removeEmptyDir(lockDir);
        } catch {
          // Left for the next synth, which removes an empty lock folder after emptyGraceMs.
        }
        throw error;
      }
      const present = io.list(lockDir);
      if (present.length === 1 && present[0] === mine) {
        return {
          waitedMs: waited ? probe.now() - started : 0,
          tookOverFrom,
          stillHeld: () => io.stat(myFile) !== undefined,
          release: () => {
            io.remove(myFile);
            io.removeEmptyDir(lockDir);
          },
        };
      }
      // A stalled process wrote into our folder too: both back off and retry.
      io.remove(myFile);
      io.removeEmptyDir(lockDir);
      pause(delay);
      continue;
    }
    // Held, or being taken, by someone else.
    const names = io.list(lockDir);
    if (names.length === 0) {
      const info = io.stat(lockDir);
      if (info !== undefined && probe.now() - info.mtimeMs > emptyGraceMs) io.removeEmptyDir(lockDir);
      else pause(delay);
      continue;
    }
    const stale = names.filter((name) => name !== mine && isStale(name, path.join(lockDir, name), io, probe, self, staleMs));
    if (stale.length > 0) {
      for (const name of stale) {
        io.remove(path.join(lockDir, name));
        tookOverFrom.push(parseOwnerName(name)?.pid ?? 0);
      }
      io.removeEmptyDir(lockDir);
      continue;
    }
    const elapsed = probe.now() - started;
    if (elapsed >= timeoutMs) {
      const owner = parseOwnerName(names[0]);
      const who = owner
        ? `another synth (pid ${owner.pid} on ${owner.host === self.host ? 'this machine' : owner.host})`
        : `an unknown process (${names[0]})`;
      throw new LockTimeoutError([
        `${who} has been writing the output files for longer than the ${Math.round(timeoutMs / 1000)} s this synth waits; ` +
        `if no synth is running, delete ${display(lockDir)} and run again`,
      ]);
    }
    pause(Math.min(delay, Math.max(1, timeoutMs - elapsed)));
    delay = Math.min(delay * 1.5, 50);
  }
}

/** Creates the lock folder (and its parent if missing); true if this call created it. */
function makeLockDir(lockDir: string, io: FileOperations): boolean {
  try {
    return io.mkdirExclusive(lockDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    io.mkdir(path.dirname(lockDir));
    return io.mkdirExclusive(lockDir);
  }
}
