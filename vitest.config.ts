import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { requireSupportedNode } from './src/node-version.js';

// The workers and the servers the tests start run on this process's Node (process.execPath):
// stop here, with one clear line, rather than let better-sqlite3 crash them on a too old one.
requireSupportedNode();

const testDir = fileURLToPath(new URL('./test/', import.meta.url));
const database = join(testDir, 'postgres', 'database.ts');

/** The test/ modules `file` imports by a relative path (`./x.js` is x.ts on disk). */
function localImports(file: string): string[] {
  const specifiers = readFileSync(file, 'utf8').matchAll(/^import [^;]*? from '(\.{1,2}\/[^']+)\.js';/gm);
  return [...specifiers].map((m) => resolve(dirname(file), `${m[1]}.ts`)).filter((f) => f.startsWith(testDir) && existsSync(f));
}

/**
 * The test files that need a PostgreSQL server: those that reach test/postgres/database.ts (a
 * database of the file's own) through their imports. Read from the files themselves, so a new
 * test needs no list to join.
 */
function needPostgres(): string[] {
  const reaches = new Map<string, boolean>();
  const visit = (file: string): boolean => {
    if (file === database) return true;
    if (!reaches.has(file)) {
      reaches.set(file, false); // an import cycle ends here
      reaches.set(file, localImports(file).some(visit));
    }
    return reaches.get(file)!;
  };
  return readdirSync(testDir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.test.ts') && visit(join(testDir, f)))
    .map((f) => join('test', f));
}

const postgresFiles = needPostgres();

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Child-process tests start real servers; keep the 2-core machine from thrashing.
    maxWorkers: 2,
    // The JSON report lets CI print a plain "N passed, N failed" line.
    reporters: ['default', 'json'],
    outputFile: { json: 'test-artifacts/vitest.json' },
    // Two projects so that PostgreSQL starts only when a file that needs it runs: vitest runs a
    // project's globalSetup only when some of its files are selected, so `vitest run
    // test/store/claim-plan.test.ts` starts no database.
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: postgresFiles },
      },
      {
        extends: true,
        // A PostgreSQL for these: TEST_DATABASE_URL's, or a throwaway one it starts.
        test: { name: 'postgres', include: postgresFiles, globalSetup: ['test/postgres/global-setup.ts'] },
      },
    ],
  },
});
