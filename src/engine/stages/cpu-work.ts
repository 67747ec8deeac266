/**
 * Simulated CPU work for the process stage (a batch's `simulation.processCpuMs`): a busy loop
 * that keeps this thread's CPU busy for about `ms` and returns nothing, so the stage's result is
 * the same with or without it. Tests and the bench use it to make `process` CPU-bound.
 */

/** CPU time of this thread (of the process where Node lacks threadCpuUsage, before 23.9), ms. */
const cpuNow: () => number = typeof process.threadCpuUsage === 'function'
  ? () => {
    const { user, system } = process.threadCpuUsage();
    return (user + system) / 1_000;
  }
  : () => performance.now();

/**
 * Spins until this thread has used `ms` of CPU. CPU time rather than wall time: on a loaded
 * machine the work stays the same size, only slower, as real computation would.
 */
export function burnCpu(ms: number): void {
  if (!(ms > 0)) return;
  const until = cpuNow() + ms;
  let x = 0;
  while (cpuNow() < until) {
    // A few microseconds of arithmetic between clock reads (each read is a system call).
    for (let i = 0; i < 2_000; i++) x = (x * 31 + i) % 1_000_003;
  }
  sink = x;
}

/** Keeps the loop's result observable, so no compiler may drop the loop as dead code. */
export let sink = 0;
