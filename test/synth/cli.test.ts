/**
 * The synth command as users and CI run it (a child process), and the freshness of the committed
 * output. Spawns are few: each costs a Node start-up.
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ENVIRONMENTS } from '../../lib/model/environments';
import { OUTPUT_FOLDERS } from '../../lib/model/output-layout';
import { recoverOutputs } from '../../lib/synth/file-writer';
import { buildOutputFiles } from '../../lib/synth/run';

const ROOT = path.resolve(__dirname, '..', '..');
const IMAGE = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
let workdir: string;

function synth(vars: Record<string, string>, args: string[] = []) {
  const env = { PATH: process.env.PATH ?? '', ...vars };
  return spawnSync(process.execPath, [path.join(ROOT, 'scripts/run.js'), path.join(ROOT, 'main.ts'), ...args], { cwd: workdir, env, encoding: 'utf8' });
}
/** A synth as a child process that can run beside others; resolves with its exit code and output. */
function synthAsync(vars: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [path.join(ROOT, 'scripts/run.js'), path.join(ROOT, 'main.ts')], {
    cwd: workdir, env: { PATH: process.env.PATH ?? '', ...vars },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => { stdout += d; });
  child.stderr.on('data', (d) => { stderr += d; });
  return new Promise((resolve) => child.once('close', (status) => resolve({ status, stdout, stderr })));
}
const FOLDERS = Object.values(OUTPUT_FOLDERS).map((f) => f.dir);
const snapshotDir = () => Object.fromEntries(FOLDERS.flatMap((d) =>
  (fs.existsSync(path.join(workdir, d)) ? fs.readdirSync(path.join(workdir, d)) : []).map((f) => [`${d}/${f}`, fs.readFileSync(path.join(workdir, d, f), 'utf8')])));

beforeAll(() => {
  workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-cli-'));
});
afterAll(() => fs.rmSync(workdir, { recursive: true, force: true }));

test('full synth writes every configured environment, identical to the committed files', () => {
  const run = synth({});
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  const written = snapshotDir();
  expect(Object.keys(written).sort()).toEqual(ENVIRONMENTS.environments.map((e) => e.suffix).flatMap((s) => [
    `argocd/${s}.yaml`, `diagrams/${s}.md`, `dist/${s}.k8s.yaml`, `outputs/${s}.json`,
  ]).sort());
  for (const [file, content] of Object.entries(written)) {
    expect(content).toBe(fs.readFileSync(path.join(ROOT, file), 'utf8'));
  }
  expect(run.stdout.split('\n')).toContain('wrote dist/dev.k8s.yaml');
});

test('a second synth with nothing changed rewrites nothing and says so', () => {
  const run = synth({});
  expect(run.status).toBe(0);
  expect(run.stdout).toBe(`${4 * ENVIRONMENTS.environments.length} files were already up to date\n`);
});

test('--recover with nothing interrupted says so and changes nothing', () => {
  const before = snapshotDir();
  const run = synth({}, ['--recover']);
  expect([run.status, run.stdout, run.stderr]).toEqual([0, 'nothing to recover\n', '']);
  expect(snapshotDir()).toEqual(before);
});

test('bad input: non-zero exit, one line per problem naming the variable, no stack trace, nothing written', () => {
  const before = snapshotDir();
  const run = synth({ ENVIRONMENT_SUFFIX: '', PAYMENT_API_IMAGE: '' });
  expect(run.status).toBe(2);
  expect(run.stdout).toBe('');
  expect(run.stderr.trim().split('\n')).toEqual([
    expect.stringMatching(/^error: PAYMENT_API_IMAGE: set but empty/),
    expect.stringMatching(/^error: ENVIRONMENT_SUFFIX: set but empty/),
  ]);
  expect(snapshotDir()).toEqual(before);
});

