/**
 * The server processes of a chaos run: started as the built server (`node dist/server.js`),
 * SIGKILLed, frozen with SIGSTOP, stopped with SIGTERM. Every lifetime and stop is recorded for
 * the checks, and each process's log (JSON lines, LOG_LEVEL=debug) is read for what only the
 * process knows: which writes the store refused it, which attempts it started and which
 * interrupts it wrote.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { attemptKey, type InterruptLine, type ProcessLife, type RefusedWrite } from '../chaos-check.js';
import { sleep } from './options.js';

export interface Server {
  child: ChildProcess;
  url: string;
  life: ProcessLife;
  exited: Promise<string>;
  /** True between SIGSTOP and SIGCONT. */
  stopped: boolean;
  /** False once it exited. */
  alive: boolean;
  /** Set when this script ends it (SIGKILL, SIGTERM): any other exit is a crash. */
  ending: boolean;
}

/** A server process that exited though nothing here ended it. */
export interface Crash {
  pid: number;
  at: number;
  /** Its exit code or signal. */
  how: string;
  /** The end of its stderr. */
  stderr: string;
}

interface LogLine {
  level?: number;
  msg?: string;
  time?: number;
  workflowId?: string;
  stage?: string;
  attempt?: number;
  outcome?: string;
  err?: { type?: string; message?: string; code?: string };
}

export class Processes {
  readonly lives: ProcessLife[] = [];
  /** Lines at warn level or above (other than a workflow's), by message, across every process. */
  readonly warnings = new Map<string, number>();
  /** Writes the store refused to a run that no longer held its claim, from every process's log. */
  readonly refusedWrites: RefusedWrite[] = [];
  /** attemptKey → the pid that logged that attempt's `stage.started` (the one that ran it). */
  readonly starters = new Map<string, number>();
  /** Every `stage.interrupted` a process logged: it committed that interrupt. */
  readonly interrupts: InterruptLine[] = [];
  /** Server processes that exited on their own. */
  readonly crashes: Crash[] = [];
  readonly #live = new Set<Server>();

  constructor(readonly root: string) {}

  /** The processes not killed or stopped yet. */
  get live(): Server[] {
    return [...this.#live];
  }

  async start(env: NodeJS.ProcessEnv): Promise<Server> {
    const startedAt = Date.now();
    // The built server (not tsx): restarts are the bulk of a run, and plain node starts faster.
    const child = spawn(process.execPath, ['dist/server.js'], { cwd: this.root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const life: ProcessLife = { pid: child.pid ?? -1, startedAt, diedAt: null, stops: [] };
    this.lives.push(life);
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-2000);
    });
    const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(String(signal ?? code))));
    const server: Server = { child, url: '', life, exited, stopped: false, alive: true, ending: false };
    this.#live.add(server);
    void exited.then((how) => {
      this.#live.delete(server);
      server.alive = false;
      if (server.ending || !server.url) return;
      life.diedAt ??= Date.now();
      this.crashes.push({ pid: life.pid, at: life.diedAt, how, stderr: stderr.trim() });
    });
    server.url = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout! }).on('line', (text) => {
        let line: LogLine;
        try {
          line = JSON.parse(text) as LogLine;
        } catch {
          return;
        }
        const address = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(line.msg ?? '')?.[1];
        if (address) {
          life.listeningAt = line.time;
          resolve(address);
        }
        this.#read(life.pid, line);
      });
      void exited.then((how) => reject(new Error(`server exited (${how}) before listening; stderr: ${stderr}`)));
    });
    return server;
  }

  #read(pid: number, line: LogLine): void {
    const { workflowId, stage, time } = line;
    if (typeof workflowId === 'string' && typeof time === 'number') {
      // The dispatcher's line for a run whose write was refused (LeaseLostError: debug when the
      // workflow was canceled meanwhile, warn when another claim took it). It tells when a run
      // whose claim was taken away really ended.
      if ((line.level === 20 || line.level === 40) && /lease/.test(line.msg ?? '')) this.refusedWrites.push({ pid, workflowId, at: time });
      // engine/log-events.ts: a process logs the events it committed, just after the commit.
      if (typeof stage === 'string') {
        if (typeof line.attempt === 'number' && line.msg === `${stage} started`) this.starters.set(attemptKey(workflowId, stage, line.attempt), pid);
        if (line.outcome === 'interrupted') this.interrupts.push({ pid, workflowId, stage, at: time });
      }
    }
    // Lines about one workflow echo its events, which the checks read themselves.
    if ((line.level ?? 0) >= 40 && workflowId === undefined) {
      const { err } = line;
      const key = `${line.msg ?? '?'}${err ? ` (${[err.type, err.code, err.message?.slice(0, 120)].filter(Boolean).join(': ')})` : ''}`;
      this.warnings.set(key, (this.warnings.get(key) ?? 0) + 1);
    }
  }

  /** SIGKILL: the process dies where it stands. Its death time bounds the attempts it had running. */
  async kill(server: Server): Promise<void> {
    server.life.diedAt = Date.now();
    server.ending = true;
    server.child.kill('SIGKILL');
    await server.exited;
  }

  /** Freezes the process with SIGSTOP for `ms`, then SIGCONT; the span is recorded on its life. */
  async stall(server: Server, ms: number): Promise<void> {
    const from = Date.now();
    server.stopped = true;
    server.child.kill('SIGSTOP');
    await sleep(ms);
    server.child.kill('SIGCONT');
    server.stopped = false;
    server.life.stops!.push({ from, to: Date.now() });
  }

  /** A graceful stop (SIGTERM); resolves with its exit code (or signal). */
  async terminate(server: Server): Promise<string> {
    server.ending = true;
    server.child.kill('SIGTERM');
    const how = await server.exited;
    server.life.diedAt = Date.now();
    return how;
  }

  /** Whatever still runs: thawed and SIGKILLed (a failed run, Ctrl-C, the time limit). */
  killAll(): void {
    for (const server of this.#live) {
      server.ending = true;
      server.child.kill('SIGCONT');
      server.child.kill('SIGKILL');
    }
  }

  /** killAll, then waits until they are gone. */
  async killAllAndWait(): Promise<void> {
    const all = [...this.#live];
    this.killAll();
    await Promise.all(all.map((s) => s.exited));
  }
}
