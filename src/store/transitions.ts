/**
 * The workflow state machine (drawn in model/statuses.ts) applied to a workflow in memory.
 * Every store implementation calls these functions and turns the returned `Delta` into its own
 * writes, so the rules live in one place and a batch's counters always agree with its rows.
 */
import type { NewEvent } from '../model/events.js';
import { STAGES, isFinished, type StageName, type WorkflowStatus } from '../model/statuses.js';
import type { ErrorInfo, StageState } from '../model/types.js';
import type { ClaimedWorkflow, Transition } from './store.js';
import { addSample, type Samples } from './timings.js';

/** How one change moves a batch's counters. Every field is an increment (possibly negative). */
export interface Delta {
  workflows: Record<WorkflowStatus, number>;
  /** Per stage: run counts, and the summed and longest duration of the runs that succeeded. */
  stages: Record<StageName, { running: number; succeeded: number; failed: number; msSum: number; msMax: number | null }>;
  /** Stage runs that became finished (succeeded, failed or skipped), or unfinished again (< 0). */
  finishedRuns: number;
  /** Queue wait of a workflow that started (count +1) or was requeued (count −1). */
  wait: { count: number; sum: number; max: number | null };
  /** Run time of a workflow that finished (count +1) or was requeued (count −1). */
  run: { count: number; sum: number; max: number | null };
  /** Set when a workflow's first stage started now: the batch has started. */
  startedAt: number | null;
  /**
   * The durations themselves (timings.ts): each one the counts above add (+1) or take back (−1),
   * so a backend can keep exact distributions and read percentiles without a workflow scan.
   */
  samples: Samples;
  /** Maxima can't be decremented: true when they must be recomputed (a requeue took values back). */
  recomputeMaxima: boolean;
}

/** What else a change does to the workflow row. */
export interface RowChange {
  /** The final status it reached, with its error, if it finished. */
  finished: { status: WorkflowStatus; error: (ErrorInfo & { stage: StageName }) | null } | null;
  /** Give up the lease (finished, interrupted, waiting for a retry). */
  release: boolean;
  /** Not claimable before this time (retry backoff); null clears it. */
  runAfter: number | null;
}

const noRuns = (): Delta['stages'][StageName] => ({ running: 0, succeeded: 0, failed: 0, msSum: 0, msMax: null });

/** Every transition makes one or two of these: written out as a literal (one object shape), not built from STAGES. */
export function emptyDelta(): Delta {
  const stages: Delta['stages'] = { fetch: noRuns(), process: noRuns(), store: noRuns() };
  return {
    workflows: { queued: 0, running: 0, succeeded: 0, failed: 0, canceled: 0 },
    stages, finishedRuns: 0,
    wait: { count: 0, sum: 0, max: null }, run: { count: 0, sum: 0, max: null },
    samples: [], startedAt: null, recomputeMaxima: false,
  };
}

export function initialStages(): StageState[] {
  return STAGES.map((name) => ({
    name, status: 'pending', attempts: 0, startedAt: null, finishedAt: null, durationMs: null, error: null,
  }));
}

/** The first stage not yet succeeded: where a (resumed) workflow starts. */
export function nextStage(workflow: Pick<ClaimedWorkflow, 'stages'>): StageState | undefined {
  return workflow.stages.find((s) => s.status !== 'succeeded');
}

/** A workflow as the state machine needs it: the claimed form, or a row the store loaded. */
export type WorkflowState = Pick<ClaimedWorkflow, 'id' | 'status' | 'stages' | 'attempts' | 'queuedAt' | 'startedAt' | 'finishedAt'> & {
  output?: unknown;
};

function stageOf(wf: WorkflowState, name: StageName): StageState {
  const stage = wf.stages.find((s) => s.name === name);
  if (!stage) throw new Error(`workflow ${wf.id} has no stage ${name}`);
  return stage;
}

