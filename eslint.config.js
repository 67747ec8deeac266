import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'bench/results/', 'test-artifacts/', 'scratch/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      // Layers import downward only: the engine and the store never see HTTP.
      'no-restricted-imports': 'off',
    },
  },
  {
    // The dashboard's plain browser module (no bundler): browser globals only.
    files: ['public/**/*.js'],
    languageOptions: {
      sourceType: 'module',
      globals: {
        window: 'readonly', document: 'readonly', location: 'readonly', fetch: 'readonly', sessionStorage: 'readonly',
        AbortController: 'readonly', Blob: 'readonly', URL: 'readonly', TextDecoderStream: 'readonly',
        setTimeout: 'readonly', clearTimeout: 'readonly',
      },
    },
  },
  {
    files: ['src/engine/**', 'src/store/**', 'src/model/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['fastify', '@fastify/*', '**/http/*', '**/app.js'], message: 'engine/store/model must not depend on HTTP' },
      ] }],
    },
  },
  {
    files: ['src/store/**', 'src/model/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['fastify', '@fastify/*', '**/http/*', '**/app.js', '**/engine/*'], message: 'the store and model must not depend on the engine or HTTP' },
      ] }],
    },
  },
  {
    // The store's rules are backend-neutral: only index.ts (which opens one) may name a backend.
    files: ['src/store/*.ts'],
    ignores: ['src/store/index.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['fastify', '@fastify/*', '**/http/*', '**/app.js', '**/engine/*', './sqlite/*', 'better-sqlite3'], message: 'store rules must not depend on a backend, the engine or HTTP' },
      ] }],
    },
  },
  {
    // The typed client ships to callers: it stands alone.
    files: ['src/client/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['../*', 'fastify', '@fastify/*'], message: 'the client depends on nothing of the server' },
      ] }],
    },
  },
  {
    files: ['src/model/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['fastify', '@fastify/*', '**/http/*', '**/app.js', '**/engine/*', '**/store/*', '**/config.js'], message: 'the model depends on nothing but itself' },
      ] }],
    },
  },
);
