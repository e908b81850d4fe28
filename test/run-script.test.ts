/** scripts/run.js: runs TypeScript with content-keyed caches that an edit always misses. */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const RUN = path.resolve(__dirname, '..', 'scripts', 'run.js');
let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'run-script-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const run = (entry: string, env: Record<string, string> = {}) => spawnSync(process.execPath, [RUN, entry, 'arg1'], {
  encoding: 'utf8', env: { PATH: process.env.PATH ?? '', PAYMENT_MESH_CACHE_DIR: path.join(dir, 'cache'), ...env },
});

test('an edited file is transpiled again; imports, arguments and require.resolve work', () => {
  const entry = path.join(dir, 'entry.ts');
  fs.writeFileSync(path.join(dir, 'value.ts'), 'export const value: number = 1;\n');
  fs.writeFileSync(entry, [
    "import { value } from './value';",
    'const resolved: string = require.resolve(\'./value\');',
    'process.stdout.write(`${value} ${process.argv[2]} ${resolved.endsWith(\'value.ts\')}`);',
  ].join('\n'));
  expect(run(entry).stdout).toBe('1 arg1 true');
  expect(run(entry).stdout).toBe('1 arg1 true');
  fs.writeFileSync(path.join(dir, 'value.ts'), 'export const value: number = 2;\n');
  expect(run(entry).stdout).toBe('2 arg1 true');
});

test('with --enable-source-maps a stack trace points at the TypeScript line', () => {
  const entry = path.join(dir, 'boom.ts');
  // An enum becomes several lines of JavaScript, so without the map the line number differs.
  fs.writeFileSync(entry, 'enum Color { Red, Green }\nthrow new Error(`boom ${Color.Green}`);\n');
  const mapped = run(entry, { NODE_OPTIONS: '--enable-source-maps' });
  expect(mapped.status).not.toBe(0);
  expect(mapped.stderr).toContain(`${entry}:2`);
  expect(run(entry).stderr).not.toContain(`${entry}:2:`);
});

test('a missing entry file is one line of error, no stack trace', () => {
  const missing = run(path.join(dir, 'nope.ts'));
  expect(missing.status).toBe(2);
  expect(missing.stderr).toBe(`error: ${path.join(dir, 'nope.ts')}: no such file\n`);
});

test('the runner uses no private Node internals and sets no V8 flags', () => {
  const runnerDir = path.join(path.dirname(RUN), 'runner');
  const files = [RUN, ...fs.readdirSync(runnerDir).map((f) => path.join(runnerDir, f))];
  // Built here, so that this file does not match the repository-wide check itself.
  const internals = ['compile', 'resolveFilename', 'resolveLookupPaths', 'cache', 'extensions'].map((name) => `Module._${name}`);
  const forbidden = [...internals, ['prototype', '_compile'].join('.'), ['setFlags', 'FromString'].join(''), '_compile(', '--interrupt'];
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    for (const word of forbidden) expect({ file, found: text.includes(word) ? word : undefined }).toEqual({ file, found: undefined });
  }
  expect(files.length).toBeGreaterThanOrEqual(4);
});
