#!/usr/bin/env node
/*
 * `npm run bench`: how long synth and the developer tools take, how much memory they need, and
 * how synth scales with environments and services. A benchmark, not a test: timings never fail
 * it; the exit status is 1 only when a measured command fails (2 on a usage error).
 *
 *   node scripts/bench.js [--runs N] [--quick] [--only ID,...] [--rss-probe] [--node PATH ...]
 *
 * `--node PATH` (repeatable) runs every measured command under that Node binary (its folder goes
 * first on PATH, so `node`, `npm run` and `npx` all use it) and reports per Node version, then a
 * summary of the ratios of all of them. Without it, the `node` on PATH is measured.
 *
 * Every variant is a child process started from the project root right after a real edit of
 * lib/model/system.ts (a new comment line, so content-hash caches miss it), one unmeasured warm-up run
 * first, then N measured runs. The start-up commands (synth, the floors, ts-node, tsx) run in
 * rounds, each round running each of them once, so that they are measured side by side under the
 * same machine conditions; the scaling probes and the cold tools (typecheck, jest) run in a row.
 * Wall time is taken around the child; peak memory is the largest RSS of any single process in
 * the child's tree (GNU `/usr/bin/time -f %M`, else `scripts/bench/rss-probe.js` preloaded into
 * every Node process); it is not a sum over processes.
 *
 * Fair floor for `npm run synth`: npm run-script is measured through `npm run` itself, with a
 * throwaway package.json in a temporary folder whose script only loads cdk8s and cdk8s-plus-28.
 * `npm exec` is not used because it loads far more of npm than run-script does (about 0.35 s
 * against 0.13 s here), which would flatter the synth/floor ratio.
 *
 * The output folders are snapshotted first and restored after every run (also on Ctrl-C), and
 * lib/model/system.ts gets its original content and mtime back unless someone edited it meanwhile.
 */
'use strict';
const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { parseArgs } = require('util');

const ROOT = path.resolve(__dirname, '..');
const TOUCHED_SOURCE = path.join(ROOT, 'lib', 'model', 'system.ts');
const OUTPUT_DIRS = ['dist', 'outputs', 'argocd', 'diagrams'].map((dir) => path.join(ROOT, dir));
const RSS_PROBE = path.join(__dirname, 'bench', 'rss-probe.js');
const FLOOR_CODE = "require('cdk8s'); require('cdk8s-plus-28')";
const SCALING_ENTRY = ['scripts/run.js', 'scripts/bench/scaling.ts'];
const SCALE_SIZES = [30, 100, 300];
const GRAPH_SERVICES = 30;
const DEFAULT_RUNS = 5;
/** Targets from issue 6; reported, never enforced. */
const TARGETS = { synthOverFloor: 2, tsNodeOverSynth: 10, linearity: 1.2, envs300Ms: 5000, npmTestMs: 15000 };

class UsageError extends Error {}

/** @returns {{ runs: number, quick: boolean, only: string[] | undefined, rssProbe: boolean, nodes: string[], help: boolean }} */
function parseOptions(argv) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        runs: { type: 'string' },
        quick: { type: 'boolean', default: false },
        only: { type: 'string' },
        'rss-probe': { type: 'boolean', default: false },
        node: { type: 'string', multiple: true, default: [] },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    throw new UsageError(error.message);
  }
  const runs = values.runs === undefined ? (values.quick ? 1 : DEFAULT_RUNS) : Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new UsageError(`--runs: "${values.runs}" is not a positive integer`);
  const only = values.only?.split(',').map((id) => id.trim()).filter(Boolean);
  const nodes = values.node.map((node) => {
    const binary = path.resolve(node);
    if (!fs.existsSync(binary) || fs.statSync(binary).isDirectory()) throw new UsageError(`--node: "${node}" is not a Node binary`);
    return binary;
  });
  return { runs, quick: values.quick, only, rssProbe: values['rss-probe'], nodes, help: values.help };
}

