/**
 * `npm run chaos`: one large batch with injected transient failures, run by the real server while
 * this script SIGKILLs and restarts it (`--rounds`) and freezes it with SIGSTOP for longer than
 * its lease (`--stalls`). Then it checks, from the HTTP API and the batch's event log, that every
 * accepted workflow finished exactly once with one result, that no two attempts of a stage ran at
 * once, and that the batch's counters equal its rows (scripts/chaos-check.ts). It prints a table,
 * writes the JSON summary to bench/results/ and exits 1 when any check fails or the run passes
 * `--time-limit`.
 *
 *   npm run chaos -- --rounds=50 --stalls=3 --clients=2000 --seed=42
 *   npm run chaos -- --postgres --replicas=3 --rounds=10 --clients=3000 --seed=42
 *
 * SQLite (scripts/chaos/sqlite.ts): one server on a file in a temp dir. PostgreSQL
 * (scripts/chaos/postgres.ts): replicas on one database of a throwaway server, or a temp database
 * on DATABASE_URL's. Only 127.0.0.1; whatever the run made is removed at the end.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunContext } from './chaos/context.js';
import { log, parseArgs, prng } from './chaos/options.js';
import { runPostgres } from './chaos/postgres.js';
import { Processes } from './chaos/processes.js';
import { failures, printReport, writeSummary, type Report } from './chaos/report.js';
import { runSqlite } from './chaos/sqlite.js';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));

const processes = new Processes(ROOT);
const undo: Array<() => Promise<void> | void> = [];
let cleaning: Promise<void> | null = null;

/** Kills the servers, then undoes what the run made, last first; once. */
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    await processes.killAllAndWait();
    for (let step = undo.pop(); step; step = undo.pop()) {
      try {
        await step();
      } catch (e) {
        process.stderr.write(`chaos: cleanup: ${e instanceof Error ? e.message : String(e)}\n`);
      }
    }
  })();
  return cleaning;
}

let exiting = false;

/** Ends the process after the cleanup, or after 20 s if the cleanup itself hangs; the first call's code wins. */
function exitAfterCleanup(code: number): void {
  if (exiting) return;
  exiting = true;
  setTimeout(() => process.exit(code), 20_000).unref();
  void cleanup().finally(() => process.exit(code));
}

async function main(): Promise<number> {
  const o = parseArgs(process.argv.slice(2));
  const began = Date.now();
  const limit = setTimeout(() => {
    process.stderr.write(`chaos: the run passed its time limit of ${o.timeLimitS} s (--time-limit): failed\n`);
    exitAfterCleanup(1);
  }, o.timeLimitS * 1000);
  log(o.store === 'postgres'
    ? `chaos --postgres: ${o.replicas} replicas, ${o.clients} clients, ${o.rounds} SIGKILL rounds, ${o.stalls} SIGSTOP stall(s), `
      + `LEASE_MS=${o.leaseMs}, CONCURRENCY=${o.concurrency} each, seed ${o.seed} (repeat with --postgres --seed=${o.seed})`
    : `chaos: ${o.clients} clients, ${o.rounds} SIGKILL rounds, ${o.stalls} SIGSTOP stalls, LEASE_MS=${o.leaseMs}, `
      + `CONCURRENCY=${o.concurrency}, seed ${o.seed} (repeat with --seed=${o.seed})`);

  log('building dist/ (restarts run the built server)…');
  const build = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
    cwd: ROOT, stdio: 'inherit',
  });
  if (build.status !== 0) throw new Error('build failed');

  const ctx: RunContext = { root: ROOT, began, random: prng(o.seed), processes, defer: (step) => undo.push(step) };
  let run: Omit<Report, 'wallMs'>;
  try {
    run = await (o.store === 'postgres' ? runPostgres(o, ctx) : runSqlite(o, ctx));
  } finally {
    await cleanup();
    clearTimeout(limit);
  }

  const report: Report = { ...run, wallMs: Date.now() - began };
  // An unfinished batch shows as lost workflows; a graceful stop that fails is a failure too.
  const failed = failures(report);
  printReport(report);
  log(`\nJSON summary: ${writeSummary(ROOT, report)}`);
  log(failed === 0 ? 'chaos: every check passed' : `chaos: ${failed} failure(s)`);
  return failed === 0 ? 0 : 1;
}

// Ctrl-C: leave no frozen or running server, no database and no temp dir behind. `on`, not
// `once`: a terminal signals the whole group and tsx relays it again, and a second SIGINT without
// a listener would end the process before the cleanup is done.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => exitAfterCleanup(130));
}

main().then((code) => exiting || process.exit(code), (e: unknown) => {
  const cause = e instanceof Error && e.cause !== undefined ? ` (cause: ${String((e.cause as Error).message ?? e.cause)})` : '';
  process.stderr.write(`chaos: ${e instanceof Error ? e.stack ?? e.message : String(e)}${cause}\n`);
  for (const c of processes.crashes) process.stderr.write(`chaos: server pid ${c.pid} had exited on its own (${c.how}); stderr:\n${c.stderr || '(empty)'}\n`);
  exitAfterCleanup(2);
});
