import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  {
    ignores: ['**/node_modules/**', '**/.next/**', '**/dist/**', '**/test-results/**', '**/playwright-report/**', 'frontend/next-env.d.ts'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': 'off',
    },
  },
  {
    // Layer boundaries from DESIGN.md: cores know nothing of their transport.
    files: ['backend/src/rooms/**', 'backend/src/execution/**', 'backend/src/sessions/**', 'backend/src/protocol/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['express', 'socket.io', 'socket.io-client', '**/http/**', '**/realtime/**'] }],
    },
  },
  {
    files: ['backend/src/executor/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['../config', '../config/**', '../protocol', '../protocol/**', '../sessions/**', '../rooms/**', '../realtime/**', '../execution/**', '../http/**', '../client/**'] }],
    },
  },
  {
    // Styles live in CSS modules beside their components (frontend/README.md, "Styles"): a class
    // written as a string matches no rule, since globals.css styles only elements and libraries' DOM.
    files: ['frontend/src/**/*.tsx'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "JSXAttribute[name.name='className'] > Literal",
          message: 'Use a class from a CSS module (styles.x, or ui.x from components/ui.module.css), not a string.',
        },
      ],
    },
  },
);
