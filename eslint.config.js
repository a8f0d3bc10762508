// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'reports/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // The product promise: every process is argv, never a shell string.
      'no-restricted-syntax': [
        'error',
        {
          selector: "Property[key.name='shell'][value.value=true]",
          message: 'shell: true is forbidden; pass argv arrays.',
        },
        {
          selector: "TaggedTemplateExpression[tag.name='execa']",
          message: 'Use argv arrays with execa, not template strings.',
        },
      ],
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'child_process', message: 'Run processes through helpers/exec.ts (execa, argv only).' },
                  { name: 'node:child_process', message: 'Run processes through helpers/exec.ts (execa, argv only).' }] },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
    },
  },
);