function usage(ids) {
  return [
    'usage: node scripts/bench.js [--runs N] [--quick] [--only ID,...] [--rss-probe] [--node PATH ...]',
    `  --runs N     measured runs per variant after one warm-up run (default ${DEFAULT_RUNS}; 1 with --quick)`,
    '  --quick      one measured run; typecheck, jest, npm test and the scaling probes also skip the warm-up run',
    `  --only IDS   only these variants: ${ids.join(', ')}`,
    '  --rss-probe  measure peak RSS with a Node preload instead of /usr/bin/time',
    '  --node PATH  measure under this Node binary (repeatable: one report per Node, then a summary)',
  ].join('\n');
}

/** Single-quotes a string for sh. */
function shellQuote(text) {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

function hasLocalBin(name) {
  return fs.existsSync(path.join(ROOT, 'node_modules', '.bin', name));
}

/**
 * The compiler options `cdk8s init typescript-app` generates (cdk8s-cli's template: no
 * skipLibCheck, inline sources), with `lib`/`target` raised to ES2022, which our code needs.
 */
function cdk8sDefaultTsconfig(tmp) {
  const file = path.join(tmp, 'tsconfig.cdk8s-default.json');
  const template = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules/cdk8s-cli/templates/typescript-app/tsconfig.json'), 'utf8'));
  // typeRoots: the file lives in a temporary folder, while @types/node is the project's.
  const compilerOptions = { ...template.compilerOptions, lib: ['es2022'], target: 'ES2022', typeRoots: [path.join(ROOT, 'node_modules/@types')] };
  fs.writeFileSync(file, JSON.stringify({ compilerOptions }));
  return file;
}

/**
 * The measured commands. `cold`: a whole tool run with no tool cache. `scaling`: a scaling.ts
 * probe (it warms up in-process and prints a result line). For both the warm-up run only warms
 * the OS file cache, so --quick drops it.
 */
function variants(tmp) {
  const floorDir = path.join(tmp, 'floor-npm');
  fs.mkdirSync(floorDir);
  // `cd` so that require() resolves from the project, as it does for `npm run synth`.
  const floorScript = `cd ${shellQuote(ROOT)} && node -e "${FLOOR_CODE}"`;
  fs.writeFileSync(path.join(floorDir, 'package.json'), JSON.stringify({ name: 'bench-floor', private: true, scripts: { floor: floorScript } }));
  const optional = (bin, hint) => (hasLocalBin(bin) ? undefined : `${bin} not installed (a devDependency: run npm ci, or npm i --no-save ${hint})`);
  return [
    { id: 'node', label: 'node -e 0', argv: ['node', '-e', '0'] },
    { id: 'floor', label: 'floor: node -e "require cdk8s, cdk8s-plus-28"', argv: ['node', '-e', FLOOR_CODE] },
    { id: 'floor-npm', label: 'floor through npm run (temp package.json)', argv: ['npm', 'run', 'floor'], cwd: floorDir },
    { id: 'synth', label: 'npm run synth', argv: ['npm', 'run', 'synth'] },
    { id: 'synth-node', label: 'node scripts/run.js main.ts', argv: ['node', 'scripts/run.js', 'main.ts'] },
    // The CLI's upgrade check is a network request on every run; it would time the network.
    { id: 'cdk8s', label: 'npx cdk8s synth --no-check-upgrade', argv: ['npx', 'cdk8s', 'synth', '--no-check-upgrade'] },
    { id: 'ts-node', label: 'npx ts-node main.ts (our tsconfig)', argv: ['npx', 'ts-node', 'main.ts'], skip: optional('ts-node', 'ts-node@10.9.2') },
    {
      id: 'ts-node-default', label: 'baseline: npx ts-node main.ts (cdk8s template tsconfig)',
      argv: ['npx', 'ts-node', '--project', cdk8sDefaultTsconfig(tmp), 'main.ts'], skip: optional('ts-node', 'ts-node@10.9.2'),
    },
    { id: 'tsx', label: 'npx tsx main.ts', argv: ['npx', 'tsx', 'main.ts'], skip: optional('tsx', 'tsx') },
    ...SCALE_SIZES.map((n) => ({
      id: `scale-${n}`, label: `scaling: ${n} environments, one process`, argv: ['node', ...SCALING_ENTRY, 'envs', String(n)], scaling: true,
    })),
    {
      id: `graph-${GRAPH_SERVICES}`, label: `scaling: 1 environment, ${GRAPH_SERVICES} services`,
      argv: ['node', ...SCALING_ENTRY, 'graph', String(GRAPH_SERVICES)], scaling: true,
    },
    { id: 'typecheck', label: 'npm run typecheck (tsc, cold)', argv: ['npm', 'run', 'typecheck'], cold: true },
    { id: 'jest', label: 'npx jest --no-cache (whole suite)', argv: ['npx', 'jest', '--no-cache'], cold: true },
    // As on a fresh clone: no jest cache and an empty runner cache (a new folder for every run).
    { id: 'npm-test', label: 'npm test (cold: jest --no-cache, empty runner cache)', argv: ['npm', 'test', '--', '--no-cache'], cold: true, freshCache: true },
  ];
}

/** GNU time when it works here (it must support -f and -o), else the Node preload. */
function rssMethod(forceProbe, tmp) {
  if (forceProbe || !fs.existsSync('/usr/bin/time')) return 'probe';
  const out = path.join(tmp, 'time-check');
  const check = spawnSync('/usr/bin/time', ['-f', '%M', '-o', out, 'true']);
  return check.status === 0 && fs.existsSync(out) && /\d+\s*$/.test(fs.readFileSync(out, 'utf8')) ? 'time' : 'probe';
}

/**
 * Children always build every configured environment, and npm stays off the network. With
 * `nodeBinary`, its folder comes first on PATH, so `node`, `npm` and `npx` (`#!/usr/bin/env node`) run on it.
 */
function childEnvironment(nodeBinary) {
  const env = { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };
  if (nodeBinary) env.PATH = `${path.dirname(nodeBinary)}${path.delimiter}${env.PATH ?? ''}`;
  for (const name of Object.keys(env)) {
    if (name === 'ENVIRONMENT_SUFFIX' || name.endsWith('_IMAGE')) delete env[name];
  }
  return env;
}

// ---------------------------------------------------------------------------------------------
// Keeping the working tree as it was

/**
 * atime and mtime in seconds, the form utimes takes (a number keeps about a microsecond, where a
 * Date would keep only milliseconds), and the exact mtime to tell whether anything changed.
 */
function fileTimes(file) {
  const { atimeNs, mtimeNs } = fs.statSync(file, { bigint: true });
  return { atime: Number(atimeNs) / 1e9, mtime: Number(mtimeNs) / 1e9, mtimeNs };
}

function snapshotDir(dir) {
  if (!fs.existsSync(dir)) return undefined;
  const files = new Map();
  const dirs = new Set();
  const walk = (rel) => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = path.join(rel, entry.name);
      const full = path.join(dir, child);
      if (entry.isDirectory()) {
        dirs.add(child);
        walk(child);
      } else {
        files.set(child, { content: fs.readFileSync(full), times: fileTimes(full) });
      }
    }
  };
  walk('');
  return { files, dirs };
}

