/**
 * The writer: all or nothing per synth (a crash at every step, then recovery), one-line I/O errors
 * with the previous files intact, pruning only of owned files, and runs that interleave.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ManagedFolder } from '../../lib/model/output-layout';
import { FileOperations, OutputWriteError, nodeFileOperations } from '../../lib/synth/file-operations';
import { OutputFile, recoverOutputs, writeOutputFiles } from '../../lib/synth/file-writer';
import { ProcessProbe, nodeProcessProbe } from '../../lib/synth/lock';

const folders: ManagedFolder[] = [{ dir: 'dist', pattern: /\.k8s\.yaml$/ }, { dir: 'outputs', pattern: /\.json$/ }];
const full = { folders, complete: true };
/** The real operations without fsync, which these loops do not test and which would triple their time. */
const fast: FileOperations = {
  ...nodeFileOperations,
  writeFile: (file, content) => fs.writeFileSync(file, content),
  createExclusive: (file, content) => fs.writeFileSync(file, content, { flag: 'wx' }),
  syncDir: () => undefined,
};
const adHoc = { folders, complete: false };
let root: string;

const read = (file: string) => fs.readFileSync(path.join(root, file), 'utf8');
const list = (dir: string) => (fs.existsSync(path.join(root, dir)) ? fs.readdirSync(path.join(root, dir)).sort() : []);
const exists = (file: string) => fs.existsSync(path.join(root, file));

/** The previous synth's files: dev and gone (both owned), plus a file that is not ours. */
const OLD: OutputFile[] = [{ path: 'dist/dev.k8s.yaml', content: 'old dev' }, { path: 'dist/gone.k8s.yaml', content: 'old gone' }];
/** The new synth: dev changed, outputs/dev.json new, gone pruned. */
const NEW: OutputFile[] = [{ path: 'dist/dev.k8s.yaml', content: 'new dev' }, { path: 'outputs/dev.json', content: 'new json' }];

function freshRoot(): void {
  if (root) fs.rmSync(root, { recursive: true, force: true });
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'file-writer-'));
  writeOutputFiles(root, OLD, full, fast);
  fs.writeFileSync(path.join(root, 'dist/README.txt'), 'not ours');
}
beforeEach(freshRoot);
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** The output files as a map; the writer's own state folder is checked separately. */
const snapshot = () => Object.fromEntries(['dist', 'outputs'].flatMap((d) => list(d).map((f) => [`${d}/${f}`, read(`${d}/${f}`)])));
const OLD_SET = { 'dist/README.txt': 'not ours', 'dist/dev.k8s.yaml': 'old dev', 'dist/gone.k8s.yaml': 'old gone' };
const NEW_SET = { 'dist/README.txt': 'not ours', 'dist/dev.k8s.yaml': 'new dev', 'outputs/dev.json': 'new json' };
/** Nothing but the owned-files record is left in the state folder once no synth runs. */
const leftovers = () => list('.synth-state').filter((f) => f !== 'owned.json');

/** A probe for a simulated process that "dies": its pid cannot exist (above Linux's largest pid_max), so later runs see it as gone. */
let fakePid = 4_194_305;
const deadProcessProbe = (): ProcessProbe => {
  const pid = fakePid++;
  return { ...nodeProcessProbe, self: () => ({ ...nodeProcessProbe.self(), pid, start: 0 }) };
};
const osError = (code: string) => Object.assign(new Error(`${code}: simulated, open 'x'`), { code });

/** `io` whose call number `at` (counting every operation) fails; `after`: every later call fails too (the process is gone). */
function failingAt(at: number, error: () => Error, after: boolean): { io: FileOperations; calls: () => number } {
  let calls = 0;
  const io = { ...fast } as Record<string, unknown>;
  for (const [name, op] of Object.entries(fast)) {
    io[name] = (...args: unknown[]) => {
      const n = calls++;
      // read() reports failure as undefined by contract; a dead process reads nothing more either.
      if (n === at || (after && n > at)) {
        if (name === 'read') return undefined;
        throw error();
      }
      return (op as (...a: unknown[]) => unknown)(...args);
    };
  }
  return { io: io as unknown as FileOperations, calls: () => calls };
}

