import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FileOperations, nodeFileOperations, writeOutputFiles } from '../../lib/synth/file-writer';

const prune = [{ dir: 'dist', pattern: /\.k8s\.yaml$/ }];
let root: string;

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'file-writer-'));
  fs.mkdirSync(path.join(root, 'dist'));
  fs.writeFileSync(path.join(root, 'dist/dev.k8s.yaml'), 'old dev');
  fs.writeFileSync(path.join(root, 'dist/gone.k8s.yaml'), 'old gone');
  fs.writeFileSync(path.join(root, 'dist/README.txt'), 'not ours');
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

const read = (file: string) => fs.readFileSync(path.join(root, file), 'utf8');
const list = (dir: string) => fs.readdirSync(path.join(root, dir)).sort();
const files = [{ path: 'dist/dev.k8s.yaml', content: 'new dev' }, { path: 'outputs/dev.json', content: 'new json' }];

test('a complete write replaces files and prunes stale ones it owns, nothing else', () => {
  writeOutputFiles(root, files, { prune });
  expect(read('dist/dev.k8s.yaml')).toBe('new dev');
  expect(read('outputs/dev.json')).toBe('new json');
  expect(list('dist')).toEqual(['README.txt', 'dev.k8s.yaml']);
  expect(list('.')).toEqual(['dist', 'outputs']);
});

test('the summary names what was written, pruned and left alone', () => {
  fs.writeFileSync(path.join(root, 'dist/same.k8s.yaml'), 'same');
  const summary = writeOutputFiles(root, [...files, { path: 'dist/same.k8s.yaml', content: 'same' }], { prune });
  expect(summary).toEqual({
    written: ['dist/dev.k8s.yaml', 'outputs/dev.json'],
    unchanged: ['dist/same.k8s.yaml'],
    removed: [path.join('dist', 'gone.k8s.yaml')],
  });
});

test('a file that already has its content is not rewritten: same inode, same mtime, no staging', () => {
  writeOutputFiles(root, files, { prune });
  const before = fs.statSync(path.join(root, 'dist/dev.k8s.yaml'));
  const mutations: string[] = [];
  const recording: FileOperations = {
    ...nodeFileOperations,
    mkdir: (dir) => { mutations.push(`mkdir ${dir}`); nodeFileOperations.mkdir(dir); },
    writeFile: (file, content) => { mutations.push(`write ${file}`); nodeFileOperations.writeFile(file, content); },
    rename: (from, to) => { mutations.push(`rename ${to}`); nodeFileOperations.rename(from, to); },
  };
  const summary = writeOutputFiles(root, files, { prune }, recording);
  expect(summary.written).toEqual([]);
  expect(summary.unchanged).toEqual(['dist/dev.k8s.yaml', 'outputs/dev.json']);
  expect(mutations).toEqual([]);
  const after = fs.statSync(path.join(root, 'dist/dev.k8s.yaml'));
  expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
  expect(list('.')).toEqual(['dist', 'outputs']);
});

test('without prune (an ad-hoc synth) other environments stay', () => {
  writeOutputFiles(root, files, { prune: [] });
  expect(list('dist')).toEqual(['README.txt', 'dev.k8s.yaml', 'gone.k8s.yaml']);
});

test('a crash at any step leaves every file complete: old content, or new content once moved', () => {
  const counting: FileOperations = { ...nodeFileOperations };
  let total = 0;
  for (const op of Object.keys(counting) as Array<keyof FileOperations>) {
    counting[op] = ((...args: never[]) => { total++; return (nodeFileOperations[op] as (...a: never[]) => unknown)(...args); }) as never;
  }
  writeOutputFiles(path.join(root, 'counting-run'), files, { prune }, counting);

  for (let crashAt = 0; crashAt < total; crashAt++) {
    fs.rmSync(root, { recursive: true });
    fs.mkdirSync(path.join(root, 'dist'), { recursive: true });
    fs.writeFileSync(path.join(root, 'dist/dev.k8s.yaml'), 'old dev');
    let calls = 0;
    const crashing: FileOperations = { ...nodeFileOperations };
    for (const op of Object.keys(crashing) as Array<keyof FileOperations>) {
      crashing[op] = ((...args: never[]) => {
        if (calls++ === crashAt) throw new Error('simulated crash');
        return (nodeFileOperations[op] as (...a: never[]) => unknown)(...args);
      }) as never;
    }
    expect(() => writeOutputFiles(root, files, { prune }, crashing)).toThrow('simulated crash');
    expect(['old dev', 'new dev']).toContain(read('dist/dev.k8s.yaml'));
    expect(fs.existsSync(path.join(root, 'outputs/dev.json')) ? read('outputs/dev.json') : 'new json').toBe('new json');
    expect(list('dist').filter((f) => !f.endsWith('.k8s.yaml'))).toEqual([]);
  }
  expect(total).toBeGreaterThan(5);
});
