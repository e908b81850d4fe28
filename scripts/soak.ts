/**
 * Soak test of the synth's writer: mixed full and ad-hoc synths run concurrently in a temporary
 * project root (a copy of the committed output folders), and about half of them are killed with
 * SIGKILL at random moments. Half of the synths run with slowed renames (a preloaded hook, in the
 * soak's temporary folder only, makes each fs.renameSync wait 15 ms), so that kills also land
 * inside commits, as in the measurements of issue 12. Every second, under the output lock, every file must hold exactly
 * what one of the synths would write, and the four files of each environment must come from the
 * same synth. At the end, one clean full synth (which recovers any interrupted commit) must leave
 * exactly the files a single clean synth produces, and no staging, journal or lock behind.
 *
 *   npm run soak -- --seconds 60 [--concurrency 3] [--seed 42] [--keep]
 *   node scripts/run.js scripts/soak.ts -- --seconds 60
 *
 * Prints the runs started, killed, completed and failed, the lock waits, take-overs and
 * recoveries the synths reported, and exits 1 on any problem. `npm test` runs a few seconds of it.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { OUTPUT_FOLDERS, SYNTH_STATE } from '../lib/model/output-layout';
import { withOutputLock } from '../lib/synth/file-writer';
import { buildOutputFiles } from '../lib/synth/run';

const ROOT = path.resolve(__dirname, '..');
const FOLDERS = Object.values(OUTPUT_FOLDERS).map((f) => f.dir);
const IMAGE = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
/** A full synth's wall time on a 2-core machine (bench: about 400 ms), for kills before any run has finished. */
const TYPICAL_SYNTH_MS = 400;

export interface SoakOptions {
  /** How long synths keep being started. */
  readonly seconds: number;
  /** Synths started at the least, however long they take (a busy machine may start few in `seconds`). @default 0 */
  readonly minRuns?: number;
  /** Synths running at once. @default 3 */
  readonly concurrency?: number;
  /** Share of the synths that get a SIGKILL. @default 0.5 */
  readonly killShare?: number;
  /** How often a reader checks the output under the lock while synths run. @default 1000 */
  readonly checkIntervalMs?: number;
  /** Seed of the random choices (variant, slowed renames, whether and when to kill). @default a random one, logged */
  readonly seed?: number;
  /** Keep the temporary project root (its path is in the result). */
  readonly keep?: boolean;
  readonly log?: (line: string) => void;
}

export interface SoakResult {
  readonly root: string;
  readonly seconds: number;
  readonly started: number;
  /** Ended by our SIGKILL (a kill that came after the synth had finished counts as completed). */
  readonly killed: number;
  readonly completed: number;
  /** Exited non-zero on their own: always a problem. */
  readonly failed: number;
  /** Reported by completed synths (a killed synth's report is lost): waits for the lock, take-overs from dead owners, interrupted commits finished or undone. */
  readonly lockWaits: number;
  readonly takeovers: number;
  readonly recoveries: number;
  /** Consistency checks made under the lock during the run, and the recoveries they did themselves. */
  readonly checks: number;
  readonly checkRecoveries: number;
  readonly problems: string[];
}

interface Variant {
  readonly name: string;
  readonly vars: Readonly<Record<string, string>>;
}

const adHoc = (n: number, tag: string): Variant => ({
  name: `pr${n}`,
  vars: {
    ENVIRONMENT_SUFFIX: `pr${n}`,
    PAYMENT_API_IMAGE: `${IMAGE}/payment-api:${tag}`,
    FRAUD_DETECTOR_IMAGE: `${IMAGE}/fraud-detector:${tag}`,
    NOTIFICATION_SERVICE_IMAGE: `${IMAGE}/notification-service:${tag}`,
  },
});

/** Full synths twice as often as each other kind. */
const VARIANTS: readonly Variant[] = [
  { name: 'full', vars: {} },
  { name: 'full', vars: {} },
  { name: 'dev with an image override', vars: { ENVIRONMENT_SUFFIX: 'dev', PAYMENT_API_IMAGE: `${IMAGE}/payment-api:soak` } },
  adHoc(1, 'soak-a'),
  adHoc(2, 'soak-b'),
  adHoc(3, 'soak-c'),
];

/** A small seeded generator (mulberry32), so that a failing run can be repeated with --seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Every file of the output folders (relative path → content). */
function outputTree(root: string): Map<string, string> {
  const tree = new Map<string, string>();
  for (const dir of FOLDERS) {
    const full = path.join(root, dir);
    if (!fs.existsSync(full)) continue;
    for (const name of fs.readdirSync(full)) tree.set(`${dir}/${name}`, fs.readFileSync(path.join(full, name), 'utf8'));
  }
  return tree;
}