test('ad-hoc environment writes only its own files and prunes nothing', () => {
  const run = synth({
    ENVIRONMENT_SUFFIX: 'pr123',
    PAYMENT_API_IMAGE: `${IMAGE}/payment-api:pr-123`,
    FRAUD_DETECTOR_IMAGE: `${IMAGE}/fraud-detector:pr-123`,
    NOTIFICATION_SERVICE_IMAGE: `${IMAGE}/notification-service:pr-123`,
  });
  expect(run.status).toBe(0);
  const files = Object.keys(snapshotDir());
  expect(files).toEqual(expect.arrayContaining(['dist/pr123.k8s.yaml', 'outputs/pr123.json', 'dist/dev.k8s.yaml']));
  expect(JSON.parse(fs.readFileSync(path.join(workdir, 'outputs/pr123.json'), 'utf8')).namespaceName).toBe('microservices-pr123');
});

/** One in-memory synth of every configured environment, shared by the tests below. */
const { files } = buildOutputFiles({ root: ROOT, vars: {} });

describe('committed output is fresh (otherwise: run `npm run synth` and commit)', () => {
  test.each(files.map((f) => [f.path, f.content] as const))('%s', (file, content) => {
    const onDisk = fs.existsSync(path.join(ROOT, file)) ? fs.readFileSync(path.join(ROOT, file), 'utf8') : '<missing>';
    if (onDisk !== content) throw new Error(`${file} is stale: run \`npm run synth\` and commit the result`);
    expect(onDisk).toBe(content);
  });
  test('no files of removed environments remain', () => {
    const expected = new Set(files.map((f) => f.path));
    const present = Object.values(OUTPUT_FOLDERS).flatMap((folder) => fs.readdirSync(path.join(ROOT, folder.dir)).map((f) => `${folder.dir}/${f}`));
    expect(present.filter((f) => !expected.has(f))).toEqual([]);
  });
});

test('two synths are byte-identical, objects in apply order', () => {
  const first = files;
  const second = buildOutputFiles({ root: ROOT, vars: {} }).files;
  expect(second).toEqual(first);
  const manifest = first.find((f) => f.path === 'dist/dev.k8s.yaml')?.content ?? '';
  const kinds = [...manifest.matchAll(/^kind: (\w+)$/gm)].map((m) => m[1]);
  expect([...new Set(kinds)]).toEqual([
    'Namespace', 'ServiceAccount', 'ConfigMap', 'ExternalSecret', 'Deployment', 'Service', 'HorizontalPodAutoscaler',
    'PodDisruptionBudget', 'NetworkPolicy', 'PeerAuthentication', 'AuthorizationPolicy', 'ServiceEntry', 'Sidecar', 'DestinationRule', 'Gateway', 'VirtualService',
  ]);
  // Each kind forms one block: no kind reappears after another kind started.
  expect(kinds.filter((k, i) => i > 0 && k !== kinds[i - 1]).length).toBe(new Set(kinds).size - 1);
  const staging = first.find((f) => f.path === 'dist/staging.k8s.yaml')?.content ?? '';
  const stagingKinds = [...new Set([...staging.matchAll(/^kind: (\w+)$/gm)].map((m) => m[1]))];
  expect(stagingKinds.indexOf('Certificate')).toBe(stagingKinds.indexOf('ExternalSecret') + 1);
  expect(stagingKinds.indexOf('RequestAuthentication')).toBe(stagingKinds.indexOf('PeerAuthentication') + 1);
});

test('CDK8S_OUTDIR set but empty, or outside the project: exit 2, one line, nothing written anywhere', () => {
  const before = snapshotDir();
  const outside = `../${path.basename(workdir)}-outside`;
  for (const [value, problem] of [['', /^error: CDK8S_OUTDIR: set but empty; /], [outside, /^error: CDK8S_OUTDIR: "\.\.\/.*-outside" is outside the project /]] as const) {
    const run = synth({ CDK8S_OUTDIR: value });
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toEqual([expect.stringMatching(problem)]);
  }
  expect(snapshotDir()).toEqual(before);
  expect(fs.existsSync(path.join(workdir, outside))).toBe(false);
});

const PR = (n: number, tag: string): Record<string, string> => ({
  ENVIRONMENT_SUFFIX: `pr${n}`,
  PAYMENT_API_IMAGE: `${IMAGE}/payment-api:${tag}`,
  FRAUD_DETECTOR_IMAGE: `${IMAGE}/fraud-detector:${tag}`,
  NOTIFICATION_SERVICE_IMAGE: `${IMAGE}/notification-service:${tag}`,
});
const DEV_OVERRIDE = { ENVIRONMENT_SUFFIX: 'dev', PAYMENT_API_IMAGE: `${IMAGE}/payment-api:override` };

