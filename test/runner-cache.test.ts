/**
 * scripts/run.js caches: a damaged, truncated, foreign or garbage entry is never used; the run's
 * output is still right and the entry is rebuilt. The caches stay bounded. Covers our entries
 * (transpiled code, source maps, Node 20's V8 code) and, on Node >= 22.15, Node's compile cache.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as nodeModule from 'module';
import * as os from 'os';
import * as path from 'path';

const RUN = path.resolve(__dirname, '..', 'scripts', 'run.js');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { pruneFolder, MAX_ENTRIES } = require('../scripts/runner/cache') as {
  pruneFolder(dir: string, max: number, keep?: Set<string>): void;
  MAX_ENTRIES: number;
};
/** Whether the runner uses Node's hooks and compile cache (Node >= 22.15) rather than its own V8 cache. */
const NODE_HOOKS = 'registerHooks' in nodeModule;
const EXPECTED = 'shade:dark 42\n';

let dir: string;
let cache: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runner-cache-'));
  cache = path.join(dir, 'cache');
  fs.writeFileSync(path.join(dir, 'main.ts'), [
    "import { describe, Shade } from './shade';",
    "// eslint-disable-next-line @typescript-eslint/no-require-imports",
    "const helper = require('./helper.js') as { twice(n: number): number };",
    'process.stdout.write(`${describe(Shade.Dark)} ${helper.twice(21)}\\n`);',
  ].join('\n'));
  fs.writeFileSync(path.join(dir, 'shade.ts'), [
    "export enum Shade { Light = 'light', Dark = 'dark' }",
    'export function describe(shade: Shade): string { return `shade:${shade}`; }',
  ].join('\n'));
  fs.writeFileSync(path.join(dir, 'helper.js'), 'exports.twice = (n) => n * 2;\n');
  fs.writeFileSync(path.join(dir, 'boom.ts'), 'enum Color { Red, Green }\nthrow new Error(`boom ${Color.Green}`);\n');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const run = (entry = 'main.ts', nodeOptions = '') => spawnSync(process.execPath, [RUN, path.join(dir, entry)], {
  encoding: 'utf8',
  env: { PATH: process.env.PATH ?? '', PAYMENT_MESH_CACHE_DIR: cache, PAYMENT_MESH_CACHE_DEBUG: '1', NODE_OPTIONS: nodeOptions },
});

/** Every cache entry file under `sub` (ts, v8 or node), by path. */
function entries(sub: string): Map<string, Buffer> {
  const found = new Map<string, Buffer>();
  const walk = (d: string) => {
    if (!fs.existsSync(d)) return;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else found.set(full, fs.readFileSync(full));
    }
  };
  walk(path.join(cache, sub));
  return found;
}

/** Our entries of one kind (.js, .map, .v8) and, with NODE_HOOKS, Node's compile cache. */
const ours = (suffix: string) => new Map([...entries(NODE_HOOKS ? 'ts' : '')].filter(([f]) => f.endsWith(suffix)));
const nodeCompileCache = () => entries('node');

/** A deterministic bit position from a seed. */
/** `data` with one bit of byte `at` flipped (which bit depends on `at`). */
const flip = (data: Buffer, at: number) => {
  const out = Buffer.from(data);
  out[at] ^= 1 << (at % 8);
  return out;
};
type Damage = (data: Buffer, index: number, all: Buffer[]) => Buffer;
const DAMAGE: [string, Damage][] = [
  ['a bit flipped in the header', (d) => flip(d, 9)],
  ['a bit flipped in the middle', (d) => flip(d, Math.floor(d.length / 2) + 3)],
  ['the last bit flipped', (d) => flip(d, d.length - 1)],
  ['truncated to half', (d) => d.subarray(0, Math.floor(d.length / 2))],
  ['truncated to nothing', () => Buffer.alloc(0)],
  ['one byte appended', (d) => Buffer.concat([d, Buffer.from([0])])],
  ['garbage of the same length', (d) => Buffer.from(d.map((_, i) => (i * 131 + 7) & 0xff))],
  ['another file\'s entry', (_, i, all) => all[(i + 1) % all.length]],
];