/** Problems with the files now: content no synth writes, or one environment's files from different synths. */
function inconsistencies(tree: Map<string, string>, allowed: Map<string, Map<string, Set<number>>>): string[] {
  const problems: string[] = [];
  const writersOf = new Map<string, Set<number>>();
  for (const [file, content] of tree) {
    const writers = allowed.get(file)?.get(content);
    if (writers === undefined) {
      problems.push(`${file}: content that no synth writes (${content.length} characters)`);
      continue;
    }
    const env = path.basename(file).split('.')[0];
    const before = writersOf.get(env);
    writersOf.set(env, new Set([...writers].filter((w) => before === undefined || before.has(w))));
  }
  for (const [env, writers] of writersOf) if (writers.size === 0) problems.push(`${env}: its files come from different synths`);
  return problems;
}

export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const log = options.log ?? (() => undefined);
  const concurrency = options.concurrency ?? 3;
  const killShare = options.killShare ?? 0.5;
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  const rand = random(seed);
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'synth-soak-')));
  for (const dir of FOLDERS) fs.cpSync(path.join(ROOT, dir), path.join(root, dir), { recursive: true });
  log(`soak: ${options.seconds} s, ${concurrency} synths at once, ${Math.round(killShare * 100)} % killed, seed ${seed}, in ${root}`);

  // What each variant writes, and which variants write each content (some files are the same in several).
  const allowed = new Map<string, Map<string, Set<number>>>();
  VARIANTS.forEach((variant, v) => {
    for (const file of buildOutputFiles({ root, vars: variant.vars }).files) {
      const contents = allowed.get(file.path) ?? new Map<string, Set<number>>();
      allowed.set(file.path, contents.set(file.content, new Set([...(contents.get(file.content) ?? []), v])));
    }
  });
  const clean = buildOutputFiles({ root, vars: {} }).files;
  // Slowed renames for half of the synths: widens the commit, so that kills land inside it.
  const slowHook = path.join(root, '..', `${path.basename(root)}-slow-rename.js`);
  fs.writeFileSync(slowHook, [
    "'use strict';",
    "const fs = require('fs');",
    'const rename = fs.renameSync;',
    'const pause = new Int32Array(new SharedArrayBuffer(4));',
    'fs.renameSync = function slowRename(...args) { Atomics.wait(pause, 0, 0, 15); return rename.apply(this, args); };',
    '',
  ].join('\n'));

  const counts = { started: 0, killed: 0, completed: 0, failed: 0, lockWaits: 0, takeovers: 0, recoveries: 0, checks: 0, checkRecoveries: 0 };
  const problems: string[] = [];
  const durations: number[] = [250];
  const running = new Set<Promise<void>>();

  const startSynth = (vars: Readonly<Record<string, string>>, killAfterMs: number | undefined, slow: boolean) => {
    counts.started++;
    const started = Date.now();
    const env = { PATH: process.env.PATH ?? '', ...vars, ...(slow ? { NODE_OPTIONS: `--require ${slowHook}` } : {}) };
    const child = spawn(process.execPath, [path.join(ROOT, 'scripts/run.js'), path.join(ROOT, 'main.ts')], {
      cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const timer = killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    return new Promise<{ status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) => {
      child.once('close', (status, signal) => {
        if (timer) clearTimeout(timer);
        if (signal === null && status === 0 && !slow) durations.push(Date.now() - started);
        resolve({ status, signal, stdout, stderr });
      });
    });
  };
  const account = (result: { status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }, name: string) => {
    if (result.signal === 'SIGKILL') {
      counts.killed++;
      return;
    }
    if (result.status !== 0) {
      counts.failed++;
      problems.push(`a ${name} synth exited ${result.status ?? result.signal}: ${result.stderr.trim().split('\n')[0] ?? ''}`);
      return;
    }
    counts.completed++;
    if (result.stderr !== '') problems.push(`a ${name} synth wrote to stderr: ${result.stderr.trim().split('\n')[0]}`);
    for (const line of result.stdout.split('\n')) {
      if (line.startsWith('waited ')) counts.lockWaits++;
      if (line.startsWith('took over ')) counts.takeovers++;
      if (line.startsWith('recovered ')) counts.recoveries++;
    }
  };

  const deadline = Date.now() + options.seconds * 1000;
  const checkIntervalMs = options.checkIntervalMs ?? 1000;
  let nextCheck = Date.now() + checkIntervalMs;
  const minRuns = options.minRuns ?? 0;
  while (Date.now() < deadline || counts.started < minRuns) {
    while (running.size < concurrency && (Date.now() < deadline || counts.started < minRuns)) {
      const variant = VARIANTS[Math.floor(rand() * VARIANTS.length)];
      // Kills spread over a typical run's time (recent runs at this load), a slowed commit adding up to 200 ms at its end.
      // Before any synth has finished: a typical duration on this machine.
      const median = [...durations.slice(-20)].sort((a, b) => a - b)[Math.floor(Math.min(durations.length, 20) / 2)] ?? TYPICAL_SYNTH_MS;
      const slow = rand() < 0.5;
      const killAfterMs = rand() < killShare ? Math.round(median * (0.2 + 0.9 * rand()) + (slow ? 200 * rand() : 0)) : undefined;
      const run: Promise<void> = startSynth(variant.vars, killAfterMs, slow).then((r) => account(r, variant.name)).finally(() => running.delete(run));
      running.add(run);
    }
    await Promise.race(running);
    if (Date.now() >= nextCheck) {
      nextCheck = Date.now() + checkIntervalMs;
      // A reader's view: under the lock (which first completes or undoes any interrupted commit) the files are consistent.
      const found = withOutputLock(root, (recovered) => {
        if (recovered) counts.checkRecoveries++;
        return inconsistencies(outputTree(root), allowed);
      }, { purpose: 'soak check' });
      counts.checks++;
      problems.push(...found.map((p) => `during the run: ${p}`));
    }
  }
  await Promise.all(running);

  // One clean synth recovers whatever the last kill left and brings back exactly the clean set.
  const final = await startSynth({}, undefined, false);
  if (final.status !== 0) problems.push(`the final clean synth exited ${final.status}: ${final.stderr.trim()}`);
  for (const line of final.stdout.split('\n')) if (line.startsWith('recovered ')) counts.recoveries++;
  const tree = outputTree(root);
  const expected = new Map(clean.map((f) => [f.path, f.content]));
  for (const [file, content] of expected) if (tree.get(file) !== content) problems.push(`at the end: ${file} is not what a clean synth writes`);
  for (const file of tree.keys()) if (!expected.has(file)) problems.push(`at the end: ${file} should not be there`);
  const state = fs.readdirSync(path.join(root, SYNTH_STATE.dir)).filter((f) => f !== SYNTH_STATE.owned);
  if (state.length > 0) problems.push(`at the end: left in ${SYNTH_STATE.dir}: ${state.join(', ')}`);

  fs.rmSync(slowHook, { force: true });
  if (!options.keep) fs.rmSync(root, { recursive: true, force: true });
  return { root, seconds: options.seconds, ...counts, problems };
}

