import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Layers import downward only (docs/ARCHITECTURE.md). A later block's patterns replace an earlier
// one's for the files both match, so each block lists everything its files may not import.
const HTTP = ['fastify', '@fastify/*', '**/http/*', '**/app.js'];
// A store backend's folder, from anywhere above the store (from inside it: ./sqlite, ../postgres).
const BACKENDS = ['**/store/sqlite/*', '**/store/postgres/*', '**/store/sqlite', '**/store/postgres'];

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
    // The dashboard's plain browser modules (no bundler). tsc checks their names against the DOM
    // library (tsconfig.public.json), as it does for TypeScript: no-undef would only repeat it.
    files: ['public/**/*.js'],
    languageOptions: { sourceType: 'module' },
    rules: { 'no-undef': 'off' },
  },
  {
    // The engine sees the store's roles (store/store.ts), never a backend.
    files: ['src/engine/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: HTTP, message: 'the engine must not depend on HTTP' },
        { group: BACKENDS, message: 'the engine sees the store\'s roles (store/store.ts), never a backend' },
      ] }],
    },
  },
  {
    // HTTP too (the CLI and service.ts are the top layer: they may open one).
    files: ['src/http/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: BACKENDS, message: 'HTTP sees the store\'s roles (store/store.ts), never a backend' },
      ] }],
    },
  },
  {
    files: ['src/store/**', 'src/model/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: [...HTTP, '**/engine/*'], message: 'the store and model must not depend on the engine or HTTP' },
      ] }],
    },
  },
  {
    // The store's rules, the sequences that apply them (ops/) and the port they speak through
    // (driver.ts) are backend-neutral: only index.ts (which opens one) may name a backend.
    files: ['src/store/*.ts', 'src/store/ops/**'],
    ignores: ['src/store/index.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: [...HTTP, '**/engine/*'], message: 'store rules must not depend on the engine or HTTP' },
        { group: ['**/sqlite/*', '**/postgres/*', '**/db/*', 'better-sqlite3', 'pg'], message: 'store rules must not name a backend' },
      ] }],
    },
  },
  {
    // Generic database and network helpers, below the store and the engine alike.
    files: ['src/db/**', 'src/net/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: [...HTTP, '**/engine/*', '**/store/*', '**/model/*', '**/config.js'], message: 'db/ and net/ depend on nothing of the service' },
      ] }],
    },
  },
  {
    // Traces: the OpenTelemetry SDK and the spans of the work, below the engine and HTTP alike.
    files: ['src/telemetry/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: [...HTTP, '**/engine/*', '**/store/*', '**/model/*', '**/db/*', '**/net/*', '**/config.js'], message: 'telemetry/ depends on nothing of the service' },
      ] }],
    },
  },
  {
    // Configuration validates values with pure parsers from the layers at the bottom only.
    files: ['src/config.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: [...HTTP, '**/engine/*', '**/store/*'], message: 'config.ts depends only on model/, net/ and telemetry/options.ts' },
      ] }],
    },
  },
  {
    // A backend is SQL, row mapping, transactions, group commit and migrations: it applies no rule
    // itself (the sequences in ops/ do, over the port). Types from the rule modules are fine.
    files: ['src/store/sqlite/**', 'src/store/postgres/**'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: [...HTTP, '**/engine/*'], message: 'the store must not depend on the engine or HTTP' },
          {
            group: ['**/transitions.js', '**/cancel-wins.js', '**/claim-plan.js', '**/batch-finish.js'], allowTypeImports: true,
            message: 'a backend applies no rule: the sequences in store/ops/ do, over the port (store/driver.ts)',
          },
          {
            group: ['**/model/flow-limits.js'], importNames: ['withSpec', 'afterClaim', 'flowRoom'],
            message: 'a backend applies no rule: the sequences in store/ops/ do, over the port (store/driver.ts)',
          },
        ],
      }],
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
        { group: [...HTTP, '**/engine/*', '**/store/*', '**/db/*', '**/config.js'], message: 'the model depends on nothing but itself' },
      ] }],
    },
  },
);
