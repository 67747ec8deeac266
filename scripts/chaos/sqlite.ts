/**
 * The SQLite mode: one server process on a file in a temp dir, SIGKILLed and restarted on the
 * same file each round, and frozen with SIGSTOP past its lease in `--stalls` of the rounds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { checkChaos } from '../chaos-check.js';
import { getBatch, listWorkflows, percentFinished, postBatch, readEvents } from './api.js';
import { between, type RunContext } from './context.js';
import { chaosBatch, log, seconds, sleep, stallRounds, type Options } from './options.js';
import type { Report, RoundLog } from './report.js';

export async function runSqlite(o: Options, ctx: RunContext): Promise<Omit<Report, 'wallMs'>> {
  const { processes, random, began } = ctx;
  const dir = mkdtempSync(join(tmpdir(), 'clientflow-chaos-'));
  ctx.defer(() => rmSync(dir, { recursive: true, force: true }));
  const dbPath = join(dir, 'clientflow.db');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_OPTIONS: '', // tsx's loader flags from this process are not the server's business
    // debug adds one line only, a refused write (see processes.ts), which the checks use.
    PORT: '0', HOST: '127.0.0.1', DB_PATH: dbPath, DATABASE_URL: '', LOG_LEVEL: 'debug',
    CONCURRENCY: String(o.concurrency), LEASE_MS: String(o.leaseMs),
  };
  const { clientIds, body } = chaosBatch(o);
  const stalls = stallRounds(o, random);

  const rounds: RoundLog[] = [];
  let server = await processes.start(env);
  const batchId = await postBatch(server.url, body);
  log(`batch ${batchId} accepted (${o.clients} workflows)`);

  for (let round = 1; round <= o.rounds; round++) {
    const upSince = Date.now();
    let stallMs: number | null = null;
    if (stalls.has(round - 1)) {
      // Stop it mid-work for longer than the lease; once it continues it must not run again
      // what it still has in flight. Leave it running long enough afterwards for its lease
      // sweep, claims and stage writes to commit before the kill.
      await sleep(between(random, 500, 1500));
      const before = await getBatch(server.url, batchId);
      stallMs = between(random, o.leaseMs * 1.5, o.leaseMs * 2);
      await processes.stall(server, stallMs);
      log(`round ${round}/${o.rounds}: SIGSTOP pid ${server.life.pid} for ${seconds(stallMs)} with ${before.progress.running} running, SIGCONT`);
      await sleep(between(random, 2500, 4000));
    } else {
      await sleep(between(random, 800, 3500));
    }
    const batch = await getBatch(server.url, batchId);
    const pid = server.life.pid;
    await processes.kill(server);
    const upMs = Date.now() - upSince;
    const percent = percentFinished(batch);
    rounds.push({ round, pid, upMs, stallMs, running: batch.progress.running, percent });
    log(`round ${round}/${o.rounds}: SIGKILL pid ${pid} after ${seconds(upMs)}, ${batch.progress.running} running, `
      + `${percent}% finished (${seconds(Date.now() - began)} in)`);
    if (batch.status !== 'running' && batch.status !== 'queued') {
      log(`  note: the batch is ${batch.status} already, so the remaining rounds hit an idle server (more --clients keeps it busy)`);
    }
    server = await processes.start(env);
  }

  log('rounds done; waiting for the batch to finish…');
  let batch = await getBatch(server.url, batchId);
  while (batch.status === 'running' || batch.status === 'queued') {
    batch = await getBatch(server.url, batchId, 30);
    log(`  ${batch.status}: ${batch.progress.succeeded} succeeded, ${batch.progress.failed} failed, `
      + `${batch.progress.running} running, ${batch.progress.queued} queued (${seconds(Date.now() - began)} in)`);
  }

  log('reading the workflows and the event log…');
  const workflows = await listWorkflows(server.url, batchId);
  const events = await readEvents(server.url, batchId);
  batch = await getBatch(server.url, batchId);

  // A graceful stop of an idle server exits 0; then the file is ours to read.
  const stopExit = await processes.terminate(server);
  const db = new Database(dbPath, { readonly: true });
  const resultRows = new Map((db.prepare('SELECT w.id, count(*) AS n FROM results r JOIN workflows w ON w.seq = r.workflow_seq GROUP BY w.id').all() as Array<{ id: string; n: number }>)
    .map((r) => [r.id, r.n]));
  db.close();

  const lives = processes.lives;
  const result = checkChaos({ clientIds, batch, workflows, events, processes: lives, resultRows, refusedWrites: processes.refusedWrites });
  log(`${events.length} events, ${workflows.length} workflows, ${lives.length} server processes`);

  const { stats } = result;
  const stalled = rounds.filter((r) => r.stallMs !== null);
  return {
    options: o, batchId, batchStatus: batch.status, stopExits: [stopExit], result, rounds, processes: lives, warnings: processes.warnings,
    crashes: processes.crashes,
    rows: [
      ['SIGKILL rounds', `${rounds.length} (${rounds.filter((r) => r.running > 0).length} with stages in flight)`],
      ['SIGSTOP stalls', `${stalled.length} (${stalled.map((r) => seconds(r.stallMs!)).join(', ') || '-'}; lease ${seconds(o.leaseMs)})`],
      ['workflows', `${stats.workflows} (batch ${batch.status})`],
      ['succeeded / failed', `${stats.succeeded} / ${stats.failed}`],
      ['stage attempts', String(stats.stageAttempts)],
      ['retries', String(stats.retries)],
      // Per stall: how many of its stages the store took back while the stalled process ran them.
      ['interrupted', `${stats.interrupted} (${stats.liveInterrupts} while their process was alive`
        + `${stalled.length ? `; per stall: ${stalled.map((r) => stats.liveInterruptsByPid[r.pid] ?? 0).join(', ')}` : ''})`],
    ],
  };
}