/** Puts `dir` back as snapshotted: removes what synth added, rewrites what changed, resets mtimes. */
function restoreDir(dir, snapshot) {
  if (!snapshot) {
    fs.rmSync(dir, { recursive: true, force: true });
    return;
  }
  const prune = (rel) => {
    const here = path.join(dir, rel);
    if (!fs.existsSync(here)) return;
    for (const entry of fs.readdirSync(here, { withFileTypes: true })) {
      const child = path.join(rel, entry.name);
      const kept = entry.isDirectory() ? snapshot.dirs.has(child) : snapshot.files.has(child);
      if (!kept) fs.rmSync(path.join(dir, child), { recursive: true, force: true });
      else if (entry.isDirectory()) prune(child);
    }
  };
  prune('');
  for (const [rel, { content, times }] of snapshot.files) {
    const full = path.join(dir, rel);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    if (!fs.existsSync(full) || !fs.readFileSync(full).equals(content)) fs.writeFileSync(full, content);
    if (fs.statSync(full, { bigint: true }).mtimeNs !== times.mtimeNs) fs.utimesSync(full, times.atime, times.mtime);
  }
}

/** State of the working tree to put back when the bench ends. */
function saveTree() {
  return {
    outputs: OUTPUT_DIRS.map((dir) => [dir, snapshotDir(dir)]),
    source: { content: fs.readFileSync(TOUCHED_SOURCE, 'utf8'), times: fileTimes(TOUCHED_SOURCE) },
    edits: 0,
    lastEdit: undefined,
  };
}

