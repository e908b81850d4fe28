/** The output lock: waiting, giving up with one line, taking over from dead owners, and never two holders. */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { nodeFileOperations } from '../../lib/synth/file-operations';
import { HeldLock, LockTimeoutError, ProcessProbe, acquireLock, nodeProcessProbe, ownerName } from '../../lib/synth/lock';

let dir: string;
let lockDir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lock-'));
  lockDir = path.join(dir, 'state', 'lock');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const show = (p: string) => path.relative(dir, p);
const io = nodeFileOperations;
const take = (probe: ProcessProbe = nodeProcessProbe, timeoutMs = 2000) => acquireLock(lockDir, show, io, probe, { purpose: 'test', timeoutMs });
/** A probe with a clock of its own: sleeping advances it and runs `onSleep`. */
function clockProbe(onSleep: (now: number) => void = () => undefined, base: ProcessProbe = nodeProcessProbe): ProcessProbe {
  let now = Date.now();
  return { ...base, now: () => now, sleep: (ms) => { now += ms; onSleep(now); } };
}
/** A pid that belonged to a process that has ended. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

test('the lock is a folder holding one file named after its owner; release removes both', () => {
  const lock = take();
  const names = fs.readdirSync(lockDir);
  expect(names).toHaveLength(1);
  expect(names[0]).toMatch(new RegExp(`^${process.pid}\\.\\d+\\.[0-9a-f]+\\.`));
  expect(JSON.parse(fs.readFileSync(path.join(lockDir, names[0]), 'utf8'))).toMatchObject({ pid: process.pid, purpose: 'test' });
  expect(lock).toMatchObject({ waitedMs: 0, tookOverFrom: [] });
  expect(lock.stillHeld()).toBe(true);
  lock.release();
  expect(fs.existsSync(lockDir)).toBe(false);
});

test('a second taker waits for a live owner and gets the lock once it is released', () => {
  const first = take();
  let sleeps = 0;
  const second = take(clockProbe(() => { if (++sleeps === 3) first.release(); }));
  expect(sleeps).toBe(3);
  expect(second.waitedMs).toBeGreaterThan(0);
  second.release();
});

test('a live owner that keeps the lock: after the bounded wait, one line naming it and the lock folder', () => {
  const first = take();
  let error: LockTimeoutError | undefined;
  try {
    take(clockProbe(), 5000);
  } catch (e) {
    error = e as LockTimeoutError;
  }
  expect(error).toBeInstanceOf(LockTimeoutError);
  expect(error?.exitCode).toBe(2);
  expect(error?.problems).toEqual([
    `another synth (pid ${process.pid} on this machine) has been writing the output files for longer than the 5 s this synth waits; ` +
    `if no synth is running, delete ${path.join('state', 'lock')} and run again`,
  ]);
  expect(first.stillHeld()).toBe(true);
  first.release();
});

test('the lock of a process that was killed (its pid gone, or reused by a process started later) is taken over', () => {
  const self = nodeProcessProbe.self();
  for (const owner of [{ ...self, pid: deadPid() }, { ...self, start: self.start + 1 }]) {
    fs.mkdirSync(lockDir, { recursive: true });
    fs.writeFileSync(path.join(lockDir, ownerName(owner)), '');
    const lock = take(clockProbe(() => { throw new Error('must not wait for a dead owner'); }));
    expect(lock.tookOverFrom).toEqual([owner.pid]);
    expect(fs.readdirSync(lockDir)).toHaveLength(1);
    lock.release();
  }
});

test('an empty lock folder (its creator died before writing its file) is removed after the grace period, not before', () => {
  fs.mkdirSync(lockDir, { recursive: true });
  const made = fs.statSync(lockDir).mtimeMs;
  let slept = 0;
  const lock = acquireLock(lockDir, show, io, clockProbe((now) => { slept = now; }), { purpose: 'test', emptyGraceMs: 1000 });
  expect(slept - made).toBeGreaterThanOrEqual(1000);
  lock.release();
});

test('breaking a dead owner\'s lock never removes a live owner\'s, even when two takers find the dead one at once', () => {
  const self = nodeProcessProbe.self();
  const dead = { ...self, pid: deadPid() };
  fs.mkdirSync(lockDir, { recursive: true });
  fs.writeFileSync(path.join(lockDir, ownerName(dead)), '');
  let b: HeldLock | undefined;
  let holders = 0;
  // While A judges the dead owner, B also finds it dead, breaks it and takes the lock.
  const probeA = clockProbe(() => {
    expect(holders).toBe(1);
    b?.release();
    holders--;
  }, {
    ...nodeProcessProbe,
    isAlive: (owner) => {
      if (owner.pid === dead.pid && b === undefined) {
        b = take();
        holders++;
      }
      return nodeProcessProbe.isAlive(owner);
    },
  });
  const a = take(probeA);
  holders++;
  expect(holders).toBe(1);
  expect(a.tookOverFrom).toEqual([dead.pid]);
  expect(a.waitedMs).toBeGreaterThan(0);
  a.release();
});

test('a stalled taker that writes into a folder someone else made: neither holds while both files are there', () => {
  const foreign = path.join(lockDir, ownerName({ ...nodeProcessProbe.self(), nonce: 'ffffffff' }));
  let crowded = false;
  const crowding = {
    ...io,
    createExclusive: (file: string, content: string) => {
      io.createExclusive(file, content);
      if (!crowded) fs.writeFileSync(foreign, '');
      crowded = true;
    },
  };
  const lock = acquireLock(lockDir, show, crowding, clockProbe(() => fs.rmSync(foreign, { force: true })), { purpose: 'test' });
  expect(fs.readdirSync(lockDir)).toHaveLength(1);
  expect(lock.waitedMs).toBeGreaterThan(0);
  lock.release();
});
