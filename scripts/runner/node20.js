/*
 * Node 20 (and any Node without `module.registerHooks`): documented, public APIs only.
 * - `require.extensions['.ts']` and `['.js']` (documented, deprecated since Node 0.10 but kept
 *   for exactly this use) hand each CommonJS file to us;
 * - we compile it with `vm.Script` and V8's code cache (`cachedData`, `createCachedData()`),
 *   wrapped in the function the CommonJS wrapper documents
 *   (`exports, require, module, __filename, __dirname`);
 * - its `require` is `module.require` (documented) with `resolve`, `resolve.paths`, `cache`,
 *   `extensions` and `main` taken from `module.createRequire` and the runner's own `require`.
 * The code cache entries are ours (cache.js verifies them; V8's own check of cached data does not
 * cover damage to the payload in release builds, which is how a flipped bit used to give wrong
 * manifests or crashes). A `.js` file in a `"type": "module"` package, one that starts with `#!`,
 * and every `.js` file under `--enable-source-maps` go to Node's own handler. Under
 * `--enable-source-maps` a .ts file is evaluated with indirect `eval`, the one way Node 20
 * applies a source map to code it did not load itself.
 */
'use strict';
const fs = require('fs');
const { createRequire } = require('module');
const path = require('path');
const v8 = require('v8');
const vm = require('vm');
const { entryName, hashOf } = require('./cache');

const WRAPPER_HEAD = '(function (exports, require, module, __filename, __dirname) { ';
const WRAPPER_TAIL = '\n})';
/** What V8's compiled code depends on besides the source. */
const RUNTIME = `${process.version} ${process.arch} ${v8.cachedDataVersionTag()}`;
const dynamicImport = vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER;

/** `require` as the CommonJS loader gives it to a module, built from public APIs. */
function requireFor(module, runnerRequire) {
  const require = (id) => module.require(id);
  let resolver;
  const base = () => (resolver ??= createRequire(module.filename));
  require.resolve = (request, options) => base().resolve(request, options);
  require.resolve.paths = (request) => base().resolve.paths(request);
  require.main = runnerRequire.main;
  require.extensions = runnerRequire.extensions;
  require.cache = runnerRequire.cache;
  return require;
}

/** Whether a .js file is in a `"type": "module"` package scope (memoized per folder). */
function moduleScopeCheck() {
  const byDir = new Map();
  const typeOf = (dir) => {
    let type = byDir.get(dir);
    if (type !== undefined) return type;
    const parent = path.dirname(dir);
    try {
      type = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).type === 'module' ? 'module' : 'commonjs';
    } catch (error) {
      if (error.code !== 'ENOENT' && error.code !== 'ENOTDIR') type = 'commonjs';
      else type = parent === dir || path.basename(dir) === 'node_modules' ? 'commonjs' : typeOf(parent);
    }
    byDir.set(dir, type);
    return type;
  };
  return (filename) => typeOf(path.dirname(filename)) === 'module';
}

/**
 * @param {import('./cache').EntryStore} store  where V8's code goes (a folder per Node version)
 * @param {import('./transpile').Transpiler} transpiler
 * @param {NodeJS.Require} runnerRequire  the runner's own `require` (for `main`, `cache`, `extensions`)
 */
function install(store, transpiler, runnerRequire) {
  const extensions = runnerRequire.extensions;
  const nodeJs = extensions['.js'];
  const pending = [];
  const isModuleScope = moduleScopeCheck();

  /** Runs `code` as `module`; `key` names what the code was made from (its own SHA-256 for a .js file). */
  const evaluate = (module, code, key, filename) => {
    const file = entryName(filename, '.v8');
    const cachedData = store.read(file, 'v8', key);
    const script = new vm.Script(`${WRAPPER_HEAD}${code}${WRAPPER_TAIL}`, { filename, cachedData, importModuleDynamically: dynamicImport });
    if (cachedData === undefined || script.cachedDataRejected) pending.push({ file, key, script });
    const wrapper = script.runInThisContext({ displayErrors: true });
    wrapper.call(module.exports, module.exports, requireFor(module, runnerRequire), module, filename, path.dirname(filename));
  };
  const evaluateWithSourceMap = (module, code, filename) => {
    const wrapper = (0, eval)(`${WRAPPER_HEAD}${code}${WRAPPER_TAIL}\n//# sourceURL=${filename}`);
    wrapper.call(module.exports, module.exports, requireFor(module, runnerRequire), module, filename, path.dirname(filename));
  };

  if (process.sourceMapsEnabled) {
    extensions['.ts'] = (module, filename) => evaluateWithSourceMap(module, transpiler.transpile(filename).code, filename);
    return;
  }
  extensions['.ts'] = (module, filename) => {
    const { code, key } = transpiler.transpile(filename);
    // The transpiled code follows from the transpile key, so V8's entry is keyed by that.
    evaluate(module, code, hashOf(RUNTIME, filename, 'ts', key), filename);
  };
  extensions['.js'] = (module, filename) => {
    if (isModuleScope(filename)) return nodeJs(module, filename);
    const bytes = fs.readFileSync(filename);
    if (bytes[0] === 0x23 && bytes[1] === 0x21) return nodeJs(module, filename); // #!
    return evaluate(module, bytes.toString('utf8'), hashOf(RUNTIME, filename, 'js', bytes), filename);
  };
  // After the run, so that the functions compiled lazily during it are in the cache too.
  process.once('exit', () => {
    for (const { file, key, script } of pending) store.write(file, 'v8', key, script.createCachedData());
  });
}

module.exports = { install, RUNTIME };
