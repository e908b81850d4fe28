#!/usr/bin/env node
/*
 * Runs a TypeScript entry point of this project with plain Node: `node scripts/run.js <entry.ts> [args]`.
 * SWC transpiles our .ts files; the JavaScript and V8's compiled code are cached, and every cache
 * entry is verified before it is used. Only documented Node APIs, and no V8 flags:
 *
 * - Node >= 22.15 / 23.5 (runner/hooks.js): `module.registerHooks` hands Node the transpiled
 *   code of each .ts file; `module.enableCompileCache` keeps V8's code (Node checks each entry's
 *   source and content CRC32 and rewrites a bad one).
 * - Node 20 and older 22/23 (runner/node20.js): `require.extensions` (documented, deprecated)
 *   with `vm.Script` and its `cachedData`, `module.require` and `module.createRequire`; the code
 *   cache entries are ours and verified like the transpiled code. Node 20 has no in-thread hooks
 *   for `require` (`module.register` runs its hooks in a worker, which takes 50-75 ms to start).
 *
 * Caches, under node_modules/.cache/payment-mesh-runner (`npm ci` starts them afresh) or
 * $PAYMENT_MESH_CACHE_DIR:
 *   ts/             transpiled code and source maps, an entry per .ts file (runner/cache.js)
 *   v8/<runtime>/   V8 code per module on Node 20, a folder per Node version (runner/cache.js)
 *   node/<version>/ Node's own compile cache on Node >= 22.15, a folder per Node version
 * Bound: at most 1000 entries per folder (after a run that wrote one, the oldest by mtime go
 * first, never one this run used) and the 3 most recently written Node-version folders of v8/
 * and of node/. PAYMENT_MESH_CACHE_DEBUG=1 lists the entries a run found damaged (for Node's
 * compile cache: NODE_DEBUG_NATIVE=COMPILE_CACHE). See docs/development.md.
 *
 * Why not ts-node: it type-checks the ~23k generated lines in imports/ on every run (seconds);
 * tsx (esbuild, no cache) takes about 2.5x as long as this runner. Type errors are caught by
 * `npm run typecheck`, which `npm test` and CI run.
 */
'use strict';
const fs = require('fs');
const Module = require('module');
const path = require('path');
const { EntryStore, MAX_ENTRIES, pruneFolder, pruneVersions } = require('./runner/cache');
const { Transpiler } = require('./runner/transpile');

const ROOT = path.resolve(__dirname, '..');
const CACHE_DIR = process.env.PAYMENT_MESH_CACHE_DIR
  ? path.resolve(process.env.PAYMENT_MESH_CACHE_DIR)
  : path.join(ROOT, 'node_modules', '.cache', 'payment-mesh-runner');
/** Node versions whose caches are kept (CI alone runs three). */
const KEEP_VERSIONS = 3;

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  process.stderr.write('usage: node scripts/run.js <entry.ts> [args...]\n');
  process.exit(2);
}
const entryPath = path.resolve(entry);
if (!fs.existsSync(entryPath)) {
  process.stderr.write(`error: ${entry}: no such file\n`);
  process.exit(2);
}

const tsStore = new EntryStore(path.join(CACHE_DIR, 'ts'));
const transpiler = new Transpiler(tsStore);
const stores = [tsStore];
/** What to trim after a run that wrote a cache entry. */
let prune;
if (typeof Module.registerHooks === 'function') {
  const hooks = require('./runner/hooks');
  const compileCacheDir = path.join(CACHE_DIR, 'node');
  hooks.install(compileCacheDir, transpiler, require.extensions);
  // Node writes its entries at exit, after this: a new module path mostly comes with a new .ts
  // entry of ours (an edit does not add one), so that is when its folders are trimmed.
  prune = () => {
    if (!tsStore.wrote) return;
    for (const folder of hooks.compileCacheFolders(compileCacheDir)) pruneFolder(folder, MAX_ENTRIES);
    // Node names its folder <version>-<arch>-...; if that ever changes, only the marking is lost.
    pruneVersions(compileCacheDir, (name) => name.startsWith(`${process.version}-${process.arch}-`), KEEP_VERSIONS);
  };
} else {
  const node20 = require('./runner/node20');
  const v8Dir = path.join(CACHE_DIR, 'v8');
  const version = node20.RUNTIME.replace(/[^\w.-]+/g, '-');
  const v8Store = new EntryStore(path.join(v8Dir, version));
  stores.push(v8Store);
  node20.install(v8Store, transpiler, require);
  prune = () => {
    if (!v8Store.wrote) return;
    v8Store.prune();
    pruneVersions(v8Dir, (name) => name === version, KEEP_VERSIONS);
  };
}
// Registered after the Node 20 code cache's own exit handler, so it runs after those writes.
process.once('exit', () => {
  if (process.env.PAYMENT_MESH_CACHE_DEBUG) {
    for (const store of stores) for (const line of store.rejected) process.stderr.write(`cache: rejected ${store.dir}/${line}\n`);
  }
  if (tsStore.wrote) tsStore.prune();
  prune();
});

// The entry sees its own path and arguments where a script run by `node` would.
process.argv = [process.argv[0], entryPath, ...args];
require(entryPath);
