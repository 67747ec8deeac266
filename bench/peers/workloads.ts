/**
 * The three workloads every peer runs, the same shapes as clientflow's cases, measured the same
 * way whatever the queue: a peer only says how it starts a worker, enqueues, and reports starts
 * and finishes (`Peer`); the clock and the CPU meters are here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { BENCH_DIR } from '../lib.js';
import { ZERO_DELAYS, type StageDelays } from './stages.js';

export type WorkloadName = 'throughput' | 'makespan' | 'latency';

export interface Hooks {
  /** The first stage's handler of workflow `clientId` starts now. */
  started(clientId: number): void;
  /** `count` workflows' last checkpoint is durable now (their last stage's write committed). */
  finished(count: number): void;
}

/** A worker running and a way to enqueue to it: one per workload, on fresh queues. */
export interface Session {
  /** One workflow per id, enqueued the way a user of the queue would: one bulk call. */
  enqueue(clientIds: number[]): Promise<void>;
  /** Starts a meter of the server's CPU (Redis, or this run's PostgreSQL backends): µs since, or null. */
  serverCpu(): Promise<() => Promise<number | null>>;
  /** Stops the worker at once and removes the session's queues or database. */
  close(): Promise<void>;
  /** What a commit survives, read from the server (e.g. "Redis saves nothing to disk"). */
  durability: string;
}

export interface Peer {
  /** e.g. "BullMQ 6.7.0". */
  label: string;
  /** The settings of a workload's worker, in words, for the notes and the README. */
  settings(workload: WorkloadName): string;
  open(workload: WorkloadName, delays: StageDelays, hooks: Hooks): Promise<Session>;
}

export interface Measured {
  workload: WorkloadName;
  settings: string;
  durability: string;
  /** Workflows enqueued, and those whose last checkpoint was durable within the budget. */
  enqueued: number;
  finished: number;
  timedOut: boolean;
  /** First enqueue → last finish (ms). */
  spanMs: number;
  /** First enqueue → the end of the wait: the last finish, or the budget's end when cut. */
  wallMs: number;
  /** How long the enqueue calls took (they overlap the work). */
  enqueueMs: number;
  /** CPU of this process (producer + worker) and of the server, in µs per finished workflow. */
  cpuUsPerWorkflow: number | null;
  serverCpuUsPerWorkflow: number | null;
  /** Latency only: first-start delays in ms, in order. */
  samplesMs?: number[];
}

/** The installed version of a bench package (read from its folder in bench/node_modules: some do not export package.json). */
export function packageVersion(name: string): string {
  return (JSON.parse(readFileSync(join(BENCH_DIR, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * Budgets keep `--peers` to a few minutes: a peer that cannot finish in time reports the rate over
 * what finished (throughput) or a lower bound (makespan), and says so.
 */
export const BUDGET_MS: Record<WorkloadName, number> = { throughput: 50_000, makespan: 40_000, latency: 30_000 };
export const THROUGHPUT = { workflows: 100_000, bulks: 10 };
export const MAKESPAN = { workflows: 10_000, delays: { fetchMs: 200, processMs: 300, storeMs: 100 } satisfies StageDelays };
export const LATENCY = { samples: 200, idleMs: 20 };

/** Counts finishes and wakes whoever waits for a count. */
class Finishes {
  count = 0;
  lastAt = 0;
  #waiter: { target: number; resolve: () => void } | null = null;

  add = (n: number): void => {
    this.count += n;
    this.lastAt = performance.now();
    if (this.#waiter && this.count >= this.#waiter.target) this.#waiter.resolve();
  };

  /** Resolves true when `target` finishes are in, false at `deadline` (a performance.now() time). */
  reach(target: number, deadline: number): Promise<boolean> {
    if (this.count >= target) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#waiter = null;
        resolve(false);
      }, Math.max(0, deadline - performance.now()));
      this.#waiter = { target, resolve: () => {
        clearTimeout(timer);
        this.#waiter = null;
        resolve(true);
      } };
    });
  }
}

/** `promise`'s value, or null if `deadline` (a performance.now() time) comes first; no timer left behind. */
function by<T>(promise: Promise<T>, deadline: number): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => { timer = setTimeout(resolve, Math.max(0, deadline - performance.now()), null); });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);
const perWorkflow = (us: number | null, n: number) => (us === null || n === 0 ? null : Math.round(us / n));

