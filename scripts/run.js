#!/usr/bin/env node
/*
 * Runs a TypeScript entry point of this project: esbuild bundles our own sources in memory
 * (dependencies stay external, loaded from node_modules) and Node executes the bundle.
 *
 * Why not ts-node: it type-checks the ~23k generated lines in imports/ on every run (seconds);
 * type errors are caught by `npm run typecheck` instead, which `npm test` and CI run.
 */
'use strict';
const Module = require('module');
const path = require('path');
const esbuild = require('esbuild');

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  process.stderr.write('usage: node scripts/run.js <entry.ts> [args...]\n');
  process.exit(2);
}
const entryPath = path.resolve(entry);
const { outputFiles } = esbuild.buildSync({
  entryPoints: [entryPath],
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  packages: 'external',
  sourcemap: 'inline',
  sourcesContent: false,
  write: false,
  logLevel: 'error',
});

process.setSourceMapsEnabled(true);
process.argv = [process.argv[0], entryPath, ...args];
const bundle = new Module(entryPath, module);
bundle.filename = entryPath;
bundle.paths = Module._nodeModulePaths(path.dirname(entryPath));
bundle._compile(outputFiles[0].text, entryPath);
