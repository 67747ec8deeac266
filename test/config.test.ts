import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { bodyLimit, loadConfig } from '../src/config.js';
import { parseFlowLimits } from '../src/model/flow-limits.js';

describe('config', () => {
  it('has the documented defaults', () => {
    expect(loadConfig({})).toMatchObject({
      PORT: 3000, HOST: '127.0.0.1', DB_PATH: './data/clientflow.db', CONCURRENCY: 50,
      FETCH_MS: 2000, PROCESS_MS: 3000, STORE_MS: 1000, MAX_BATCH_SIZE: 10_000, LOG_LEVEL: 'info',
    });
  });

  it('converts numbers from the environment', () => {
    expect(loadConfig({ CONCURRENCY: '7', FETCH_MS: '0' })).toMatchObject({ CONCURRENCY: 7, FETCH_MS: 0 });
  });

  it.each([
    ['CONCURRENCY', 'abc', /CONCURRENCY.*integer/],
    ['CONCURRENCY', '0', /CONCURRENCY.*integer from 1/],
    ['PORT', '70000', /PORT.*integer from 0 to 65535/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL.*one of/],
    ['DB_SYNC', 'sometimes', /DB_SYNC.*full, normal/],
  ])('rejects %s=%s naming the variable', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });

  it('parses FLOW_LIMITS (rates per s, m, h or n ms, conc, burst) and refuses a bad one in one line naming the entry', () => {
    expect(parseFlowLimits(' crm:acme=500/s,conc=50 ; crm:globex=10/m,burst=20;x=3/250ms;only=conc=2 ')).toEqual([
      { key: 'crm:acme', spec: { rate: 500, periodMs: 1000, concurrency: 50, burst: null } },
      { key: 'crm:globex', spec: { rate: 10, periodMs: 60_000, concurrency: null, burst: 20 } },
      { key: 'x', spec: { rate: 3, periodMs: 250, concurrency: null, burst: null } },
      { key: 'only', spec: { rate: null, periodMs: null, concurrency: 2, burst: null } },
    ]);
    expect(loadConfig({ FLOW_LIMITS: 'crm:acme=500/s' }).FLOW_LIMITS).toBe('crm:acme=500/s');
    for (const [bad, names] of [
      ['CRM:acme=5/s', /"CRM:acme=5\/s" has no valid key/], ['a=5/s;a=conc=1', /repeats its key/], ['a=5/week', /part "5\/week"/],
      ['a=0/s', /rate of zero/], ['a=conc=1,burst=4', /burst without a rate/], ['a=5/0ms', /rate of zero/],
    ] as const) {
      expect(() => loadConfig({ FLOW_LIMITS: bad })).toThrow(names);
      expect(() => loadConfig({ FLOW_LIMITS: bad })).toThrow(/^invalid FLOW_LIMITS="[^\n]*$/);
    }
  });

  it('never prints a DATABASE_URL it refuses (it may hold a password), and runs api or worker only on PostgreSQL', () => {
    expect(() => loadConfig({ DATABASE_URL: 'postgress://u:hunter2@db/x' })).toThrow(/^invalid DATABASE_URL=\(hidden\): expected a string matching/);
    expect(() => loadConfig({ DATABASE_URL: 'postgress://u:hunter2@db/x' })).not.toThrow(/hunter2/);
    expect(() => loadConfig({ RUN_MODE: 'api' })).toThrow(/RUN_MODE=api.*DATABASE_URL/);
    expect(loadConfig({ RUN_MODE: 'worker', DATABASE_URL: 'postgres://db/x' })).toMatchObject({ RUN_MODE: 'worker', DB_SCHEMA: 'public' });
    expect(() => loadConfig({ DB_SCHEMA: 'a;drop' })).toThrow(/DB_SCHEMA/);
  });

  it('admits a full batch of the longest ids in the body limit, and not 10 MB', () => {
    const longest = JSON.stringify({ clientIds: Array.from({ length: 10_000 }, (_, i) => `${i}`.padStart(128, '語')) });
    expect(Buffer.byteLength(longest)).toBeLessThanOrEqual(bodyLimit(10_000));
    expect(bodyLimit(10_000)).toBeLessThan(10 * 1024 * 1024);
  });

  it('a bad value stops the server with exit 1 and one line naming the variable', () => {
    const root = fileURLToPath(new URL('..', import.meta.url));
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      cwd: root, env: { ...process.env, CONCURRENCY: 'lots', DB_PATH: ':memory:' }, encoding: 'utf8', timeout: 30_000,
    });
    expect(run.status).toBe(1);
    const lines = run.stderr.trim().split('\n').filter((l) => !l.includes('nodedir'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/CONCURRENCY="lots".*integer/);
  });
});
