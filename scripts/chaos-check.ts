/**
 * The checks of `npm run chaos`, as a pure function: from what the API showed at the end (the
 * batch, its workflow rows, its event log), the lifetimes of the server processes the run
 * started, stopped and killed, and (on PostgreSQL) what the store's own tables say, list
 * everything that breaks a guarantee. No I/O here, so a unit test can feed it hand-made histories
 * (test/chaos-check.test.ts).
 *
 * One process at a time (SQLite) or several on one store (`shared`, PostgreSQL). With several,
 * the process that ran an attempt is the one whose log reported its `stage.started` (only the
 * process that commits an event publishes and logs it), and a lease may pass from one process to
 * another. The rule for that, checked below (see `interruptedEnd`): an attempt that another process
 * marked `stage.interrupted` at time t is a **takeover**, allowed only when the process running it
 * could not renew its lease: at t it was dead (SIGKILLed), or it had been stopped (SIGSTOP) during
 * the lease before t — a stop [from, to] with from ≤ t and to ≥ t − leaseMs (a lease renewed
 * just before the stop expires within leaseMs of it, and a sweep may take it just after SIGCONT,
 * before the process's own overdue renewal commits). From t on the store refuses every write of
 * the old run (fencing), so for the overlap check the run ends at t, and the event log must show
 * no end of that attempt after its interrupt. An interrupt the running process wrote itself (a
 * graceful stop, a write that failed) is its own; any other interrupt, of a process neither dead
 * nor stopped within the lease, is a run taken from a live process. And each stop of a process
 * with attempts in flight must see another process take at least one of them over.
 */
import { STAGES, type StageName } from '../src/model/statuses.js';

/** An event as `GET /v1/batches/{id}/events` sends it (only the fields the checks read). */
export interface WireEvent {
  id: number;
  type: string;
  /** ISO-8601. */
  at: string;
  workflowId?: string;
  stage?: string;
  attempt?: number;
  status?: string;
}

/** A workflow as `GET /v1/batches/{id}/workflows` lists it (only the fields the checks read). */
export interface WorkflowRow {
  id: string;
  clientId: string | number;
  status: string;
  stages: Array<{ name: string; status: string; attempts: number; finishedAt: string | null }>;
  result: Record<string, unknown> | null;
}

/** The batch's counters as `GET /v1/batches/{id}` shows them. */
export interface BatchCounters {
  progress: Record<'total' | 'queued' | 'running' | 'succeeded' | 'failed' | 'canceled', number>;
  stages: Record<StageName, { succeeded: number; failed: number; running: number }>;
}

/** One server process: from just before it was spawned to the SIGKILL (null: still alive). */
export interface ProcessLife {
  pid: number;
  startedAt: number;
  diedAt: number | null;
  /** When it logged that it listens (its start, recovery and first claims come before). */
  listeningAt?: number;
  /** Its SIGSTOP → SIGCONT spans, in order. */
  stops?: Stop[];
}

/** A SIGSTOP → SIGCONT span of a process (Date.now() times). */
export interface Stop {
  from: number;
  to: number;
}

/** A `stage.interrupted` as a process's log reported it: that process committed it. */
export interface InterruptLine {
  pid: number;
  workflowId: string;
  stage: string;
  /** When the line was logged: just after the commit, so at or after the event's `at`. */
  at: number;
}

/** Several processes on one store at once (the PostgreSQL mode): who ran and who interrupted what. */
export interface SharedStore {
  leaseMs: number;
  /** attemptKey(workflow, stage, attempt) → the pid whose log reported that attempt's `stage.started`. */
  starters: ReadonlyMap<string, number>;
  /** Every `stage.interrupted` line the processes logged. */
  interrupts: InterruptLine[];
}

/** What the store's own tables say about the batch, read with SQL rather than through the API. */
export interface StoreTables {
  /** The batch row's counters; `finishedRuns` its count of stage runs finished (succeeded, failed or skipped). */
  batch: BatchCounters & { finishedRuns: number };
  /** Its workflow rows: status and stage statuses. */
  workflows: CounterRow[];
  /** The batch row's `event_seq`: the id of its last event. */
  eventSeq: number;
  /** The ids of the batch's rows in `events`, ascending. */
  eventIds: number[];
}

/** What counting a workflow needs: its status and its stages' statuses. */
export interface CounterRow {
  status: string;
  stages: Array<{ name: string; status: string }>;
}

