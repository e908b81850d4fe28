/*
 * Node >= 22.15 (and 23.5+): Node's own facilities.
 * - `module.registerHooks` (synchronous, in-thread customization hooks): a load hook hands Node
 *   the transpiled JavaScript of every .ts file as CommonJS;
 * - `require.extensions['.ts'] = require.extensions['.js']`, the documented way to make
 *   CommonJS resolution try `.ts` (require.extensions is deprecated, but this use is its example);
 * - `module.enableCompileCache`: Node keeps V8's compiled code of every module (ours and
 *   node_modules'). Node verifies each entry before use (src/compile_cache.cc): a magic number,
 *   the size and CRC32 of the source it was made from, and the size and CRC32 of the cached
 *   bytes; a failed check is a miss and the entry is rewritten at exit. CRC32 detects every
 *   single-bit flip, every truncation (the size check) and a foreign entry (the source check);
 *   the tests flip bits in these entries to keep that true.
 */
'use strict';
const fs = require('fs');
const Module = require('module');
const path = require('path');
const { fileURLToPath } = require('url');

/**
 * @param {string} compileCacheDir folder for Node's compile cache
 * @param {import('./transpile').Transpiler} transpiler
 * @param {NodeJS.Require['extensions']} extensions  `require.extensions`
 */
function install(compileCacheDir, transpiler, extensions) {
  if (!process.env.NODE_DISABLE_COMPILE_CACHE) Module.enableCompileCache(compileCacheDir);
  // The documented way to make CommonJS resolution try an extension (the docs' `.sjs` example):
  // `./x` then finds `x.ts` for `require` and `require.resolve` alike, and Node's .js handler
  // loads it through the load hook below. (Node 22's `require.resolve` bypasses resolve hooks.)
  extensions['.ts'] ??= extensions['.js'];
  Module.registerHooks({
    load(url, context, nextLoad) {
      if (!url.startsWith('file:') || !url.endsWith('.ts')) return nextLoad(url, context);
      return { format: 'commonjs', source: transpiler.transpile(fileURLToPath(url)).code, shortCircuit: true };
    },
  });
}

/** Folders of Node's compile cache, one per Node version; see run.js for the bound. */
function compileCacheFolders(compileCacheDir) {
  try {
    return fs.readdirSync(compileCacheDir, { withFileTypes: true }).filter((d) => d.isDirectory())
      .map((d) => path.join(compileCacheDir, d.name));
  } catch {
    return [];
  }
}

module.exports = { install, compileCacheFolders };
