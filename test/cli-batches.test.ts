/**
 * The `clientflow` commands that work a running service (submit, watch, status, list, cancel,
 * retry, failed) run as a user runs them — a process of their own, its output not a terminal —
 * against a real server: exit codes by outcome, --json lines that parse, plain lines.
 */
import { execFile, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/commands.js';
import { startServer, type ChildServer } from './child-server.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'clientflow.js');

interface Ran { code: number; stdout: string; stderr: string }

/** Runs `clientflow args` in a process of its own with `input` on its stdin. */
function clientflow(args: string[], input = '', env: Record<string, string> = {}): Promise<Ran> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, CLIENTFLOW_URL: server.url, ...env } }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
    child.stdin!.end(input);
  });
}

const lines = (text: string) => text.trim().split('\n');
const zero = JSON.stringify({ fetchMs: 0, processMs: 0, storeMs: 0 });
const someFail = JSON.stringify({ fetchMs: 0, processMs: 0, storeMs: 0, failStage: 'store', failStageRate: 0.3, seed: 11 });

let server: ChildServer;
let dir: string;
beforeAll(async () => {
  server = await startServer({ DB_PATH: ':memory:' });
  dir = mkdtempSync(join(tmpdir(), 'clientflow-cli-'));
});
afterAll(async () => {
  server.child.kill('SIGKILL');
  await server.exited;
  rmSync(dir, { recursive: true, force: true });
});