test('a complete write replaces changed files and prunes the owned ones it no longer writes, nothing else', () => {
  const summary = writeOutputFiles(root, NEW, full);
  expect(snapshot()).toEqual(NEW_SET);
  expect(summary).toMatchObject({
    written: ['dist/dev.k8s.yaml', 'outputs/dev.json'], unchanged: [], removed: [path.join('dist', 'gone.k8s.yaml')], leftAlone: [],
  });
  expect(leftovers()).toEqual([]);
});

test('a pattern-matching file that no synth of this checkout wrote survives a full synth and is reported', () => {
  fs.writeFileSync(path.join(root, 'dist/unrelated.k8s.yaml'), 'someone else');
  const summary = writeOutputFiles(root, NEW, full);
  expect(read('dist/unrelated.k8s.yaml')).toBe('someone else');
  expect(summary.leftAlone).toEqual(['dist/unrelated.k8s.yaml (not written by a synth of this checkout)']);
  expect(summary.removed).toEqual([path.join('dist', 'gone.k8s.yaml')]);
});

test('a fresh checkout (no record) adopts exactly the files it writes and prunes nothing', () => {
  fs.rmSync(path.join(root, '.synth-state'), { recursive: true });
  const summary = writeOutputFiles(root, NEW, full);
  expect(summary.removed).toEqual([]);
  expect(summary.leftAlone).toEqual(['dist/gone.k8s.yaml (not written by a synth of this checkout)']);
  expect(read('dist/gone.k8s.yaml')).toBe('old gone');
  // dev.k8s.yaml is now owned: a later full synth that no longer writes it deletes it.
  expect(writeOutputFiles(root, [NEW[1]], full).removed).toEqual([path.join('dist', 'dev.k8s.yaml')]);
});

test('a pruned file that git restores to what this checkout synthesized is pruned again; a hand-edited one is left alone', () => {
  writeOutputFiles(root, NEW, full, fast);
  fs.writeFileSync(path.join(root, 'dist/gone.k8s.yaml'), 'old gone'); // as `git checkout dist/` would
  expect(writeOutputFiles(root, NEW, full, fast).removed).toEqual([path.join('dist', 'gone.k8s.yaml')]);
  writeOutputFiles(root, OLD, full, fast);
  fs.writeFileSync(path.join(root, 'dist/gone.k8s.yaml'), 'old gone, edited by hand');
  const summary = writeOutputFiles(root, NEW, full, fast);
  expect(summary.removed).toEqual([]);
  expect(summary.leftAlone).toEqual(['dist/gone.k8s.yaml (changed since a synth wrote it)']);
});

test('a file that already has its content is not touched (same inode, same mtime), and nothing is staged', () => {
  writeOutputFiles(root, NEW, full);
  const before = fs.statSync(path.join(root, 'dist/dev.k8s.yaml'));
  const mutations: string[] = [];
  const recording: FileOperations = {
    ...nodeFileOperations,
    writeFile: (file, content) => { mutations.push(`write ${file}`); nodeFileOperations.writeFile(file, content); },
    rename: (from, to) => { mutations.push(`rename ${to}`); nodeFileOperations.rename(from, to); },
    remove: (file) => { if (!file.includes(`${path.sep}lock${path.sep}`)) mutations.push(`remove ${file}`); nodeFileOperations.remove(file); },
  };
  const summary = writeOutputFiles(root, NEW, full, recording);
  expect(summary).toMatchObject({ written: [], unchanged: ['dist/dev.k8s.yaml', 'outputs/dev.json'], removed: [] });
  expect(mutations.filter((m) => !m.includes('run-'))).toEqual([]);
  const after = fs.statSync(path.join(root, 'dist/dev.k8s.yaml'));
  expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
  expect(leftovers()).toEqual([]);
});