/**
 * Closes a session, bounded: a library that hangs on its way out must not lose the figures. The
 * child exits right after, and the parent removes the session's data whatever happened.
 */
async function close(session: Session): Promise<void> {
  if ((await by(session.close().then(() => true), performance.now() + 20_000)) === null) {
    process.stderr.write('bench: the session did not close within 20 s; going on\n');
  }
}

/** Enqueues `bulks` (as separate calls, in order) and waits for every workflow's finish or the budget. */
async function batchRun(peer: Peer, workload: 'throughput' | 'makespan', delays: StageDelays, bulks: number[][]): Promise<Measured> {
  const finishes = new Finishes();
  const session = await peer.open(workload, delays, { started: () => undefined, finished: finishes.add });
  try {
    const enqueued = bulks.reduce((n, b) => n + b.length, 0);
    const serverCpu = await session.serverCpu();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (const bulk of bulks) await session.enqueue(bulk);
    const enqueueMs = performance.now() - t0;
    const done = await finishes.reach(enqueued, t0 + BUDGET_MS[workload]);
    const endAt = performance.now();
    const cpu = process.cpuUsage(cpu0);
    const serverUs = await serverCpu();
    return {
      workload, settings: peer.settings(workload), durability: session.durability, enqueued, finished: finishes.count, timedOut: !done,
      spanMs: finishes.count ? finishes.lastAt - t0 : NaN, wallMs: endAt - t0, enqueueMs,
      cpuUsPerWorkflow: perWorkflow(cpu.user + cpu.system, finishes.count), serverCpuUsPerWorkflow: perWorkflow(serverUs, finishes.count),
    };
  } finally {
    await close(session);
  }
}

/** 100,000 zero-delay workflows in ten bulks of 10,000 (as clientflow's case 3 submits ten batches). */
export function throughput(peer: Peer): Promise<Measured> {
  const size = THROUGHPUT.workflows / THROUGHPUT.bulks;
  return batchRun(peer, 'throughput', ZERO_DELAYS, range(0, THROUGHPUT.bulks).map((b) => range(1 + b * size, size)));
}

/** 10,000 workflows at 200/300/100 ms, one bulk (clientflow's case 2 is one batch). */
export function makespan(peer: Peer): Promise<Measured> {
  return batchRun(peer, 'makespan', MAKESPAN.delays, [range(1, MAKESPAN.workflows)]);
}

/**
 * One workflow at a time into an idle worker: enqueue → its first stage's handler starts. Each
 * sample waits for the previous workflow to finish and then `idleMs`, so the worker has gone back
 * to waiting (a blocking pop, a LISTEN, a poll) — the state a lone POST meets.
 */
export async function latency(peer: Peer): Promise<Measured> {
  const finishes = new Finishes();
  let onStart: ((at: number) => void) | null = null;
  const session = await peer.open('latency', ZERO_DELAYS, {
    started: () => onStart?.(performance.now()),
    finished: finishes.add,
  });
  try {
    const samplesMs: number[] = [];
    const serverCpu = await session.serverCpu();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const deadline = t0 + BUDGET_MS.latency;
    let timedOut = false;
    for (let id = 1; id <= LATENCY.samples; id++) {
      await sleep(LATENCY.idleMs);
      // Listen before enqueueing: a worker may start the job before the enqueue call returns.
      const started = new Promise<number>((resolve) => { onStart = resolve; });
      const sent = performance.now();
      await session.enqueue([id]);
      const startedAt = await by(started, deadline);
      if (startedAt === null || !(await finishes.reach(id, deadline))) {
        timedOut = true;
        break;
      }
      samplesMs.push(startedAt - sent);
    }
    const cpu = process.cpuUsage(cpu0);
    const serverUs = await serverCpu();
    return {
      workload: 'latency', settings: peer.settings('latency'), durability: session.durability, enqueued: samplesMs.length + (timedOut ? 1 : 0), finished: finishes.count,
      timedOut, spanMs: performance.now() - t0, wallMs: performance.now() - t0, enqueueMs: 0, samplesMs,
      cpuUsPerWorkflow: perWorkflow(cpu.user + cpu.system, finishes.count), serverCpuUsPerWorkflow: perWorkflow(serverUs, finishes.count),
    };
  } finally {
    await close(session);
  }
}

export const WORKLOADS: Record<WorkloadName, (peer: Peer) => Promise<Measured>> = { throughput, makespan, latency };
