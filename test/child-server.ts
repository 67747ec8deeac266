/**
 * Runs the real server (src/server.ts) as a child process, as `npm start` would, and lets a test
 * wait on its log lines: events, not sleeps.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface LogLine {
  msg?: string;
  [key: string]: unknown;
}

export interface ChildServer {
  url: string;
  child: ChildProcess;
  /** Resolves with the first line (already seen or future) that matches. */
  waitForLog: (match: (line: LogLine) => boolean) => Promise<LogLine>;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  exited: Promise<number | string>;
}

export interface SpawnedServer extends Omit<ChildServer, 'url'> {
  /** Everything the process wrote to stderr so far. */
  stderr: () => string;
}

/** Starts the server and resolves once it listens. */
export async function startServer(env: Record<string, string>): Promise<ChildServer> {
  const server = spawnServer(env);
  const listening = await server.waitForLog((l) => typeof l.msg === 'string' && l.msg.startsWith('Server listening at'));
  const url = /Server listening at (http:\/\/[^\s,]+)/.exec(String(listening.msg))?.[1];
  if (!url) throw new Error(`no address in ${String(listening.msg)}`);
  return { url, child: server.child, waitForLog: server.waitForLog, exited: server.exited };
}

/** Starts the server without waiting for it to listen (it may refuse to start). */
export function spawnServer(env: Record<string, string>): SpawnedServer {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: LogLine[] = [];
  const waiters: Array<{ match: (l: LogLine) => boolean; resolve: (l: LogLine) => void }> = [];
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  createInterface({ input: child.stdout! }).on('line', (text) => {
    let line: LogLine;
    try {
      line = JSON.parse(text) as LogLine;
    } catch {
      line = { msg: text };
    }
    lines.push(line);
    for (const w of [...waiters]) {
      if (w.match(line)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  });
  const exited = new Promise<number | string>((resolve) => {
    child.on('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
  });
  const waitForLog = (match: (line: LogLine) => boolean) => {
    const seen = lines.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise<LogLine>((resolve, reject) => {
      waiters.push({ match, resolve });
      void exited.then((code) => reject(new Error(`server exited (${code}) before the expected log line; stderr: ${stderr}`)));
    });
  };
  return { child, waitForLog, exited, stderr: () => stderr };
}