test('synths of every kind at once (full, ad-hoc, a configured suffix with an override): all succeed; every file is one run\'s, whole', async () => {
  const variants: Array<Record<string, string>> = [{}, PR(1, 'a'), PR(2, 'b'), DEV_OVERRIDE, {}];
  // Every content each file may have, and which variants write it (some files are the same in several).
  const allowed = new Map<string, Map<string, Set<number>>>();
  variants.forEach((vars, v) => {
    for (const file of buildOutputFiles({ root: workdir, vars }).files) {
      const contents = allowed.get(file.path) ?? new Map<string, Set<number>>();
      allowed.set(file.path, contents.set(file.content, new Set([...(contents.get(file.content) ?? []), v])));
    }
  });
  const runs = await Promise.all(variants.map((vars) => synthAsync(vars)));
  expect(runs.map((r) => [r.status, r.stderr])).toEqual(variants.map(() => [0, '']));
  const byEnvironment = new Map<string, Set<number>>();
  for (const [file, content] of Object.entries(snapshotDir())) {
    const writers = allowed.get(file)?.get(content);
    expect([file, writers === undefined ? 'foreign content' : 'ok']).toEqual([file, 'ok']);
    const env = path.basename(file).split('.')[0];
    const before = byEnvironment.get(env);
    byEnvironment.set(env, new Set([...(writers ?? [])].filter((w) => before === undefined || before.has(w))));
  }
  // The files of one environment all come from one run (dev: the full synths' or the override's, never a mix).
  for (const [env, writers] of byEnvironment) expect([env, writers.size > 0]).toEqual([env, true]);
  expect(fs.readdirSync(path.join(workdir, '.synth-state'))).toEqual(['owned.json']);
});

// Black-box companion of the writer's crash test (test/synth/file-writer.test.ts), which kills every step in turn.
test('a synth killed at any moment: every file is whole, and after recovery the set is all previous or all new', async () => {
  const fresh = new Map(files.map((f) => [f.path, f.content]));
  const seen = new Set<string>();
  // Kills at 40, 200 and 360 ms, then at growing delays until both outcomes were seen: a cold
  // runner cache or a busy machine makes a synth slower, so no fixed delay is sure to fall after
  // its commit. The last run is not killed at all (kill after exit: nothing happens).
  for (const delayMs of [40, 200, 360, 700, 1500, Infinity]) {
    if (seen.size === 2 && delayMs > 360) break;
    for (const file of fresh.keys()) {
      fs.mkdirSync(path.dirname(path.join(workdir, file)), { recursive: true });
      fs.writeFileSync(path.join(workdir, file), `previous ${file}`);
    }
    const child = spawn(process.execPath, [path.join(ROOT, 'scripts/run.js'), path.join(ROOT, 'main.ts')], { cwd: workdir, stdio: 'ignore' });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    await (delayMs === Infinity ? exited : Promise.race([exited, new Promise((resolve) => setTimeout(resolve, delayMs))]));
    child.kill('SIGKILL');
    await exited;
    for (const [file, content] of fresh) {
      expect([`previous ${file}`, content]).toContain(fs.readFileSync(path.join(workdir, file), 'utf8'));
    }
    recoverOutputs(workdir);
    const contents = [...fresh].map(([file, content]) => (fs.readFileSync(path.join(workdir, file), 'utf8') === content ? 'new' : 'previous'));
    expect([[...new Set(contents)].length, delayMs]).toEqual([1, delayMs]);
    seen.add(contents[0]);
    expect(FOLDERS.flatMap((d) => fs.readdirSync(path.join(workdir, d))).filter((f) => f.includes('partial'))).toEqual([]);
    expect(fs.readdirSync(path.join(workdir, '.synth-state'))).toEqual(['owned.json']);
  }
  expect(seen).toEqual(new Set(['previous', 'new']));
}, 30_000);
