#!/usr/bin/env node
/*
 * Runs a TypeScript entry point of this project with plain Node: our `.ts` files are transpiled
 * by SWC on first require and cached by content hash in node_modules/.cache, so after an edit
 * only the edited files are transpiled again. Dependencies load from node_modules as usual.
 *
 * Why not ts-node: it type-checks the ~23k generated lines in imports/ on every run (seconds);
 * type errors are caught by `npm run typecheck` instead, which `npm test` and CI run.
 */
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const Module = require('module');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const CACHE_DIR = path.join(ROOT, 'node_modules', '.cache', 'payment-mesh-ts');
const SWC_OPTIONS = {
  jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};

const SWC_VERSION = require('@swc/core/package.json').version;
/** SWC itself costs ~25 ms to load, so it is required on the first cache miss only. */
let swc;

/** Transpiled JavaScript for `source`, from the cache or from SWC (then cached). */
function transpile(source, filename) {
  // The key covers the source, the file name (it is in the source map) and the transpiler setup.
  const key = crypto.createHash('sha256')
    .update(`${SWC_VERSION}\0${JSON.stringify(SWC_OPTIONS)}\0${filename}\0`).update(source).digest('hex');
  const cached = path.join(CACHE_DIR, `${key}.js`);
  try {
    return fs.readFileSync(cached, 'utf8');
  } catch {
    swc = swc ?? require('@swc/core');
    const { code } = swc.transformSync(source, { ...SWC_OPTIONS, filename });
    fs.mkdirSync(CACHE_DIR, { recursive: true });
    // Write then rename: a concurrent run never reads a half-written entry.
    const partial = `${cached}.${process.pid}.partial`;
    fs.writeFileSync(partial, code);
    fs.renameSync(partial, cached);
    return code;
  }
}

Module._extensions['.ts'] = function loadTypeScript(module, filename) {
  module._compile(transpile(fs.readFileSync(filename, 'utf8'), filename), filename);
};

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  process.stderr.write('usage: node scripts/run.js <entry.ts> [args...]\n');
  process.exit(2);
}
const entryPath = path.resolve(entry);
// Transpiled files carry inline source maps; Node applies them to stack traces only with
// `NODE_OPTIONS=--enable-source-maps` (parsing every map costs ~30 ms on each run otherwise).
process.argv = [process.argv[0], entryPath, ...args];
require(entryPath);
