/**
 * Where the process stage's CPU work runs. PROCESS_WORKERS=0: inline, on the event loop (the
 * real statistics take microseconds). PROCESS_WORKERS>0: in that many worker threads (piscina),
 * so CPU-heavy processing cannot delay the HTTP answers, claims and lease renewals that share
 * the event loop. Either way the stage's signal cancels the work: a queued task leaves the queue,
 * a running one has its thread terminated (piscina starts a fresh one) and the promise rejects at once.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { MessageChannel, threadId } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { analyzeClient, type ClientRecord, type ClientReport } from './client-record.js';
import { burnCpu } from './cpu-work.js';
import type { ProcessTask } from './process-worker.js';

export interface ProcessPool {
  /** Worker threads (0: inline). */
  readonly workers: number;
  /** Statistics and validation of one record, after `cpuMs` of simulated CPU work. */
  analyze(input: ClientRecord, signal: AbortSignal, cpuMs?: number): Promise<ClientReport>;
  /** Terminates the threads; tasks still queued or running reject. */
  close(): Promise<void>;
}

export interface ProcessPoolOptions {
  /** Called with the id of the thread a task starts on (tests: where did it run, has it started). */
  onStart?: (threadId: number) => void;
}

/**
 * Inline CPU work runs in slices of at most this many ms, between which the event loop turns and
 * the signal is checked: a long simulated task stays cancellable and cannot starve lease renewals.
 */
export const INLINE_SLICE_MS = 50;

export function createProcessPool(workers: number, options: ProcessPoolOptions = {}): ProcessPool {
  return workers > 0 ? threadPool(workers, options) : inlinePool(options);
}

function inlinePool({ onStart }: ProcessPoolOptions): ProcessPool {
  return {
    workers: 0,
    async analyze(input, signal, cpuMs = 0) {
      signal.throwIfAborted();
      onStart?.(threadId);
      for (let left = cpuMs; left > 0; left -= INLINE_SLICE_MS) {
        burnCpu(Math.min(left, INLINE_SLICE_MS));
        await nextTurn(undefined, { signal });
      }
      return analyzeClient(input);
    },
    async close() {},
  };
}

function threadPool(workers: number, { onStart }: ProcessPoolOptions): ProcessPool {
  const pool = new Piscina<ProcessTask, ClientReport>({
    filename: workerFile().href,
    minThreads: workers,
    maxThreads: workers,
    // One task at a time per thread: a task is synchronous, and aborting it terminates its thread.
    concurrentTasksPerWorker: 1,
  });
  return {
    workers,
    async analyze(input, signal, cpuMs = 0) {
      if (!onStart) return pool.run({ record: input, cpuMs }, { signal });
      const { port1, port2 } = new MessageChannel();
      const told = new Promise<void>((resolve) => port1.once('message', (id: number) => {
        onStart(id);
        resolve();
      }));
      try {
        const report = await pool.run({ record: input, cpuMs, port: port2 }, { signal, transferList: [port2] });
        // Sent before the result, but on another channel: it may still be on its way.
        await told;
        return report;
      } finally {
        port1.close();
      }
    },
    close: () => pool.destroy(),
  };
}

/**
 * The worker module beside this one: the compiled process-worker.js when this is the compiled
 * service (dist/), else the plain process-worker.mjs that loads the TypeScript source through tsx
 * (a worker thread does not inherit the main thread's loader). Decided by this module's own file,
 * so the worker always runs the same code as the main thread.
 */
function workerFile(): URL {
  return new URL(import.meta.url.endsWith('.ts') ? './process-worker.mjs' : './process-worker.js', import.meta.url);
}
