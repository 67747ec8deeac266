/** The `clientflow` command (bin/clientflow.js → src/cli.ts): usage and exit codes, and `backup` of a live store. */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { COMMANDS, runCli } from '../src/cli/commands.js';
import { completionScript } from '../src/cli/completion.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { startServer, type ChildServer } from './child-server.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'clientflow.js');

/** Runs the command as a user does (a process of its own, the project's Node first on PATH). */
function clientflow(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, ...env } }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** runCli in this process, its output captured. */
async function run(args: string[], env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    env, out: { write: (t: string) => (stdout += t) }, err: { write: (t: string) => (stderr += t) },
  });
  return { code, stdout, stderr };
}

/** A test's temp dir and the server it started, if any: gone after each test. */
let dir: string | undefined;
let server: ChildServer | undefined;
afterEach(async () => {
  if (server) {
    server.child.kill('SIGKILL');
    await server.exited;
    server = undefined;
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('clientflow', () => {
  it('is the package\'s bin: bin/clientflow.js, executable', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    expect(pkg.bin).toEqual({ clientflow: 'bin/clientflow.js' });
    expect(statSync(BIN).mode & 0o111).not.toBe(0);
    expect(readFileSync(BIN, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });

  it('prints the usage and exits 2 with no command or an unknown one; --help exits 0', async () => {
    const none = await clientflow([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('usage: clientflow <command>');
    expect(none.stderr).toContain('clientflow backup FILE');
    const unknown = await clientflow(['restore']);
    expect(unknown).toMatchObject({ code: 2, stdout: '' });
    expect(unknown.stderr).toContain('unknown command "restore"');
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('usage: clientflow <command>');
    // Inherited names are not commands.
    expect((await run(['toString'])).code).toBe(2);
  });

  it('exits 2 on arguments a command does not take, 1 (one line) when it fails', async () => {
    expect(await run(['backup'])).toMatchObject({ code: 2, stderr: expect.stringContaining('usage: clientflow backup FILE') as unknown });
    expect(await run(['backup', 'a', 'b'])).toMatchObject({ code: 2 });
    expect(await run(['backup', '--force', 'a'])).toMatchObject({ code: 2, stderr: expect.stringContaining("Unknown option '--force'") as unknown });
    const memory = await run(['backup', 'x.db'], { DB_PATH: ':memory:' });
    expect(memory).toMatchObject({ code: 1, stderr: 'clientflow backup: DB_PATH is ":memory:": nothing is stored, so there is nothing to back up\n' });
    const badConfig = await run(['backup', 'x.db'], { RETENTION_DAYS: '-1' });
    expect(badConfig).toMatchObject({ code: 1, stderr: expect.stringContaining('invalid RETENTION_DAYS="-1"') as unknown });
  });

  it('names every command in the usage, with its arguments', async () => {
    const { stdout } = await run(['--help']);
    for (const [name, command] of Object.entries(COMMANDS)) expect(stdout).toContain(`clientflow ${[name, ...command.args].join(' ')}`);
  });
});

describe('clientflow backup', () => {
  it('copies a live SQLite store while its server runs and owns it; refuses to overwrite a file', async () => {
    dir = mkdtempSync(join(tmpdir(), 'clientflow-backup-'));
    const env = { DB_PATH: join(dir, 'live.db'), FETCH_MS: '1', PROCESS_MS: '1', STORE_MS: '1' };
    server = await startServer(env);
    const ids: string[] = [];
    for (const clientIds of [[1, 2], [3]]) {
      const res = await fetch(`${server.url}/v1/batches`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ clientIds }),
      });
      expect(res.status).toBe(202);
      ids.push(((await res.json()) as { id: string }).id);
    }
    const file = join(dir, 'copy.db');
    const first = await clientflow(['backup', file], env);
    expect(first.stderr).toBe('');
    expect(first).toMatchObject({ code: 0 });
    expect(first.stdout).toMatch(new RegExp(`^clientflow backup: wrote ${file} \\(\\d+\\.\\d KiB: 2 batches, 3 workflows\\) from ${env.DB_PATH}\\n$`));
    // The server went on, and still owns its file.
    expect((await fetch(`${server.url}/v1/batches/${ids[0]}`)).status).toBe(200);
    const again = await clientflow(['backup', file], env);
    expect(again).toMatchObject({ code: 1, stdout: '' });
    expect(again.stderr).toContain('already exists: a backup never overwrites a file');
    // The copy is a database of its own that a store opens: the batches are in it.
    const copy = new SqliteStore({ path: file });
    try {
      for (const id of ids) expect(await copy.getBatch(id, Date.now())).not.toBeNull();
      expect((await copy.listWorkflows(ids[0]!, { limit: 10 }))!.items).toHaveLength(2);
    } finally {
      await copy.close();
    }
  });

  it('on PostgreSQL prints the pg_dump and pg_restore commands, the password hidden, and writes nothing', async () => {
    dir = mkdtempSync(join(tmpdir(), 'clientflow-backup-'));
    const file = join(dir, 'cf.dump');
    const { code, stdout, stderr } = await run(['backup', file], {
      DATABASE_URL: 'postgres://cf:s3cret@db.internal:5432/clientflow', DB_SCHEMA: 'tenant_a',
    });
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toContain(`pg_dump --format=custom --schema=tenant_a --file=${file} postgres://cf@db.internal:5432/clientflow\n`);
    expect(stdout).toContain(`pg_restore --no-owner --dbname=postgres://cf@db.internal:5432/clientflow ${file}\n`);
    expect(stdout).toContain('PGPASSWORD');
    expect(stdout).not.toContain('s3cret');
    expect(existsSync(file)).toBe(false);
  });
});

describe('clientflow keys and tenants', () => {
  it('makes, lists and revokes keys and sets quotas in a live store whose server then honours them', async () => {
    dir = mkdtempSync(join(tmpdir(), 'clientflow-keys-'));
    const env = { DB_PATH: join(dir, 'live.db'), AUTH: 'required', FETCH_MS: '1', PROCESS_MS: '1', STORE_MS: '1' };
    server = await startServer(env);
    const made = await clientflow(['keys', 'create', '--tenant', 'acme', '--label', 'ci'], env);
    expect(made).toMatchObject({ code: 0, stderr: '' });
    const [, key] = made.stdout.trim().split('\n');
    expect(key).toMatch(/^cf_[a-z0-9]{12}_[\w-]{43}$/);
    const spare = (await clientflow(['keys', 'create', '--tenant', 'acme'], env)).stdout.trim().split('\n')[1]!;
    const spareId = spare.split('_')[1]!;
    expect(await clientflow(['tenants', 'set', 'acme', '--max-queued', '1'], env)).toMatchObject({ code: 0 });
    const as = (k: string) => ({ authorization: `Bearer ${k}`, 'content-type': 'application/json' });
    // The API commands: a refused key (none here) is exit 3, like an unreachable service; CLIENTFLOW_KEY is sent.
    expect(await clientflow(['list', '--url', server.url], env)).toMatchObject({ code: 3, stderr: expect.stringContaining('401') as unknown });
    expect(await clientflow(['list', '--url', server.url], { ...env, CLIENTFLOW_KEY: key! })).toMatchObject({ code: 0, stderr: '' });
    expect(await (await fetch(`${server.url}/v1/me`, { headers: as(key!) })).json()).toMatchObject({ tenant: 'acme', admin: false });
    const tooMany = await fetch(`${server.url}/v1/batches`, { method: 'POST', headers: as(key!), body: JSON.stringify({ clientIds: [1, 2] }) });
    expect(tooMany.status).toBe(429);
    const listed = await clientflow(['keys', 'list', '--tenant', 'acme'], env);
    expect(listed.stdout).toContain(spareId);
    expect(listed.stdout).not.toContain(key!.slice('cf_'.length + 13));
    expect(await clientflow(['keys', 'revoke', spareId], env)).toMatchObject({ code: 0 });
    // A key the server never read is refused at once; one it read just now it may trust for 10 s
    // more, and the CLI says so rather than promise "at once" (the server hears nothing from it).
    expect((await fetch(`${server.url}/v1/me`, { headers: as(spare) })).status).toBe(401);
    const keyId = key!.split('_')[1]!;
    const revoked = await clientflow(['keys', 'revoke', keyId], env);
    expect(revoked).toMatchObject({ code: 0, stderr: '' });
    expect(revoked.stdout).toBe(`revoked key ${keyId}: every server refuses it within 10 s (a server trusts a key it has read for that long)\n`);
    expect(await clientflow(['keys', 'revoke', spareId], env)).toMatchObject({ code: 1 });
    expect((await clientflow(['tenants', 'list'], env)).stdout).toMatch(/acme\s+\{"maxQueued":1\}/);
  });

  it('sets the schedule quotas: --max-schedules, --min-schedule-interval-ms, --max-schedule-batch (usage and completion list them)', async () => {
    dir = mkdtempSync(join(tmpdir(), 'clientflow-keys-'));
    const env = { DB_PATH: join(dir, 'x.db') };
    const set = await run(['tenants', 'set', 'acme', '--max-queued', '7',
      '--max-schedules', '3', '--min-schedule-interval-ms', '60000', '--max-schedule-batch', '50'], env);
    expect(set).toMatchObject({ code: 0, stderr: '' });
    expect(set.stdout).toContain('"maxSchedules":3,"minScheduleIntervalMs":60000,"maxScheduleBatch":50');
    // Over the quotas already set: the others stay.
    expect(await run(['tenants', 'set', 'acme', '--max-schedules', '4'], env)).toMatchObject({ code: 0 });
    const store = new SqliteStore({ path: env.DB_PATH });
    try {
      expect((await store.getTenant('acme'))?.quotas).toEqual({ maxQueued: 7, maxSchedules: 4, minScheduleIntervalMs: 60_000, maxScheduleBatch: 50 });
    } finally {
      await store.close();
    }
    // The same bounds as PUT /v1/tenants/{id}.
    expect(await run(['tenants', 'set', 'acme', '--min-schedule-interval-ms', '10'], env))
      .toMatchObject({ code: 1, stderr: expect.stringContaining('minScheduleIntervalMs') as unknown });
    expect(await run(['tenants', 'set', 'acme', '--max-schedule-batch', 'many'], env))
      .toMatchObject({ code: 1, stderr: expect.stringContaining('--max-schedule-batch must be an integer') as unknown });
    const options = ['--max-schedules', '--min-schedule-interval-ms', '--max-schedule-batch'];
    const usage = (await run(['--help'])).stdout;
    for (const option of options) {
      expect(usage).toContain(`${option} N`);
      for (const shell of ['bash', 'zsh']) expect(completionScript(shell, COMMANDS)).toContain(option);
    }
  });

  it('sets a tenant\'s retention days (0 keeps forever), keeps its other quotas, and refuses a negative one', async () => {
    dir = mkdtempSync(join(tmpdir(), 'clientflow-keys-'));
    const env = { DB_PATH: join(dir, 'x.db') };
    expect(await run(['tenants', 'set', 'acme', '--max-queued', '5', '--retention-days', '7'], env)).toMatchObject({
      code: 0, stdout: expect.stringContaining('{"maxQueued":5,"retentionDays":7}') as unknown,
    });
    expect(await run(['tenants', 'set', 'acme', '--retention-days', '0'], env)).toMatchObject({ code: 0 });
    expect((await run(['tenants', 'list'], env)).stdout).toMatch(/acme\s+\{"maxQueued":5,"retentionDays":0\}/);
    expect(await run(['tenants', 'set', 'acme', '--retention-days=-1'], env)).toMatchObject({
      code: 1, stderr: expect.stringContaining('retentionDays') as unknown,
    });
    expect(await run(['tenants', 'set', 'acme', '--retention-days', 'forever'], env)).toMatchObject({
      code: 1, stderr: expect.stringContaining('--retention-days must be an integer') as unknown,
    });
    expect((await run(['tenants', 'list'], env)).stdout).toMatch(/acme\s+\{"maxQueued":5,"retentionDays":0\}/);
  });

  it('says what is wrong with a tenant id or a quota, and exits 1', async () => {
    dir = mkdtempSync(join(tmpdir(), 'clientflow-keys-'));
    const env = { DB_PATH: join(dir, 'x.db') };
    expect(await run(['keys', 'create'], env)).toMatchObject({ code: 1, stderr: expect.stringContaining('--tenant must be a tenant id') as unknown });
    expect(await run(['keys', 'create', '--tenant', 'Acme Corp'], env)).toMatchObject({ code: 1 });
    expect(await run(['tenants', 'set', 'acme', '--max-queued', 'lots'], env)).toMatchObject({ code: 1, stderr: expect.stringContaining('--max-queued must be an integer') as unknown });
    expect(await run(['tenants', 'set', 'acme', '--priority-max', '5000'], env)).toMatchObject({ code: 1, stderr: expect.stringContaining('priorityMax') as unknown });
    expect(await run(['tenants', 'set', 'acme', '--priority-min', '5', '--priority-max', '1'], env)).toMatchObject({ code: 1, stderr: expect.stringContaining('priorityMin') as unknown });
    expect(await run(['keys', 'create', '--tenant', 'acme', '--label', 'a\u0000b'], env)).toMatchObject({ code: 1, stderr: expect.stringContaining('--label') as unknown });
    expect(await run(['keys', 'bogus'], env)).toMatchObject({ code: 2 });
  });
});
