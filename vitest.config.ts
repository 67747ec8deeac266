import { defineConfig } from 'vitest/config';
import { requireSupportedNode } from './src/node-version.js';

// The workers and the servers the tests start run on this process's Node (process.execPath):
// stop here, with one clear line, rather than let better-sqlite3 crash them on a too old one.
requireSupportedNode();

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Child-process tests start real servers; keep the 2-core machine from thrashing.
    maxWorkers: 2,
    // A PostgreSQL for the tests that need one: TEST_DATABASE_URL's, or a throwaway one it starts.
    globalSetup: ['test/postgres/global-setup.ts'],
    // The JSON report lets CI print a plain "N passed, N failed" line.
    reporters: ['default', 'json'],
    outputFile: { json: 'test-artifacts/vitest.json' },
  },
});