export const attemptKey = (workflowId: string, stage: string, attempt: number): string => `${workflowId}\u0000${stage}\u0000${attempt}`;

/**
 * A run whose write the store refused because its claim was no longer its own: the run had ended
 * its stage by then. The server logs these (debug level, with the workflow id).
 */
export interface RefusedWrite {
  pid: number;
  workflowId: string;
  at: number;
}

export interface CheckInput {
  /** The client ids the accepted POST carried. */
  clientIds: Array<string | number>;
  batch: BatchCounters;
  workflows: WorkflowRow[];
  events: WireEvent[];
  processes: ProcessLife[];
  /** Rows in the `results` table per workflow id, when the script could read the file. */
  resultRows?: ReadonlyMap<string, number>;
  refusedWrites?: RefusedWrite[];
  /** Set when several processes shared the store at once. */
  shared?: SharedStore;
  /** The store's tables, when the script could read them with SQL. */
  store?: StoreTables;
}

export interface Finding {
  workflowId?: string;
  clientId?: string | number;
  stage?: string;
  detail: string;
}

export interface Findings {
  /** Accepted workflows missing from the listing or not finished. */
  lost: Finding[];
  /** More than one `workflow.finished`, or an end that disagrees with the row. */
  finishedTwice: Finding[];
  /** A succeeded workflow without exactly one result, or a result where none belongs. */
  results: Finding[];
  /**
   * Stages (one finding per workflow and stage) whose attempts ran at once; an attempt started
   * twice; an end without its start, or ended twice; a start without an end in a finished workflow.
   */
  overlaps: Finding[];
  /**
   * An attempt that ended again after it was interrupted: a write of a run that no longer held
   * the workflow (its lease freed or taken over) stood.
   */
  fencing: Finding[];
  /**
   * Attempts the store declared interrupted while their process still ran them (that run's
   * write was refused later; on a shared store: interrupted by another process while theirs was
   * neither dead nor stopped within the lease): the stage ran again though its first run never
   * stopped.
   */
  takenLive: Finding[];
  /** A stopped process that had attempts in flight, none of which another process took over (shared store). */
  stalls: Finding[];
  /** Event ids that are not 1, 2, 3 … in the store, or a replay that differs from the store. */
  eventLog: Finding[];
  /** Batch counters that differ from counts of the rows (through the API, and in the store's tables). */
  counters: Finding[];
}

export interface ChaosStats {
  workflows: number;
  succeeded: number;
  failed: number;
  canceled: number;
  stageAttempts: number;
  retries: number;
  interrupted: number;
  /** `stage.interrupted` written while the process running that attempt was alive. */
  liveInterrupts: number;
  /** The same, by the pid of that process. */
  liveInterruptsByPid: Record<number, number>;
  /** Shared store: interrupts another process wrote for a dead process's attempt. */
  fromDead: number;
  /** Shared store: takeovers from a stopped process (allowed, see the rule above). */
  takeovers: number;
  /** Shared store: interrupts a process wrote for its own attempt (a graceful stop, a failed write). */
  selfInterrupts: number;
  /**
   * Shared store: per SIGSTOP, its process's attempts in flight, how many of them another process
   * took over, and how many of those runs had a write refused once it continued.
   */
  stops: Array<{ pid: number; from: number; to: number; inFlight: number; takenOver: number; refused: number }>;
}

export interface CheckResult {
  findings: Findings;
  stats: ChaosStats;
}

const END_TYPES = new Set(['stage.succeeded', 'stage.failed', 'stage.retrying', 'stage.canceled', 'stage.interrupted']);
const FINISHED = new Set(['succeeded', 'failed', 'canceled']);

interface Attempt {
  attempt: number;
  start?: WireEvent;
  ends: WireEvent[];
}