describe('clientflow submit and watch', () => {
  it('submits ids given as arguments and, with --watch, prints plain lines and exits 0 when the batch succeeds', async () => {
    const ran = await clientflow(['submit', '1', '2', 'acme-3', '--label', 'cli', '--priority', '5', '--simulation', zero, '--watch']);
    expect(ran.stderr).toBe('');
    expect(ran.code).toBe(0);
    const out = lines(ran.stdout);
    const id = /^batch (\S+) accepted: 3 clients$/.exec(out[0]!)?.[1];
    expect(id).toBeDefined();
    expect(out.at(-1)).toMatch(new RegExp(`^batch ${id} succeeded in [\\d.]+s: 3 succeeded, 0 failed, 0 canceled of 3$`));
    // Plain lines: no terminal escapes without a terminal.
    expect(ran.stdout).not.toContain('\u001b[');
    const status = await clientflow(['status', id!, '--json']);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ id, label: 'cli', priority: 5, progress: { total: 3, succeeded: 3 } });
  });

  it('reads CSV from stdin; a batch with failures exits 1 and names them; every --json line parses', async () => {
    const csv = `clientId,name\n${Array.from({ length: 20 }, (_, i) => `${i + 1},"client ${i + 1}"`).join('\n')}\n`;
    const ran = await clientflow(['submit', '--format', 'csv', '--simulation', someFail, '--watch', '--json'], csv);
    expect(ran.code).toBe(1);
    const docs = lines(ran.stdout).map((l) => JSON.parse(l) as { type?: string; id: string; status: string; progress: { failed: number; total: number } });
    const [first, last] = [docs[0]!, docs.at(-1)!];
    expect(first.progress.total).toBe(20);
    expect(docs.some((d) => d.type === 'stage.failed')).toBe(true);
    expect(docs.at(-2)).toMatchObject({ type: 'batch.finished', status: 'failed' });
    expect(last).toMatchObject({ id: first.id, status: 'failed' });
    const failedCount = last.progress.failed;
    expect(failedCount).toBeGreaterThan(0);
    // Plain: the failures as they happen, then each named at the end.
    const watched = await clientflow(['watch', first.id]);
    expect(watched.code).toBe(1);
    expect(watched.stdout.match(/^failed: client \d+ at store/gm)).toHaveLength(failedCount);
    expect(watched.stdout).toContain('failed workflows');
    const failed = await clientflow(['failed', first.id]);
    expect(failed.code).toBe(0);
    expect(lines(failed.stdout)).toHaveLength(failedCount);
    expect(failed.stdout).toMatch(/^\d+\tstore\tSIMULATED_PERMANENT_FAILURE\t/m);
    const asJson = await clientflow(['failed', first.id, '--json']);
    for (const l of lines(asJson.stdout)) expect(JSON.parse(l)).toMatchObject({ status: 'failed', error: { stage: 'store' } });
    // retry requeues the failed ones; they fail again (the same seed), so --watch exits 1 again.
    const retried = await clientflow(['retry', first.id, '--watch']);
    expect(retried.code).toBe(1);
    expect(retried.stdout).toContain('failed workflows requeued');
  });

  it('exports a batch as NDJSON to stdout or CSV to a file, and lists failures across batches', async () => {
    const submitted = await clientflow(['submit', 'x1', 'x2', 'x3', 'x4', 'x5', '--simulation', someFail, '--watch', '--json']);
    const batch = JSON.parse(lines(submitted.stdout).at(-1)!) as { id: string; progress: { failed: number } };
    expect(batch.progress.failed).toBeGreaterThan(0);
    const ndjson = await clientflow(['export', batch.id]);
    expect(ndjson).toMatchObject({ code: 0, stderr: '' });
    const rows = lines(ndjson.stdout).map((l) => JSON.parse(l) as { clientId: string; status: string });
    expect(rows.map((r) => r.clientId)).toEqual(['x1', 'x2', 'x3', 'x4', 'x5']);
    const file = join(dir, 'results.csv');
    const csv = await clientflow(['export', batch.id, '--format', 'csv', '--output', file]);
    expect(csv).toMatchObject({ code: 0, stderr: `batch ${batch.id} exported to ${file} (csv)\n` });
    const text = readFileSync(file, 'utf8');
    expect(text.split('\r\n')[0]).toMatch(/^workflowId,clientId,status,/);
    expect(text.trimEnd().split('\r\n')).toHaveLength(6);
    // A refused export leaves no file, not even a partial one.
    const missing = join(dir, 'missing.csv');
    expect(await clientflow(['export', '01a24e4d-09ce-7555-b43e-e3afa859ddc7', '--output', missing])).toMatchObject({ code: 1 });
    expect(existsSync(missing) || existsSync(`${missing}.partial`)).toBe(false);
    expect(await clientflow(['export', batch.id, '--format', 'xml'])).toMatchObject({ code: 2 });
    // Across batches: newest failure first, with its batch and time.
    const across = await clientflow(['failed', '--stage', 'store']);
    expect(across.code).toBe(0);
    const ours = lines(across.stdout).filter((l) => l.startsWith(`${batch.id}\t`));
    expect(ours).toHaveLength(batch.progress.failed);
    for (const l of ours) expect(l).toMatch(/\t"x\d"\tstore\tSIMULATED_PERMANENT_FAILURE\t/);
    expect(lines((await clientflow(['failed', '--stage', 'fetch'])).stdout).filter((l) => l.startsWith(batch.id))).toEqual([]);
    expect(await clientflow(['failed', batch.id, '--since', '2026-01-01T00:00:00Z'])).toMatchObject({ code: 2 });
    expect(await clientflow(['failed', batch.id, 'extra'])).toMatchObject({ code: 2 });
  });

  it('reads NDJSON and plain files; list and cancel; --json on each', async () => {
    const ndjson = join(dir, 'ids.ndjson');
    writeFileSync(ndjson, '{"clientId": "a"}\n"b"\n7\n');
    const slow = JSON.stringify({ fetchMs: 60_000 });
    const submitted = await clientflow(['submit', '--file', ndjson, '--simulation', slow, '--json', '--idempotency-key', 'cli-nd']);
    expect(submitted.code).toBe(0);
    const batch = JSON.parse(submitted.stdout) as { id: string; progress: { total: number } };
    expect(batch.progress.total).toBe(3);
    const again = await clientflow(['submit', '--file', ndjson, '--simulation', slow, '--json', '--idempotency-key', 'cli-nd']);
    expect((JSON.parse(again.stdout) as { id: string }).id).toBe(batch.id);
    const listed = await clientflow(['list', '--json', '--limit', '50']);
    expect(lines(listed.stdout).map((l) => (JSON.parse(l) as { id: string }).id)).toContain(batch.id);
    expect((await clientflow(['list'])).stdout).toContain(batch.id);
    const canceled = await clientflow(['cancel', batch.id, '--json']);
    expect(canceled.code).toBe(0);
    expect(JSON.parse(canceled.stdout)).toMatchObject({ id: batch.id });
    const status = await clientflow(['status', batch.id, '--wait']);
    expect(status.code).toBe(1);
    expect(status.stdout).toContain(`batch ${batch.id} canceled`);
    const plain = join(dir, 'ids.txt');
    writeFileSync(plain, '10 11\n12\n');
    const fromFile = await clientflow(['submit', '--file', plain, '--simulation', zero, '--json']);
    expect(JSON.parse(fromFile.stdout)).toMatchObject({ progress: { total: 3 } });
  });

  it('exits 2 on usage mistakes, 1 on a refused request, 3 when the service cannot be reached', async () => {
    expect(await clientflow(['submit', '--format', 'xml', '1'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--format must be one of') as unknown });
    expect(await clientflow(['submit', '1', '--simulation', '{'])).toMatchObject({ code: 2 });
    expect(await clientflow(['status'])).toMatchObject({ code: 2 });
    expect(await clientflow(['submit'], '')).toMatchObject({ code: 2, stderr: expect.stringContaining('no client ids') as unknown });
    const dupes = await clientflow(['submit', '1', '1']);
    expect(dupes).toMatchObject({ code: 1, stderr: expect.stringContaining('clientIds must not repeat') as unknown });
    expect(await clientflow(['status', '01a24e4d-09ce-7555-b43e-e3afa859ddc7'])).toMatchObject({ code: 1, stderr: expect.stringContaining('404') as unknown });
    // A closed port on this host: nothing answers.
    const closed = await clientflow(['list'], '', { CLIENTFLOW_URL: 'http://127.0.0.1:9' });
    expect(closed).toMatchObject({ code: 3, stderr: expect.stringContaining('cannot reach http://127.0.0.1:9') as unknown });
    // In this process: no stdin at all is a usage mistake too.
    const err: string[] = [];
    const code = await runCli(['submit', '--url', server.url], { env: {}, out: { write: () => true }, err: { write: (t: string) => err.push(t) } });
    expect(code).toBe(2);
  });
});

describe('clientflow completion', () => {
  it('bash: completes commands, second words and a command\'s options', async () => {
    const script = (await clientflow(['completion', 'bash'])).stdout;
    const complete = (words: string[]) => new Promise<string>((resolve) => {
      const child = spawn('bash', ['--norc', '-c', `${script}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _clientflow; echo "\${COMPREPLY[*]}"`]);
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.on('close', () => resolve(out.trim()));
    });
    expect((await complete(['clientflow', 'su'])).split(' ')).toEqual(['submit']);
    expect((await complete(['clientflow', 'keys', ''])).split(' ')).toEqual(['create', 'list', 'revoke']);
    expect((await complete(['clientflow', 'submit', '--wa'])).split(' ')).toEqual(['--watch']);
    expect((await complete(['clientflow', 'keys', 'create', '--ten'])).split(' ')).toEqual(['--tenant']);
    expect((await complete(['clientflow', 'ex'])).split(' ')).toEqual(['export']);
    expect((await complete(['clientflow', 'webhooks', ''])).split(' ')).toEqual(['failed', 'redeliver']);
    expect((await complete(['clientflow', 'failed', '--s'])).split(' ')).toEqual(['--stage', '--since']);
    expect(await clientflow(['completion', 'fish'])).toMatchObject({ code: 2 });
  });

  // In a zsh run as a script: compadd and _files (which only work inside a completion widget)
  // print what they are given; the script is sourced as ~/.zshrc would, and autoloaded from $fpath.
  const zsh = spawnSync('zsh', ['--version']).status === 0;
  it.skipIf(!zsh)('zsh: offers commands, second words and options, sourced or autoloaded from $fpath', async () => {
    const script = (await clientflow(['completion', 'zsh'])).stdout;
    expect(script.split('\n')[0]).toBe('#compdef clientflow');
    const fpath = join(dir, 'zfunc');
    mkdirSync(fpath, { recursive: true });
    writeFileSync(join(fpath, '_clientflow'), script);
    const stubs = 'compdef() { print -r -- "compdef: $*"; }; compadd() { print -r -- "$*"; }; _files() { print -r -- files; }';
    const complete = (load: string, words: string[]) => {
      const program = `${stubs}\n${load}\nwords=(${words.map((w) => `'${w}'`).join(' ')}); CURRENT=${words.length}; PREFIX='${words.at(-1)}'; _clientflow`;
      const ran = spawnSync('zsh', ['-f', '-c', program], { encoding: 'utf8' });
      expect(ran.stderr).toBe('');
      return ran.stdout.trim().split('\n');
    };
    const sourced = `source ${join(fpath, '_clientflow')}`;
    const autoloaded = `fpath=(${fpath} $fpath); autoload -U _clientflow`;
    expect(complete(sourced, ['clientflow', ''])).toEqual(['compdef: _clientflow clientflow', expect.stringMatching(/^-- submit .*\bexport\b.*\bwebhooks\b.* help$/)]);
    for (const load of [sourced, autoloaded]) {
      const offered = (words: string[]) => complete(load, words).filter((l) => !l.startsWith('compdef:'));
      expect(offered(['clientflow', 'webhooks', ''])).toEqual(['-- failed redeliver']);
      expect(offered(['clientflow', 'export', '--'])).toEqual(['-- --url --key --json --format --output --status']);
      expect(offered(['clientflow', 'webhooks', 'redeliver', '--'])).toEqual(['-- --url --key --json']);
      expect(offered(['clientflow', 'keys', 'create', '--'])).toEqual(['-- --tenant --admin --label']);
      expect(offered(['clientflow', 'completion', ''])).toEqual(['-- bash zsh']);
      expect(offered(['clientflow', 'export', 'ab'])).toEqual(['files']);
    }
  });
});

describe('npx clientflow', () => {
  it('prints no Node-version warning of npm\'s: the version is checked once, by the command itself', async () => {
    // npx installs a checkout's own bin into its cache (a link and its target), and npm warned
    // about package.json `engines` once for each: twice on every fresh cache. src/node-version.ts
    // is the one check now. The system npm, as a user's shell finds it, with a cache of its own.
    const PATH = (process.env.PATH ?? '').split(delimiter).filter((p) => !p.includes('node_modules')).join(delimiter);
    const cache = join(dir, 'npm-cache');
    const ran = await new Promise<Ran>((resolve) => {
      execFile('npx', ['clientflow', '--help'], { cwd: ROOT, env: { ...process.env, PATH, npm_config_cache: cache } }, (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      });
    });
    expect(ran.stdout).toContain('usage: clientflow <command>');
    expect(ran.stderr).not.toContain('EBADENGINE');
  });
});