function parseArgs(args: readonly string[]): SoakOptions {
  const options: { seconds: number; concurrency?: number; seed?: number; keep?: boolean } = { seconds: 10 };
  const rest = args.filter((a) => a !== '--');
  for (let i = 0; i < rest.length; i++) {
    const [flag, value] = [rest[i], rest[i + 1]];
    const number = Number(value);
    if (flag === '--keep') options.keep = true;
    else if (['--seconds', '--concurrency', '--seed'].includes(flag) && value !== undefined && Number.isInteger(number) && number > 0) {
      options[flag.slice(2) as 'seconds' | 'concurrency' | 'seed'] = number;
      i++;
    } else {
      throw new Error(`unexpected argument ${JSON.stringify(flag)}; usage: npm run soak -- --seconds N [--concurrency N] [--seed N] [--keep]`);
    }
  }
  return options;
}

if (process.argv[1] === __filename) {
  let options: SoakOptions;
  try {
    options = { ...parseArgs(process.argv.slice(2)), log: (line) => process.stdout.write(`${line}\n`) };
  } catch (error) {
    process.stderr.write(`error: ${(error as Error).message}\n`);
    process.exit(2);
  }
  void runSoak(options).then((r) => {
    process.stdout.write([
      `runs started ${r.started}, killed ${r.killed}, completed ${r.completed}, failed ${r.failed}`,
      `reported by completed synths: lock waits ${r.lockWaits}, take-overs of a dead synth's lock ${r.takeovers}, recoveries ${r.recoveries}`,
      `consistency checks under the lock ${r.checks} (recoveries done by them ${r.checkRecoveries})`,
      ...(r.problems.length === 0 ? ['soak: passed'] : r.problems.map((p) => `problem: ${p}`)),
    ].join('\n') + '\n');
    process.exitCode = r.problems.length === 0 ? 0 : 1;
  });
}
