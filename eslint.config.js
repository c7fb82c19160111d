// Lint for the server, browser and test code: typescript-eslint's strict type-checked rules.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  { ignores: ['dist/', 'node_modules/', 'public/', 'data/', 'uploads/', 'bench/results/', 'scripts/'] },
  js.configs.recommended,
  tseslint.configs.strictTypeChecked,
  {
    // A disable comment that no longer silences anything is an error, so none outlive their reason.
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    languageOptions: {
      parserOptions: {
        // This file is not in any tsconfig; lint it with the project service's default program.
        projectService: { allowDefaultProject: ['eslint.config.js'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // A leading underscore marks a value left unused on purpose (handler parameters a signature
      // requires, loop counters, keys dropped from a rest copy).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      // Numbers in messages and log lines read fine; objects and undefined do not.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      // `x => void send(x)` style shorthands are clear, and so is Express's `return next()` in a
      // function that returns nothing; braces add nothing.
      '@typescript-eslint/no-confusing-void-expression': [
        'error',
        { ignoreArrowShorthand: true, ignoreVoidReturningFunctions: true },
      ],
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            {
              from: 'package',
              package: 'node:test',
              name: ['describe', 'it', 'test', 'before', 'after', 'beforeEach', 'afterEach'],
            },
          ],
        },
      ],
    },
  },
  {
    // Tests state what they expect with `!` after checking it exists.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  {
    // Mongoose types a schema path's options as its SchemaTypeOptions class, yet schemas are
    // written (as its documentation shows) with object literals.
    files: [
      'src/store/models.ts',
      'test/embedded-db/mongoose-conformance.test.ts',
      'test/embedded-db/mongoose-login-flow.test.ts',
      'test/embedded-db/geo-mongoose.test.ts',
    ],
    rules: { '@typescript-eslint/no-unsafe-class-instance-assignment': 'off' },
  },
  {
    // The browser code has its own tsconfig (DOM lib, bundler resolution), which the project
    // service cannot find by name: point the parser at it.
    files: ['src/client/**/*.ts'],
    languageOptions: {
      globals: globals.browser,
      parserOptions: { projectService: false, project: './tsconfig.client.json' },
    },
  },
  {
    files: ['src/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts', 'support/**/*.ts'],
    ignores: ['src/client/**'],
    languageOptions: { globals: globals.node },
  },
);
