/** CDK8S_OUTDIR: validated like the other variables; outside the project only when the cdk8s CLI set it. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ConfigError } from '../../lib/model/errors';
import { ENVIRONMENTS } from '../../lib/model/environments';
import { CDK8S_CLI_MARKER, resolveManifestDir } from '../../lib/synth/output-dir';
import { runSynth } from '../../lib/synth/run';

let base: string;
let root: string;
beforeAll(() => {
  base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'output-dir-')));
  root = path.join(base, 'project');
  fs.mkdirSync(path.join(root, 'outputs'), { recursive: true });
  fs.writeFileSync(path.join(root, 'a-file'), '');
  fs.mkdirSync(path.join(base, 'elsewhere'));
  fs.symlinkSync(path.join(base, 'elsewhere'), path.join(root, 'link-out'));
});
afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

const resolve = (value: string | undefined, vars: Record<string, string> = {}) => resolveManifestDir(value, root, vars);
const CLI = { [CDK8S_CLI_MARKER]: 'false' };

test.each([
  [undefined, 'dist'],
  ['dist', 'dist'],
  ['./dist/', 'dist'],
  ['build/k8s', 'build/k8s'],
  ['<root>/dist', 'dist'],
])('%s: accepted as %s', (value, dir) => {
  expect(resolve(value?.replace('<root>', root) ?? undefined)).toEqual({ dir, problems: [] });
});

test.each([
  ['', 'CDK8S_OUTDIR: set but empty; expected a folder for the manifests inside the project, such as dist, or the variable unset for dist'],
  ['  ', 'CDK8S_OUTDIR: set but empty; expected a folder for the manifests inside the project, such as dist, or the variable unset for dist'],
  ['dist\n', 'CDK8S_OUTDIR: "dist\\n" contains a control character; expected a folder for the manifests inside the project, such as dist'],
  ['.', 'CDK8S_OUTDIR: "." is the project root; expected a folder for the manifests inside the project, such as dist (a folder of its own)'],
  ['outputs', 'CDK8S_OUTDIR: "outputs" is the folder of the stack outputs; expected a folder for the manifests inside the project, such as dist'],
  ['.git/x', 'CDK8S_OUTDIR: ".git/x" is inside .git, the folder of git\'s own files; expected a folder for the manifests inside the project, such as dist'],
  ['a-file', 'CDK8S_OUTDIR: "a-file" is a file; expected a folder for the manifests inside the project, such as dist'],
])('%j: one line, naming the value and what is expected', (value, problem) => {
  expect(resolve(value).problems).toEqual([problem]);
});

test('a folder outside the project (relative, absolute, or through a symbolic link) is refused unless the cdk8s CLI set it', () => {
  for (const value of ['../x', path.join(base, 'elsewhere'), 'link-out/dist']) {
    expect(resolve(value).problems).toEqual([expect.stringMatching(
      new RegExp(`^CDK8S_OUTDIR: ".*" is outside the project \\(${root}\\); expected .*; Only the cdk8s CLI may send them elsewhere`.replace(/\//g, '\\/').replace('; Only', '\\. Only')),
    )]);
  }
  expect(resolve('../x', CLI)).toEqual({ dir: path.join(base, 'x'), problems: [] });
  expect(resolve(path.join(base, 'elsewhere'), CLI)).toEqual({ dir: path.join(base, 'elsewhere'), problems: [] });
});

test('a folder that contains the project is refused even from the cdk8s CLI', () => {
  for (const value of ['..', '/']) {
    expect(resolve(value, CLI).problems).toEqual([expect.stringMatching(/^CDK8S_OUTDIR: ".*" contains the project \(/)]);
  }
});

test('runSynth: a bad CDK8S_OUTDIR is reported with the other variables\' problems, and nothing is built or written', () => {
  let error: unknown;
  try {
    runSynth({ root, vars: { ENVIRONMENT_SUFFIX: '' }, manifestDir: '' });
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ConfigError);
  expect((error as ConfigError).problems).toEqual([
    expect.stringMatching(/^ENVIRONMENT_SUFFIX: set but empty/),
    expect.stringMatching(/^CDK8S_OUTDIR: set but empty/),
  ]);
  expect(fs.readdirSync(root).sort()).toEqual(['a-file', 'link-out', 'outputs']);
});

test('runSynth into another folder (from the cdk8s CLI) keeps that folder\'s unrelated *.k8s.yaml', () => {
  const elsewhere = path.join(base, 'elsewhere');
  fs.writeFileSync(path.join(elsewhere, 'unrelated.k8s.yaml'), 'not ours');
  const summary = runSynth({ root, vars: CLI, manifestDir: elsewhere });
  expect(summary.written).toContain(path.join(elsewhere, 'dev.k8s.yaml'));
  expect(summary.removed).toEqual([]);
  expect(fs.readFileSync(path.join(elsewhere, 'unrelated.k8s.yaml'), 'utf8')).toBe('not ours');
  const manifests = ENVIRONMENTS.environments.map((e) => `${e.suffix}.k8s.yaml`);
  expect(fs.readdirSync(elsewhere).sort()).toEqual([...manifests, 'unrelated.k8s.yaml'].sort());
});