test('an ad-hoc write prunes nothing; its files are owned, so the next full synth removes them', () => {
  writeOutputFiles(root, [{ path: 'dist/pr1.k8s.yaml', content: 'pr1' }], adHoc);
  expect(list('dist')).toEqual(['README.txt', 'dev.k8s.yaml', 'gone.k8s.yaml', 'pr1.k8s.yaml']);
  const summary = writeOutputFiles(root, OLD, full);
  expect(summary.removed).toEqual([path.join('dist', 'pr1.k8s.yaml')]);
  expect(snapshot()).toEqual(OLD_SET);
});

/** How many file operations one commit of NEW over OLD makes. */
function operationsOfOneCommit(): number {
  const counting = failingAt(-1, () => new Error('unused'), false);
  writeOutputFiles(root, NEW, full, counting.io);
  freshRoot();
  return counting.calls();
}

test('killed at any step: the next run (or --recover) completes or undoes the commit, so the whole set is old or new', () => {
  const total = operationsOfOneCommit();
  const outcomes = { old: 0, new: 0 };
  for (let at = 0; at < total; at++) {
    freshRoot();
    const crashing = failingAt(at, () => new Error('simulated crash'), true);
    let error: unknown;
    try {
      writeOutputFiles(root, NEW, full, crashing.io, deadProcessProbe());
    } catch (e) {
      error = e;
    }
    // What the run says does not matter here (a real crash says nothing); a crash in the tidying after the commit is not even seen.
    expect(error === undefined || error instanceof Error).toBe(true);
    // Each file is whole even before recovery (renames are atomic) ...
    expect(['old dev', 'new dev']).toContain(read('dist/dev.k8s.yaml'));
    // ... and after recovery the set is one synth's.
    recoverOutputs(root, { lock: { emptyGraceMs: 0 } }, fast);
    const after = snapshot();
    expect([OLD_SET, NEW_SET]).toContainEqual(after);
    outcomes[after['dist/dev.k8s.yaml'] === 'new dev' ? 'new' : 'old']++;
    expect(leftovers()).toEqual([]);
    // The record matches the set that won: a full synth of OLD restores exactly OLD.
    writeOutputFiles(root, OLD, full, fast);
    expect(snapshot()).toEqual(OLD_SET);
  }
  expect(total).toBeGreaterThan(20);
  expect(outcomes.old).toBeGreaterThan(0);
  expect(outcomes.new).toBeGreaterThan(0);
});

test('an I/O error at any step: one line naming a path and the OS error, and the previous files intact', () => {
  const total = operationsOfOneCommit();
  let failures = 0;
  for (let at = 0; at < total; at++) {
    freshRoot();
    const failing = failingAt(at, () => osError('EIO'), false);
    let error: unknown;
    try {
      writeOutputFiles(root, NEW, full, failing.io, deadProcessProbe());
    } catch (e) {
      error = e;
    }
    // Only the tidying after the commit may fail without failing the run: then the new set is complete.
    const problems = error instanceof OutputWriteError ? error.problems : [];
    failures += error === undefined ? 0 : 1;
    expect(error === undefined || error instanceof OutputWriteError).toBe(true);
    expect(problems.every((p) => /^cannot (write \S.*: EIO \(input\/output error\)|read \S+)/.test(p))).toBe(true);
    expect(problems.length).toBe(error === undefined ? 0 : 1);
    expect(snapshot()).toEqual(error === undefined ? NEW_SET : OLD_SET);
    expect(list('.synth-state')).not.toContain('journal.json');
    // A lock or staging folder that could not be removed (the error hit the tidying) is taken over by the next run.
    recoverOutputs(root, { lock: { emptyGraceMs: 0 } }, fast);
    expect(leftovers()).toEqual([]);
  }
  expect(failures).toBeGreaterThan(total / 2);
});

test('a folder where a file must go: one line, nothing changed', () => {
  fs.rmSync(path.join(root, 'dist/dev.k8s.yaml'));
  fs.mkdirSync(path.join(root, 'dist/dev.k8s.yaml'));
  expect(() => writeOutputFiles(root, NEW, full)).toThrow(new OutputWriteError(['cannot write dist/dev.k8s.yaml: EISDIR (a folder is in the way)']));
  expect(list('dist')).toEqual(['README.txt', 'dev.k8s.yaml', 'gone.k8s.yaml']);
  expect(exists('outputs')).toBe(false);
  expect(leftovers()).toEqual([]);
});