export function checkChaos(input: CheckInput): CheckResult {
  const findings: Findings = {
    lost: [], finishedTwice: [], results: [], overlaps: [], fencing: [], takenLive: [], stalls: [], eventLog: [], counters: [],
  };
  const { workflows, events } = input;
  const byClient = new Map(workflows.map((w) => [w.clientId, w]));
  const finishedEvents = new Map<string, WireEvent[]>();
  const attempts = new Map<string, Map<number, Attempt>>();
  const stats: ChaosStats = {
    workflows: workflows.length, succeeded: 0, failed: 0, canceled: 0,
    stageAttempts: 0, retries: 0, interrupted: 0, liveInterrupts: 0, liveInterruptsByPid: {},
    fromDead: 0, takeovers: 0, selfInterrupts: 0, stops: [],
  };

  for (const e of events) {
    if (e.workflowId === undefined) continue;
    if (e.type === 'workflow.finished') push(finishedEvents, e.workflowId, e);
    if (e.stage === undefined || e.attempt === undefined) continue;
    if (e.type === 'stage.started') stats.stageAttempts += 1;
    if (e.type === 'stage.retrying') stats.retries += 1;
    if (e.type === 'stage.interrupted') stats.interrupted += 1;
    const key = `${e.workflowId}\u0000${e.stage}`;
    let perStage = attempts.get(key);
    if (!perStage) attempts.set(key, (perStage = new Map()));
    let a = perStage.get(e.attempt);
    if (!a) perStage.set(e.attempt, (a = { attempt: e.attempt, ends: [] }));
    if (e.type === 'stage.started') {
      if (a.start) {
        findings.overlaps.push({
          workflowId: e.workflowId, stage: e.stage,
          detail: `attempt ${e.attempt} started twice (${a.start.at}, ${e.at})`,
        });
      } else {
        a.start = e;
      }
    } else if (END_TYPES.has(e.type)) {
      a.ends.push(e);
    }
  }

  // 1. lost: every accepted client id has a row, and every row is finished.
  for (const clientId of input.clientIds) {
    const w = byClient.get(clientId);
    if (!w) findings.lost.push({ clientId, detail: 'missing from the listing' });
    else if (!FINISHED.has(w.status)) findings.lost.push({ workflowId: w.id, clientId, detail: `still ${w.status}` });
  }
  if (workflows.length !== input.clientIds.length) {
    findings.lost.push({ detail: `${workflows.length} workflows listed for ${input.clientIds.length} accepted client ids` });
  }

  for (const w of workflows) {
    if (w.status === 'succeeded') stats.succeeded += 1;
    if (w.status === 'failed') stats.failed += 1;
    if (w.status === 'canceled') stats.canceled += 1;
    const ref = { workflowId: w.id, clientId: w.clientId };

    // 2. finished exactly once, with the status the row has.
    const ends = finishedEvents.get(w.id) ?? [];
    if (ends.length > 1) {
      findings.finishedTwice.push({ ...ref, detail: `${ends.length} workflow.finished events: ${ends.map((e) => `${e.status} at ${e.at}`).join(', ')}` });
    } else if (FINISHED.has(w.status) && ends.length === 0) {
      findings.finishedTwice.push({ ...ref, detail: `row ${w.status} but no workflow.finished event` });
    } else if (ends.length === 1 && ends[0]!.status !== w.status) {
      findings.finishedTwice.push({ ...ref, detail: `workflow.finished says ${ends[0]!.status}, the row ${w.status}` });
    }

    // 3. one result for a succeeded workflow, none for any other.
    const rows = input.resultRows?.get(w.id);
    if (w.status === 'succeeded') {
      if (w.result === null) findings.results.push({ ...ref, detail: 'succeeded without a result' });
      else if (w.result.clientId !== w.clientId) findings.results.push({ ...ref, detail: `result is for client ${String(w.result.clientId)}` });
      else {
        // The result is written by the store stage just before its success is: a result stored
        // after that success was written by another run of the stage (a superseded one).
        const storedAt = typeof w.result.storedAt === 'string' ? Date.parse(w.result.storedAt) : NaN;
        const storeEnd = w.stages.find((s) => s.name === 'store')?.finishedAt;
        if (storeEnd && storedAt > Date.parse(storeEnd)) {
          findings.results.push({ ...ref, stage: 'store', detail: `result stored at ${String(w.result.storedAt)}, after its store stage succeeded at ${storeEnd}` });
        }
      }
      if (rows !== undefined && rows !== 1) findings.results.push({ ...ref, detail: `${rows} result rows in the store` });
    } else if (w.result !== null || (rows ?? 0) > 0) {
      findings.results.push({ ...ref, detail: `${w.status} but has a result` });
    }
  }

  // 4. overlapping attempts, per workflow and stage.
  const processOf = (t: number) => input.processes.find((p) => p.startedAt <= t && t <= (p.diedAt ?? Infinity));
  const byPid = new Map(input.processes.map((p) => [p.pid, p]));
  const refusedWrites = [...(input.refusedWrites ?? [])].sort((x, y) => x.at - y.at);
  const rowOf = new Map(workflows.map((w) => [w.id, w]));
  /** Shared store: per process, its attempts with their start and first end (for the stall check). */
  const attemptsOf = new Map<number, Array<{ workflowId: string; start: number; end: number; takenBy?: Stop; what: string }>>();
  for (const [key, perStage] of attempts) {
    const [workflowId, stage] = key.split('\u0000') as [string, string];
    const intervals: Array<{ attempt: number; start: number; end: number; how: string }> = [];
    for (const a of perStage.values()) {
      if (!a.start) {
        findings.overlaps.push({ workflowId, stage, detail: `attempt ${a.attempt}: ${a.ends.map((e) => e.type).join(', ')} without stage.started` });
        continue;
      }
      const [end, ...later] = a.ends;
      if (later.length > 0) {
        const list = a.ends.map((e) => `${e.type} at ${e.at}`).join(', ');
        // After an interrupt the run held nothing: whatever it wrote then should have been refused.
        if (end!.type === 'stage.interrupted') {
          findings.fencing.push({ workflowId, stage, detail: `attempt ${a.attempt} ended again after it was interrupted: ${list}` });
        } else {
          findings.overlaps.push({ workflowId, stage, detail: `attempt ${a.attempt} ended ${a.ends.length} times: ${list}` });
        }
      }
      if (!end && FINISHED.has(rowOf.get(workflowId)?.status ?? '')) {
        findings.overlaps.push({ workflowId, stage, detail: `attempt ${a.attempt}: stage.started at ${a.start.at} without an end, in a finished workflow` });
      }
      const start = Date.parse(a.start.at);
      let endAt: number;
      let how: string;
      if (input.shared) {
        const starter = input.shared.starters.get(attemptKey(workflowId, stage, a.attempt));
        const owner = starter === undefined ? undefined : byPid.get(starter);
        let takenBy: Stop | undefined;
        ({ endAt, how, takenBy } = end?.type === 'stage.interrupted'
          ? interruptedEnd(input.shared, { workflowId, stage, attempt: a.attempt, start, end, owner }, input.processes, refusedWrites, stats, findings)
          : { endAt: end ? Date.parse(end.at) : owner?.diedAt ?? Infinity, how: end ? `${end.type} at ${end.at}` : 'no end event' });
        if (owner) {
          push(attemptsOf, owner.pid, {
            workflowId, start, end: end ? Date.parse(end.at) : Infinity, takenBy, what: `workflow ${workflowId} ${stage} attempt ${a.attempt}: ${how}`,
          });
        }
        intervals.push({ attempt: a.attempt, start, end: endAt, how });
        continue;
      }
      const owner = processOf(start);
      const died = owner ? owner.diedAt ?? Infinity : null;
      if (end && end.type !== 'stage.interrupted') {
        endAt = Date.parse(end.at);
        how = `${end.type} at ${end.at}`;
      } else if (died === null) {
        // Started outside every known process lifetime (a hand-made history without processes):
        // only the events can tell.
        endAt = end ? Date.parse(end.at) : Infinity;
        how = end ? `${end.type} at ${end.at}` : 'no end event';
      } else if (!end || Date.parse(end.at) >= died) {
        // Died with its process: recovery writes `stage.interrupted` when the next one starts.
        endAt = died;
        how = `${end ? `${end.type} at ${end.at}` : 'no end event'}, so it ran as long as pid ${owner!.pid} `
          + `(${died === Infinity ? 'still alive' : `died at ${iso(died)}`})`;
      } else {
        // Interrupted while its process lived. A chaos run never asks for a graceful stop, the
        // one reason a process interrupts its own runs; so if that process later refused this
        // workflow's write, the store took the run away while it was still going, and the run
        // ended only then.
        stats.liveInterrupts += 1;
        stats.liveInterruptsByPid[owner!.pid] = (stats.liveInterruptsByPid[owner!.pid] ?? 0) + 1;
        const interruptedAt = Date.parse(end.at);
        const refused = refusedWrites.find((r) => r.pid === owner!.pid && r.workflowId === workflowId && r.at >= interruptedAt);
        endAt = refused ? refused.at : interruptedAt;
        how = refused
          ? `stage.interrupted at ${end.at} while pid ${owner!.pid} still ran it; that run went on until its write was refused at ${iso(refused.at)}`
          : `stage.interrupted at ${end.at} by pid ${owner!.pid} itself`;
        if (refused) findings.takenLive.push({ workflowId, stage, detail: `attempt ${a.attempt}: ${how}` });
      }
      intervals.push({ attempt: a.attempt, start, end: endAt, how });
    }
    intervals.sort((x, y) => x.start - y.start || x.attempt - y.attempt);
    // Sweep in start order, keeping the attempt that ends last so far. One finding per stage: a
    // stage run twice at once is one failure however many later attempts overlap it.
    let open: (typeof intervals)[number] | undefined;
    let first = '';
    let more = 0;
    for (const next of intervals) {
      if (open && next.start < open.end) {
        if (first) more += 1;
        else first = `attempt ${next.attempt} started at ${iso(next.start)} before attempt ${open.attempt} (started ${iso(open.start)}) had ended: ${open.how}`;
      }
      if (!open || next.end > open.end) open = next;
    }
    if (first) findings.overlaps.push({ workflowId, stage, detail: more ? `${first} (and ${more} more overlapping start(s))` : first });
  }

  // 5. shared store: every stop of a process that had attempts in flight saw another process
  // take at least one of them over (the others noticed its expired leases), and its writes after
  // it continued were refused (counted).
  if (input.shared) {
    for (const p of input.processes) {
      for (const stop of p.stops ?? []) {
        const inFlight = (attemptsOf.get(p.pid) ?? []).filter((a) => a.start < stop.from && a.end > stop.from);
        const takenOver = inFlight.filter((a) => a.takenBy === stop).length;
        // Its runs that wrote once it continued, and were refused: the fence held.
        const stalled = new Set(inFlight.map((a) => a.workflowId));
        const refused = new Set(refusedWrites.filter((r) => r.pid === p.pid && r.at >= stop.to && stalled.has(r.workflowId)).map((r) => r.workflowId)).size;
        stats.stops.push({ pid: p.pid, from: stop.from, to: stop.to, inFlight: inFlight.length, takenOver, refused });
        if (inFlight.length > 0 && takenOver === 0) {
          findings.stalls.push({
            detail: `pid ${p.pid} stopped ${iso(stop.from)} – ${iso(stop.to)} with ${inFlight.length} attempt(s) in flight; `
              + `no other process took any over. They ended: ${inFlight.slice(0, 3).map((a) => a.what).join('; ')}`,
          });
        }
      }
    }
  }

  // 6. the event log: numbered 1, 2, 3 … in the store, and the replay is exactly the store's.
  if (input.store) {
    const { eventIds, eventSeq } = input.store;
    const gaps = eventIds.filter((id, i) => id !== i + 1);
    if (gaps.length > 0 || eventIds.length !== eventSeq) {
      findings.eventLog.push({
        detail: `the store holds ${eventIds.length} event rows for event_seq ${eventSeq}`
          + `${gaps.length ? `; ${gaps.length} out of place, the first id ${gaps[0]} at position ${eventIds.indexOf(gaps[0]!) + 1}` : ''}`,
      });
    }
    const replayed = events.map((e) => e.id);
    const differ = replayed.findIndex((id, i) => id !== eventIds[i]);
    if (replayed.length !== eventIds.length || differ !== -1) {
      findings.eventLog.push({
        detail: `the replay sent ${replayed.length} events, the store holds ${eventIds.length}`
          + `${differ !== -1 ? `; they differ first at position ${differ + 1} (replay id ${replayed[differ]}, store id ${String(eventIds[differ])})` : ''}`,
      });
    }
  }

  // 7. counters equal rows: the API's batch against the API's rows, and the store's batch row
  // against its workflow rows.
  findings.counters.push(...compareCounters('', input.batch, workflows));
  if (input.store) {
    const { batch, workflows: rows } = input.store;
    findings.counters.push(...compareCounters('store: ', batch, rows));
    const finishedRuns = rows.reduce((n, w) => n + w.stages.filter((s) => ['succeeded', 'failed', 'skipped'].includes(s.status)).length, 0);
    if (batch.finishedRuns !== finishedRuns) {
      findings.counters.push({ detail: `store: finished_runs is ${batch.finishedRuns}, the rows say ${finishedRuns}` });
    }
  }

  return { findings, stats };
}

