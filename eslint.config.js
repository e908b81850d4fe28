// Lint: TypeScript sources with typescript-eslint (syntax only, fast), tests with eslint-plugin-jest
// so that assertions that cannot fail and focused or disabled tests are errors, and the layers of
// lib/ (see docs/architecture.md) as import boundaries.
const tseslint = require('typescript-eslint');
const jestPlugin = require('eslint-plugin-jest');

/** Relative imports of lib's layers, as `import ... from '../<layer>/...'` from a sibling layer. */
const layer = (names) => `^(\\.\\./)+(${names.join('|')})(/|$)`;
/** Modules that do I/O: the pipeline (lib/synth/) and the commands are the only places allowed to use them. */
const IO_MODULES = ['fs', 'node:fs', 'fs/promises', 'node:fs/promises', 'child_process', 'node:child_process', 'net', 'node:net', 'http', 'node:http', 'https', 'node:https'];

/** `no-restricted-imports` for one layer: the layers above it, cdk8s where it does not belong, and I/O. */
function boundary(files, { above, why, noCdk8s = false, noIo = false }) {
  const patterns = [{ regex: layer(above), message: why }];
  if (noCdk8s) patterns.push({ regex: '^(cdk8s|cdk8s-plus-28|constructs)(/|$)', message: `${why} cdk8s code lives in lib/constructs/ only.` });
  const paths = noIo ? IO_MODULES.map((name) => ({ name, message: 'I/O belongs in lib/synth/ (the pipeline) or lib/cli/ (the commands).' })) : [];
  return { files, rules: { 'no-restricted-imports': ['error', { paths, patterns }] } };
}

module.exports = tseslint.config(
  { ignores: ['node_modules/', 'imports/', 'dist/', 'outputs/', 'argocd/', 'diagrams/', '.build/', 'coverage/'] },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommended],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-new': 'off',
    },
  },
  {
    files: ['**/*.test.ts', 'test/**/*.ts'],
    ...jestPlugin.configs['flat/recommended'],
    rules: {
      ...jestPlugin.configs['flat/recommended'].rules,
      'jest/valid-expect': 'error',
      'jest/no-focused-tests': 'error',
      'jest/no-disabled-tests': 'error',
      'jest/expect-expect': ['error', { assertFunctionNames: ['expect', 'fc.assert'] }],
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  // The layers, bottom to top: model < manifest < constructs, checks < render < synth < cli.
  boundary(['lib/model/**/*.ts'], {
    above: ['manifest', 'constructs', 'checks', 'render', 'synth', 'cli'],
    why: 'lib/model/ is the bottom layer and imports no other layer.', noCdk8s: true, noIo: true,
  }),
  boundary(['lib/manifest/**/*.ts'], {
    above: ['constructs', 'checks', 'render', 'synth', 'cli'],
    why: 'lib/manifest/ (the toolkit for reading manifests) may import only lib/model/.', noCdk8s: true, noIo: true,
  }),
  boundary(['lib/constructs/**/*.ts'], {
    above: ['checks', 'render', 'synth', 'cli'],
    why: 'Constructs only assemble objects from the model; they never import checks, renderers or the pipeline.', noIo: true,
  }),
  boundary(['lib/checks/**/*.ts'], {
    above: ['constructs', 'render', 'synth', 'cli'],
    why: 'Checks read manifests (any manifests, not only ours) and never import the constructs or the pipeline.', noCdk8s: true,
  }),
  boundary(['lib/render/**/*.ts'], {
    above: ['constructs', 'synth', 'cli'],
    why: 'Renderers turn data into text; they never import the constructs or the pipeline.', noCdk8s: true, noIo: true,
  }),
  boundary(['lib/synth/**/*.ts'], { above: ['cli'], why: 'The pipeline never imports the commands.' }),
);
