/** The docs describe the tree as it is: every layer of lib/ once, every relative link to a real file. */
import { existsSync, readdirSync, readFileSync, statSync } from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');
const layers = readdirSync(path.join(ROOT, 'lib')).filter((f) => statSync(path.join(ROOT, 'lib', f)).isDirectory()).sort();

test('lib/ holds only layer folders, and docs/architecture.md describes each one once', () => {
  expect(readdirSync(path.join(ROOT, 'lib')).filter((f) => !layers.includes(f))).toEqual([]);
  const rows = read('docs/architecture.md').split('\n').map((l) => /^\| `([a-z]+)\/` \|/.exec(l)?.[1]).filter((l): l is string => l !== undefined);
  expect([...rows].sort()).toEqual(layers);
});

test('the README gives every layer a line saying its job, bottom to top, and every layer but the top one has an import boundary', () => {
  const jobs = read('README.md').split('\n').map((l) => /^lib\/([a-z]+)\/\s+(\S.*)$/.exec(l)).filter((m): m is RegExpExecArray => m !== null);
  expect(jobs.map((m) => m[1]).sort()).toEqual(layers);
  expect(jobs.map((m) => m[1])).toEqual(['model', 'manifest', 'constructs', 'checks', 'render', 'synth', 'cli']);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const config = require(path.join(ROOT, 'eslint.config.js')) as { files?: string[]; rules?: Record<string, unknown> }[];
  const bounded = config.filter((c) => c.rules?.['no-restricted-imports']).flatMap((c) => c.files ?? [])
    .map((f) => /^lib\/([a-z]+)\//.exec(f)?.[1]).filter((l): l is string => l !== undefined);
  expect([...bounded, 'cli'].sort()).toEqual(layers);
});

test('the README stays short; relative links in the README and docs/ point at files that exist', () => {
  expect(Buffer.byteLength(read('README.md'))).toBeLessThanOrEqual(6 * 1024);
  const documents = ['README.md', ...readdirSync(path.join(ROOT, 'docs')).map((f) => `docs/${f}`)];
  const broken = documents.flatMap((doc) => [...read(doc).matchAll(/\]\(([^)#:]+)(#[^)]*)?\)/g)]
    .map((m) => m[1]).filter((target) => !existsSync(path.join(ROOT, path.dirname(doc), target))).map((target) => `${doc} -> ${target}`));
  expect(broken).toEqual([]);
});

test('every npm script is documented in the README or in docs/development.md', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const scripts = Object.keys((require(path.join(ROOT, 'package.json')) as { scripts: Record<string, string> }).scripts);
  const documented = `${read('README.md')}\n${read('docs/development.md')}`;
  expect(scripts.filter((name) => !documented.includes(name === 'test' ? 'npm test' : `npm run ${name}`))).toEqual([]);
});