export function failedChecks(findings: Findings): number {
  return Object.values(findings).reduce((n, list: Finding[]) => n + list.length, 0);
}

/** One finding per counter that differs from the count of `rows`. */
function compareCounters(where: string, batch: BatchCounters, rows: CounterRow[]): Finding[] {
  const found: Finding[] = [];
  const statusCount = (s: string) => rows.filter((w) => w.status === s).length;
  const expected: Record<string, number> = {
    total: rows.length, queued: statusCount('queued'), running: statusCount('running'),
    succeeded: statusCount('succeeded'), failed: statusCount('failed'), canceled: statusCount('canceled'),
  };
  for (const [name, n] of Object.entries(expected)) {
    const counter = batch.progress[name as keyof BatchCounters['progress']];
    if (counter !== n) found.push({ detail: `${where}progress.${name} is ${counter}, the rows say ${n}` });
  }
  for (const stage of STAGES) {
    for (const status of ['succeeded', 'failed', 'running'] as const) {
      const n = rows.filter((w) => w.stages.find((s) => s.name === stage)?.status === status).length;
      const counter = batch.stages[stage][status];
      if (counter !== n) found.push({ stage, detail: `${where}stages.${stage}.${status} is ${counter}, the rows say ${n}` });
    }
  }
  return found;
}

