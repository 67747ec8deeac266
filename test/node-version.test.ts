/** The Node the service needs (better-sqlite3 13 wants Node-API 10: Node 22.14+; undici 8 wants 22.19+) and the guard that says so. */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MIN_NODE, nodeSupported } from '../src/node-version.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

describe('node version', () => {
  it('compares versions numerically, with or without the v', () => {
    expect(MIN_NODE).toBe('22.19.0');
    for (const v of ['v22.19.0', '22.19.0', 'v22.19.1', 'v22.23.2', 'v23.0.0', 'v24.0.0', 'v24.21.0', 'v26.10.0']) {
      expect(nodeSupported(v), v).toBe(true);
    }
    for (const v of ['v20.20.2', 'v22.12.0', 'v22.13.1', 'v22.18.9', 'v22.14.0', 'v22.9.0', 'v21.99.99', 'v8.0.0']) {
      expect(nodeSupported(v), v).toBe(false);
    }
  });

  it('the tests and the processes they spawn run on a supported Node (the project\'s own 24 via npm)', () => {
    expect(nodeSupported(process.version), process.version).toBe(true);
    const child = spawnSync(process.execPath, ['-p', 'process.version'], { encoding: 'utf8' });
    expect(nodeSupported(child.stdout.trim()), child.stdout).toBe(true);
  });

  it('src/server.ts on a too old Node exits 1 with one line saying so instead of starting', () => {
    // The server as `npm start` runs it, on a Node that says it is 22.13.1.
    const run = spawnSync(process.execPath, [
      '--import', 'tsx', '--input-type=module', '-e',
      "Object.defineProperty(process, 'version', { value: 'v22.13.1' }); await import('./src/server.ts');",
    ], { cwd: ROOT, env: { ...process.env, DB_PATH: ':memory:', PORT: '0' }, encoding: 'utf8', timeout: 30_000 });
    expect(run.status).toBe(1);
    const lines = run.stderr.trim().split('\n').filter((l) => !l.includes('nodedir'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/Node\.js v22\.13\.1 .* is too old: it needs Node\.js 22\.19\.0 or newer/);
  });
});
