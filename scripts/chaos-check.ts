/**
 * The checks of `npm run chaos`, as a pure function: from what the API showed at the end (the
 * batch, its workflow rows, its event log) and the lifetimes of the server processes the run
 * started and killed, list everything that breaks a guarantee. No I/O here, so a unit test can
 * feed it hand-made histories (test/chaos-check.test.ts).
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
}

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
   * twice; an end without its start, or ended twice.
   */
  overlaps: Finding[];
  /**
   * Attempts the store declared interrupted while their process still ran them (that run's
   * write was refused later): the stage ran again though its first run never stopped.
   */
  takenLive: Finding[];
  /** Batch counters that differ from counts of the rows. */
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
  const findings: Findings = { lost: [], finishedTwice: [], results: [], overlaps: [], takenLive: [], counters: [] };
  const { workflows, events } = input;
  const byClient = new Map(workflows.map((w) => [w.clientId, w]));
  const finishedEvents = new Map<string, WireEvent[]>();
  const attempts = new Map<string, Map<number, Attempt>>();
  const stats: ChaosStats = {
    workflows: workflows.length, succeeded: 0, failed: 0, canceled: 0,
    stageAttempts: 0, retries: 0, interrupted: 0, liveInterrupts: 0, liveInterruptsByPid: {},
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
  const refusedWrites = [...(input.refusedWrites ?? [])].sort((x, y) => x.at - y.at);
  for (const [key, perStage] of attempts) {
    const [workflowId, stage] = key.split('\u0000') as [string, string];
    const intervals: Array<{ attempt: number; start: number; end: number; how: string }> = [];
    for (const a of perStage.values()) {
      if (!a.start) {
        findings.overlaps.push({ workflowId, stage, detail: `attempt ${a.attempt}: ${a.ends.map((e) => e.type).join(', ')} without stage.started` });
        continue;
      }
      if (a.ends.length > 1) {
        findings.overlaps.push({ workflowId, stage, detail: `attempt ${a.attempt} ended ${a.ends.length} times: ${a.ends.map((e) => `${e.type} at ${e.at}`).join(', ')}` });
      }
      const start = Date.parse(a.start.at);
      const owner = processOf(start);
      const died = owner ? owner.diedAt ?? Infinity : null;
      const end = a.ends[0];
      let endAt: number;
      let how: string;
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

  // 5. counters equal rows.
  const { progress } = input.batch;
  const statusCount = (s: string) => workflows.filter((w) => w.status === s).length;
  const expected: Record<string, number> = {
    total: workflows.length, queued: statusCount('queued'), running: statusCount('running'),
    succeeded: stats.succeeded, failed: stats.failed, canceled: stats.canceled,
  };
  for (const [name, rows] of Object.entries(expected)) {
    const counter = progress[name as keyof BatchCounters['progress']];
    if (counter !== rows) findings.counters.push({ detail: `progress.${name} is ${counter}, the rows say ${rows}` });
  }
  for (const stage of STAGES) {
    for (const status of ['succeeded', 'failed', 'running'] as const) {
      const rows = workflows.filter((w) => w.stages.find((s) => s.name === stage)?.status === status).length;
      const counter = input.batch.stages[stage][status];
      if (counter !== rows) findings.counters.push({ stage, detail: `stages.${stage}.${status} is ${counter}, the rows say ${rows}` });
    }
  }

  return { findings, stats };
}

export function failedChecks(findings: Findings): number {
  return Object.values(findings).reduce((n, list: Finding[]) => n + list.length, 0);
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function iso(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : 'never';
}
