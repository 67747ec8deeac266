/**
 * The workflow state machine (drawn in model/statuses.ts) applied to a claimed workflow in memory.
 * Every store implementation calls `applyTransition` and turns the returned `Delta` into its own
 * writes, so the rules live in one place and the counters always agree with the rows.
 */
import { STAGES, type StageName, type WorkflowStatus } from '../model/statuses.js';
import type { ErrorInfo, StageState } from '../model/types.js';
import type { ClaimedWorkflow, Transition } from './store.js';

/** How one transition moves a batch's counters. */
export interface Delta {
  stage: StageName;
  /** The workflow's first stage start: it leaves `queued`; value is its queue wait in ms. */
  firstStartWaitMs: number | null;
  stageRunning: -1 | 0 | 1;
  stageSucceededMs: number | null;
  stageFailed: boolean;
  /** Stage runs that became finished (succeeded, failed or skipped). */
  finishedRuns: number;
  /** Set when the workflow reached a final status. */
  finished: { status: WorkflowStatus; durationMs: number; error: (ErrorInfo & { stage: StageName }) | null } | null;
  /** Whether the workflow's lease should be released (it finished or was interrupted). */
  release: boolean;
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

function stageOf(workflow: ClaimedWorkflow, name: StageName): StageState {
  const stage = workflow.stages.find((s) => s.name === name);
  if (!stage) throw new Error(`workflow ${workflow.id} has no stage ${name}`);
  return stage;
}

/** Mutates `t.workflow` to its state after `t` and says what changed. */
export function applyTransition(t: Transition): Delta {
  const wf = t.workflow;
  const stage = stageOf(wf, t.stage);
  const delta: Delta = {
    stage: t.stage, firstStartWaitMs: null, stageRunning: 0, stageSucceededMs: null,
    stageFailed: false, finishedRuns: 0, finished: null, release: false,
  };
  switch (t.kind) {
    case 'started': {
      if (wf.status === 'queued') {
        wf.status = 'running';
        wf.startedAt = t.at;
        delta.firstStartWaitMs = Math.max(0, t.at - wf.queuedAt);
      }
      stage.status = 'running';
      stage.attempts += 1;
      stage.startedAt = t.at;
      stage.finishedAt = null;
      stage.durationMs = null;
      wf.attempts += 1;
      delta.stageRunning = 1;
      return delta;
    }
    case 'succeeded': {
      stage.status = 'succeeded';
      stage.finishedAt = t.at;
      stage.durationMs = Math.max(0, t.at - (stage.startedAt ?? t.at));
      stage.error = null;
      wf.output = t.output;
      delta.stageRunning = -1;
      delta.stageSucceededMs = stage.durationMs;
      delta.finishedRuns = 1;
      if (!nextStage(wf)) finish(wf, delta, 'succeeded', t.at, null);
      return delta;
    }
    case 'failed': {
      stage.status = 'failed';
      stage.finishedAt = t.at;
      stage.durationMs = Math.max(0, t.at - (stage.startedAt ?? t.at));
      stage.error = t.error;
      delta.stageRunning = -1;
      delta.stageFailed = true;
      delta.finishedRuns = 1;
      for (const later of wf.stages) {
        if (later.status === 'pending') {
          later.status = 'skipped';
          delta.finishedRuns += 1;
        }
      }
      finish(wf, delta, 'failed', t.at, { stage: t.stage, ...t.error });
      return delta;
    }
    case 'interrupted': {
      stage.status = 'pending';
      stage.startedAt = null;
      delta.stageRunning = -1;
      delta.release = true;
      return delta;
    }
  }
}

function finish(
  wf: ClaimedWorkflow, delta: Delta, status: WorkflowStatus, at: number,
  error: (ErrorInfo & { stage: StageName }) | null,
): void {
  wf.status = status;
  delta.finished = { status, durationMs: Math.max(0, at - (wf.startedAt ?? at)), error };
  delta.release = true;
}
