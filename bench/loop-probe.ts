/**
 * Event-loop lag probe for bench case 10, preloaded into the service it measures
 * (`NODE_OPTIONS=--import ./bench/loop-probe.ts`, `BENCH_LOOP_PROBE=<file prefix>`).
 *
 * Why not perf_hooks' histogram (nodejs_eventloop_lag_p99_seconds): it records one sample per
 * timer tick that ran, so a loop held for 50 s yields a single 50 s sample among thousands of
 * quick ones and its p99 stays small. This probe schedules a tick every 10 ms and, when one comes
 * late by d, also records the ticks that should have run meanwhile (d − 10, d − 20, … ms), as
 * HdrHistogram's expected-interval correction does: the percentiles are then shares of time.
 *
 * On SIGWINCH it writes what it recorded since the previous SIGWINCH to `<prefix>.<n>.json` (n = 1,
 * 2, …) and starts afresh: a signal the service ignores (it stops gracefully on SIGUSR2, as
 * close-with-grace does on most signals, and SIGUSR1 would open the inspector). Plain Node (no tsx
 * needed: only erasable TypeScript), main thread only.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';

const INTERVAL_MS = 10;
const prefix = process.env.BENCH_LOOP_PROBE;

if (isMainThread && prefix) {
  /** Recorded lags, whole ms → count. */
  let counts = new Map<number, number>();
  let samples = 0;
  let written = 0;
  const record = (ms: number) => {
    const key = Math.round(ms);
    counts.set(key, (counts.get(key) ?? 0) + 1);
    samples += 1;
  };
  let expected = performance.now() + INTERVAL_MS;
  const tick = () => {
    const now = performance.now();
    const late = Math.max(0, now - expected);
    record(late);
    for (let missed = late - INTERVAL_MS; missed > 0; missed -= INTERVAL_MS) record(missed);
    expected = now + INTERVAL_MS;
    setTimeout(tick, INTERVAL_MS).unref();
  };
  setTimeout(tick, INTERVAL_MS).unref();

  process.on('SIGWINCH', () => {
    const sorted = [...counts].sort((a, b) => a[0] - b[0]);
    const at = (q: number) => {
      let seen = 0;
      for (const [ms, n] of sorted) {
        seen += n;
        if (seen >= q * samples) return ms;
      }
      return sorted.at(-1)?.[0] ?? 0;
    };
    written += 1;
    const file = `${prefix}.${written}.json`;
    // Written whole, then renamed: the reader never sees half a file.
    writeFileSync(`${file}.tmp`, JSON.stringify({ samples, p50Ms: at(0.5), p90Ms: at(0.9), p99Ms: at(0.99), maxMs: sorted.at(-1)?.[0] ?? 0 }));
    renameSync(`${file}.tmp`, file);
    counts = new Map();
    samples = 0;
  });
}
