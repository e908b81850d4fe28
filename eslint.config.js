// Lint: TypeScript sources with typescript-eslint (syntax only, fast), and tests with
// eslint-plugin-jest so that assertions that cannot fail (e.g. `expect(x).toBeDefined` without
// the call) and focused or disabled tests are errors.
const tseslint = require('typescript-eslint');
const jest = require('eslint-plugin-jest');

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
    ...jest.configs['flat/recommended'],
    rules: {
      ...jest.configs['flat/recommended'].rules,
      'jest/valid-expect': 'error',
      'jest/no-focused-tests': 'error',
      'jest/no-disabled-tests': 'error',
      'jest/expect-expect': ['error', { assertFunctionNames: ['expect', 'fc.assert'] }],
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
);