/**
 * Shared store: when an interrupted attempt really ended, and whether its interrupt was allowed
 * (the rule in this file's header). `owner` is the process that reported its start, if any did.
 */
function interruptedEnd(
  shared: SharedStore,
  a: { workflowId: string; stage: string; attempt: number; start: number; end: WireEvent; owner: ProcessLife | undefined },
  processes: ProcessLife[],
  refusedWrites: RefusedWrite[],
  stats: ChaosStats,
  findings: Findings,
): { endAt: number; how: string; takenBy?: Stop } {
  const { workflowId, stage, owner } = a;
  const t = Date.parse(a.end.at);
  const at = `stage.interrupted at ${a.end.at}`;
  const ref = { workflowId, stage };
  if (!owner) {
    // No log reported its start: the line was lost with a process killed just after that commit.
    // Then some process alive at the start was dead by the interrupt; if none was, nothing can
    // explain it.
    if (processes.some((p) => p.startedAt <= a.start && p.diedAt !== null && p.diedAt >= a.start && p.diedAt <= t)) {
      stats.fromDead += 1;
      return { endAt: t, how: `${at}, started by a process that died before it (its log line was lost)` };
    }
    findings.takenLive.push({ ...ref, detail: `attempt ${a.attempt}: ${at}; no process reported its start and none alive then had died since` });
    return { endAt: t, how: `${at} (no process reported its start)` };
  }
  if (owner.diedAt !== null && owner.diedAt <= t) {
    stats.fromDead += 1;
    return { endAt: owner.diedAt, how: `${at}, so it ran as long as pid ${owner.pid} (died at ${iso(owner.diedAt)})` };
  }
  stats.liveInterrupts += 1;
  stats.liveInterruptsByPid[owner.pid] = (stats.liveInterruptsByPid[owner.pid] ?? 0) + 1;
  // Who wrote it: the first interrupt line for this stage logged at or after the event.
  const writer = shared.interrupts
    .filter((l) => l.workflowId === workflowId && l.stage === stage && l.at >= t)
    .reduce<InterruptLine | undefined>((best, l) => (!best || l.at < best.at ? l : best), undefined);
  if (writer?.pid === owner.pid) {
    stats.selfInterrupts += 1;
    return { endAt: t, how: `${at} by pid ${owner.pid} itself` };
  }
  const stop = owner.stops?.find((s) => s.from <= t && s.to >= t - shared.leaseMs);
  if (stop) {
    stats.takeovers += 1;
    return { endAt: t, takenBy: stop, how: `${at}, taken over from pid ${owner.pid} (stopped ${iso(stop.from)} – ${iso(stop.to)}); its later writes are refused` };
  }
  const refused = refusedWrites.find((r) => r.pid === owner.pid && r.workflowId === workflowId && r.at >= t);
  const how = `${at} by ${writer ? `pid ${writer.pid}` : 'another process'} while pid ${owner.pid} ran it, neither dead nor stopped`
    + (refused ? `; that run went on until its write was refused at ${iso(refused.at)}` : '');
  findings.takenLive.push({ ...ref, detail: `attempt ${a.attempt}: ${how}` });
  return { endAt: refused ? refused.at : t, how };
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function iso(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : 'never';
}
