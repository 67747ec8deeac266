/**
 * The process stage's work in a worker thread of the process pool (process-pool.ts): statistics
 * and validation of one client record, after the batch's simulated CPU work. Runs synchronously:
 * a canceled task is stopped by terminating its thread.
 */
import type { MessagePort } from 'node:worker_threads';
import { threadId } from 'node:worker_threads';
import { analyzeClient, type ClientRecord, type ClientReport } from './client-record.js';
import { burnCpu } from './cpu-work.js';

export interface ProcessTask {
  record: ClientRecord;
  cpuMs: number;
  /** Told this thread's id as the task starts (a pool built with `onStart`: tests). */
  port?: MessagePort;
}

export default function processTask(task: ProcessTask): ClientReport {
  if (task.port) {
    task.port.postMessage(threadId);
    task.port.close();
  }
  burnCpu(task.cpuMs);
  return analyzeClient(task.record);
}

// piscina require()s a worker file before it tries import(). Node 24 require()s an ES module
// through a facade whose instantiation aborts the whole process (a CHECK in module_wrap.cc) when
// the pool terminates the thread meanwhile: a pool closed, or a task aborted, while a fresh thread
// still loads this module (3 of 10 runs of 200 pool open/close cycles aborted). A module with a
// top-level await cannot be require()d, so piscina import()s it, and a termination ends that cleanly.
await Promise.resolve();