test('a file where a folder must go: one line, nothing changed', () => {
  fs.writeFileSync(path.join(root, 'outputs'), 'a file');
  expect(() => writeOutputFiles(root, NEW, full)).toThrow(new OutputWriteError(['cannot write outputs/dev.json: ENOTDIR (outputs is a file, not a folder)']));
  expect(read('dist/dev.k8s.yaml')).toBe('old dev');
});

// Tests run as root, whom chmod does not stop: a read-only folder is simulated where the OS would refuse.
test('a read-only folder: found before the first rename, one line, nothing changed', () => {
  const readOnly: FileOperations = {
    ...nodeFileOperations,
    checkWritable: (dir) => { if (dir.endsWith(`${path.sep}dist`)) throw osError('EACCES'); },
  };
  expect(() => writeOutputFiles(root, NEW, full, readOnly)).toThrow(new OutputWriteError([
    'cannot write dist/dev.k8s.yaml: EACCES (permission denied)',
  ]));
  expect(snapshot()).toEqual(OLD_SET);
  expect(leftovers()).toEqual([]);
});

test('a rename refused half-way (EACCES, EROFS): the files already moved are put back', () => {
  for (const code of ['EACCES', 'EROFS']) {
    freshRoot();
    const refusing: FileOperations = {
      ...nodeFileOperations,
      rename: (from, to) => { if (to.endsWith('dev.json')) throw osError(code); nodeFileOperations.rename(from, to); },
    };
    expect(() => writeOutputFiles(root, NEW, full, refusing)).toThrow(/^cannot write outputs\/dev\.json: E(ACCES|ROFS) \(.*\); the previous files are unchanged$/);
    expect(snapshot()).toEqual(OLD_SET);
    expect(leftovers()).toEqual([]);
  }
});

test('a full disk: refused before anything is staged when the free space is known, and ENOSPC while staging otherwise', () => {
  const full1k: FileOperations = { ...nodeFileOperations, freeBytes: () => 1000 };
  expect(() => writeOutputFiles(root, NEW, full, full1k)).toThrow(/^cannot write \.synth-state: ENOSPC \(no space left on device: 1000 bytes free, \d+ needed\)$/);
  expect(snapshot()).toEqual(OLD_SET);
  const unknownSpace: FileOperations = {
    ...nodeFileOperations,
    freeBytes: () => undefined,
    writeFile: (file, content) => { if (file.includes('stage')) throw osError('ENOSPC'); nodeFileOperations.writeFile(file, content); },
  };
  expect(() => writeOutputFiles(root, NEW, full, unknownSpace)).toThrow(/^cannot write \.synth-state \(staging dist\/dev\.k8s\.yaml\): ENOSPC \(no space left on device\)$/);
  expect(snapshot()).toEqual(OLD_SET);
  expect(leftovers()).toEqual([]);
});

test('a second run that commits while the first is still staging: both complete, each file holds one run\'s content', () => {
  // Run B (dev changed to "b dev", plus pr1) runs entirely while A is between two staging writes.
  const B: OutputFile[] = [{ path: 'dist/dev.k8s.yaml', content: 'b dev' }, { path: 'dist/pr1.k8s.yaml', content: 'pr1' }];
  let interleaved = false;
  const interleaving: FileOperations = {
    ...nodeFileOperations,
    writeFile: (file, content) => {
      nodeFileOperations.writeFile(file, content);
      if (!interleaved && file.includes('stage')) {
        interleaved = true;
        writeOutputFiles(root, B, adHoc);
      }
    },
  };
  writeOutputFiles(root, NEW, full, interleaving);
  expect(interleaved).toBe(true);
  // A decided under the lock, after B: its dev wins, B's ad-hoc file is owned and pruned by A's full synth.
  expect(snapshot()).toEqual(NEW_SET);
  expect(leftovers()).toEqual([]);
});