function restoreTree(tree) {
  for (const [dir, snapshot] of tree.outputs) restoreDir(dir, snapshot);
  // Only undo our own edit: if someone saved the file since, their content is right.
  if (tree.lastEdit !== undefined && fs.readFileSync(TOUCHED_SOURCE, 'utf8') === tree.lastEdit) {
    fs.writeFileSync(TOUCHED_SOURCE, tree.source.content);
    fs.utimesSync(TOUCHED_SOURCE, tree.source.times.atime, tree.source.times.mtime);
  }
}

/** "After a source edit": a new comment in lib/model/system.ts, so no tool can reuse its output for it. */
function editSource(tree) {
  tree.edits += 1;
  tree.lastEdit = `${tree.source.content}// bench: source edit ${tree.edits} at ${Date.now()}\n`;
  fs.writeFileSync(TOUCHED_SOURCE, tree.lastEdit);
}

// ---------------------------------------------------------------------------------------------
// Running

let current;
let interrupted = false;

/** One run of a variant: wall ms, peak RSS in KiB (undefined if unknown), stdout; or an error line. */
function runOnce(variant, ctx, runName) {
  editSource(ctx.tree);
  const rssFile = path.join(ctx.tmp, 'rss');
  fs.rmSync(rssFile, { force: true });
  let [command, ...args] = variant.argv;
  let env = ctx.env;
  if (variant.freshCache) env = { ...env, PAYMENT_MESH_CACHE_DIR: fs.mkdtempSync(path.join(ctx.tmp, 'runner-cache-')) };
  if (ctx.rss === 'time') {
    args = ['-f', '%M', '-o', rssFile, command, ...args];
    command = '/usr/bin/time';
  } else {
    env = { ...env, BENCH_RSS_FILE: rssFile, NODE_OPTIONS: `${env.NODE_OPTIONS ?? ''} --require "${RSS_PROBE}"`.trim() };
  }
  const log = path.join(ctx.tmp, `${variant.id}.log`);
  return new Promise((resolve) => {
    const stdout = [];
    const stderr = [];
    const start = process.hrtime.bigint();
    current = spawn(command, args, { cwd: variant.cwd ?? ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    current.stdout.on('data', (chunk) => stdout.push(chunk));
    current.stderr.on('data', (chunk) => stderr.push(chunk));
    current.on('error', (error) => resolve({ error: `${runName}: cannot start ${command}: ${error.message}` }));
    current.on('close', (status, signal) => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      current = undefined;
      const out = Buffer.concat(stdout).toString();
      const err = Buffer.concat(stderr).toString();
      fs.writeFileSync(log, `$ ${variant.argv.join(' ')}\n${out}${err}`);
      if (status !== 0) {
        const cause = firstErrorLine(`${out}\n${err}`);
        resolve({ error: `${runName}: ${signal ? `killed by ${signal}` : `exit status ${status}`}${cause ? `: ${cause}` : ''} (output: ${log})` });
        return;
      }
      resolve({ ms, rssKb: readRss(rssFile), stdout: out });
    });
  });
}

/** The first line that looks like the cause of a failure (an error, a tsc error, a failed test file), shortened. */
function firstErrorLine(output) {
  const line = output.split('\n').map((l) => l.trim()).find((l) => /^(error\b|\w*Error\b|FAIL\b)|\[ERROR\]|\berror TS\d+/i.test(l));
  return line && line.length > 160 ? `${line.slice(0, 157)}...` : line;
}

/** Largest number in the RSS file: GNU time writes one line (after a status line on failure), the probe one per process. */
function readRss(file) {
  if (!fs.existsSync(file)) return undefined;
  const values = fs.readFileSync(file, 'utf8').split('\n').filter((line) => /^\d+$/.test(line.trim())).map(Number);
  return values.length > 0 ? Math.max(...values) : undefined;
}

/** The JSON result line scaling.ts prints last. */
function scalingResult(stdout) {
  const line = stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

/** Overwrites the current terminal line; silent when stderr is a log file. */
function progress(text) {
  if (process.stderr.isTTY) process.stderr.write(`\r${text}\x1b[K`);
}

/** One run, with the scaling probe's result line parsed: the run, or `{ error }`. */
async function runChecked(variant, ctx, runName) {
  const run = await runOnce(variant, ctx, runName);
  if (run.error || !variant.scaling) return run;
  run.result = scalingResult(run.stdout);
  return run.result ? run : { error: `${runName}: no result line on stdout (output: ${path.join(ctx.tmp, `${variant.id}.log`)})` };
}

/** Warm-up, then `ctx.runs` measured runs of one variant in a row (the scaling probes and cold tools). */
async function measure(variant, ctx) {
  if (variant.skip) return { variant, skipped: variant.skip, runs: [] };
  const warmUps = ctx.quick && (variant.cold || variant.scaling) ? 0 : 1;
  const runs = [];
  for (let i = 0; i < warmUps + ctx.runs; i++) {
    const runName = i < warmUps ? 'warm-up' : `run ${i - warmUps + 1}`;
    progress(`  ${runName}${i < warmUps ? '' : ` of ${ctx.runs}`} ...`);
    const run = await runChecked(variant, ctx, runName);
    if (interrupted) return { variant, error: 'interrupted', runs };
    if (run.error) return { variant, error: run.error, runs };
    if (i >= warmUps) runs.push(run);
  }
  return { variant, runs };
}

/**
 * The start-up commands, measured in rounds: a warm-up round, then `ctx.runs` rounds, each running
 * every variant once in turn. A slow spell of the machine (seen here: npm's own start-up alone
 * varies from 0.15 s to 0.24 s between minutes) then hits every variant alike instead of whichever
 * ran during it, so the ratios compare like with like. The tree is restored after every run.
 */
async function measureInRounds(variants, ctx) {
  const outcomes = variants.map((variant) => (variant.skip ? { variant, skipped: variant.skip, runs: [] } : { variant, runs: [] }));
  for (let round = 0; round <= ctx.runs; round++) {
    const runName = round === 0 ? 'warm-up' : `run ${round}`;
    for (const outcome of outcomes.filter((o) => !o.skipped && !o.error)) {
      progress(`  ${round === 0 ? 'warm-up round' : `round ${round} of ${ctx.runs}`}: ${outcome.variant.label} ...`);
      try {
        const run = await runChecked(outcome.variant, ctx, runName);
        if (run.error) outcome.error = run.error;
        else if (round > 0) outcome.runs.push(run);
      } finally {
        // After every run, so that one variant's outputs (`cdk8s synth` empties dist/ first) never feed the next.
        restoreTree(ctx.tree);
      }
      if (interrupted) {
        outcome.error = 'interrupted';
        return outcomes;
      }
    }
  }
  return outcomes;
}

// ---------------------------------------------------------------------------------------------
// Reporting

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function formatMs(ms) {
  if (ms === undefined) return '-';
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  return ms >= 10 ? `${Math.round(ms)} ms` : `${ms.toFixed(2)} ms`;
}

function formatMb(kb) {
  return kb === undefined ? '-' : `${Math.round(kb / 1024)} MB`;
}

/** Plain-text table; `align` has one letter per column, `l` or `r`. */
function table(header, align, rows) {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells) => cells.map((cell, c) => (align[c] === 'r' ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

const wallMedian = (outcome) => (outcome && !outcome.error && outcome.runs.length > 0 ? median(outcome.runs.map((r) => r.ms)) : undefined);

function commandRows(outcomes) {
  return outcomes.map(({ variant, runs, error, skipped }) => {
    if (skipped) return [variant.label, '', '', '', '', `skipped: ${skipped}`];
    if (error) return [variant.label, String(runs.length), '', '', '', `ERROR: ${error}`];
    const ms = runs.map((r) => r.ms);
    const rss = runs.map((r) => r.rssKb).filter((kb) => kb !== undefined);
    return [
      variant.label, String(runs.length), formatMs(median(ms)), `${formatMs(Math.min(...ms))} - ${formatMs(Math.max(...ms))}`,
      formatMb(rss.length > 0 ? Math.max(...rss) : undefined), '',
    ];
  });
}

function scalingRows(outcomes) {
  return outcomes.filter((o) => o.variant.scaling && !o.error && o.runs.length > 0).map(({ runs }) => {
    const first = runs[0].result;
    const mid = (field) => median(runs.map((r) => r.result.ms[field]));
    const total = mid('total');
    const envs = first.mode === 'envs' ? first.n : 1;
    const what = first.mode === 'envs' ? `${first.n} environments` : `1 env, ${first.n} services, ${first.calls} calls`;
    const notes = [];
    const problems = Math.max(...runs.map((r) => r.result.problems));
    if (problems > 0) notes.push(`WARNING: ${problems} validation problems or failed reachability proofs (expected 0)`);
    return [
      what, String(first.objects), formatMs(total), formatMs(total / envs), formatMs(total / first.objects),
      `${formatMs(mid('synth'))} / ${formatMs(mid('render'))} / ${formatMs(mid('validate'))} / ${formatMs(mid('prove'))}`,
      formatMs(median(runs.map((r) => r.ms))), notes.join('; '),
    ];
  });
}

/** The ratio rows; a ratio without `target` and `met` is informative only. */
function ratioRows(outcomes) {
  const byId = new Map(outcomes.map((o) => [o.variant.id, o]));
  const unavailable = (ids) => {
    const id = ids.find((i) => wallMedian(byId.get(i)) === undefined);
    if (id === undefined) return undefined;
    const outcome = byId.get(id);
    if (outcome?.skipped) return `n/a: ${outcome.skipped}`;
    return `n/a: ${id} ${outcome?.error ? 'failed' : 'not run'}`;
  };
  const wallRatio = (a, b) => () => wallMedian(byId.get(a)) / wallMedian(byId.get(b));
  const perEnv = (id) => {
    const runs = byId.get(id).runs;
    return median(runs.map((r) => r.result.ms.total)) / runs[0].result.n;
  };
  const times = (v) => `${v.toFixed(2)}x`;
  const ratios = [
    { name: 'synth vs floor', definition: 'npm run synth / floor through npm run', ids: ['synth', 'floor-npm'],
      value: wallRatio('synth', 'floor-npm'), format: times, target: `<= ${TARGETS.synthOverFloor}x`, met: (v) => v <= TARGETS.synthOverFloor },
    { name: 'ts-node (cdk8s default) vs synth', definition: 'npx ts-node main.ts with the cdk8s template tsconfig / npm run synth', ids: ['ts-node-default', 'synth'],
      value: wallRatio('ts-node-default', 'synth'), format: times, target: `>= ${TARGETS.tsNodeOverSynth}x`, met: (v) => v >= TARGETS.tsNodeOverSynth },
    { name: 'ts-node (our tsconfig) vs synth', definition: 'npx ts-node main.ts / npm run synth', ids: ['ts-node', 'synth'],
      value: wallRatio('ts-node', 'synth'), format: times },
    { name: 'tsx vs synth', definition: 'npx tsx main.ts / npm run synth', ids: ['tsx', 'synth'], value: wallRatio('tsx', 'synth'), format: times },
    { name: 'linearity', definition: 'in-process ms per env at 300 / at 30', ids: ['scale-300', 'scale-30'],
      value: () => perEnv('scale-300') / perEnv('scale-30'), format: times, target: `<= ${TARGETS.linearity}x`, met: (v) => v <= TARGETS.linearity },
    { name: '300 environments', definition: 'wall time of that process (with start-up and warm-up)', ids: ['scale-300'],
      value: () => wallMedian(byId.get('scale-300')), format: formatMs, target: `< ${TARGETS.envs300Ms / 1000} s`, met: (v) => v < TARGETS.envs300Ms },
    { name: 'cold npm test', definition: 'npm test, no jest cache, empty runner cache', ids: ['npm-test'],
      value: () => wallMedian(byId.get('npm-test')), format: formatMs, target: `< ${TARGETS.npmTestMs / 1000} s`, met: (v) => v < TARGETS.npmTestMs },
  ];
  return ratios.map((r) => {
    const missing = unavailable(r.ids);
    if (missing) return [r.name, r.definition, '', '', missing];
    const v = r.value();
    return [r.name, r.definition, r.format(v), r.target ?? '', r.met ? (r.met(v) ? 'met' : 'MISSED') : ''];
  });
}

function report(outcomes, ctx) {
  const print = (text = '') => process.stdout.write(`${text}\n`);
  const cpus = os.cpus();
  print(`bench: node ${ctx.nodeVersion}, ${cpus.length} CPU(s) ${cpus[0]?.model ?? ''}, load average at start ${ctx.load.map((l) => l.toFixed(2)).join(' ')}`);
  print(`runs: ${ctx.runs} measured after 1 warm-up${ctx.quick ? ' (none for typecheck, jest, npm test and scaling)' : ''}; `
    + `peak RSS: ${ctx.rss === 'time' ? '/usr/bin/time -f %M' : 'Node preload (rss-probe.js)'}, largest single process of the tree`);
  print();
  print(table(['command (wall time per run)', 'runs', 'median', 'min - max', 'peak RSS', ''], 'lrrrrl', commandRows(outcomes)));
  const scaling = scalingRows(outcomes);
  if (scaling.length > 0) {
    print();
    const warmUp = outcomes.find((o) => o.variant.scaling && o.runs.length > 0).runs[0].result.warmUpEnvs;
    print(`scaling: in-process time after ${warmUp} warm-up environments, medians over runs`);
    print(table(['case', 'objects', 'total', 'per env', 'per object', 'synth / render / validate / prove', 'wall', ''], 'lrrrrrrl', scaling));
  }
  print();
  print(table(['ratio', 'definition', 'value', 'target', ''], 'llrrl', ratioRows(outcomes)));
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'payment-mesh-bench-'));
  const all = variants(tmp);
  const ids = all.map((v) => v.id);
  let options;
  try {
    options = parseOptions(process.argv.slice(2));
    if (options.help) {
      process.stdout.write(`${usage(ids)}\n`);
      fs.rmSync(tmp, { recursive: true, force: true });
      return 0;
    }
    const unknown = (options.only ?? []).filter((id) => !ids.includes(id));
    if (unknown.length > 0) throw new UsageError(`--only: unknown variant ${unknown.join(', ')}; expected some of ${ids.join(', ')}`);
  } catch (error) {
    fs.rmSync(tmp, { recursive: true, force: true });
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`error: ${error.message}\n${usage(ids)}\n`);
    return 2;
  }

  const selected = all.filter((v) => !options.only || options.only.includes(v.id));
  const base = { tmp, runs: options.runs, quick: options.quick, rss: rssMethod(options.rssProbe, tmp), tree: saveTree() };
  process.on('SIGINT', () => {
    interrupted = true;
    current?.kill('SIGINT');
  });

  const reports = [];
  for (const nodeBinary of options.nodes.length > 0 ? options.nodes : [undefined]) {
    const env = childEnvironment(nodeBinary);
    const version = spawnSync('node', ['--version'], { env, encoding: 'utf8' });
    if (version.status !== 0) {
      process.stderr.write(`error: --node ${nodeBinary}: cannot run it (${version.error?.message ?? version.stderr.trim()})\n`);
      return 2;
    }
    const ctx = { ...base, env, nodeVersion: version.stdout.trim(), load: os.loadavg() };
    process.stderr.write(`node ${ctx.nodeVersion}${nodeBinary ? ` (${nodeBinary})` : ''}\n`);
    const outcomes = await measureAll(selected, ctx);
    if (interrupted) {
      process.stderr.write(`bench: interrupted; dist/, outputs/ and lib/model/system.ts restored; logs in ${tmp}\n`);
      return 130;
    }
    process.stderr.write('\n');
    report(outcomes, ctx);
    reports.push({ ctx, outcomes });
    if (options.nodes.length > 1) process.stdout.write('\n');
  }
  if (reports.length > 1) printSummary(reports);
  const failed = reports.flatMap(({ ctx, outcomes }) => outcomes.filter((o) => o.error).map((o) => ({ ctx, o })));
  for (const { ctx, o } of failed) process.stderr.write(`error: node ${ctx.nodeVersion}: ${o.variant.id}: ${o.error}\n`);
  if (failed.length === 0) fs.rmSync(tmp, { recursive: true, force: true });
  return failed.length > 0 ? 1 : 0;
}

/** Every selected variant under one Node: the start-up commands in rounds, then the rest in a row. */
async function measureAll(selected, ctx) {
  const summary = (outcome) => (outcome.skipped ? `skipped: ${outcome.skipped}` : outcome.error ? `error: ${outcome.error}` : `median ${formatMs(wallMedian(outcome))}`);
  const byVariant = new Map();
  const inRounds = selected.filter((v) => !v.cold && !v.scaling);
  if (inRounds.length > 0) {
    process.stderr.write(`start-up commands, in rounds: ${inRounds.map((v) => v.id).join(', ')}\n`);
    for (const outcome of await measureInRounds(inRounds, ctx)) {
      byVariant.set(outcome.variant, outcome);
      progress('');
      process.stderr.write(`  ${outcome.variant.label}: ${summary(outcome)}\n`);
    }
  }
  for (const variant of selected.filter((v) => !inRounds.includes(v))) {
    if (interrupted) break;
    process.stderr.write(`${variant.label}\n`);
    let outcome;
    try {
      outcome = await measure(variant, ctx);
    } finally {
      restoreTree(ctx.tree);
    }
    progress('');
    process.stderr.write(`  ${summary(outcome)}\n`);
    byVariant.set(variant, outcome);
  }
  return selected.filter((v) => byVariant.has(v)).map((v) => byVariant.get(v));
}

/** One line per Node version: the main medians and the ratios with targets. */
function printSummary(reports) {
  const print = (text = '') => process.stdout.write(`${text}\n`);
  const header = ['node', 'synth', 'floor npm', 'ts-node', 'synth/floor', 'ts-node/synth', 'linearity', 'cold npm test'];
  const rows = reports.map(({ ctx, outcomes }) => {
    const byId = new Map(outcomes.map((o) => [o.variant.id, o]));
    const ms = (id) => formatMs(wallMedian(byId.get(id)));
    const ratio = (name) => ratioRows(outcomes).find((r) => r[0] === name);
    const cell = (name) => {
      const [, , value, , verdict] = ratio(name);
      return value ? `${value} ${verdict}` : '-';
    };
    return [ctx.nodeVersion, ms('synth'), ms('floor-npm'), ms('ts-node-default'), cell('synth vs floor'),
      cell('ts-node (cdk8s default) vs synth'), cell('linearity'), cell('cold npm test')];
  });
  print('summary (medians; ts-node with the cdk8s template tsconfig)');
  print(table(header, 'lrrrrrrr', rows));
}

main().then((code) => {
  process.exitCode = code;
}, (error) => {
  process.stderr.write(`bench: ${error.stack ?? error}\n`);
  process.exitCode = 1;
});
