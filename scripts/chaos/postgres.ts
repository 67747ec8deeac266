/**
 * The PostgreSQL mode (`--postgres`): `--replicas` server processes on one database, each on its
 * own port. The batch is posted to one; every few seconds a random replica is SIGKILLed and
 * restarted (its work passes to the others when its leases expire), and in `--stalls` of the
 * rounds one replica is frozen with SIGSTOP for more than two leases and a poll, so the others
 * take its work over before it continues and finds its writes refused.
 */
import { checkChaos } from '../chaos-check.js';
import { getBatch, listWorkflows, percentFinished, postBatch, readEvents } from './api.js';
import { between, type RunContext } from './context.js';
import { finishedNow, lockSample, provideDatabase, readTables, type LockSample } from './database.js';
import { chaosBatch, log, seconds, sleep, stallRounds, type Options } from './options.js';
import type { Server } from './processes.js';
import type { Report, RoundLog } from './report.js';

/** The servers' POLL_MS (their default): how often each one sweeps expired leases. */
const POLL_MS = 1000;

export async function runPostgres(o: Options, ctx: RunContext): Promise<Omit<Report, 'wallMs'>> {
  const { processes, random, began } = ctx;
  const db = await provideDatabase(process.env.DATABASE_URL);
  ctx.defer(db.drop);
  log(`PostgreSQL: ${db.where}`);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_OPTIONS: '', // tsx's loader flags from this process are not the server's business
    // The info lines of stage events tell which replica ran and which interrupted an attempt;
    // debug adds one line, a refused write (see processes.ts).
    PORT: '0', HOST: '127.0.0.1', DATABASE_URL: db.url, LOG_LEVEL: 'debug',
    CONCURRENCY: String(o.concurrency), LEASE_MS: String(o.leaseMs), POLL_MS: String(POLL_MS),
  };
  const { clientIds, body } = chaosBatch(o);
  const stalls = stallRounds(o, random);

  // Each process names its sessions (PGAPPNAME), so a stall can tell whose locks the others wait on.
  const names = new Map<Server, string>();
  const startReplica = async () => {
    const name = `clientflow-chaos-${processes.lives.length + 1}`;
    const server = await processes.start({ ...env, PGAPPNAME: name });
    names.set(server, name);
    return server;
  };
  const replicas: Server[] = [];
  for (let i = 0; i < o.replicas; i++) replicas.push(await startReplica());
  log(`${o.replicas} replicas: ${replicas.map((r) => `pid ${r.life.pid} at ${r.url} (listening ${listening(r)})`).join(', ')}`);
  const batchId = await postBatch(replicas[0]!.url, body);
  log(`batch ${batchId} accepted by pid ${replicas[0]!.life.pid} (${o.clients} workflows)`);
  /** A replica neither stopped nor `except`: from the run's PRNG for the schedule, else any. */
  const pick = (except?: Server, draw = random) => {
    const candidates = replicas.filter((r) => r !== except && !r.stopped && r.alive);
    return candidates[Math.floor(draw() * candidates.length)]!;
  };
  /**
   * Reads through any replica but `except`. One that cannot answer (503 while its store is
   * unavailable to it, or just killed) is counted, and another is asked, for up to a minute.
   */
  let unanswered = 0;
  const anyReplica = async <T>(read: (url: string) => Promise<T>, except?: Server): Promise<T> => {
    for (let tries = 1; ; tries++) {
      try {
        return await read(pick(except, Math.random).url);
      } catch (e) {
        unanswered += 1;
        if (tries === 120) {
          const cause = (e as Error).cause as Error | undefined;
          throw new Error(`no replica answered for a minute (alive: ${replicas.filter((r) => r.alive).map((r) => r.life.pid).join(', ') || 'none'}); `
            + `last: ${(e as Error).message}${cause ? ` (${cause.message})` : ''}`, { cause: e });
        }
        await sleep(500);
      }
    }
  };
  const readBatch = (except?: Server) => anyReplica((url) => getBatch(url, batchId), except);
  /** A replica that exited on its own (a crash: a failed check) is replaced, so the run goes on. */
  const replaceCrashed = async () => {
    for (const [i, r] of replicas.entries()) {
      if (r.alive || r.ending) continue;
      replicas[i] = await startReplica();
      log(`  pid ${r.life.pid} exited on its own (${processes.crashes.find((c) => c.pid === r.life.pid)?.how ?? '?'}); `
        + `started pid ${replicas[i]!.life.pid} in its place`);
    }
  };

  const rounds: RoundLog[] = [];
  const stallNotes: Array<{ pid: number; finishedMeanwhile: number; locks: LockSample | null }> = [];
  for (let round = 1; round <= o.rounds; round++) {
    await replaceCrashed();
    let stallMs: number | null = null;
    let stalledPid: number | undefined;
    if (stalls.has(round - 1)) {
      await sleep(between(random, 500, 1500));
      const target = pick();
      const inFlight = await engineRunning(target.url);
      // Past two leases and a poll: whatever lease it held has expired and another replica's sweep
      // has seen it before SIGCONT, so its work is taken over while it cannot run.
      stallMs = between(random, 2 * o.leaseMs + POLL_MS, 3 * o.leaseMs + POLL_MS);
      stalledPid = target.life.pid;
      // The others' progress while it is stopped, from the batch row (a replica's pool may be
      // stuck); and halfway, whether it holds a transaction open and who waits on locks.
      const before = await finishedNow(db.url, batchId).catch(() => NaN);
      const sample = sleep(stallMs / 2).then(() => lockSample(db.url, names.get(target)!).catch(() => null));
      const atEnd = sleep(stallMs - 100).then(() => finishedNow(db.url, batchId)).catch(() => NaN);
      await processes.stall(target, stallMs);
      const [locks, after] = await Promise.all([sample, atEnd]);
      stallNotes.push({ pid: target.life.pid, finishedMeanwhile: after - before, locks });
      log(`round ${round}/${o.rounds}: SIGSTOP pid ${target.life.pid} for ${seconds(stallMs)} with ${inFlight} running in it, SIGCONT; `
        + `meanwhile ${after - before} workflows finished; halfway: ${describeLocks(locks)}`);
      // Let it run on: its refused writes, renewals and sweeps happen now.
      await sleep(between(random, 2500, 4000));
    } else {
      await sleep(between(random, 1500, 4000));
    }
    const index = replicas.indexOf(pick());
    const victim = replicas[index]!;
    const batch = await readBatch(victim);
    const running = await engineRunning(victim.url);
    await processes.kill(victim);
    const upMs = Date.now() - victim.life.startedAt;
    replicas[index] = await startReplica();
    const percent = percentFinished(batch);
    rounds.push({ round, pid: victim.life.pid, upMs, stallMs, stalledPid, running, percent });
    log(`round ${round}/${o.rounds}: SIGKILL pid ${victim.life.pid} after ${seconds(upMs)} with ${running} running in it, `
      + `${percent}% finished; restarted as pid ${replicas[index]!.life.pid}, listening ${listening(replicas[index]!)} (${seconds(Date.now() - began)} in)`);
    if (batch.status !== 'running' && batch.status !== 'queued') {
      log(`  note: the batch is ${batch.status} already, so the remaining rounds hit idle replicas (more --clients keeps them busy)`);
    }
  }

  log('rounds done; waiting for the batch to finish…');
  let batch = await readBatch();
  for (let polls = 1; batch.status === 'running' || batch.status === 'queued'; polls++) {
    // Plain polls of any replica: another one may be the one that finishes the batch.
    await sleep(1000);
    await replaceCrashed();
    batch = await readBatch();
    if (polls % 5 === 0) {
      log(`  ${batch.status}: ${batch.progress.succeeded} succeeded, ${batch.progress.failed} failed, `
        + `${batch.progress.running} running, ${batch.progress.queued} queued (${seconds(Date.now() - began)} in)`);
    }
  }

  log(`batch ${batch.status}; reading the workflows and the event log…`);
  const workflows = await anyReplica((url) => listWorkflows(url, batchId));
  const events = await anyReplica((url) => readEvents(url, batchId));
  batch = await readBatch();
  // Graceful stops of idle replicas, all at once: each exits 0.
  const stopExits = await Promise.all(replicas.map((r) => processes.terminate(r)));
  const { tables, resultRows, version } = await readTables(db.url, batchId);

  const lives = processes.lives;
  const result = checkChaos({
    clientIds, batch, workflows, events, processes: lives, resultRows, refusedWrites: processes.refusedWrites,
    shared: { leaseMs: o.leaseMs, starters: processes.starters, interrupts: processes.interrupts },
    store: tables,
  });
  log(`${events.length} events, ${workflows.length} workflows, ${lives.length} server processes`);

  const { stats } = result;
  return {
    options: o, batchId, batchStatus: batch.status, stopExits, result, rounds, processes: lives, warnings: processes.warnings,
    crashes: processes.crashes,
    rows: [
      ['replicas', `${o.replicas} on PostgreSQL ${version}, CONCURRENCY ${o.concurrency} each (${lives.length} processes in all)`],
      ['SIGKILL rounds', `${rounds.length} (${rounds.filter((r) => r.running > 0).length} with stages in flight in the replica killed)`],
      ['SIGSTOP stalls', `${stallNotes.length} (lease ${seconds(o.leaseMs)})${stallNotes.map((note, i) => {
        // The n-th stall of a pid is that pid's n-th stop.
        const nth = stallNotes.slice(0, i).filter((n) => n.pid === note.pid).length;
        const s = stats.stops.filter((x) => x.pid === note.pid)[nth];
        return `; ${s ? `${seconds(s.to - s.from)}: ${s.inFlight} in flight, ${s.takenOver} taken over, ${s.refused} of its runs refused a write after SIGCONT` : '?'}; `
          + `the others finished ${note.finishedMeanwhile} workflows meanwhile; halfway ${describeLocks(note.locks)}`;
      }).join('')}`],
      ['workflows', `${stats.workflows} (batch ${batch.status})`],
      ['succeeded / failed', `${stats.succeeded} / ${stats.failed}`],
      ['stage attempts', String(stats.stageAttempts)],
      ['retries', String(stats.retries)],
      ['interrupted', `${stats.interrupted} (${stats.fromDead} of killed replicas, ${stats.takeovers} taken over from a stopped one, `
        + `${stats.selfInterrupts} by their own replica)`],
      ['events', `${events.length} (the store's: ${tables.eventIds.length}, event_seq ${tables.eventSeq})`],
      ['API reads unanswered', `${unanswered} (a replica answered 503 or not at all; another one was asked)`],
    ],
  };
}

const describeLocks = (l: LockSample | null) => (l
  ? `${l.open} transaction(s) of the stopped replica open, ${l.waiting} session(s) of the others waiting on locks (${l.onStopped} on it directly)`
  : 'no lock sample');

/** How long after its spawn a process logged that it listens. */
const listening = (s: Server) => (s.life.listeningAt ? `${seconds(s.life.listeningAt - s.life.startedAt)} after spawn` : '?');

/** Workflows running a stage in that replica now (its `clientflow_running` gauge). */
async function engineRunning(url: string): Promise<number> {
  try {
    const res = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5_000) });
    return Number(/^clientflow_running (\d+)/m.exec(await res.text())?.[1] ?? NaN);
  } catch {
    return NaN; // a replica whose store keeps it waiting: the round goes on without the figure
  }
}