/** Mutates `t.workflow` to its state after the runner's transition `t`. */
export function applyTransition(t: Transition): { delta: Delta; row: RowChange } {
  const wf = t.workflow;
  const stage = stageOf(wf, t.stage);
  const delta = emptyDelta();
  const counts = delta.stages[t.stage];
  const row: RowChange = { finished: null, release: false, runAfter: null };
  switch (t.kind) {
    case 'started': {
      if (wf.status === 'queued') {
        wf.status = 'running';
        wf.startedAt = t.at;
        move(delta, 'queued', 'running');
        addWait(delta, Math.max(0, t.at - wf.queuedAt));
        delta.startedAt = t.at;
      }
      Object.assign(stage, { status: 'running', startedAt: t.at, finishedAt: null, durationMs: null });
      stage.attempts += 1;
      wf.attempts += 1;
      counts.running = 1;
      return { delta, row };
    }
    case 'succeeded': {
      endAttempt(stage, 'succeeded', t.at, null);
      wf.output = t.output;
      counts.running = -1;
      counts.succeeded = 1;
      counts.msSum = stage.durationMs ?? 0;
      counts.msMax = stage.durationMs;
      addSample(delta.samples, t.stage, stage.durationMs ?? 0, 1);
      delta.finishedRuns = 1;
      if (!nextStage(wf)) finish(wf, delta, row, 'succeeded', t.at, null);
      return { delta, row };
    }
    case 'failed': {
      endAttempt(stage, 'failed', t.at, t.error);
      counts.running = -1;
      counts.failed = 1;
      delta.finishedRuns = 1 + skipRest(wf);
      finish(wf, delta, row, 'failed', t.at, { stage: t.stage, ...t.error });
      return { delta, row };
    }
    case 'retrying': {
      // The attempt failed but another is due: the stage waits as `pending`, keeping its error.
      endAttempt(stage, 'pending', t.at, t.error);
      if (t.refund) {
        // The CRM asked every caller of the key to wait: waiting spends no attempt.
        stage.attempts -= 1;
        wf.attempts -= 1;
      }
      counts.running = -1;
      row.release = true;
      row.runAfter = t.retryAt;
      return { delta, row };
    }
    case 'canceled': {
      // The running stage stops where it is; it and every later stage are skipped.
      endAttempt(stage, 'skipped', t.at, { code: 'CANCELED', message: 'canceled while running' });
      counts.running = -1;
      delta.finishedRuns = 1 + skipRest(wf);
      finish(wf, delta, row, 'canceled', t.at, null);
      return { delta, row };
    }
    case 'interrupted': {
      stage.status = 'pending';
      stage.startedAt = null;
      counts.running = -1;
      row.release = true;
      return { delta, row };
    }
  }
}

/**
 * The events transition `t` caused, in the order they happened: its stage's event, the next
 * stage's start when `next` started in the same write, and the workflow's end if it finished.
 * Call it after applyTransition (it reads the state the transition left).
 */
export function transitionEvents(t: Transition, row: RowChange, next: StageName | null): NewEvent[] {
  const wf = t.workflow;
  const ref = { batchId: wf.batchId, workflowId: wf.id, clientId: wf.clientId };
  const stage = stageOf(wf, t.stage);
  const run = { at: t.at, stage: t.stage, attempt: stage.attempts, ...ref };
  const durationMs = stage.durationMs ?? 0;
  const events: NewEvent[] = [];
  switch (t.kind) {
    case 'started':
      events.push({ type: 'stage.started', ...run });
      break;
    case 'succeeded':
      events.push({ type: 'stage.succeeded', ...run, durationMs });
      if (next) events.push({ type: 'stage.started', ...run, stage: next, attempt: stageOf(wf, next).attempts });
      break;
    case 'failed':
      events.push({ type: 'stage.failed', ...run, durationMs, error: t.error });
      break;
    case 'retrying':
      events.push({
        type: 'stage.retrying', ...run, durationMs, error: t.error, delayMs: t.retryAt - t.at, nextAttemptAt: t.retryAt,
      });
      break;
    case 'canceled':
      events.push({ type: 'stage.canceled', ...run });
      break;
    case 'interrupted':
      events.push({ type: 'stage.interrupted', ...run });
      break;
  }
  if (row.finished) events.push(finishedEvent(wf, t.at));
  return events;
}

/**
 * What freeing a leased workflow does to the stage it left running, if any (a dead or stopping
 * owner): the stage is interrupted — its attempt counts and it runs again. Mutates `wf`; null when
 * no stage was running (freeing the lease is all). Every backend's release applies this.
 */
export function interruptRunning(wf: ClaimedWorkflow, at: number): { stage: StageName; delta: Delta; row: RowChange; events: NewEvent[] } | null {
  const running = wf.stages.find((s) => s.status === 'running');
  if (!running) return null;
  const interrupted: Transition = { kind: 'interrupted', workflow: wf, stage: running.name, at };
  const { delta, row } = applyTransition(interrupted);
  return { stage: running.name, delta, row, events: transitionEvents(interrupted, row, null) };
}

/** `workflow.finished` for a workflow that just reached its final status. */
export function finishedEvent(wf: ClaimedWorkflow, at: number): NewEvent {
  return {
    type: 'workflow.finished', at, status: wf.status, batchId: wf.batchId, workflowId: wf.id, clientId: wf.clientId,
    durationMs: wf.startedAt === null ? 0 : Math.max(0, at - wf.startedAt),
  };
}

