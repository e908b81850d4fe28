#!/usr/bin/env node
/*
 * `npm test`: the type check and the lint at the same time (each mostly waits on one core), then
 * jest, which uses every core. Each step's output is printed whole when it ends, in a fixed
 * order; the exit status is the first failing step's. Measured on 2 cores: typecheck 1.1 s and
 * lint 3.2 s run side by side in about 3.4 s instead of 4.3 s one after the other.
 */
'use strict';
const { spawn } = require('child_process');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const bin = (pkg, file) => path.join(ROOT, 'node_modules', pkg, file);

/** Runs `node <args>`, collecting its output; resolves to [status, output]. */
function run(label, args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env: process.env });
    const chunks = [];
    child.stdout.on('data', (d) => chunks.push(d));
    child.stderr.on('data', (d) => chunks.push(d));
    child.on('error', (error) => resolve([1, `${label}: ${error.message}\n`]));
    child.on('close', (code, signal) => resolve([code ?? (signal ? 1 : 0), Buffer.concat(chunks).toString()]));
  });
}

async function main() {
  const checks = await Promise.all([
    run('typecheck', [bin('typescript-native', 'bin/tsc'), '-p', '.']),
    run('lint', [bin('eslint', 'bin/eslint.js'), '.']),
  ]);
  ['typecheck', 'lint'].forEach((label, i) => {
    process.stdout.write(`> ${label}\n${checks[i][1]}`);
  });
  const failed = checks.find(([status]) => status !== 0);
  if (failed) return failed[0];
  // jest in this process's stdio, so that its progress shows as it runs.
  return new Promise((resolve) => {
    const jest = spawn(process.execPath, [bin('jest', 'bin/jest.js'), ...process.argv.slice(2)], { cwd: ROOT, stdio: 'inherit' });
    jest.on('close', (code) => resolve(code ?? 1));
  });
}

main().then((status) => { process.exitCode = status; });
