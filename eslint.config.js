// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// The product promise: every process is argv, never a shell string.
const argvOnly = [
  {
    selector: "Property[key.name='shell'][value.value=true]",
    message: 'shell: true is forbidden; pass argv arrays.',
  },
  {
    selector: "TaggedTemplateExpression[tag.name='execa']",
    message: 'Use argv arrays with execa, not template strings.',
  },
];
const noChildProcess = [
  { name: 'child_process', message: 'Run processes through helpers/exec.ts (execa, argv only).' },
  { name: 'node:child_process', message: 'Run processes through helpers/exec.ts (execa, argv only).' },
];
// A spec's verdict is a lesson check (check(lesson, …)) with expected, seen and a way out; a bare
// `expect` fails without a diagnosis and lands in the report as a harness error.
const noExpect = 'Specs assert with check(lesson, condition, { expected, seen, commonError | next }), never expect.';

export default tseslint.config(
  { ignores: ['node_modules/**', 'reports/**', '.mutants/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      'no-restricted-syntax': ['error', ...argvOnly],
      'no-restricted-imports': ['error', { paths: noChildProcess }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
    },
  },
  {
    // npm run setup's first step runs before node_modules exists: node's own spawnSync (argv, no shell) is all it has.
    files: ['scripts/bootstrap.mjs'],
    languageOptions: { globals: { process: 'readonly' } },
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['specs/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        ...argvOnly,
        { selector: "CallExpression[callee.name='expect']", message: noExpect },
        { selector: "MemberExpression[object.name='expect']", message: noExpect },
      ],
      'no-restricted-imports': [
        'error',
        {
          paths: [...noChildProcess, { name: 'vitest', importNames: ['expect', 'assert'], message: noExpect }],
          patterns: [{ group: ['**/fixtures/*'], importNames: ['expect'], message: noExpect }],
        },
      ],
    },
  },
);
