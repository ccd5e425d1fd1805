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
    // Layer boundaries inside the backend: cores know nothing of their transport.
    files: ['backend/src/rooms/**', 'backend/src/runs/**', 'backend/src/sessions/**', 'backend/src/previews/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            'express',
            'socket.io',
            'socket.io-client',
            '**/http/**',
            '**/realtime/**',
            '**/cluster/**',
            'ioredis',
            '@socket.io/redis-adapter',
            '@pairpad/executor/*',
            '@pairpad/client',
            '@pairpad/client/*',
          ],
        },
      ],
    },
  },
  {
    // Redis lives in cluster/ (loaded only with REDIS_URL); it knows no HTTP or socket adapter.
    files: ['backend/src/cluster/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['express', '**/http/**', '**/realtime/**', '@pairpad/executor/*', '@pairpad/client', '@pairpad/client/*'] },
      ],
    },
  },
  {
    // Package boundaries: @pairpad/protocol imports nothing of ours and no transport.
    files: ['packages/protocol/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['@pairpad/*', '../../*', 'express', 'socket.io', 'socket.io-client'] }],
    },
  },
  {
    // @pairpad/client (the browser's provider) imports only @pairpad/protocol of ours.
    files: ['packages/client/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            '@pairpad/backend',
            '@pairpad/backend/*',
            '@pairpad/executor',
            '@pairpad/executor/*',
            '../../*',
            'express',
            'socket.io',
          ],
        },
      ],
    },
  },
  {
    // @pairpad/executor ships alone (its own image): it imports nothing of ours.
    files: ['packages/executor/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['@pairpad/*', '../../*'] }],
    },
  },
  {
    // The backend embeds the executor through its public entry only.
    files: ['backend/src/**'],
    ignores: [
      'backend/src/rooms/**',
      'backend/src/runs/**',
      'backend/src/sessions/**',
      'backend/src/cluster/**',
      'backend/src/previews/**',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['@pairpad/executor/*', '@pairpad/client', '@pairpad/client/*', 'ioredis', '@socket.io/redis-adapter'] },
      ],
    },
  },
  {
    // The frontend depends on the protocol and the client, never on the backend or the executor.
    files: ['frontend/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            '@pairpad/backend',
            '@pairpad/backend/*',
            '@pairpad/executor',
            '@pairpad/executor/*',
            '../../backend/*',
            '../../../backend/*',
          ],
        },
      ],
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
