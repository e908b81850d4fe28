#!/usr/bin/env node
/*
 * Runs a TypeScript entry point of this project with plain Node. Two caches in node_modules/.cache,
 * both keyed by content, so an edited file simply misses them:
 * - our `.ts` files are transpiled by SWC on first require and the JavaScript is kept;
 * - V8's compiled code of every CommonJS module is kept (what Node 22's
 *   module.enableCompileCache() does), which saves compiling ~5 MB of JavaScript on every run.
 *
 * Why not ts-node: it type-checks the ~23k generated lines in imports/ on every run (seconds);
 * type errors are caught by `npm run typecheck` instead, which `npm test` and CI run.
 */
'use strict';
// V8's default budget before a function is optimized (67,584 in Node 20) sends much of cdk8s to
// TurboFan within a 3-environment synth, and those compiles and deopts cost more than they save.
// Measured here at 200,000: synth about 25 ms faster, the 300-environment scaling run faster too.
// Set before any of the app's code is compiled; V8 rejects code caches made under other flags.
require('v8').setFlagsFromString('--interrupt-budget=200000');
const crypto = require('crypto');
const fs = require('fs');
const Module = require('module');
const path = require('path');
const vm = require('vm');

const ROOT = path.resolve(__dirname, '..');
const CACHE_DIR = path.join(ROOT, 'node_modules', '.cache', 'payment-mesh-ts');
const CODE_CACHE_DIR = path.join(ROOT, 'node_modules', '.cache', 'payment-mesh-v8');
const SWC_OPTIONS = {
  jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
  module: { type: 'commonjs' },
  // Beside the code, not inline: a map is ~3x the size of its code (1 MB for the Istio imports)
  // and would otherwise be read and hashed on every run, though Node reads it only on demand.
  sourceMaps: true,
};
const SWC_VERSION = require('@swc/core/package.json').version;
/** SWC itself costs ~7 ms to load (see the README on its version), so it is required on the first cache miss only. */
let swc;

/** Writes `data` so that a concurrent run never reads a half-written cache entry. */
function writeAtomically(file, data) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const partial = `${file}.${process.pid}.partial`;
  fs.writeFileSync(partial, data);
  fs.renameSync(partial, file);
}

/** Transpiled JavaScript for `source`, from the cache or from SWC (then cached). */
function transpile(source, filename) {
  // The key covers the source, the file name (it is in the source map) and the transpiler setup.
  // SHA-1 is a cache key here, not a security measure: it hashes the ~5 MB loaded per run fastest.
  const key = crypto.createHash('sha1')
    .update(`${SWC_VERSION}\0${JSON.stringify(SWC_OPTIONS)}\0${filename}\0`).update(source).digest('hex');
  const cached = path.join(CACHE_DIR, `${key}.js`);
  try {
    return fs.readFileSync(cached, 'utf8');
  } catch {
    swc = swc ?? require('@swc/core');
    const { code, map } = swc.transformSync(source, { ...SWC_OPTIONS, filename });
    // Node resolves a relative map URL against the module's own file (the .ts), so point from there.
    const mapUrl = path.relative(path.dirname(filename), `${cached}.map`).split(path.sep).map(encodeURIComponent).join('/');
    writeAtomically(`${cached}.map`, map);
    const withMap = `${code}\n//# sourceMappingURL=${mapUrl}\n`;
    writeAtomically(cached, withMap);
    return withMap;
  }
}

/** Compiled code to save when the process ends (after the run, so lazily compiled functions are in). */
const newCodeCaches = [];
process.once('exit', () => {
  try {
    for (const [file, script] of newCodeCaches) writeAtomically(file, script.createCachedData());
  } catch {
    // Best effort: a cache that cannot be written (read-only or full disk) only costs speed.
  }
});

/** The `require` a CommonJS module gets, as Node builds it. */
function requireFor(module) {
  const require = (id) => module.require(id);
  require.resolve = (request, options) => Module._resolveFilename(request, module, false, options);
  require.resolve.paths = (request) => Module._resolveLookupPaths(request, module);
  require.main = process.mainModule;
  require.cache = Module._cache;
  require.extensions = Module._extensions;
  return require;
}

/** Runs `code` as `module`, reusing V8's compiled code from an earlier run if it has it. */
function runWithCodeCache(module, code, filename) {
  // SHA-1 again only as a cache key; the Node version is in it because V8's cache format is not stable.
  const key = crypto.createHash('sha1').update(`${process.version}\0${filename}\0`).update(code).digest('hex');
  const cacheFile = path.join(CODE_CACHE_DIR, `${key}.v8`);
  let cachedData;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const script = new vm.Script(Module.wrap(code), {
    filename,
    cachedData,
    importModuleDynamically: vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  if (cachedData === undefined || script.cachedDataRejected) newCodeCaches.push([cacheFile, script]);
  const wrapper = script.runInThisContext({ displayErrors: true });
  wrapper.call(module.exports, module.exports, requireFor(module), module, filename, path.dirname(filename));
}

Module._extensions['.ts'] = function loadTypeScript(module, filename) {
  module._compile(transpile(fs.readFileSync(filename, 'utf8'), filename), filename);
};

// With --enable-source-maps Node's own loader must compile, so that it registers the maps.
if (!process.sourceMapsEnabled) {
  Module.prototype._compile = function compileWithCodeCache(code, filename) {
    runWithCodeCache(this, code, filename);
  };
}

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  process.stderr.write('usage: node scripts/run.js <entry.ts> [args...]\n');
  process.exit(2);
}
const entryPath = path.resolve(entry);
// Transpiled files name their source maps; Node applies them to stack traces only with
// `NODE_OPTIONS=--enable-source-maps` (reading and parsing every map costs ~30 ms otherwise).
process.argv = [process.argv[0], entryPath, ...args];
require(entryPath);