describe('damaged cache entries', () => {
  let first: ReturnType<typeof run>;
  let pristine: Map<string, Buffer>;
  beforeAll(() => {
    first = run();
    pristine = entries('');
  });

  test('a first run caches every module', () => {
    expect(first.stdout).toBe(EXPECTED);
    expect(ours('.js').size).toBe(2);
    expect(ours('.map').size).toBe(2);
    // The program's three modules, and SWC's own files, loaded for the misses.
    expect((NODE_HOOKS ? nodeCompileCache() : ours('.v8')).size).toBeGreaterThanOrEqual(3);
  });

  test('a second run uses every entry as it is', () => {
    const again = run();
    expect(again.stdout).toBe(EXPECTED);
    expect(again.stderr).toBe('');
    expect(entries('')).toEqual(pristine);
  });

  test.each(DAMAGE)('%s: the run is right, the entry is rejected and rebuilt', (what, damage) => {
    const code = [...ours('.js').keys(), ...(NODE_HOOKS ? nodeCompileCache().keys() : ours('.v8').keys())];
    // "Another file's entry" comes from the same cache: the entry of the next file of the same kind.
    const sameKind = (file: string) => code.filter((f) => path.dirname(f) === path.dirname(file) && path.extname(f) === path.extname(file));
    const damaged = new Map(code.map((file) => {
      const kin = sameKind(file);
      return [file, damage(pristine.get(file)!, kin.indexOf(file), kin.map((f) => pristine.get(f)!))];
    }));
    for (const [file, data] of damaged) fs.writeFileSync(file, data);

    const result = run();
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(EXPECTED);
    // Our own check caught them (a foreign entry is sound, just made from another input: a miss).
    const rejected = result.stderr.split('\n').filter(Boolean);
    expect(rejected.every((line) => line.startsWith('cache: rejected '))).toBe(true);
    const ourDamaged = [...damaged.keys()].filter((f) => !f.startsWith(path.join(cache, 'node')));
    expect(rejected).toHaveLength(what === 'another file\'s entry' ? 0 : ourDamaged.length);
    // Every entry was rewritten: SWC's output is deterministic, so its entries are back exactly;
    // V8's code is not byte for byte, so a further run must accept its entries as they are.
    const rebuilt = entries('');
    for (const [file, data] of damaged) expect(rebuilt.get(file)).not.toEqual(data);
    for (const file of ours('.js').keys()) expect(rebuilt.get(file)).toEqual(pristine.get(file));
    const again = run();
    expect(again.stdout).toBe(EXPECTED);
    expect(again.stderr).toBe('');
    expect(entries('')).toEqual(rebuilt);
  });

  test('a damaged source map is rejected and rebuilt under --enable-source-maps', () => {
    expect(run('boom.ts').status).not.toBe(0);
    const [boomMap] = [...ours('.map')].find(([, data]) => data.includes('boom.ts')) ?? [];
    expect(boomMap).toBeDefined();
    const good = fs.readFileSync(boomMap!);
    fs.writeFileSync(boomMap!, flip(good, Math.floor(good.length / 2)));
    const mapped = run('boom.ts', '--enable-source-maps');
    expect(mapped.stderr).toContain(`${path.join(dir, 'boom.ts')}:2`);
    expect(mapped.stderr).toContain(`cache: rejected ${path.join(cache, 'ts')}/${path.basename(boomMap!)}: digest mismatch`);
    expect(fs.readFileSync(boomMap!)).toEqual(good);
  });
});

describe('bounded caches', () => {
  test('an edit replaces the file\'s entry instead of adding one', () => {
    const shade = path.join(dir, 'shade.ts');
    const before = fs.readFileSync(shade, 'utf8');
    const count = ours('').size;
    fs.writeFileSync(shade, `${before}\n// an edit\n`);
    try {
      expect(run().stdout).toBe(EXPECTED);
      expect(ours('').size).toBe(count);
    } finally {
      fs.writeFileSync(shade, before);
    }
  });

  test(`a run that writes an entry trims its cache folder to ${MAX_ENTRIES} entries, oldest first`, () => {
    const ts = path.join(cache, 'ts');
    const old = Date.now() / 1000 - 3600;
    for (let i = 0; i < MAX_ENTRIES + 5; i++) {
      const file = path.join(ts, `filler-${String(i).padStart(4, '0')}.js`);
      fs.writeFileSync(file, '');
      fs.utimesSync(file, old + i, old + i);
    }
    const real = fs.readdirSync(ts).filter((f) => !f.startsWith('filler-'));
    fs.writeFileSync(path.join(dir, 'shade.ts'), `${fs.readFileSync(path.join(dir, 'shade.ts'), 'utf8')}\n// another edit\n`);
    expect(run().stdout).toBe(EXPECTED);
    const left = fs.readdirSync(ts);
    expect(left).toHaveLength(MAX_ENTRIES);
    // The real entries are newer than every filler, so the oldest fillers went.
    expect(left.filter((f) => !f.startsWith('filler-')).sort()).toEqual(real.sort());
    expect(left).not.toContain('filler-0000.js');
    expect(left).toContain(`filler-${String(MAX_ENTRIES + 4).padStart(4, '0')}.js`);
  });

  test('pruneFolder keeps the newest, the kept ones and fresh temporary files', () => {
    const folder = fs.mkdtempSync(path.join(dir, 'prune-'));
    const now = Date.now() / 1000;
    const make = (name: string, age: number) => {
      fs.writeFileSync(path.join(folder, name), name);
      fs.utimesSync(path.join(folder, name), now - age, now - age);
    };
    ['a', 'b', 'c', 'd', 'e'].forEach((name, i) => make(name, 100 - i));
    make('x.1.tmp', 2 * 3600);
    make('y.1.tmp', 10);
    pruneFolder(folder, 3, new Set(['a']));
    // b and c were the oldest not kept; the temporary file of two hours ago was left behind by a crash.
    expect(fs.readdirSync(folder).sort()).toEqual(['a', 'd', 'e', 'y.1.tmp']);
  });

  test('only the caches of the 3 most recent Node versions are kept, this one among them', () => {
    const versions = path.join(cache, NODE_HOOKS ? 'node' : 'v8');
    const [current] = fs.readdirSync(versions);
    const old = Date.now() / 1000 - 3600;
    for (const [i, name] of ['v1.0.0-old', 'v2.0.0-old', 'v3.0.0-old'].entries()) {
      fs.mkdirSync(path.join(versions, name));
      fs.utimesSync(path.join(versions, name), old + i, old + i);
    }
    fs.utimesSync(path.join(versions, current), old - 10, old - 10);
    fs.writeFileSync(path.join(dir, 'shade.ts'), `${fs.readFileSync(path.join(dir, 'shade.ts'), 'utf8')}\n// a third edit\n`);
    expect(run().stdout).toBe(EXPECTED);
    expect(fs.readdirSync(versions).sort()).toEqual([current, 'v2.0.0-old', 'v3.0.0-old'].sort());
  });
});
