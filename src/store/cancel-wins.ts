/**
 * Cancel wins. A cancel never waits for a stage and is never lost to a failure racing it:
 * - a workflow not running a stage (queued, claimed but waiting, between stages, waiting out a
 *   retry backoff) is canceled at once;
 * - a workflow running a stage is marked, and the engine running it aborts the stage; it ends
 *   `canceled`;
 * - an attempt that ends as `retrying` or `interrupted` while its cancel is pending is written as
 *   `canceled` in the same commit, so nothing claims the workflow again;
 * - a lease freed (a dead or stopping owner) on a workflow whose cancel is pending cancels it.
 */
import { isFinished } from '../model/statuses.js';
import type { Transition } from './store.js';
import type { WorkflowState } from './transitions.js';

export type CancelAction = 'none' | 'cancel-now' | 'abort-running';

/** What a cancel does to this workflow now. */
export function cancelAction(wf: Pick<WorkflowState, 'status' | 'stages'>): CancelAction {
  if (isFinished(wf.status)) return 'none';
  return wf.stages.some((s) => s.status === 'running') ? 'abort-running' : 'cancel-now';
}

/** The transition to write for `reported` when the workflow's cancel is (or is not) pending. */
export function underCancel(reported: Transition, cancelRequested: boolean): Transition {
  if (!cancelRequested || (reported.kind !== 'retrying' && reported.kind !== 'interrupted')) return reported;
  return { kind: 'canceled', workflow: reported.workflow, stage: reported.stage, at: reported.at };
}