/** Cancels a workflow that is not running a stage now (queued, or waiting between stages). */
export function applyCancel(wf: WorkflowState, at: number): { delta: Delta; row: RowChange } {
  const delta = emptyDelta();
  const row: RowChange = { finished: null, release: true, runAfter: null };
  delta.finishedRuns = skipRest(wf);
  finish(wf, delta, row, 'canceled', at, null);
  return { delta, row };
}

/**
 * Requeues a failed or canceled workflow: it resumes at its first stage not succeeded; stages
 * that succeeded are not run again and keep their attempts and timings.
 */
export function applyRequeue(wf: WorkflowState, at: number): { delta: Delta; row: RowChange } {
  if (wf.status !== 'failed' && wf.status !== 'canceled') throw new Error(`workflow ${wf.id} is ${wf.status}`);
  const delta = emptyDelta();
  move(delta, wf.status, 'queued');
  for (const stage of wf.stages) {
    if (stage.status === 'succeeded') continue;
    if (stage.status === 'failed') delta.stages[stage.name].failed -= 1;
    if (stage.status === 'failed' || stage.status === 'skipped') delta.finishedRuns -= 1;
    Object.assign(stage, { status: 'pending', startedAt: null, finishedAt: null, durationMs: null, error: null });
  }
  if (wf.startedAt !== null) {
    // Take back exactly what the start and the finish added (clamped at 0 the same way).
    const wait = Math.max(0, wf.startedAt - wf.queuedAt);
    delta.wait = { count: -1, sum: -wait, max: null };
    addSample(delta.samples, 'wait', wait, -1);
    if (wf.finishedAt !== null) {
      const run = Math.max(0, wf.finishedAt - wf.startedAt);
      delta.run = { count: -1, sum: -run, max: null };
      addSample(delta.samples, 'workflow', run, -1);
    }
    delta.recomputeMaxima = true;
  }
  Object.assign(wf, { status: 'queued', queuedAt: at, startedAt: null, finishedAt: null });
  return { delta, row: { finished: null, release: true, runAfter: null } };
}

function endAttempt(stage: StageState, status: StageState['status'], at: number, error: ErrorInfo | null): void {
  stage.status = status;
  stage.finishedAt = at;
  stage.durationMs = Math.max(0, at - (stage.startedAt ?? at));
  stage.error = error;
}

/** Marks every pending stage skipped; returns how many. */
function skipRest(wf: WorkflowState): number {
  let skipped = 0;
  for (const later of wf.stages) {
    if (later.status === 'pending') {
      later.status = 'skipped';
      skipped += 1;
    }
  }
  return skipped;
}

function move(delta: Delta, from: WorkflowStatus, to: WorkflowStatus): void {
  delta.workflows[from] -= 1;
  delta.workflows[to] += 1;
}

function addWait(delta: Delta, ms: number): void {
  delta.wait = { count: 1, sum: ms, max: ms };
  addSample(delta.samples, 'wait', ms, 1);
}

function finish(
  wf: WorkflowState, delta: Delta, row: RowChange, status: WorkflowStatus, at: number,
  error: (ErrorInfo & { stage: StageName }) | null,
): void {
  if (isFinished(wf.status)) throw new Error(`workflow ${wf.id} already finished`);
  move(delta, wf.status, status);
  if (wf.startedAt !== null) {
    const ms = Math.max(0, at - wf.startedAt);
    delta.run = { count: 1, sum: ms, max: ms };
    addSample(delta.samples, 'workflow', ms, 1);
  }
  wf.status = status;
  wf.finishedAt = at;
  row.finished = { status, error };
  row.release = true;
}

/** Adds `d` into `into`: many workflows' changes applied to their batch in one write. */
export function addDelta(into: Delta, d: Delta): Delta {
  for (const s of Object.keys(into.workflows) as WorkflowStatus[]) into.workflows[s] += d.workflows[s];
  for (const s of STAGES) {
    const a = into.stages[s];
    const b = d.stages[s];
    a.running += b.running;
    a.succeeded += b.succeeded;
    a.failed += b.failed;
    a.msSum += b.msSum;
    a.msMax = b.msMax === null ? a.msMax : Math.max(a.msMax ?? b.msMax, b.msMax);
  }
  into.finishedRuns += d.finishedRuns;
  for (const k of ['wait', 'run'] as const) {
    into[k].count += d[k].count;
    into[k].sum += d[k].sum;
    into[k].max = d[k].max === null ? into[k].max : Math.max(into[k].max ?? d[k].max, d[k].max);
  }
  for (const x of d.samples) into.samples.push(x);
  into.startedAt = into.startedAt ?? d.startedAt;
  into.recomputeMaxima ||= d.recomputeMaxima;
  return into;
}
